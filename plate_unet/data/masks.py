"""Plates ↔ masks: fill polygons into masks, and guard against empty ones.

The reference cropped 720×1160 photos to 704×1152 and its polygon fill was commented
out, so it trained on all-zero masks. :func:`check_masks` (run by
:func:`plate_unet.data.pipeline.make_dataset`) makes that impossible: every
annotated plate must cover at least one pixel at the model size.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.letterbox import letterbox_plates
from plate_unet.data.records import Sample, polygon_area
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


def plate_pixel_count(plate: ArrayLike, height: int, width: int) -> int:
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


def _fills_pixels(plate: np.ndarray, height: int, width: int) -> bool:
    return bool(
        polygon_area(plate) >= MIN_MODEL_AREA
        and plate_pixel_count(plate, height, width) > 0
    )


def drop_vanishing_plates(
    samples: Sequence[Sample], height: int, width: int
) -> tuple[list[Sample], int]:
    """Leaves out the plates that fill no mask pixel at ``height × width``.

    For synthetic sets, whose far plates are legitimately smaller than a pixel
    at a small model's size; real annotations go through :func:`check_masks`.

    Returns:
        ``(samples, dropped)``: the samples with only plates that fill pixels,
        and how many plates were left out.

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.data.masks import drop_vanishing_plates
        >>> samples = load_annotations("data/sample")
        >>> kept, dropped = drop_vanishing_plates(samples, 8, 5)  # 8×5 pixels
        >>> len(kept) == len(samples), dropped, sum(len(s.plates) for s in kept)
        (True, 46, 4)
    """
    out, dropped = [], 0
    for s in samples:
        boxed = letterbox_plates(s, height, width)
        kept = [
            k for k, b in enumerate(boxed) if _fills_pixels(b, height, width)
        ]  # fmt: skip
        dropped += len(s.plates) - len(kept)
        if len(kept) < len(s.plates):
            s = dataclasses.replace(
                s,
                plates=tuple(s.plates[k] for k in kept),
                texts=tuple(s.texts[k] for k in kept) if s.texts else (),
            )
        out.append(s)
    return out, dropped


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
        >>> check_masks(samples[:3], 8, 5)
        Traceback (most recent call last):
        ...
        plate_unet.errors.AnnotationError: every one of the 2 annotated plates gives
        an EMPTY mask at 8×5 (H×W): the model would learn to predict nothing: ...
    """
    empty, n_plates = [], 0
    for s in samples:
        for k, plate in enumerate(letterbox_plates(s, height, width)):
            n_plates += 1
            if not _fills_pixels(plate, height, width):
                corners = np.round(plate.astype(np.float64), 1).tolist()
                empty.append(f"{s.image_path} plate {k + 1} ({corners})")
    if not empty:
        return
    head = (
        f"every one of the {n_plates} annotated plates gives an EMPTY mask at "
        f"{height}×{width} (H×W): the model would learn to predict nothing"
        if len(empty) == n_plates
        else f"{len(empty)} of {n_plates} plates rasterise to nothing at "
        f"{height}×{width} (H×W) (area < {MIN_MODEL_AREA:g} px² after letterboxing, or "
        "outside the image)"
    )
    shown = "\n  ".join(empty[:20]) + (
        f"\n  ... and {len(empty) - 20} more" if len(empty) > 20 else ""
    )
    raise AnnotationError(f"{head}:\n  {shown}")
