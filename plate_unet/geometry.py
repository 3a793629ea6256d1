"""Plate geometry: probability map → plates → ordered quadrilaterals → flat crops.

A U-Net gives a probability per pixel. To turn it into plates you

1. threshold it and split the foreground into connected components (one per plate);
2. drop components smaller than ``min_area`` (specks of noise);
3. take the largest outer contour of each component and guess four corners
   three ways (:func:`cv2.approxPolyDP`; the convex hull cut down to four
   corners; :func:`cv2.minAreaRect`), straighten each guess's sides with line
   fits, move the sides half a pixel out (the contour runs through the centres
   of the outermost plate pixels) and keep the guess whose filled quad matches
   the component best: corners land within a fraction of a pixel;
4. order the corners top-left, top-right, bottom-right, bottom-left
   (:func:`order_corners`), take the axis-aligned box and the mean probability
   inside the component as the score;
5. map everything back to the original image's pixels with the data
   :class:`~plate_unet.data.masks.Letterbox` the image was resized with.

:func:`rectify` then warps a plate to a flat rectangle (240×80 by default), and
:func:`quad_iou` / :func:`box_iou` measure how well two plates overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from plate_unet.data.masks import rasterize
from plate_unet.data.records import order_corners

__all__ = [
    "Plate",
    "box_iou",
    "find_plates",
    "order_corners",
    "quad_box",
    "quad_iou",
    "rectify",
]

#: Default smallest plate, as a fraction of the probability map's pixels.
MIN_AREA_FRACTION = 5e-4

#: A mask pixel is plate when its centre lies inside the plate
#: (:func:`plate_unet.data.masks.rasterize`), so the plate's edge runs half a pixel
#: outside the centres of its outermost pixels, where the contour runs.
EDGE_OFFSET = 0.5


@dataclass
class Plate:
    """One plate found in an image.

    Attributes:
        quad: float32 ``(4, 2)`` corners ``(x, y)`` in the order top-left,
            top-right, bottom-right, bottom-left.
        box: Axis-aligned box ``(x0, y0, x1, y1)`` around ``quad``.
        score: Mean predicted probability over the plate's pixels, in [0, 1].
        area: Pixels of the connected component in the probability map.
    """

    quad: np.ndarray
    box: tuple[float, float, float, float]
    score: float
    area: int = field(default=0, compare=False)

    def to_dict(self, decimals: int = 2) -> dict[str, Any]:
        """Returns the JSON form ``{"quad": [[x, y] ×4], "box": [...], "score": s}``.

        Args:
            decimals: Rounding of coordinates (the score keeps 4 decimals).

        Returns:
            A dict of plain Python floats, ready for :func:`json.dump`.

        Example:
            >>> Plate(np.zeros((4, 2), "float32"), (0, 0, 0, 0), 0.5).to_dict()["score"]
            0.5
        """
        return {
            "quad": [
                [round(float(x), decimals), round(float(y), decimals)]
                for x, y in self.quad
            ],
            "box": [round(float(v), decimals) for v in self.box],
            "score": round(float(self.score), 4),
        }


def _as_quad(points, name: str = "points") -> np.ndarray:
    quad = np.asarray(points, dtype=np.float32)
    if quad.shape != (4, 2) or not np.all(np.isfinite(quad)):
        raise ValueError(
            f"{name} has shape {quad.shape}: use 4 finite (x, y) corners, shape (4, 2)."
        )
    return quad


def quad_box(quad) -> tuple[float, float, float, float]:
    """Returns the axis-aligned box ``(x0, y0, x1, y1)`` around a quadrilateral.

    Args:
        quad: Four ``(x, y)`` corners, shape ``(4, 2)``.

    Returns:
        ``(min x, min y, max x, max y)`` as Python floats.

    Example:
        >>> quad_box([[1, 2], [5, 1], [6, 4], [0, 3]])
        (0.0, 1.0, 6.0, 4.0)
    """
    q = _as_quad(quad, "quad")
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def box_iou(a, b) -> float:
    """Intersection over union of two axis-aligned boxes ``(x0, y0, x1, y1)``.

    Args:
        a: First box.
        b: Second box.

    Returns:
        IoU in [0, 1]; 0 when either box is empty.

    Example:
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


def quad_iou(a, b) -> float:
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


def rectify(image: np.ndarray, quad, size: tuple[int, int] = (240, 80)) -> np.ndarray:
    """Warps the plate inside ``quad`` to a flat ``width × height`` rectangle.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image the quad's pixels refer to.
        quad: Corners TL, TR, BR, BL in ``image``'s pixels, shape ``(4, 2)``.
        size: Output ``(width, height)``; 240×80 keeps a 3:1 plate's aspect.

    Returns:
        The crop, ``(height, width)`` or ``(height, width, C)``, same dtype.

    Raises:
        ValueError: If ``quad`` or ``size`` is invalid.

    Example:
        >>> crop = rectify(np.zeros((100, 200, 3), "uint8"), [[10, 10], [90, 10],
        ...                [90, 40], [10, 40]])
        >>> crop.shape
        (80, 240, 3)
    """
    q = _as_quad(quad, "quad")
    width, height = (int(v) for v in size)
    if width < 2 or height < 2:
        raise ValueError(f"size={size!r} is invalid: use (width, height), each >= 2.")
    dst = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    matrix = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(
        np.ascontiguousarray(image),
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _line_fit_corners(contour: np.ndarray, approx: np.ndarray) -> np.ndarray | None:
    """Refines four approximate corners by fitting a line to each side's points.

    Contour points are assigned to the nearest side of ``approx``; each side is
    fitted with :func:`cv2.fitLine` and neighbouring sides are intersected.
    Returns ``None`` when a side has too few points or sides are parallel.
    """
    pts = contour.reshape(-1, 2).astype(np.float32)
    a = approx
    b = np.roll(approx, -1, axis=0)
    dist = np.empty((len(pts), 4), np.float32)
    for i in range(4):
        d = b[i] - a[i]
        t = np.clip(((pts - a[i]) @ d) / max(float(d @ d), 1e-9), 0.0, 1.0)
        dist[:, i] = np.linalg.norm(pts - (a[i] + t[:, None] * d), axis=1)
    side = np.argmin(dist, axis=1)
    lines = []
    for i in range(4):
        # Leave out the points near the corners: they bend round the corner.
        d = b[i] - a[i]
        t = ((pts - a[i]) @ d) / max(float(d @ d), 1e-9)
        sel = pts[(side == i) & (t > 0.05) & (t < 0.95)]
        if len(sel) < 3:
            sel = pts[side == i]
        if len(sel) < 2:
            return None
        vx, vy, x0, y0 = cv2.fitLine(sel, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.float32([x0, y0]), np.float32([vx, vy])))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        m = np.array([[d1[0], -d2[0]], [d1[1], -d2[1]]], np.float64)
        if abs(np.linalg.det(m)) < 1e-3:
            return None
        s, _ = np.linalg.solve(m, (p2 - p1).astype(np.float64))
        corners.append(p1 + s * d1)
    corners = np.asarray(corners, np.float32)
    # A refinement that moves a corner far from its approximation went wrong.
    if np.max(np.linalg.norm(corners - a, axis=1)) > 0.25 * np.ptp(a, axis=0).max():
        return None
    return corners


def _reduce_to_four(points: np.ndarray) -> np.ndarray | None:
    """Drops convex-hull vertices, the least area first, until four are left."""
    hull = cv2.convexHull(points.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    while len(hull) > 4:
        prev, nxt = np.roll(hull, 1, axis=0), np.roll(hull, -1, axis=0)
        # Area of the triangle each vertex adds to the polygon.
        cross = (hull[:, 0] - prev[:, 0]) * (nxt[:, 1] - prev[:, 1]) - (
            hull[:, 1] - prev[:, 1]
        ) * (nxt[:, 0] - prev[:, 0])
        hull = np.delete(hull, int(np.argmin(np.abs(cross))), axis=0)
    return hull.astype(np.float32) if len(hull) == 4 else None


def _candidate_quads(contour: np.ndarray) -> list[np.ndarray]:
    """Four-corner guesses for one contour, each also refined by line fits.

    Guesses: the first convex 4-point :func:`cv2.approxPolyDP` over a range of
    tolerances, the convex hull cut down to four corners, and
    :func:`cv2.minAreaRect` (which suits thin, round-ended blobs).
    """
    perimeter = cv2.arcLength(contour, True)
    guesses = []
    for eps in np.arange(0.005, 0.1, 0.0025):
        poly = cv2.approxPolyDP(contour, eps * perimeter, True)
        if len(poly) == 4 and cv2.isContourConvex(poly):
            guesses.append(poly.reshape(4, 2).astype(np.float32))
            break
        if len(poly) < 4:
            break
    guesses.append(_reduce_to_four(contour.reshape(-1, 2)))
    guesses.append(cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32))
    candidates = []
    for guess in guesses:
        if guess is None or abs(cv2.contourArea(guess)) < 1.0:
            continue
        guess = order_corners(guess)
        candidates.append(guess)
        refined = _line_fit_corners(contour, guess)
        if refined is not None and cv2.isContourConvex(refined):
            candidates.append(order_corners(refined))
    return candidates


def _fit_quad(contour: np.ndarray, component: np.ndarray, origin) -> np.ndarray:
    """The candidate quad whose filled pixels best match the component (IoU).

    Args:
        contour: Outer contour in map pixels.
        component: The component's {0, 1} mask, its top-left pixel at ``origin``.
        origin: ``(x, y)`` of ``component[0, 0]`` in map pixels.

    Returns:
        float32 ``(4, 2)`` corners TL, TR, BR, BL, sides moved out by
        :data:`EDGE_OFFSET`.
    """
    pad = 3
    target = np.pad(component.astype(bool), pad)
    shift = np.float32(origin) - pad
    best, best_iou = None, -1.0
    for quad in _candidate_quads(contour):
        quad = _offset_quad(quad, EDGE_OFFSET)
        filled = rasterize([quad - shift], *target.shape).astype(bool)
        union = np.logical_or(filled, target).sum()
        iou = np.logical_and(filled, target).sum() / union if union else 0.0
        if iou > best_iou:
            best, best_iou = quad, iou
    if best is None:  # degenerate blob (a line): its rotated rectangle
        best = order_corners(cv2.boxPoints(cv2.minAreaRect(contour)))
    return best


def _offset_quad(quad: np.ndarray, distance: float) -> np.ndarray:
    """Moves each side of a convex quad ``distance`` pixels outwards.

    The sides are shifted along their outward normals and neighbouring sides
    intersected again, so the quad keeps its angles.
    """
    q = quad.astype(np.float64)
    centre = q.mean(axis=0)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        tangent = (b - a) / max(np.linalg.norm(b - a), 1e-9)
        normal = np.array([tangent[1], -tangent[0]])
        if normal @ ((a + b) / 2 - centre) < 0:
            normal = -normal
        lines.append((a + distance * normal, tangent))
    out = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        m = np.array([[d1[0], -d2[0]], [d1[1], -d2[1]]])
        if abs(np.linalg.det(m)) < 1e-6:
            return quad.astype(np.float32)
        s, _ = np.linalg.solve(m, p2 - p1)
        out.append(p1 + s * d1)
    return np.asarray(out, np.float32)


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
    prob,
    threshold: float = 0.5,
    letterbox=None,
    min_area: float | None = None,
) -> list[Plate]:
    """Finds the plates in a probability map, one per connected component.

    Args:
        prob: Probability map ``(H, W)``, ``(H, W, 1)`` or ``(1, H, W, 1)``, in
            the model's pixels.
        threshold: A pixel is plate when its probability is above this.
        letterbox: The :class:`~plate_unet.data.masks.Letterbox` that made the
            model input from the original image; corners are mapped back with
            its ``inverse`` so they are in the ORIGINAL image's pixels. ``None``
            keeps the map's pixels.
        min_area: Smallest component kept, in pixels of ``prob``. ``None``: 0.05 %
            of the map (at least 8 pixels), which drops specks of noise.

    Returns:
        The plates, largest first. Empty when nothing is above the threshold.

    Raises:
        ValueError: If ``prob`` is not one 2-D map or ``threshold`` is not in [0, 1].

    Example:
        >>> prob = np.zeros((60, 80), "float32"); prob[20:35, 10:60] = 0.9
        >>> [p.box for p in find_plates(prob)]
        [(9.5, 19.5, 59.5, 34.5)]
    """
    p = _squeeze_map(prob)
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"threshold={threshold!r} is invalid: use a value in [0, 1].")
    if min_area is None:
        min_area = max(8.0, MIN_AREA_FRACTION * p.size)
    binary = (p > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    plates = []
    for label in range(1, count):
        area = int(stats[label, cv2.CC_STAT_AREA])
        if area < min_area:
            continue
        x, y = stats[label, cv2.CC_STAT_LEFT], stats[label, cv2.CC_STAT_TOP]
        w, h = stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]
        component = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        contours, _ = cv2.findContours(
            component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE
        )
        contour = max(contours, key=cv2.contourArea) + np.int32([x, y])
        if len(contour) < 4:
            continue
        quad = _fit_quad(contour, component, (x, y))
        score = float(p[y : y + h, x : x + w][component.astype(bool)].mean())
        if letterbox is not None:
            quad = np.asarray(letterbox.inverse(quad), np.float32)
            height, width = letterbox.src_h, letterbox.src_w
        else:
            height, width = p.shape
        # Corners stay on the image's pixels (centres 0 … size - 1), as annotations.
        quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
        quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
        plates.append(Plate(quad=quad, box=quad_box(quad), score=score, area=area))
    plates.sort(key=lambda pl: pl.area, reverse=True)
    return plates
