"""Project error classes: every message names the bad file, row or value."""

from __future__ import annotations


class PlateUnetError(Exception):
    """Base class for errors this package raises on bad input."""


class AnnotationError(PlateUnetError, ValueError):
    """An annotation file, row or image cannot be used (message says which)."""


class ModelFileError(PlateUnetError, ValueError):
    """A model file is missing, corrupt, or of another architecture."""
