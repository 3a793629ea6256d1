"""ipywidgets apps for the notebooks; their callbacks are plain functions with
unit tests that drive them."""

from __future__ import annotations
