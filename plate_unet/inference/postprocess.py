"""Plate geometry: probability map → plates → ordered quadrilaterals → flat crops.

A U-Net gives a probability per pixel. To turn it into plates you

1. threshold it and split the foreground into connected components (one per plate);
   given a lower threshold ``grow`` (off by default, :data:`GROW`), each grows
   into the pixels around it above it (hysteresis, as in Canny's edge
   detector): a plate's plain margins are less certain than its characters,
   and a mask of the characters alone gives a box too small to hold the plate;
2. drop components smaller than ``min_area`` (specks of noise);
3. fit a quadrilateral to each component with
   :func:`plate_unet.data.quads.fit_quad`, the same fitter the image + mask
   reader uses: the quad whose filled pixels match the component best, so
   corners land within a fraction of a pixel;
4. take its corners (top-left, top-right, bottom-right, bottom-left), its
   axis-aligned box, and the mean probability inside the component as the
   score;
5. map everything back to the original image's pixels with the data
   :class:`~plate_unet.data.letterbox.Letterbox` the image was resized with.

:func:`rectify` then warps a plate to a flat rectangle (80×240, height × width,
by default), and
:func:`quad_iou` / :func:`box_iou` measure how well two plates overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.quads import fit_quad, mask_components
from plate_unet.data.quads import rectify as _rectify

if TYPE_CHECKING:
    from plate_unet.data.letterbox import Letterbox

#: Default smallest plate, as a fraction of the probability map's pixels.
MIN_AREA_FRACTION = 5e-4

#: The lower threshold a region grows into (see :func:`find_plates`), or
#: ``None``: chosen by ``benchmarks/tune_postprocess.py`` on synthetic validation
#: scenes (the best F1 at box IoU 0.7, whole plates), never on real photos. For
#: the committed checkpoint no value gains the 0.02 F1 that
#: :func:`~plate_unet.inference.tuning.choose_grow` asks for (0.4: 0.537 against
#: 0.525), so regions do not grow by default.
GROW: float | None = None


@dataclass(frozen=True)
class PlateShape:
    """What a region must look like to count as a plate; the defaults keep all.

    Attributes:
        min_score: Smallest mean probability over the region.
        min_fill: Smallest share of the fitted quadrilateral that the region
            fills (a plate is a solid quadrilateral; leaves, text and shadows
            are ragged).
        min_aspect: Smallest width / height of the quadrilateral, which is its
            long over its short side (corners are ordered so that a wide
            quadrilateral's top edge is a long side): plates are 2-5 times as
            wide as tall, a square sign or a wheel is not.
        max_aspect: Largest width / height (a bumper strip or a kerb is longer).
        min_size: Smallest quadrilateral area, as a share of the image's.
        max_size: Largest quadrilateral area, as a share of the image's.

    Example:
        >>> from plate_unet.inference import Plate
        >>> from plate_unet.inference.postprocess import PlateShape
        >>> PlateShape(min_fill=0.6).keeps(Plate(np.zeros((4, 2)), (0, 0, 0, 0),
        ...                                      0.9, fill=0.5))
        False
    """

    min_score: float = 0.0
    min_fill: float = 0.0
    min_aspect: float = 0.0
    max_aspect: float = float("inf")
    min_size: float = 0.0
    max_size: float = 1.0

    def keeps(self, plate: Plate) -> bool:
        """True when ``plate`` passes every test."""
        return (
            plate.score >= self.min_score
            and plate.fill >= self.min_fill
            and self.min_aspect <= plate.aspect <= self.max_aspect
            and self.min_size <= plate.size <= self.max_size
        )


#: The regions :func:`~plate_unet.inference.image.predict_image` keeps by
#: default: chosen by ``benchmarks/tune_postprocess.py`` for the committed
#: checkpoint, the best F1 on 400 synthetic validation scenes (0.702 → 0.732);
#: never on real photos. Re-run it when the checkpoint changes. Since the
#: generator draws square and two-row plates, no aspect limit scores better
#: there (the previous checkpoint's filter also asked for 1.3 to 7).
PLAUSIBLE = PlateShape(min_score=0.9)


@dataclass
class Plate:
    """One plate found in an image.

    Attributes:
        quad: float32 ``(4, 2)`` corners ``(x, y)`` in the order top-left,
            top-right, bottom-right, bottom-left.
        box: Axis-aligned box ``(x0, y0, x1, y1)`` around ``quad``.
        score: Mean predicted probability over the plate's pixels, in [0, 1].
        area: Pixels of the connected component in the probability map.
        fill: Share of the quadrilateral (in map pixels) that the component fills.
        aspect: Width / height of the quadrilateral in the image (its top and
            bottom sides over its left and right sides: long over short).
        size: Area of the quadrilateral as a share of the image's area.
        text: The characters a reader read on it (``None``: not read; see
            :func:`~plate_unet.inference.reading.read_plates`).
        text_score: The reader's confidence in ``text``, in [0, 1].
    """

    quad: np.ndarray
    box: tuple[float, float, float, float]
    score: float
    area: int = field(default=0, compare=False)
    fill: float = field(default=1.0, compare=False)
    aspect: float = field(default=1.0, compare=False)
    size: float = field(default=0.0, compare=False)
    text: str | None = field(default=None, compare=False)
    text_score: float | None = field(default=None, compare=False)

    def to_dict(self, decimals: int = 2) -> dict[str, Any]:
        """Returns the JSON form ``{"quad": [[x, y] ×4], "box": [...], "score": s}``,
        with ``"text"`` and ``"text_score"`` when the plate was read.

        Args:
            decimals: Rounding of coordinates (the score keeps 4 decimals).

        Returns:
            A dict of plain Python floats, ready for :func:`json.dump`.

        Example:
            >>> from plate_unet.inference import Plate
            >>> Plate(np.zeros((4, 2), "float32"), (0, 0, 0, 0), 0.5).to_dict()["score"]
            0.5
        """
        out: dict[str, Any] = {
            "quad": [
                [round(float(x), decimals), round(float(y), decimals)]
                for x, y in self.quad
            ],
            "box": [round(float(v), decimals) for v in self.box],
            "score": round(float(self.score), 4),
        }
        if self.text is not None:
            out["text"] = self.text
            out["text_score"] = round(float(self.text_score or 0.0), 4)
        return out


def _as_quad(points, name: str = "points") -> np.ndarray:
    quad = np.asarray(points, dtype=np.float32)
    if quad.shape != (4, 2) or not np.all(np.isfinite(quad)):
        raise ValueError(
            f"{name} has shape {quad.shape}: use 4 finite (x, y) corners, shape (4, 2)."
        )
    return quad


def quad_box(quad: ArrayLike) -> tuple[float, float, float, float]:
    """Returns the axis-aligned box ``(x0, y0, x1, y1)`` around a quadrilateral.

    Args:
        quad: Four ``(x, y)`` corners, shape ``(4, 2)``.

    Returns:
        ``(min x, min y, max x, max y)`` as Python floats.

    Example:
        >>> from plate_unet.inference.postprocess import quad_box
        >>> quad_box([[1, 2], [5, 1], [6, 4], [0, 3]])
        (0.0, 1.0, 6.0, 4.0)
    """
    q = _as_quad(quad, "quad")
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two axis-aligned boxes ``(x0, y0, x1, y1)``.

    Args:
        a: First box.
        b: Second box.

    Returns:
        IoU in [0, 1]; 0 when either box is empty.

    Example:
        >>> from plate_unet.inference import box_iou
        >>> box_iou((0, 0, 2, 2), (1, 0, 3, 2))
        0.3333333333333333
    """
    ax0, ay0, ax1, ay1 = (float(v) for v in a)
    bx0, by0, bx1, by1 = (float(v) for v in b)
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = iw * ih
    union = max(0.0, ax1 - ax0) * max(0.0, ay1 - ay0)
    union += max(0.0, bx1 - bx0) * max(0.0, by1 - by0)
    union -= inter
    return inter / union if union > 0 else 0.0


def _raster_iou(a: np.ndarray, b: np.ndarray, cells: int = 512) -> float:
    """Polygon IoU by filling both on a fine grid (for non-convex quads)."""
    both = np.concatenate([a, b])
    lo = both.min(axis=0)
    span = float(max(both.max(axis=0) - lo)) or 1.0
    scale = (cells - 2) / span
    shape = (cells, cells)
    masks = []
    for q in (a, b):
        m = np.zeros(shape, np.uint8)
        pts = np.round((q - lo) * scale * 16).astype(np.int32)
        cv2.fillPoly(m, [pts], 1, lineType=cv2.LINE_8, shift=4)
        masks.append(m.astype(bool))
    union = np.logical_or(*masks).sum()
    return float(np.logical_and(*masks).sum() / union) if union else 0.0


def quad_iou(a: ArrayLike, b: ArrayLike) -> float:
    """Intersection over union of two quadrilaterals (as polygons).

    Convex quadrilaterals are intersected exactly with
    :func:`cv2.intersectConvexConvex`; a non-convex one is filled on a fine grid.

    Args:
        a: Four ``(x, y)`` corners, in order around the quadrilateral.
        b: Four ``(x, y)`` corners, in order around the quadrilateral.

    Returns:
        IoU in [0, 1]; 0 when either quadrilateral has no area.

    Raises:
        ValueError: If a quadrilateral is not four finite ``(x, y)`` pairs.

    Example:
        >>> from plate_unet.inference import quad_iou
        >>> round(quad_iou([[0, 0], [2, 0], [2, 2], [0, 2]],
        ...                [[1, 0], [3, 0], [3, 2], [1, 2]]), 4)
        0.3333
    """
    qa, qb = _as_quad(a, "a"), _as_quad(b, "b")
    area_a = abs(float(cv2.contourArea(qa)))
    area_b = abs(float(cv2.contourArea(qb)))
    if area_a <= 0 or area_b <= 0:
        return 0.0
    if not (cv2.isContourConvex(qa) and cv2.isContourConvex(qb)):
        return _raster_iou(qa, qb)
    inter, _ = cv2.intersectConvexConvex(qa, qb)
    inter = max(0.0, float(inter))
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def rectify(
    image: np.ndarray, quad: ArrayLike, size: tuple[int, int] = (80, 240)
) -> np.ndarray:
    """Warps the plate inside ``quad`` to a flat ``height × width`` rectangle:
    :func:`plate_unet.data.quads.rectify`, which the synthetic crops use too.

    Example:
        >>> from plate_unet.inference import rectify
        >>> crop = rectify(np.zeros((100, 200, 3), "uint8"), [[10, 10], [90, 10],
        ...                [90, 40], [10, 40]])
        >>> crop.shape
        (80, 240, 3)
    """
    return _rectify(image, quad, size)


def _squeeze_map(prob) -> np.ndarray:
    p = np.asarray(prob, dtype=np.float32)
    while p.ndim > 2 and p.shape[0] == 1:
        p = p[0]
    if p.ndim == 3 and p.shape[-1] == 1:
        p = p[..., 0]
    if p.ndim != 2:
        raise ValueError(
            f"prob has shape {np.shape(prob)}: use one probability map (H, W), "
            "(H, W, 1) or (1, H, W, 1)."
        )
    return p


def find_plates(
    prob: np.ndarray,
    threshold: float = 0.5,
    letterbox: Letterbox | None = None,
    min_area: float | None = None,
    shape: PlateShape | None = None,
    grow: float | None = GROW,
) -> list[Plate]:
    """Finds the plates in a probability map, one per connected component.

    Args:
        prob: Probability map ``(H, W)``, ``(H, W, 1)`` or ``(1, H, W, 1)``, in
            the model's pixels.
        threshold: A pixel is plate when its probability is above this.
        letterbox: The :class:`~plate_unet.data.letterbox.Letterbox` that made the
            model input from the original image; corners are mapped back with
            its ``inverse`` so they are in the ORIGINAL image's pixels. ``None``
            keeps the map's pixels.
        min_area: Smallest component kept, in pixels of ``prob``. ``None``: 0.05 %
            of the map (at least 8 pixels), which drops specks of noise.
        shape: A :class:`PlateShape` that every plate must pass; ``None`` keeps
            every region.
        grow: Each region takes in the pixels connected to it whose
            probability is above this lower threshold (default :data:`GROW`);
            its score stays the mean over its pixels above ``threshold``, and
            at least ``min_area`` of them make a plate. ``None`` (or a value
            not below ``threshold``) does not grow.

    Returns:
        The plates, largest first. Empty when nothing is above the threshold.

    Raises:
        ValueError: If ``prob`` is not one 2-D map, or ``threshold`` or
            ``grow`` is not in [0, 1].

    Example:
        >>> from plate_unet.inference import find_plates
        >>> prob = np.zeros((60, 80), "float32"); prob[20:35, 10:60] = 0.9
        >>> [p.box for p in find_plates(prob)]
        [(9.5, 19.5, 59.5, 34.5)]
        >>> prob[18:37, 5:65] = np.maximum(prob[18:37, 5:65], 0.3)  # a margin
        >>> [p.box for p in find_plates(prob, grow=0.2)]
        [(4.5, 17.5, 64.5, 36.5)]
    """
    p = _squeeze_map(prob)
    for name, value in (("threshold", threshold), ("grow", grow)):
        if value is not None and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name}={value!r} is invalid: use a value in [0, 1].")
    if min_area is None:
        min_area = max(8.0, MIN_AREA_FRACTION * p.size)
    core = p > threshold
    region = core
    if grow is not None and grow < threshold and core.any():
        _, labels = cv2.connectedComponents((p > grow).astype(np.uint8), connectivity=8)
        seeded = np.zeros(int(labels.max()) + 1, bool)
        seeded[labels[core]] = True
        seeded[0] = False
        region = seeded[labels]
    plates = []
    for component in mask_components(region, min_area):
        x, y = component.x, component.y
        h, w = component.mask.shape
        inside = core[y : y + h, x : x + w] & component.mask.astype(bool)
        if inside.sum() < min_area:  # a halo round a speck is not a plate
            continue
        quad = fit_quad(component)
        score = float(p[y : y + h, x : x + w][inside].mean())
        fill = component.area / max(abs(float(cv2.contourArea(quad))), 1.0)
        plate = _to_image(quad, score, component.area, letterbox, p.shape)
        plate.fill = min(fill, 1.0)
        if shape is None or shape.keeps(plate):
            plates.append(plate)
    return plates


def _to_image(quad, score: float, area: int, letterbox, shape) -> Plate:
    """A quad in map pixels → a :class:`Plate` in the original image's pixels."""
    if letterbox is not None:
        quad = np.asarray(letterbox.inverse(quad), np.float32)
        height, width = letterbox.src_h, letterbox.src_w
    else:
        height, width = shape
    # Corners stay on the image's pixels (centres 0 … size - 1), as annotations.
    quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
    quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)  # T, R, B, L
    aspect = (sides[0] + sides[2]) / max(sides[1] + sides[3], 1e-6)
    size = abs(float(cv2.contourArea(quad))) / float(height * width)
    return Plate(
        quad=quad,
        box=quad_box(quad),
        score=score,
        area=area,
        aspect=float(aspect),
        size=size,
    )
