"""The one record type every reader returns, and corner-order helpers.

A :class:`Sample` is an image path and its plates. Each plate is a float32 array of
shape ``(4, 2)`` holding ``(x, y)`` pixel coordinates of the corners in the order
top-left, top-right, bottom-right, bottom-left (TL, TR, BR, BL), in the pixels of
the original image (integer coordinates are pixel centres, as in OpenCV).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

CORNER_ORDER = ("TL", "TR", "BR", "BL")
#: The reference's corner order (its CSV columns and CCPD file names).
REFERENCE_CORNER_ORDER = ("BR", "BL", "TL", "TR")
# Where each of our corners stands in the reference's order. The swap is its
# own inverse (TL, TR <-> BR, BL), so it converts both ways.
_SWAP = [REFERENCE_CORNER_ORDER.index(c) for c in CORNER_ORDER]


def from_reference_order(corners: ArrayLike) -> np.ndarray:
    """Corners in :data:`REFERENCE_CORNER_ORDER` (BR, BL, TL, TR) → TL, TR, BR, BL.

    Example:
        >>> from plate_unet.data.records import from_reference_order
        >>> from_reference_order([[9, 9], [0, 9], [0, 0], [9, 0]]).tolist()
        [[0.0, 0.0], [9.0, 0.0], [9.0, 9.0], [0.0, 9.0]]
    """
    return as_plate(corners)[_SWAP]


def to_reference_order(plate: ArrayLike) -> np.ndarray:
    """Corners TL, TR, BR, BL → :data:`REFERENCE_CORNER_ORDER` (BR, BL, TL, TR).

    Example:
        >>> from plate_unet.data.records import to_reference_order
        >>> to_reference_order([[0, 0], [9, 0], [9, 9], [0, 9]]).tolist()
        [[9.0, 9.0], [0.0, 9.0], [0.0, 0.0], [9.0, 0.0]]
    """
    return as_plate(plate)[_SWAP]


def as_plate(points: ArrayLike) -> np.ndarray:
    """Returns ``points`` as a float32 ``(4, 2)`` array, checking the shape.

    Args:
        points: Anything array-like with 8 numbers: ``[[x, y], ...]`` or flat.

    Returns:
        A new float32 array of shape ``(4, 2)``.

    Raises:
        ValueError: If there are not exactly 4 finite ``(x, y)`` points.

    Example:
        >>> from plate_unet.data import as_plate
        >>> as_plate([0, 0, 10, 0, 10, 5, 0, 5]).shape
        (4, 2)
    """
    arr = np.asarray(points, dtype=np.float32)
    if arr.size != 8:
        raise ValueError(f"a plate needs 4 (x, y) corners, got shape {arr.shape}")
    arr = arr.reshape(4, 2).copy()
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"plate corners must be finite numbers, got {arr.tolist()}")
    return arr


def polygon_area(plate: np.ndarray) -> float:
    """Returns the absolute area of a polygon (shoelace formula), in pixels².

    Args:
        plate: ``(N, 2)`` polygon vertices.

    Returns:
        The enclosed area (0.0 for a degenerate polygon).

    Example:
        >>> from plate_unet.data.records import polygon_area
        >>> polygon_area(np.array([[0, 0], [4, 0], [4, 2], [0, 2]]))
        8.0
    """
    p = np.asarray(plate, dtype=np.float64)
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def order_corners(points: ArrayLike) -> np.ndarray:
    """Orders four corners top-left, top-right, bottom-right, bottom-left.

    The corners are sorted clockwise (as seen on screen, y pointing down) around
    their centre. For a wide quad (one pair of opposite sides at least 1.25×
    longer than the other, as every plate), the top edge is the higher of the
    two long sides, so a plate keeps its top edge on top at any tilt below 90°
    and under strong perspective. For a squarish quad, the top edge is the edge
    that points most nearly to the right (tilts below 45°).

    Args:
        points: Four ``(x, y)`` corners in any order, shape ``(4, 2)``.

    Returns:
        float32 ``(4, 2)`` corners TL, TR, BR, BL.

    Raises:
        ValueError: If ``points`` is not four finite ``(x, y)`` pairs.

    Example:
        >>> from plate_unet.data import order_corners
        >>> order_corners([[10, 5], [0, 0], [0, 5], [10, 0]]).tolist()
        [[0.0, 0.0], [10.0, 0.0], [10.0, 5.0], [0.0, 5.0]]
    """
    quad = as_plate(points)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles, kind="stable")]  # clockwise on screen
    edges = np.roll(quad, -1, axis=0) - quad
    lengths = np.maximum(np.linalg.norm(edges, axis=1), 1e-9)
    pair_a, pair_b = lengths[0] + lengths[2], lengths[1] + lengths[3]
    if max(pair_a, pair_b) >= 1.25 * min(pair_a, pair_b):
        long_sides = (0, 2) if pair_a > pair_b else (1, 3)
        mid_y = (quad[:, 1] + np.roll(quad, -1, axis=0)[:, 1]) / 2
        start = min(long_sides, key=lambda i: mid_y[i])  # the higher long side
    else:
        start = int(np.argmax(edges[:, 0] / lengths))  # the edge pointing right
    return np.roll(quad, -start, axis=0).astype(np.float32)


@dataclass(frozen=True, eq=False)
class Sample:
    """One image and the plates in it.

    Attributes:
        image_path: Path of the image file.
        plates: Tuple of float32 ``(4, 2)`` arrays, corners TL, TR, BR, BL in the
            original image's pixels. Empty for an image with no plate.
        height: Image height in pixels, when known (keyword only).
        width: Image width in pixels, when known (keyword only).
        texts: Each plate's registration, in the order of ``plates``, where the
            annotation tells it (keyword only): ``()`` when it tells none, and
            ``""`` for a plate whose text is unknown.

    Its text form gives the size as height × width and says so
    (``580×360 (H×W)``), like every size this package prints.

    Example:
        >>> from pathlib import Path
        >>> from plate_unet.data import Sample
        >>> s = Sample(Path("a.jpg"), (np.zeros((4, 2)),), height=1160, width=720)
        >>> s.plates[0].dtype
        dtype('float32')
    """

    image_path: Path
    plates: tuple[np.ndarray, ...] = field(default=())
    height: int | None = field(default=None, kw_only=True)
    width: int | None = field(default=None, kw_only=True)
    texts: tuple[str, ...] = field(default=(), kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "image_path", Path(self.image_path))
        object.__setattr__(self, "plates", tuple(as_plate(p) for p in self.plates))
        texts = tuple(str(t) for t in self.texts)
        if texts and len(texts) != len(self.plates):
            raise ValueError(
                f"{self.image_path.name}: {len(texts)} text(s) for "
                f"{len(self.plates)} plate(s); give one text per plate, or none"
            )
        object.__setattr__(self, "texts", texts)
        for p in self.plates:
            p.setflags(write=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sample):
            return NotImplemented
        return (
            self.image_path == other.image_path
            and self.width == other.width
            and self.height == other.height
            and self.texts == other.texts
            and len(self.plates) == len(other.plates)
            and all(
                np.array_equal(a, b)
                for a, b in zip(self.plates, other.plates, strict=True)
            )
        )

    def __hash__(self) -> int:
        return hash((self.image_path, len(self.plates), self.width, self.height))

    def __repr__(self) -> str:
        size = f", {self.height}×{self.width} (H×W)" if self.width else ""
        return f"Sample({str(self.image_path)!r}, {len(self.plates)} plate(s){size})"

    @property
    def name(self) -> str:
        """The image file name (no folder)."""
        return self.image_path.name
