"""Mask → quadrilaterals: the one fitter that readers and prediction share.

A plate mask (annotated, or a thresholded prediction) is split into connected
components, one per plate (:func:`mask_components`). For each one,
:func:`fit_quad`

1. takes the component's outer contour;
2. guesses four corners three ways (:func:`cv2.approxPolyDP`; the convex hull
   cut down to four corners; :func:`cv2.minAreaRect`) and straightens each
   guess's sides with line fits;
3. moves the sides half a pixel out (:data:`EDGE_OFFSET`): the contour runs
   through the centres of the outermost plate pixels, the plate's edge half a
   pixel beyond them;
4. keeps the guess whose filled quad (:func:`plate_unet.data.masks.rasterize`)
   matches the component best, so mask → quad → mask gives the mask back.

:func:`mask_to_quads` runs both steps on a whole mask, and :func:`rectify`
warps the plate inside four corners to a flat rectangle (prediction's crops and
the synthetic crops of :mod:`~plate_unet.data.synthetic.crops`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.masks import rasterize
from plate_unet.data.records import order_corners

#: A mask pixel is plate when its centre lies inside the plate
#: (:func:`plate_unet.data.masks.rasterize`), so the plate's edge runs half a pixel
#: outside the centres of its outermost pixels, where the contour runs.
EDGE_OFFSET = 0.5


@dataclass(frozen=True)
class Component:
    """One connected blob of a mask.

    Attributes:
        mask: uint8 {0, 1} mask of the blob inside its bounding box.
        x: Column of ``mask[0, 0]`` in the whole mask.
        y: Row of ``mask[0, 0]`` in the whole mask.
        area: Pixels in the blob.
    """

    mask: np.ndarray
    x: int
    y: int
    area: int


def mask_components(mask: np.ndarray, min_area: float = 1) -> list[Component]:
    """Splits a mask into 8-connected components, largest first.

    Args:
        mask: ``(H, W)`` array; non-zero pixels are plate.
        min_area: Components with fewer pixels are left out.

    Returns:
        The components, largest first.

    Example:
        >>> from plate_unet.data import mask_components
        >>> m = np.zeros((20, 30), np.uint8); m[5:10, 4:20] = 1; m[0, 0] = 1
        >>> [(c.x, c.y, c.area) for c in mask_components(m, min_area=2)]
        [(4, 5, 80)]
    """
    binary = (np.asarray(mask) > 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    found = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area >= min_area:
            blob = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
            found.append(Component(blob, x, y, area))
    found.sort(key=lambda c: c.area, reverse=True)
    return found


def fit_quad(component: Component) -> np.ndarray:
    """The quadrilateral whose pixel-centre fill best matches one component.

    Args:
        component: A :class:`Component` from :func:`mask_components`.

    Returns:
        float32 ``(4, 2)`` corners TL, TR, BR, BL in the whole mask's pixels.

    Example:
        >>> from plate_unet.data import fit_quad, mask_components
        >>> m = np.zeros((20, 30), np.uint8); m[5:10, 4:20] = 1
        >>> fit_quad(mask_components(m)[0]).tolist()
        [[3.5, 4.5], [19.5, 4.5], [19.5, 9.5], [3.5, 9.5]]
    """
    contours, _ = cv2.findContours(
        component.mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE
    )
    offset = np.array([component.x, component.y], np.int32)
    contour = max(contours, key=cv2.contourArea) + offset
    return _best_quad(contour, component.mask, (component.x, component.y))


def mask_to_quads(mask: np.ndarray, min_area: float = 16) -> list[np.ndarray]:
    """Turns a binary mask into one quadrilateral per connected blob.

    The inverse of :func:`plate_unet.data.masks.rasterize`: filling the quads
    again gives the mask back (IoU ≥ 0.99 down to 16×5-pixel plates).

    Args:
        mask: ``(H, W)`` array; non-zero pixels are plate.
        min_area: Blobs with fewer pixels are ignored (16: specks of noise).

    Returns:
        float32 ``(4, 2)`` arrays, corners TL, TR, BR, BL, largest blob first.

    Example:
        >>> from plate_unet.data import mask_to_quads
        >>> m = np.zeros((20, 30), np.uint8); m[5:10, 4:20] = 1
        >>> mask_to_quads(m)[0].tolist()
        [[3.5, 4.5], [19.5, 4.5], [19.5, 9.5], [3.5, 9.5]]
    """
    return [fit_quad(c) for c in mask_components(mask, min_area)]


def _outward_normals(quad: np.ndarray) -> np.ndarray:
    """Unit normals of a quad's sides (side ``i`` runs from corner ``i`` to
    ``i + 1``), each pointing away from the quad's centre: ``(4, 2)``."""
    q = np.asarray(quad, np.float64)
    edges = np.roll(q, -1, axis=0) - q
    normals = np.stack([edges[:, 1], -edges[:, 0]], axis=1)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    midpoints = (q + np.roll(q, -1, axis=0)) / 2 - q.mean(axis=0)
    flip = np.einsum("ij,ij->i", normals, midpoints) < 0
    normals[flip] *= -1
    return normals


def _corners_of(lines, min_sin: float = 1e-6) -> np.ndarray | None:
    """Corners where neighbouring lines ``n·p = c`` meet (corner ``i`` joins
    lines ``i - 1`` and ``i``); ``None`` when two of them are nearly parallel."""
    corners = []
    for i in range(4):
        (n1, c1), (n2, c2) = lines[i - 1], lines[i]
        m = np.array([n1, n2], np.float64)
        if abs(np.linalg.det(m)) < min_sin:
            return None
        corners.append(np.linalg.solve(m, [c1, c2]))
    return np.asarray(corners, np.float32)


def _segment_distances(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Distance of every point to each of the quad's four sides: ``(N, 4)``."""
    a = np.asarray(quad, np.float64)
    b = np.roll(a, -1, axis=0)
    dist = np.empty((len(points), 4), np.float64)
    for i in range(4):
        d = b[i] - a[i]
        t = np.clip(((points - a[i]) @ d) / max(float(d @ d), 1e-9), 0.0, 1.0)
        dist[:, i] = np.linalg.norm(points - (a[i] + t[:, None] * d), axis=1)
    return dist


def _line_fit_corners(contour: np.ndarray, approx: np.ndarray) -> np.ndarray | None:
    """Refines four approximate corners by fitting a line to each side's points.

    Contour points are assigned to the nearest side of ``approx``; each side is
    fitted with :func:`cv2.fitLine` and neighbouring sides are intersected.
    Returns ``None`` when a side has too few points or sides are parallel.
    """
    pts = contour.reshape(-1, 2).astype(np.float32)
    a = approx
    b = np.roll(approx, -1, axis=0)
    side = np.argmin(_segment_distances(pts, approx), axis=1)
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
        normal = np.array([vy, -vx], np.float64)
        lines.append((normal, float(normal @ np.array([x0, y0], np.float64))))
    corners = _corners_of(lines, min_sin=1e-3)
    if corners is None:
        return None
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


def _best_quad(contour: np.ndarray, component: np.ndarray, origin) -> np.ndarray:
    """The candidate quad whose filled pixels best match the component.

    Args:
        contour: Outer contour in map pixels.
        component: The component's {0, 1} mask, its top-left pixel at ``origin``.
        origin: ``(x, y)`` of ``component[0, 0]`` in map pixels.

    Returns:
        float32 ``(4, 2)`` corners TL, TR, BR, BL, sides moved out by
        :data:`EDGE_OFFSET`, then nudged until no nudge matches better.
    """
    pad = 3
    target = np.pad(component.astype(bool), pad)
    shift = np.float32(origin) - pad

    def mismatch(quad: np.ndarray) -> int:
        filled = rasterize([quad - shift], *target.shape).astype(bool)
        return int(np.count_nonzero(filled != target))

    best, best_miss = None, None
    for guess in _candidate_quads(contour):
        guess = _offset_quad(guess, EDGE_OFFSET)
        for quad in (guess, _separating_quad(guess, target, shift)):
            if quad is None:
                continue
            miss = mismatch(quad)
            if best_miss is None or miss < best_miss:
                best, best_miss = quad, miss
    if best is None or best_miss is None:  # a degenerate blob (a pixel, a line)
        return _pixel_rectangle(contour)
    start = best
    for _ in range(2):  # each pass re-assigns the edge pixels to the new sides
        if best_miss == 0:
            return best
        moved = _separating_quad(start, target, shift)
        if moved is None:
            break
        start = moved
        miss = mismatch(start)
        if miss < best_miss:
            best, best_miss = start, miss
    return _nudge(best, best_miss, mismatch)


def _pixel_rectangle(contour: np.ndarray) -> np.ndarray:
    """The rotated rectangle around a thin blob's pixel centres, grown by half a
    pixel on every side, so that it covers the pixels themselves."""
    (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
    box = cv2.boxPoints(((cx, cy), (w + 2 * EDGE_OFFSET, h + 2 * EDGE_OFFSET), angle))
    return order_corners(box.astype(np.float32))


def _separating_quad(quad: np.ndarray, target: np.ndarray, shift) -> np.ndarray | None:
    """Each side as the line that best separates plate from background pixels.

    A pixel is plate when its centre lies inside the quad, so every side must
    pass between the centres of the plate's outermost pixels and those of the
    background pixels next to them. For each side of ``quad`` this tries
    directions within a few degrees of it and keeps the one with the widest
    gap between the two sets of centres, with the line in the middle of it.
    """
    target = target.astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    inner = target & (1 - cv2.erode(target, kernel))
    outer = cv2.dilate(target, kernel) & (1 - target)
    pin = np.argwhere(inner)[:, ::-1].astype(np.float64) + shift
    pout = np.argwhere(outer)[:, ::-1].astype(np.float64) + shift
    side_out = np.argmin(_segment_distances(pout, quad), axis=1)
    lines = []
    for i, normal in enumerate(_outward_normals(quad)):
        # Every plate pixel lies inside every side; a background pixel needs to
        # lie outside one side only: the side it is nearest to.
        outside = pout[side_out == i]
        if len(outside) < 2:
            return None
        lines.append(_widest_gap(normal, pin, outside))
    corners = _corners_of(lines)
    if corners is None:
        return None
    if np.max(np.linalg.norm(corners - quad, axis=1)) > 2.0:
        return None  # a side went astray: keep the fitted quad
    return corners


def _widest_gap(normal: np.ndarray, inside: np.ndarray, outside: np.ndarray):
    """``(n, c)`` of the line ``n·p = c`` within ±25° of ``normal`` that leaves
    the most room between ``inside`` (n·p < c) and ``outside`` (n·p > c).

    Searched in 1° steps, then in 0.05° steps around the best; ties go to the
    direction nearest ``normal``.
    """
    base = float(np.arctan2(normal[1], normal[0]))

    def best_of(deltas):
        angles = base + np.deg2rad(deltas)
        ns = np.stack([np.cos(angles), np.sin(angles)])  # (2, K)
        lo, hi = (inside @ ns).max(axis=0), (outside @ ns).min(axis=0)
        k = int(np.lexsort((np.abs(deltas), -(hi - lo)))[0])
        return deltas[k], ns[:, k], (lo[k] + hi[k]) / 2

    coarse, _, _ = best_of(np.arange(-25.0, 25.5, 1.0))
    _, n, c = best_of(coarse + np.arange(-1.0, 1.025, 0.05))
    return n, c


def _nudges(quad: np.ndarray, step: float):
    """Small changes of a quad: each corner along x or y, each side outwards/in."""
    for i in range(4):
        for axis in range(2):
            for sign in (1.0, -1.0):
                moved = quad.copy()
                moved[i, axis] += sign * step
                yield moved
    for i, normal in enumerate(_outward_normals(quad).astype(np.float32)):
        for sign in (1.0, -1.0):
            moved = quad.copy()
            moved[[i, (i + 1) % 4]] += sign * step * normal
            yield moved


def _nudge(quad: np.ndarray, miss: int, mismatch, rounds: int = 6) -> np.ndarray:
    """Greedy descent on the mismatched pixels, in steps of 1/2, 1/4, 1/8 px.

    The last resort when no separating line was found for some side: each
    round takes the best single nudge (a corner or a whole side) that lowers
    the mismatch, and stops when none does.
    """
    for step in (0.5, 0.25, 0.125):
        for _ in range(rounds):
            if miss == 0:
                return quad
            scored = [(mismatch(q), k, q) for k, q in enumerate(_nudges(quad, step))]
            best_miss, _, best = min(scored, key=lambda t: (t[0], t[1]))
            if best_miss >= miss:
                break
            quad, miss = best.astype(np.float32), best_miss
    return quad


def _offset_quad(quad: np.ndarray, distance: float) -> np.ndarray:
    """Moves each side of a convex quad ``distance`` pixels outwards.

    The sides are shifted along their outward normals and neighbouring sides
    intersected again, so the quad keeps its angles.
    """
    q = quad.astype(np.float64)
    normals = _outward_normals(q)
    lines = [(n, float(n @ q[i]) + distance) for i, n in enumerate(normals)]
    out = _corners_of(lines)
    return quad.astype(np.float32) if out is None else out


def rectify(
    image: np.ndarray, quad: ArrayLike, size: tuple[int, int] = (80, 240)
) -> np.ndarray:
    """Warps the plate inside ``quad`` to a flat ``height × width`` rectangle.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image the quad's pixels refer to.
        quad: Corners TL, TR, BR, BL in ``image``'s pixels, shape ``(4, 2)``.
        size: Output ``(height, width)``; 80×240 keeps a 3:1 plate's aspect.

    Returns:
        The crop, ``(height, width)`` or ``(height, width, C)``, same dtype.

    Raises:
        ValueError: If ``quad`` or ``size`` is invalid.

    Example:
        >>> from plate_unet.data import rectify
        >>> crop = rectify(np.zeros((100, 200, 3), "uint8"), [[10, 10], [90, 10],
        ...                [90, 40], [10, 40]])
        >>> crop.shape
        (80, 240, 3)
    """
    q = np.asarray(quad, dtype=np.float32)
    if q.shape != (4, 2) or not np.all(np.isfinite(q)):
        raise ValueError(
            f"quad has shape {q.shape}: use 4 finite (x, y) corners, shape (4, 2)."
        )
    height, width = (int(v) for v in size)
    if width < 2 or height < 2:
        raise ValueError(f"size={size!r} is invalid: use (height, width), each >= 2.")
    corners = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
    dst = np.array(corners, np.float32)
    matrix = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(
        np.ascontiguousarray(image),
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
