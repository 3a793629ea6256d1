"""Backgrounds, car bodies and distractors for the synthetic plate scenes.

Everything is drawn with OpenCV on uint8 images. A car is described in its own
front (or rear) plane, in units of plate widths with the plate's centre at the
origin, and mapped into the photo by the same homography as its plate, so the
bumper, grille and lights share the plate's 3-D tilt. Large smooth effects
(shading, shadows) go into a low-resolution *gain* map that the camera step
multiplies in once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.synthetic.glyphs import text_line

CAR_COLOURS = (  # (weight, RGB): white and silver dominate Chinese car parks
    (0.32, (228, 230, 232)),
    (0.22, (165, 168, 172)),
    (0.14, (28, 29, 32)),
    (0.08, (150, 20, 25)),
    (0.06, (40, 60, 120)),
    (0.06, (120, 95, 70)),
    (0.05, (90, 95, 100)),
    (0.04, (200, 185, 150)),
    (0.03, (80, 120, 70)),
)
#: Words on cars that are not plates: model badges, dealers' stickers.
CAR_WORDS = (
    "GOLF",
    "1.6 TDI",
    "4MATIC",
    "HYBRID",
    "GTI",
    "XDRIVE",
    "AUTO-HAUS",
    "COROLLA",
    "TURBO",
    "320d",
    "SPORT",
    "AUTOHAUS MEIER",
    "ECO",
    "V6",
)
#: Words painted on roads.
ROAD_WORDS = ("STOP", "BUS", "SLOW", "30", "P", "TAXI", "KEEP CLEAR", "ONLY", "50")
WORDS = (
    "PARKING",
    "EXIT",
    "OPEN",
    "SALE",
    "CAFE",
    "NO ENTRY",
    "HOTEL",
    "BANK",
    "24H",
    "TAXI",
    "SERVICE",
    "AUTO",
    "SHOP",
    "STOP",
    "P",
    "WC",
    "LOBBY",
)


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


def pick_colour(rng: np.random.Generator) -> np.ndarray:
    """Draws a car colour, mostly white, silver and black."""
    p = np.array([c[0] for c in CAR_COLOURS])
    c = CAR_COLOURS[int(rng.choice(len(p), p=p / p.sum()))][1]
    return np.clip(np.asarray(c, np.float32) + rng.normal(0, 10, 3), 0, 255)


def _rgb(c) -> tuple:
    return tuple(float(v) for v in c)


def background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Draws ground (asphalt, paving) below a horizon and a wall, foliage, building
    or gradient above it, then windows, parked cars, road markings, gravel or
    fallen leaves, and sometimes a word painted on the road.

    Returns:
        uint8 (h, w, 3) RGB.
    """
    lh, lw = max(h // 4, 8), max(w // 4, 8)
    horizon = int(lh * rng.uniform(0.1, 0.55))
    top = rng.choice(["wall", "foliage", "building", "gradient", "cars"])
    base = rng.uniform(60, 200) * np.ones(3) + rng.normal(0, 12, 3)
    img = _upper_and_ground(rng, lh, lw, horizon, top, base)
    out = cv2.resize(
        np.clip(img, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR
    )
    hz = horizon * 4
    if top == "building":
        _windows(rng, out, hz)
    if top == "wall" and rng.random() < 0.5:  # tiles or bricks
        step = int(w * rng.uniform(0.04, 0.12))
        dark = _rgb(base * 0.7)
        for y in range(0, hz, max(step // 2, 2)):
            cv2.line(out, (0, y), (w, y), dark, 1)
    if top == "cars":
        _parked_cars(rng, out, hz)
    _road_markings(rng, out, hz)
    _ground_litter(rng, out, hz)
    if rng.random() < 0.2:
        _road_text(rng, out, hz)
    return out


def _upper_and_ground(rng, lh: int, lw: int, horizon: int, top: str, base):
    """The low-resolution picture: ``top`` above the horizon, ground below."""
    img = np.empty((lh, lw, 3), np.float32)
    if top == "foliage":
        n = fractal(rng, lh, lw, (6, 20, 60))
        g = np.array([50, 90, 40]) + rng.normal(0, 15, 3)
        img[:] = g + n[..., None] * np.array([35, 50, 30])
    elif top == "gradient":
        t = np.linspace(0, 1, lh, dtype=np.float32)[:, None, None]
        img[:] = (1 - t) * (base + 40) + t * (base - 30)
    else:
        img[:] = base + fractal(rng, lh, lw)[..., None] * rng.uniform(8, 30)
    ground = rng.uniform(70, 160) + rng.normal(0, 5, 3)
    gn = fractal(rng, lh - horizon, lw, (3, 10, 30))[..., None]
    img[horizon:] = ground + gn * rng.uniform(8, 25)
    return img


def _windows(rng, out: np.ndarray, hz: int) -> None:
    """A building's windows: bright or dark rectangles above the horizon."""
    h, w = out.shape[:2]
    for _ in range(int(rng.integers(4, 14))):
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, max(hz, 1)))
        ww, wh = int(w * rng.uniform(0.03, 0.12)), int(h * rng.uniform(0.02, 0.06))
        c = rng.uniform(20, 250) * np.ones(3) + rng.normal(0, 15, 3)
        cv2.rectangle(out, (x, y), (x + ww, y + wh), _rgb(c), -1)


def _parked_cars(rng, out: np.ndarray, hz: int) -> None:
    """Silhouettes of parked cars standing on the horizon."""
    h, w = out.shape[:2]
    for _ in range(int(rng.integers(2, 5))):
        cx, cw = rng.uniform(0, w), w * rng.uniform(0.3, 0.7)
        y1 = hz + rng.uniform(-0.05, 0.1) * h
        pts = np.array(
            [
                [cx - cw / 2, y1],
                [cx - cw / 2, y1 - 0.18 * cw],
                [cx - cw / 3, y1 - 0.35 * cw],
                [cx + cw / 3, y1 - 0.35 * cw],
                [cx + cw / 2, y1 - 0.18 * cw],
                [cx + cw / 2, y1],
            ],
            np.int32,
        )
        cv2.fillPoly(
            out, [pts], _rgb(pick_colour(rng) * rng.uniform(0.6, 1)), cv2.LINE_AA
        )


def _road_markings(rng, out: np.ndarray, hz: int) -> None:
    """Parking or lane lines converging towards the horizon, maybe a kerb."""
    h, w = out.shape[:2]
    for _ in range(int(rng.integers(0, 4))):
        xb, xt = rng.uniform(-0.3, 1.3) * w, rng.uniform(0.2, 0.8) * w
        tw, bw = rng.uniform(2, 8), rng.uniform(10, 45) * w / 720
        pts = np.array(
            [[xt - tw, hz], [xt + tw, hz], [xb + bw, h], [xb - bw, h]], np.int32
        )
        c = (235, 235, 230) if rng.random() < 0.75 else (230, 190, 60)
        cv2.fillPoly(out, [pts], _rgb(np.array(c) * rng.uniform(0.6, 1)), cv2.LINE_AA)
    if rng.random() < 0.5:  # a horizontal stop line or kerb
        y = int(rng.uniform(hz, h))
        cv2.line(
            out,
            (0, y),
            (w, y + int(rng.uniform(-40, 40))),
            _rgb(np.full(3, rng.uniform(150, 240))),
            max(int(rng.uniform(4, 20) * w / 720), 1),
        )


def _ground_litter(rng, out: np.ndarray, hz: int) -> None:
    """Gravel (dense light and dark specks) or fallen leaves on the ground."""
    h, w = out.shape[:2]
    if hz >= h - 4:
        return
    r = rng.random()
    if r < 0.25:  # gravel: thousands of light and dark specks
        gh = h - hz
        n = int(gh * w / rng.uniform(25, 80))
        specks = np.zeros((gh, w), np.float32)
        specks[rng.integers(0, gh, n), rng.integers(0, w, n)] = rng.normal(0, 90, n)
        sigma = rng.uniform(0.6, 1.4) * max(w / 720, 0.5)
        specks = cv2.GaussianBlur(specks, (0, 0), sigma)
        ground = out[hz:].astype(np.float32) + specks[..., None]
        out[hz:] = np.clip(ground, 0, 255).astype(np.uint8)
    elif r < 0.45:  # leaves: small ellipses in autumn or summer colours
        n = int(rng.uniform(40, 400) * w / 720)
        palette = np.array(
            [(170, 90, 30), (200, 150, 40), (120, 60, 25), (70, 110, 40)]
        )
        for _ in range(n):
            x, y = int(rng.uniform(0, w)), int(rng.uniform(hz, h))
            size = rng.uniform(2, 9) * w / 720 * (0.5 + (y - hz) / max(h - hz, 1))
            c = palette[int(rng.integers(len(palette)))] * rng.uniform(0.6, 1.1)
            axes = (max(int(size), 1), max(int(size * rng.uniform(0.35, 0.7)), 1))
            cv2.ellipse(
                out, (x, y), axes, rng.uniform(0, 180), 0, 360, _rgb(c), -1, cv2.LINE_AA
            )


def _road_text(rng, out: np.ndarray, hz: int) -> None:
    """A word painted on the road, squashed by the ground's perspective."""
    h, w = out.shape[:2]
    if hz >= h - 16:
        return
    word = str(rng.choice(ROAD_WORDS))
    mask = text_line(word, "sans-bold")
    tw = w * rng.uniform(0.2, 0.6)
    th = tw * mask.shape[0] / mask.shape[1] * rng.uniform(0.35, 0.8)
    x0 = rng.uniform(0, max(w - tw, 1))
    y0 = rng.uniform(hz, max(h - th, hz + 1))
    src = np.array(
        [
            [0, 0],
            [mask.shape[1], 0],
            [mask.shape[1], mask.shape[0]],
            [0, mask.shape[0]],
        ],
        np.float32,
    )
    squeeze = tw * rng.uniform(0.1, 0.3)
    dst = np.array(
        [
            [x0 + squeeze, y0],
            [x0 + tw - squeeze, y0],
            [x0 + tw, y0 + th],
            [x0, y0 + th],
        ],
        np.float32,
    )
    colour = (235, 235, 230) if rng.random() < 0.7 else (230, 190, 60)
    rgb = np.empty((*mask.shape, 3), np.float32)
    rgb[:] = np.array(colour) * rng.uniform(0.6, 1)
    paste_texture(out, rgb, mask, cv2.getPerspectiveTransform(src, dst))


def draw_watermark(img: np.ndarray, rng: np.random.Generator) -> None:
    """A photographer's watermark or a camera's date stamp in a corner."""
    h, w = img.shape[:2]
    year, month, day = (
        rng.integers(2005, 2026),
        rng.integers(1, 13),
        rng.integers(1, 29),
    )
    hour, minute = rng.integers(24), rng.integers(60)
    word = str(
        rng.choice(
            [
                f"{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}",
                f"\u00a9 {year} PHOTO",
                "www.autofoto.net",
                f"CAM {rng.integers(1, 20):02d}",
                f"\u00a9 SW{rng.integers(10, 99)} {year}",
            ]
        )
    )
    mask = text_line(word, str(rng.choice(["sans", "sans-bold", "mono-bold"])))
    th = h * rng.uniform(0.015, 0.04)
    tw = min(th * mask.shape[1] / mask.shape[0], w * 0.9)
    x0 = rng.uniform(0.01, 0.05) * w if rng.random() < 0.5 else w * 0.98 - tw
    y0 = rng.uniform(0.01, 0.05) * h if rng.random() < 0.4 else h * 0.97 - th
    colour = [(250, 250, 250), (255, 160, 40), (20, 20, 20)][int(rng.integers(3))]
    rgb = np.empty((*mask.shape, 3), np.float32)
    rgb[:] = colour
    alpha = (mask * rng.uniform(0.5, 1.0)).astype(np.uint8)
    src = np.array(
        [[tw / mask.shape[1], 0, x0], [0, th / mask.shape[0], y0], [0, 0, 1]],
        np.float64,
    )
    paste_texture(img, rgb, alpha, src)


def _rrect(u0, v0, u1, v1, r, taper=0.0, n=5) -> np.ndarray:
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
            cv2.polylines(self.img, [qi], False, _rgb(colour), thick, cv2.LINE_AA, 2)
        else:
            cv2.fillPoly(self.img, [qi], _rgb(colour), cv2.LINE_AA, 2)
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


@dataclass
class _Car:
    """What the steps of :func:`draw_car` share (plane units; the plate is 1 wide)."""

    colour: np.ndarray
    half_width: float  # half the car's width
    ground: float  # ground contact below the plate
    top: float  # top of the hood or boot lid
    half_plate: float  # half the plate's height
    # black plastic: valance, grille, lamp housings (set by the body step)
    dark: np.ndarray = field(default_factory=lambda: np.zeros(3))
    lamp_top: float = 0.0  # lamp row between lamp_top and lamp_bottom
    lamp_bottom: float = 0.0
    grille_half_width: float = 0.0


def draw_car(p: Painter, rng: np.random.Generator, aspect: float, rear: bool) -> dict:
    """Draws a car's front or rear around a plate at the plane origin.

    The steps, in drawing order: cabin and tyres, the body and its shading, the
    bumper, the grille (front only), the lamps, words that are not plates (a
    model badge, a dealer's or bumper sticker), maybe a wheel seen from the side,
    the plate holder (maybe with a dealer's name under the plate), the shadow.

    Args:
        p: The painter (image, gain map, plane → image homography).
        rng: Random generator.
        aspect: Plate height / width (plane units: the plate is 1 wide).
        rear: Draw tail lights and a rear window instead of headlights and a grille.

    Returns:
        ``{"body": (N, 2) image polygon of the body}`` for overlap checks.
    """
    col = pick_colour(rng)
    car = _Car(
        colour=col,
        half_width=rng.uniform(1.8, 2.4),
        ground=rng.uniform(0.75, 1.3),
        top=-rng.uniform(1.6, 2.8),
        half_plate=aspect / 2,
    )
    _draw_cabin(p, rng, car)
    body = _draw_body(p, rng, car)
    _draw_bumper(p, rng, car)
    if not rear:
        _draw_grille(p, rng, car)
    _draw_lamps(p, rng, car, rear)
    _draw_car_words(p, rng, car, rear)
    if rng.random() < 0.5:
        _draw_wheel(p, rng, car)
    _draw_holder_and_shadow(p, rng, car)
    return {"body": body}


def _draw_cabin(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """Windscreen or rear window, the roof above it, and the tyres."""
    hw, vt, vg = car.half_width, car.top, car.ground
    glass = _rrect(
        -hw * 0.82, vt - rng.uniform(1.4, 2.6), hw * 0.82, vt + 0.15, 0.3, 0.18
    )
    p.fill(
        _rrect(-hw * 0.9, vt - 4.5, hw * 0.9, vt + 0.3, 0.4, 0.15), car.colour * 0.92
    )
    p.fill(glass, np.full(3, rng.uniform(15, 80)) + rng.normal(0, 6, 3))
    p.shade(
        _rrect(-hw * 0.6, vt - 1.8, hw * 0.2, vt - 0.2, 0.2, 0.3), rng.uniform(1.1, 1.6)
    )
    for s in (-1, 1):  # tyres peeking out under the body
        tu = s * (hw - rng.uniform(0.3, 0.5))
        p.fill(_rrect(tu - 0.28, vg - 0.45, tu + 0.28, vg + 0.02, 0.08), np.full(3, 18))


def _draw_body(p: Painter, rng: np.random.Generator, car: _Car) -> np.ndarray:
    """The body panel, then shading: lit hood, darker lower bumper and sides."""
    hw, vt, vg = car.half_width, car.top, car.ground
    body = p.fill(
        _rrect(-hw, vt, hw, vg - 0.08, 0.45, rng.uniform(0.06, 0.2)), car.colour
    )
    p.shade(_rrect(-hw, vt, hw, vt + 0.6, 0.3), rng.uniform(1.05, 1.3))
    p.shade(_rrect(-hw, 0.2, hw, vg, 0.3), rng.uniform(0.7, 0.95))
    for s in (-1, 1):
        p.shade(
            _rrect(
                min(s * hw, s * (hw - 0.35)), vt, max(s * hw, s * (hw - 0.35)), vg, 0.1
            ),
            rng.uniform(0.6, 0.9),
        )
    return body


def _draw_bumper(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A black valance under the bumper and a crease line across it."""
    hw, ha = car.half_width, car.half_plate
    car.dark = np.full(3, rng.uniform(12, 45))
    if rng.random() < 0.7:  # black plastic valance under the bumper
        p.fill(
            _rrect(-hw * 0.88, ha + rng.uniform(0.12, 0.4), hw * 0.88, car.ground, 0.1),
            car.dark,
        )
    if rng.random() < 0.6:  # crease line across the bumper
        v = -ha - rng.uniform(0.08, 0.25)
        p.fill(
            [(-hw * 0.95, v), (hw * 0.95, v + rng.uniform(-0.05, 0.05))],
            car.colour * (0.6 if car.colour.mean() > 80 else 1.8),
            lines=True,
            thick=2,
        )
    car.lamp_top = -ha - rng.uniform(0.4, 0.9)
    car.lamp_bottom = -ha - rng.uniform(0.05, 0.3)
    car.grille_half_width = rng.uniform(0.55, 1.1)  # drawn for rears too


def _draw_grille(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A grille with chrome bars and a badge between the headlights."""
    lv0, lv1, gw = car.lamp_top, car.lamp_bottom, car.grille_half_width
    g = _rrect(-gw, lv0 - 0.1, gw, lv1, 0.12, rng.uniform(-0.1, 0.15))
    p.fill(g, car.dark)
    chrome = np.full(3, rng.uniform(120, 230))
    for v in np.linspace(lv0, lv1, int(rng.integers(2, 7)))[1:-1]:
        p.fill([(-gw * 0.95, v), (gw * 0.95, v)], chrome, lines=True, thick=2)
    p.fill(
        _rrect(-0.12, (lv0 + lv1) / 2 - 0.07, 0.12, (lv0 + lv1) / 2 + 0.07, 0.07),
        np.full(3, rng.uniform(150, 240)),
    )


def _draw_lamps(p: Painter, rng: np.random.Generator, car: _Car, rear: bool) -> None:
    """Head or tail lights: swept shapes at the corners, maybe fog lamps."""
    hw, lv0 = car.half_width, car.lamp_top
    lamp = (
        np.array([170, 35, 35]) if rear else np.full(3, rng.uniform(170, 250))
    ) + rng.normal(0, 10, 3)
    lw, lh = rng.uniform(0.5, 0.9), rng.uniform(0.15, 0.35)
    for s in (-1, 1):
        uo = s * (hw - rng.uniform(0.02, 0.2))
        ui = uo - s * lw
        v0 = lv0 + rng.uniform(-0.25, 0.15)
        light = np.array(
            [(ui, v0 + lh * 0.5), (uo, v0), (uo, v0 + lh), (ui, v0 + lh * 1.1)]
        )
        p.fill(light, car.dark * 1.3)
        inner = (light - light.mean(0)) * 0.7 + light.mean(0)
        p.fill(inner, lamp)
        if rng.random() < 0.5:  # a bright strip / projector inside
            p.fill((light - light.mean(0)) * 0.25 + light.mean(0), np.full(3, 250))
        p.shade(inner, rng.uniform(1.0, 1.3))
        if rng.random() < 0.5:  # fog lamp
            fu = s * (hw - 0.45)
            p.fill(_rrect(fu - 0.1, 0.3, fu + 0.1, 0.4, 0.05), lamp * 0.8)


def _draw_car_words(p: Painter, rng: np.random.Generator, car: _Car, rear: bool):
    """Hard negatives on the car: text and badges near the plate that are not it."""
    hw, ha, vt = car.half_width, car.half_plate, car.top
    side = 1 if rng.random() < 0.5 else -1
    if rng.random() < 0.55:  # a model badge in chrome or black beside the plate
        word = str(rng.choice(CAR_WORDS[:11]))
        u0 = side * rng.uniform(0.65, hw - 0.9)
        th = rng.uniform(0.08, 0.16)
        tw = min(th * len(word) * rng.uniform(0.5, 0.8), 1.0)
        v0 = -ha - rng.uniform(0.1, 0.6)
        ink = np.full(3, rng.uniform(170, 245)) if rng.random() < 0.7 else car.dark
        p.text(word, u0 - tw / 2, v0 - th, u0 + tw / 2, v0, ink, "sans-bold")
    if rear and rng.random() < 0.5:  # the maker's round or oval badge on the boot
        bv = -ha - rng.uniform(0.5, 1.0)
        bw = rng.uniform(0.1, 0.25)
        p.fill(_rrect(-bw, bv - 0.08, bw, bv + 0.08, 0.08), np.full(3, 225))
        p.fill(_rrect(-bw * 0.7, bv - 0.05, bw * 0.7, bv + 0.05, 0.05), car.dark)
    if rng.random() < 0.3:  # a dealer's sticker: dark text on a light strip
        u0, v0 = side * rng.uniform(0.6, hw - 0.8), vt - rng.uniform(0.3, 0.9)
        bw, bh = rng.uniform(0.5, 1.1), rng.uniform(0.12, 0.25)
        paper = np.full(3, rng.uniform(200, 250)) + rng.normal(0, 8, 3)
        p.fill(_rrect(u0 - bw / 2, v0, u0 + bw / 2, v0 + bh, 0.02), paper)
        word = str(rng.choice(CAR_WORDS[11:] + WORDS))
        p.text(
            word,
            u0 - bw * 0.45,
            v0 + bh * 0.2,
            u0 + bw * 0.45,
            v0 + bh * 0.8,
            pick_colour(rng) * 0.5,
        )
    if rng.random() < 0.2:  # a bumper sticker: a coloured box with a word
        u0, v0 = side * rng.uniform(0.8, hw - 0.5), ha + rng.uniform(0.0, 0.15)
        bw, bh = rng.uniform(0.4, 0.9), rng.uniform(0.12, 0.22)
        bg = rng.uniform(0, 255, 3)
        p.fill(_rrect(u0 - bw / 2, v0, u0 + bw / 2, v0 + bh, 0.03), bg)
        word = str(rng.choice(WORDS))
        p.text(
            word, u0 - bw * 0.4, v0 + bh * 0.2, u0 + bw * 0.4, v0 + bh * 0.8, 255 - bg
        )


def _draw_wheel(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A wheel seen from the side at one corner: tyre, alloy rim and spokes."""
    side = 1 if rng.random() < 0.5 else -1
    cu, cv = side * (car.half_width + rng.uniform(-0.2, 0.15)), car.ground - 0.4
    rx, ry = rng.uniform(0.12, 0.35), rng.uniform(0.38, 0.5)
    t = np.radians(np.arange(0, 360, 15))
    ring = np.stack([np.cos(t), np.sin(t)], 1)
    p.fill(ring * (rx, ry) + (cu, cv), np.full(3, rng.uniform(10, 30)))
    rim = np.full(3, rng.uniform(140, 230)) + rng.normal(0, 8, 3)
    p.fill(ring * (rx * 0.68, ry * 0.68) + (cu, cv), rim)
    dark = np.full(3, rng.uniform(20, 60))
    for a in np.radians(
        rng.uniform(0, 72) + np.arange(0, 360, 360 / int(rng.integers(5, 11)))
    ):
        hole = np.array([[0.2, -0.08], [0.6, -0.2], [0.6, 0.2], [0.2, 0.08]])
        c, s_ = np.cos(a), np.sin(a)
        hole = hole @ np.array([[c, s_], [-s_, c]])
        p.fill(hole * (rx, ry) + (cu, cv), dark)
    p.fill(ring * (rx * 0.12, ry * 0.12) + (cu, cv), rim * 0.8)


def _draw_holder_and_shadow(p: Painter, rng: np.random.Generator, car: _Car) -> None:
    """A dark frame around the plate (not part of the label), a ground shadow."""
    hw, ha, vg = car.half_width, car.half_plate, car.ground
    m = rng.uniform(0.015, 0.06)
    holder = np.array(
        [
            (-0.5 - m, -ha - m),
            (0.5 + m, -ha - m),
            (0.5 + m, ha + m * 2.5),
            (-0.5 - m, ha + m * 2.5),
        ]
    )
    if rng.random() < 0.75:
        frame = np.full(3, rng.uniform(10, 70))
        p.fill(holder, frame)
        if rng.random() < 0.35:  # a dealer's name on a strip under the plate
            v0 = ha + m * 2.5
            strip = np.array(
                [
                    (-0.5 - m, v0),
                    (0.5 + m, v0),
                    (0.5 + m, v0 + 0.1),
                    (-0.5 - m, v0 + 0.1),
                ]
            )
            p.fill(strip, frame)
            word = str(rng.choice(CAR_WORDS[6:] + WORDS))
            ink = (
                np.full(3, rng.uniform(170, 250))
                if rng.random() < 0.7
                else pick_colour(rng)
            )
            p.text(word, -0.3, v0 + 0.015, 0.3, v0 + 0.085, ink, "sans-bold")
    p.shade(
        _rrect(-hw * 1.05, vg - 0.15, hw * 1.05, vg + rng.uniform(0.15, 0.5), 0.1),
        rng.uniform(0.35, 0.7),
    )


def draw_text_box(
    img: np.ndarray,
    rng: np.random.Generator,
    x: float,
    y: float,
    w: float,
    h: float,
    angle: float = 0.0,
) -> None:
    """Draws a sign or sticker: a coloured box with one or two lines of text."""
    bg = rng.uniform(0, 255, 3)
    fg = 255 - bg if rng.random() < 0.6 else rng.uniform(0, 255, 3)
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    pts = pts @ np.array([[c, s], [-s, c]]) + (x + w / 2, y + h / 2)
    cv2.fillPoly(img, [pts.round().astype(np.int32)], _rgb(bg), cv2.LINE_AA)
    lines = int(rng.integers(1, 3))
    for k in range(lines):
        word = str(rng.choice(WORDS))
        m = text_line(word, str(rng.choice(["sans-bold", "sans", "serif-bold"])))
        th = h / lines * 0.6
        tw = min(w * 0.9, th * m.shape[1] / m.shape[0])
        x0, y0 = int(x + (w - tw) / 2), int(y + h / lines * (k + 0.2))
        if tw < 2 or th < 2 or x0 < 0 or y0 < 0:
            continue
        a = (
            cv2.resize(m, (int(tw), int(th)), interpolation=cv2.INTER_AREA)[..., None]
            / 255.0
        )
        roi = img[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]]
        a = a[: roi.shape[0], : roi.shape[1]]
        roi[:] = (roi * (1 - a) + fg * a).astype(np.uint8)
