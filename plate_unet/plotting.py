"""Matplotlib helpers for the notebooks and reports: a cell shows *what* is
plotted, these functions hold the plumbing. Shared file: add functions, keep
sections, never rewrite others' code."""

from __future__ import annotations
