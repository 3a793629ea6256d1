"""Checks every reader shares: image files, names, corners; problems collected.

A reader hands each item's problems to :class:`Problems`, which either raises them
together as one :class:`~plate_unet.errors.AnnotationError` (``on_error="raise"``)
or logs one warning per item and a summary count (``on_error="skip"``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from PIL import Image, UnidentifiedImageError

from plate_unet.data.records import Sample, as_plate, polygon_area
from plate_unet.errors import AnnotationError

log = logging.getLogger("plate_unet.data.readers")

#: What a reader does with a bad row or file: stop at once, or log it and go on.
OnError = Literal["raise", "skip"]

TOLERANCE_PX = 2.0  # corners this far outside the image are clipped, not rejected
MIN_PLATE_AREA = 1.0  # px²; smaller polygons are "zero-area"
_MAX_LISTED = 25


class Problems:
    """Collects per-item problems; raises them together or logs and skips them.

    Args:
        source: The annotation file or folder (named in messages).
        on_error: ``"raise"`` or ``"skip"``.

    Raises:
        ValueError: On another ``on_error``.

    Example:
        >>> from pathlib import Path
        >>> from plate_unet.data.validate import Problems
        >>> problems = Problems(Path("labels.csv"), "skip")
        >>> problems.add("labels.csv line 3 (a.jpg)", "image not found")
        >>> problems.finish([], total=1)
        []
    """

    def __init__(self, source: Path, on_error: OnError) -> None:
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        self.source, self.on_error = source, on_error
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Records a problem at ``where`` (logged at once when skipping)."""
        self.items.append(f"{where}: {message}")
        if self.on_error == "skip":
            log.warning("skipping %s: %s", where, message)

    def finish(self, samples: list[Sample], total: int) -> list[Sample]:
        """Raises every problem at once, or logs the skip count; returns samples."""
        if not self.items:
            return samples
        if self.on_error == "raise":
            shown = self.items[:_MAX_LISTED]
            more = len(self.items) - len(shown)
            lines = "\n  ".join(shown) + (f"\n  ... and {more} more" if more else "")
            raise AnnotationError(
                f"{len(self.items)} problem(s) in {self.source} "
                f"(pass on_error='skip' to leave those images out):\n  {lines}"
            )
        log.warning(
            "%s: skipped %d of %d image(s) with problems; kept %d",
            self.source,
            total - len(samples),
            total,
            len(samples),
        )
        return samples


def resolve_image(root: Path, name: str) -> Path:
    """Joins an annotated image name to its folder, refusing names that escape it.

    Args:
        root: The data folder the names are relative to.
        name: A relative file name such as ``0001.jpg`` or ``images/0001.jpg``.

    Returns:
        ``root / name``, normalised.

    Raises:
        AnnotationError: If the name is empty, absolute, or leaves ``root``
            (for example ``../x.jpg``).

    Example:
        >>> from pathlib import Path
        >>> from plate_unet.data.validate import resolve_image
        >>> resolve_image(Path("data"), "a/b.jpg").as_posix()
        'data/a/b.jpg'
    """
    if not name.strip():
        raise AnnotationError("empty image name")
    if os.path.isabs(name) or name.startswith(("/", "\\")) or Path(name).drive:
        raise AnnotationError(
            f"image name {name!r} is an absolute path; use a name relative to {root}"
        )
    full = Path(os.path.normpath(root / name))
    base = Path(os.path.normpath(root))
    if full != base and base not in full.parents:
        raise AnnotationError(f"image name {name!r} escapes the data folder {root}")
    return full


def image_size(path: Path) -> tuple[int, int]:
    """Returns ``(height, width)`` of an image, checking it is readable and whole.

    Reads only the header, plus the end of JPEG/PNG files to spot truncation (a
    full decode is tried only when the end marker is missing).

    Args:
        path: Image file.

    Returns:
        ``(height, width)`` in pixels.

    Raises:
        AnnotationError: If the file is missing, not an image, or truncated.

    Example:
        >>> from pathlib import Path
        >>> from plate_unet.data import image_size
        >>> image_size(Path("data/sample/images/00000.jpg"))
        (580, 360)
    """
    if not path.is_file():
        raise AnnotationError(f"image not found: {path}")
    try:
        with Image.open(path) as img:
            size = img.size
            fmt = img.format
            if not _has_end_marker(path, fmt):
                img.load()  # raises OSError on a truncated file
    except UnidentifiedImageError:
        raise AnnotationError(f"not a readable image: {path}") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise AnnotationError(f"unreadable or truncated image {path}: {exc}") from None
    return int(size[1]), int(size[0])


def _has_end_marker(path: Path, fmt: str | None) -> bool:
    markers = {"JPEG": b"\xff\xd9", "MPO": b"\xff\xd9", "PNG": b"IEND"}
    if fmt not in markers:
        return False
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 64))
        tail = f.read().rstrip(b"\x00\r\n ")
    return markers[fmt] in tail[-16:]


def check_plate(
    plate: ArrayLike, height: int, width: int, tolerance: float = TOLERANCE_PX
) -> np.ndarray:
    """Validates one plate against its image: inside it, and not zero-area.

    Args:
        plate: ``(4, 2)`` corners.
        height: Image height in pixels.
        width: Image width in pixels.
        tolerance: Corners at most this many pixels outside are clipped.

    Returns:
        The (clipped) float32 ``(4, 2)`` plate.

    Raises:
        AnnotationError: If a corner lies farther outside, or the area is < 1 px².

    Example:
        >>> from plate_unet.data.validate import check_plate
        >>> check_plate([[-1, 0], [9, 0], [9, 4], [0, 4]], 10, 10)[0].tolist()
        [0.0, 0.0]
    """
    p = as_plate(plate)
    lo = np.array([0.0, 0.0], np.float32)
    hi = np.array([width - 1, height - 1], np.float32)
    outside = np.maximum(lo - p, p - hi).max()
    if outside > tolerance:
        bad = p[np.argmax(np.maximum(lo - p, p - hi).max(axis=1))]
        raise AnnotationError(
            f"corner ({bad[0]:g}, {bad[1]:g}) lies {outside:.1f} px outside the "
            f"{height}×{width} (H×W) image (tolerance {tolerance:g} px)"
        )
    p = np.clip(p, lo, hi)
    if polygon_area(p) < MIN_PLATE_AREA:
        raise AnnotationError(f"zero-area polygon {p.tolist()}")
    return p


def make_sample(
    path: Path,
    plates: Iterable,
    size: tuple[int, int] | None = None,
    texts: Iterable[str] = (),
) -> Sample:
    """Checks the image and plates; returns a Sample (raises AnnotationError).

    ``size`` is the ``(height, width)`` the annotation gives, when it gives one;
    ``texts`` the plates' texts, when it gives them (one per plate).
    """
    height, width = image_size(path)
    if size is not None and tuple(size) != (height, width):
        raise AnnotationError(
            f"annotated size {size[0]}×{size[1]} (H×W) differs from the image's "
            f"{height}×{width} (H×W)"
        )
    checked = tuple(check_plate(p, height, width) for p in plates)
    return Sample(path, checked, width=width, height=height, texts=tuple(texts))
