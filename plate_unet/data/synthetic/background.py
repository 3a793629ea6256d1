"""The ground and what stands behind the vehicles: walls, foliage, buildings,
parked cars, road markings, gravel or leaves, and words painted on the road."""

from __future__ import annotations

import cv2
import numpy as np

from plate_unet.data.synthetic.glyphs import text_line
from plate_unet.data.synthetic.paint import fractal, paste_texture, rgb_tuple
from plate_unet.data.synthetic.vehicles import pick_colour

#: Words painted on roads.
ROAD_WORDS = ("STOP", "BUS", "SLOW", "30", "P", "TAXI", "KEEP CLEAR", "ONLY", "50")


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
        dark = rgb_tuple(base * 0.7)
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
        cv2.rectangle(out, (x, y), (x + ww, y + wh), rgb_tuple(c), -1)


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
            out, [pts], rgb_tuple(pick_colour(rng) * rng.uniform(0.6, 1)), cv2.LINE_AA
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
        cv2.fillPoly(
            out, [pts], rgb_tuple(np.array(c) * rng.uniform(0.6, 1)), cv2.LINE_AA
        )
    if rng.random() < 0.5:  # a horizontal stop line or kerb
        y = int(rng.uniform(hz, h))
        cv2.line(
            out,
            (0, y),
            (w, y + int(rng.uniform(-40, 40))),
            rgb_tuple(np.full(3, rng.uniform(150, 240))),
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
                out,
                (x, y),
                axes,
                rng.uniform(0, 180),
                0,
                360,
                rgb_tuple(c),
                -1,
                cv2.LINE_AA,
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
