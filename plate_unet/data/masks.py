"""Plates ↔ masks: fill polygons, letterbox to the model size and back, and guard.

The reference cropped 720×1160 photos to 704×1152 and its polygon fill was commented
out, so it trained on all-zero masks. :func:`check_masks` (run by
:func:`plate_unet.data.pipeline.make_dataset`) makes that impossible: every
annotated plate must cover at least one pixel at the model size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from plate_unet.data.records import Sample, as_plate, polygon_area
from plate_unet.errors import AnnotationError

log = logging.getLogger(__name__)

MIN_MODEL_AREA = 1.0  # px² at the model size; a smaller plate is an error


def _bbox(p: np.ndarray, height: int, width: int) -> tuple[int, int, int, int]:
    x0 = int(np.clip(np.floor(p[:, 0].min()) - 1, 0, width))
    y0 = int(np.clip(np.floor(p[:, 1].min()) - 1, 0, height))
    x1 = int(np.clip(np.ceil(p[:, 0].max()) + 2, 0, width))
    y1 = int(np.clip(np.ceil(p[:, 1].max()) + 2, 0, height))
    return x0, y0, x1, y1


def _fill_one(p: np.ndarray, height: int, width: int) -> np.ndarray:
    """Pixel-centre fill of one polygon (even-odd crossing rule, vectorised)."""
    px = np.arange(width, dtype=np.float64)[None, :]
    py = np.arange(height, dtype=np.float64)[:, None]
    inside = np.zeros((height, width), bool)
    for (x1, y1), (x2, y2) in zip(p, np.roll(p, -1, axis=0), strict=True):
        if y1 == y2:
            continue  # a horizontal edge crosses no horizontal ray
        spans = (y1 > py) != (y2 > py)  # (height, 1): rows this edge crosses
        x_cross = x1 + (py - y1) * ((x2 - x1) / (y2 - y1))
        inside ^= spans & (px < x_cross)
    return inside.astype(np.uint8)


def rasterize(plates: Iterable, height: int, width: int) -> np.ndarray:
    """Fills each plate polygon into a ``(height, width)`` uint8 mask of {0, 1}.

    Corners are pixel coordinates with integer values at pixel centres. A pixel
    is set when its centre lies inside the polygon (ties on an edge go to the
    top/left pixel, so the mask has the polygon's area). The test runs in numpy
    inside each polygon's bounding box. (A plain ``cv2.fillPoly`` also sets every
    pixel the outline touches, a 0.7 px fringe all round: +10 % area on a
    60×17 px plate.)

    Args:
        plates: ``(4, 2)`` (or ``(N, 2)``) corner arrays, ``(x, y)`` in pixels.
        height: Mask height.
        width: Mask width.

    Returns:
        uint8 array ``(height, width)``: 1 inside a plate, 0 elsewhere.

    Example:
        >>> from plate_unet.data import rasterize
        >>> rasterize([[[1, 1], [4, 1], [4, 3], [1, 3]]], 5, 6).sum()
        np.uint64(6)
    """
    mask = np.zeros((int(height), int(width)), np.uint8)
    for plate in plates:
        p = np.asarray(plate, np.float64).reshape(-1, 2)
        x0, y0, x1, y1 = _bbox(p, mask.shape[0], mask.shape[1])
        if x1 > x0 and y1 > y0:
            mask[y0:y1, x0:x1] |= _fill_one(p - (x0, y0), y1 - y0, x1 - x0)
    return mask


def plate_pixel_count(plate, height: int, width: int) -> int:
    """Counts the mask pixels one plate fills in a ``height × width`` image.

    Rasterises only the plate's bounding box, so it is cheap for large images.

    Args:
        plate: ``(4, 2)`` corners in pixels.
        height: Image height.
        width: Image width.

    Returns:
        The number of pixels :func:`rasterize` sets for this plate.

    Example:
        >>> from plate_unet.data.masks import plate_pixel_count
        >>> plate_pixel_count([[1, 1], [4, 1], [4, 3], [1, 3]], 5, 6)
        6
    """
    p = np.asarray(plate, np.float64).reshape(-1, 2)
    x0, y0, x1, y1 = _bbox(p, int(height), int(width))
    if x1 <= x0 or y1 <= y0:
        return 0
    return int(rasterize([p - (x0, y0)], y1 - y0, x1 - x0).sum())


@dataclass(frozen=True)
class Letterbox:
    """Aspect-preserving resize + centred zero padding from one size to another.

    Points use pixel-centre coordinates, matching ``cv2.resize`` and
    ``tf.image.resize`` (half-pixel centres), so a transformed plate lies on the
    resized image exactly.

    Attributes:
        src_h: Original height.
        src_w: Original width.
        dst_h: Model input height.
        dst_w: Model input width.

    Example:
        >>> from plate_unet.data import Letterbox
        >>> lb = Letterbox(1160, 720, 1152, 704)
        >>> lb.new_h, lb.new_w, lb.pad_y, lb.pad_x
        (1134, 704, 9, 0)
    """

    src_h: int
    src_w: int
    dst_h: int
    dst_w: int

    def __post_init__(self) -> None:
        for name in ("src_h", "src_w", "dst_h", "dst_w"):
            value = getattr(self, name)
            if int(value) != value or value <= 0:
                raise ValueError(
                    f"Letterbox {name} must be a positive int, got {value}"
                )
            object.__setattr__(self, name, int(value))

    @property
    def scale(self) -> float:
        """Resize factor (the same on both axes up to rounding)."""
        return min(self.dst_h / self.src_h, self.dst_w / self.src_w)

    @property
    def new_h(self) -> int:
        """Height of the resized image inside the padding."""
        return max(1, min(self.dst_h, round(self.src_h * self.scale)))

    @property
    def new_w(self) -> int:
        """Width of the resized image inside the padding."""
        return max(1, min(self.dst_w, round(self.src_w * self.scale)))

    @property
    def pad_y(self) -> int:
        """Rows of padding above the image."""
        return (self.dst_h - self.new_h) // 2

    @property
    def pad_x(self) -> int:
        """Columns of padding left of the image."""
        return (self.dst_w - self.new_w) // 2

    def _affine(self) -> tuple[np.ndarray, np.ndarray]:
        s = np.array([self.new_w / self.src_w, self.new_h / self.src_h])
        return s, np.array([self.pad_x, self.pad_y]) + 0.5 * s - 0.5

    def forward(self, points) -> np.ndarray:
        """Maps ``(..., 2)`` points from original to model pixels.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(100, 200, 100, 100).forward([[0, 0]]).round(2).tolist()
            [[-0.25, 24.75]]
        """
        s, t = self._affine()
        return (np.asarray(points, np.float64) * s + t).astype(np.float32)

    def inverse(self, points) -> np.ndarray:
        """Maps ``(..., 2)`` points from model to original pixels.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> lb = Letterbox(100, 200, 100, 100)
            >>> lb.inverse(lb.forward([[3, 7]])).round(3).tolist()
            [[3.0, 7.0]]
        """
        s, t = self._affine()
        return ((np.asarray(points, np.float64) - t) / s).astype(np.float32)

    def apply(self, image: np.ndarray, interpolation: int | None = None) -> np.ndarray:
        """Resizes and pads an ``(H, W)`` or ``(H, W, C)`` image to the model size.

        Args:
            image: Original-size image.
            interpolation: cv2 flag (default: area when shrinking below 2/3,
                else linear, which is 9x faster for the usual mild resize).

        Returns:
            ``(dst_h, dst_w[, C])`` image of the same dtype, padding = 0.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(4, 8, 8, 8).apply(np.ones((4, 8), np.uint8)).sum()
            np.uint64(32)
        """
        if image.shape[:2] != (self.src_h, self.src_w):
            raise ValueError(
                f"image is {image.shape[1]}x{image.shape[0]}, Letterbox expects "
                f"{self.src_w}x{self.src_h}"
            )
        if interpolation is None:
            interpolation = cv2.INTER_AREA if self.scale < 2 / 3 else cv2.INTER_LINEAR
        resized = cv2.resize(
            image, (self.new_w, self.new_h), interpolation=interpolation
        )
        if image.ndim == 3 and resized.ndim == 2:
            resized = resized[..., None]
        out = np.zeros((self.dst_h, self.dst_w) + image.shape[2:], image.dtype)
        out[
            self.pad_y : self.pad_y + self.new_h, self.pad_x : self.pad_x + self.new_w
        ] = resized
        return out

    def invert_mask(self, mask: np.ndarray) -> np.ndarray:
        """Maps a model-size mask or probability map back to the original size.

        Integer/bool masks use nearest-neighbour, float maps bilinear resizing.

        Args:
            mask: ``(dst_h, dst_w)`` or ``(dst_h, dst_w, 1)`` map.

        Returns:
            ``(src_h, src_w)`` map of the same dtype.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(4, 8, 8, 8).invert_mask(np.ones((8, 8), np.float32)).shape
            (4, 8)
        """
        m = np.asarray(mask)
        if m.ndim == 3 and m.shape[-1] == 1:
            m = m[..., 0]
        if m.shape != (self.dst_h, self.dst_w):
            raise ValueError(
                f"mask shape {m.shape} is not the model size ({self.dst_h}, "
                f"{self.dst_w})"
            )
        crop = m[
            self.pad_y : self.pad_y + self.new_h, self.pad_x : self.pad_x + self.new_w
        ]
        dtype = m.dtype
        is_float = np.issubdtype(dtype, np.floating)
        work = crop.astype(np.float32 if is_float else np.uint8)
        flag = cv2.INTER_LINEAR if is_float else cv2.INTER_NEAREST
        out = cv2.resize(work, (self.src_w, self.src_h), interpolation=flag)
        return out.astype(dtype)


def letterbox_plates(sample: Sample, height: int, width: int) -> list[np.ndarray]:
    """Returns a sample's plates in model pixels (letterboxed to ``height × width``).

    Args:
        sample: A sample with ``width``/``height`` set (readers set them).
        height: Model input height.
        width: Model input width.

    Returns:
        float32 ``(4, 2)`` arrays in model pixels.

    Raises:
        ValueError: If the sample's image size is unknown.

    Example:
        >>> from plate_unet.data import letterbox_plates, load_annotations
        >>> samples = load_annotations("data/sample")
        >>> samples[0].height, samples[0].width, len(samples[0].plates)
        (580, 360, 1)
        >>> quads = letterbox_plates(samples[0], 1152, 704)  # scale 704 / 360
        >>> quads[0].dtype, quads[0].astype(float).round(1).tolist()
        (dtype('float32'),
         [[95.7, 642.8], [328.8, 655.7], [325.1, 729.8], [91.8, 717.2]])
    """
    if not sample.width or not sample.height:
        raise ValueError(f"{sample.image_path}: image size unknown; use a reader")
    lb = Letterbox(sample.height, sample.width, height, width)
    return [lb.forward(as_plate(p)) for p in sample.plates]


def check_masks(samples: Sequence[Sample], height: int, width: int) -> None:
    """Fails loudly when an annotated plate would give an empty mask.

    For each plate, letterboxed to ``height × width``, checks its area (at least
    ``MIN_MODEL_AREA`` px²) and counts the pixels :func:`rasterize` fills. This
    is the guard against the reference's bug (a training set of all-zero masks).

    Args:
        samples: Samples to be fed to the model.
        height: Model input height.
        width: Model input width.

    Raises:
        AnnotationError: Naming every file with a plate that rasterises to zero
            pixels, and saying so when every mask of an annotated set is empty.

    Example:
        >>> from plate_unet.data import check_masks, load_annotations
        >>> samples = load_annotations("data/sample")
        >>> check_masks(samples, 1152, 704)  # every plate fills pixels: no error
        >>> check_masks(samples[:2], 8, 5)
        Traceback (most recent call last):
        ...
        plate_unet.errors.AnnotationError: every one of the 3 annotated plates gives
        an EMPTY mask at 5x8: the model would learn to predict nothing: ...
    """
    empty, n_plates = [], 0
    for s in samples:
        for k, plate in enumerate(letterbox_plates(s, height, width)):
            n_plates += 1
            too_small = polygon_area(plate) < MIN_MODEL_AREA
            if too_small or plate_pixel_count(plate, height, width) == 0:
                corners = np.round(plate.astype(np.float64), 1).tolist()
                empty.append(f"{s.image_path} plate {k + 1} ({corners})")
    if not empty:
        return
    head = (
        f"every one of the {n_plates} annotated plates gives an EMPTY mask at "
        f"{width}x{height}: the model would learn to predict nothing"
        if len(empty) == n_plates
        else f"{len(empty)} of {n_plates} plates rasterise to nothing at "
        f"{width}x{height} (area < {MIN_MODEL_AREA:g} px² after letterboxing, or "
        "outside the image)"
    )
    shown = "\n  ".join(empty[:20]) + (
        f"\n  ... and {len(empty) - 20} more" if len(empty) > 20 else ""
    )
    raise AnnotationError(f"{head}:\n  {shown}")
