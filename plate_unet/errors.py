"""Project error classes: every message names the bad file, row or value."""

from __future__ import annotations


class PlateUnetError(Exception):
    """Base class for errors this package raises on bad input."""


class AnnotationError(PlateUnetError, ValueError):
    """An annotation file, row or image cannot be used (message says which)."""


class ModelFileError(PlateUnetError, ValueError):
    """A model file is missing, corrupt, or of another architecture."""


class ImageReadError(PlateUnetError):
    """An image file is missing or cannot be decoded.

    Attributes:
        source: The file (or upload) named in the message.
        reason: Why, without the name: ``"file not found"``, ...
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = str(source), reason


class UsageError(PlateUnetError, ValueError):
    """A value or option that cannot be used (the message says what would be valid)."""


class DataPathError(PlateUnetError, FileNotFoundError):
    """A file or folder the user named does not exist (the message names it)."""
