"""Drawing primitives the synthetic scenes share: smooth noise, rounded
rectangles, textures warped through a homography, and the :class:`Painter` that
draws a vehicle's plane into the photo.

Everything is drawn with OpenCV on uint8 images. A vehicle is described in its
own front (or rear) plane, in units of plate widths with the plate's centre at
the origin, and mapped into the photo by the same homography as its plate, so the
bumper, grille and lights share the plate's 3-D tilt. Large smooth effects
(shading, shadows) go into a low-resolution *gain* map that the camera step
multiplies in once.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.synthetic.glyphs import text_line


def smooth_noise(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """Returns a smooth random field in about [-1, 1], float32 (h, w)."""
    gh, gw = max(int(cells * h / max(h, w)), 2), max(int(cells * w / max(h, w)), 2)
    g = rng.uniform(-1, 1, (gh, gw)).astype(np.float32)
    g = cv2.resize(g, (gw * 8, gh * 8), interpolation=cv2.INTER_CUBIC)  # cubic is slow:
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_LINEAR)  # only on a small grid


def fractal(
    rng: np.random.Generator, h: int, w: int, octaves: tuple[int, ...] = (4, 12, 40)
) -> np.ndarray:
    """Sums :func:`smooth_noise` at several scales (coarse first, halving weights)."""
    out = np.zeros((h, w), np.float32)
    for k, cells in enumerate(octaves):
        out += smooth_noise(rng, h, w, cells) * 0.5**k
    return out


def rgb_tuple(c: ArrayLike) -> tuple:
    """A colour as the tuple of floats OpenCV's drawing functions take."""
    return tuple(float(v) for v in np.asarray(c).ravel())


def rounded_rect(
    u0: float,
    v0: float,
    u1: float,
    v1: float,
    r: float,
    taper: float = 0.0,
    n: int = 5,
) -> np.ndarray:
    """Rounded rectangle polygon (plane units); ``taper`` narrows the top edge."""
    r = min(r, (u1 - u0) / 2, (v1 - v0) / 2)
    pts = []
    for cu, cv, a0 in (
        (u1 - r, v1 - r, 0),
        (u0 + r, v1 - r, 90),
        (u0 + r, v0 + r, 180),
        (u1 - r, v0 + r, 270),
    ):
        for a in np.radians(np.linspace(a0, a0 + 90, n)):
            pts.append((cu + r * np.cos(a), cv + r * np.sin(a)))
    poly = np.array(pts, np.float64)
    top = poly[:, 1] < (v0 + v1) / 2
    poly[top, 0] = poly[top, 0] * (1 - taper)
    return poly


def paste_texture(
    img: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, hom: np.ndarray
) -> None:
    """Warps an RGBA texture into ``img`` (in place) with homography ``hom``
    (texture pixels → image pixels), touching only the pixels it covers."""
    th, tw = alpha.shape
    quad = cv2.perspectiveTransform(
        np.array([[(0, 0)], [(tw, 0)], [(tw, th)], [(0, th)]], np.float64), hom
    ).reshape(-1, 2)
    x0, y0 = np.floor(quad.min(0)).astype(int) - 1
    x1, y1 = np.ceil(quad.max(0)).astype(int) + 1
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, img.shape[1]), min(y1, img.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]]) @ hom
    size = (int(x1 - x0), int(y1 - y0))
    warped = cv2.warpPerspective(
        rgb.astype(np.uint8), shift, size, flags=cv2.INTER_LINEAR
    )
    a = cv2.warpPerspective(alpha, shift, size, flags=cv2.INTER_LINEAR)
    a = a[..., None].astype(np.float32) / 255
    roi = img[y0:y1, x0:x1]
    roi[:] = (roi * (1 - a) + warped * a).astype(np.uint8)


class Painter:
    """Draws plane-coordinate polygons into an image through a homography.

    Args:
        img: uint8 (H, W, 3) image drawn on in place.
        gain: float32 low-resolution gain map (shading), drawn on in place.
        hom: 3×3 plane → image homography.
    """

    def __init__(self, img: np.ndarray, gain: np.ndarray, hom: np.ndarray):
        self.img, self.gain, self.hom = img, gain, hom
        self.fx = gain.shape[1] / img.shape[1]

    def project(self, pts: ArrayLike) -> np.ndarray:
        p = np.asarray(pts, np.float64).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(p, self.hom).reshape(-1, 2)

    def fill(
        self, pts: ArrayLike, colour: ArrayLike, lines: bool = False, thick: int = 1
    ) -> np.ndarray:
        q = self.project(pts)
        qi = np.clip(q * 4, -(2**24), 2**24).round().astype(np.int32)
        if lines:
            cv2.polylines(
                self.img, [qi], False, rgb_tuple(colour), thick, cv2.LINE_AA, 2
            )
        else:
            cv2.fillPoly(self.img, [qi], rgb_tuple(colour), cv2.LINE_AA, 2)
        return q

    def text(
        self,
        word: str,
        u0: float,
        v0: float,
        u1: float,
        v1: float,
        colour: ArrayLike,
        font: str = "sans-bold",
    ) -> None:
        """Writes ``word`` into the plane box (u0, v0)-(u1, v1), stretched to it."""
        mask = text_line(word, font)
        th, tw = mask.shape
        tex = np.array(
            [[(u1 - u0) / tw, 0, u0], [0, (v1 - v0) / th, v0], [0, 0, 1]], np.float64
        )
        rgb = np.empty((th, tw, 3), np.float32)
        rgb[:] = np.clip(colour, 0, 255)
        paste_texture(self.img, rgb, mask, self.hom @ tex)

    def shade(self, pts: ArrayLike, value: float) -> None:
        q = np.clip(self.project(pts) * self.fx, -(2**20), 2**20)
        cv2.fillPoly(self.gain, [q.round().astype(np.int32)], float(value))
