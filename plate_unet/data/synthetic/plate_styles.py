"""Flat (front-on) licence plates in several real styles, drawn as RGBA textures.

The styles live in one registry, :data:`PLATE_STYLES`: adding one is one
decorated drawing function (:func:`register_plate_style`: name, size in
millimetres, rows, weight). Each style function draws one plate at ``s``
pixels per millimetre from its real dimensions: the Chinese blue plate of the
CCPD photos (140×440 mm, H×W, white characters), the Chinese yellow and green
(new-energy) plates, the EU plate with its blue band (white, or yellow as on
Dutch and British rear plates), US plates in varied colours with a state name,
the Brazilian Mercosul plate and the Indian white or yellow plate. The scene
code warps the texture into the photo; its four corners are the plate's label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from plate_unet.data.synthetic.glyphs import N_HANZI, glyph, hanzi, text_line

#: A style's drawing: ``(rng, pixels per mm) -> (rgb, alpha)``.
PlateDrawer = Callable[[np.random.Generator, float], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PlateStyle:
    """One entry of the plate-style registry, :data:`PLATE_STYLES`.

    Attributes:
        name: The key, e.g. ``"eu"``.
        size_mm: The real plate's ``(height, width)`` in millimetres; the
            drawing is scaled from it.
        rows: Rows of characters.
        weight: How often the generator draws it, relative to the others.
        draw: ``(rng, pixels per mm) -> (rgb, alpha)``: float32 RGB in 0..255
            and uint8 alpha (rounded corners), about ``size_mm × s`` pixels.
    """

    name: str
    size_mm: tuple[int, int]
    rows: int
    weight: float
    draw: PlateDrawer


#: Every plate style the generator draws, by name, in the order registered.
PLATE_STYLES: dict[str, PlateStyle] = {}


def register_plate_style(
    name: str, size_mm: tuple[int, int], rows: int, weight: float
) -> Callable[[PlateDrawer], PlateDrawer]:
    """Adds the decorated drawing function to :data:`PLATE_STYLES`.

    Args:
        name: A new style name.
        size_mm: ``(height, width)`` of the real plate in millimetres.
        rows: Rows of characters.
        weight: Relative frequency (> 0) among all styles.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        ValueError: If ``name`` is taken or a number is out of range.

    Example:
        >>> from plate_unet.data.synthetic.plate_styles import (
        ...     PLATE_STYLES, register_plate_style)
        >>> PLATE_STYLES["eu"].size_mm, PLATE_STYLES["eu"].rows
        ((110, 520), 1)
        >>> register_plate_style("eu", (110, 520), 1, 0.1)
        Traceback (most recent call last):
        ...
        ValueError: plate style 'eu' is already registered; choose another name
    """
    if name in PLATE_STYLES:
        raise ValueError(
            f"plate style {name!r} is already registered; choose another name"
        )
    if min(size_mm) <= 0 or rows < 1 or weight <= 0:
        raise ValueError(
            f"plate style {name!r}: size_mm={size_mm} (height, width), rows={rows} "
            f"and weight={weight} must all be positive"
        )

    def add(draw: PlateDrawer) -> PlateDrawer:
        height, width = size_mm
        PLATE_STYLES[name] = PlateStyle(name, (height, width), rows, weight, draw)
        return draw

    return add


CN_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"
US_STATES = (
    "CALIFORNIA",
    "TEXAS",
    "NEW YORK",
    "FLORIDA",
    "OHIO",
    "ILLINOIS",
    "ARIZONA",
    "OREGON",
    "NEVADA",
    "GEORGIA",
    "MICHIGAN",
    "VIRGINIA",
    "UTAH",
    "COLORADO",
)
EU_CODES = ("D", "F", "NL", "I", "B", "E", "PL", "CZ", "A", "P", "SK", "L")


def _jitter_colour(rng: np.random.Generator, rgb, amount: float = 12) -> np.ndarray:
    c = np.asarray(rgb, np.float32) + rng.normal(0, amount, 3)
    return np.clip(c, 0, 255).astype(np.float32)


def _ink(img: np.ndarray, mask: np.ndarray, x0, y0, w, h, color) -> None:
    """Blends ``color`` into ``img`` through ``mask`` resized to the box (x0,y0,w,h)."""
    x0, y0, w, h = (
        int(round(x0)),
        int(round(y0)),
        max(int(round(w)), 1),
        max(int(round(h)), 1),
    )
    H, W = img.shape[:2]
    if x0 >= W or y0 >= H or x0 + w <= 0 or y0 + h <= 0:
        return
    a = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + w, W), min(y0 + h, H)
    a = a[ya - y0 : yb - y0, xa - x0 : xb - x0, None]
    roi = img[ya:yb, xa:xb]
    roi[:] = roi * (1 - a) + np.asarray(color, np.float32) * a


def _text(img, text, x0, y0, w, h, color, font="sans-bold") -> None:
    _ink(img, text_line(text, font), x0, y0, w, h, color)


def _cells(img, chars, x0, y0, cw, ch, gap, color, font="sans-bold", extra=None):
    """Draws fixed-width character cells; ``extra`` maps index → extra gap before it."""
    x = x0
    for i, c in enumerate(chars):
        x += (extra or {}).get(i, 0)
        if c != " ":
            m = hanzi(ord(c) % N_HANZI) if ord(c) > 127 else glyph(c, font)
            _ink(img, m, x, y0, cw, ch, color)
        x += cw + gap


def _rounded_alpha(h: int, w: int, r: float) -> np.ndarray:
    a = np.zeros((h, w), np.uint8)
    r = int(max(min(r, h / 2 - 1, w / 2 - 1), 0))
    cv2.rectangle(a, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(a, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
        cv2.circle(a, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return a


def _rim(img: np.ndarray, width: float) -> None:
    """A dark rim one pixel inside the plate's edge, ``width`` pixels thick."""
    h, w = img.shape[:2]
    cv2.rectangle(
        img, (1, 1), (w - 2, h - 2), (20, 20, 20), max(int(width), 1), cv2.LINE_AA
    )


def _canvas(w_mm, h_mm, s, rgb) -> np.ndarray:
    img = np.empty((max(int(h_mm * s), 8), max(int(w_mm * s), 16), 3), np.float32)
    img[:] = rgb
    return img


def _white_or_yellow(rng, w_mm, h_mm, s, p_yellow, yellow, white) -> np.ndarray:
    """A plate's canvas: yellow with probability ``p_yellow``, else white."""
    is_yellow = rng.random() < p_yellow
    return _canvas(
        w_mm, h_mm, s, _jitter_colour(rng, yellow if is_yellow else white, 8)
    )


def _cn(rng, s, bg, fg, rim, n=7, w_mm=440.0):
    img = _canvas(w_mm, 140, s, bg)
    if n == 8:  # green new-energy plate: white at the top fading to green
        t = np.linspace(0, 1, img.shape[0], dtype=np.float32)[:, None, None] ** 1.5
        img[:] = (1 - t) * _jitter_colour(rng, (235, 245, 235)) + t * _jitter_colour(
            rng, (60, 190, 90)
        )
    cv2.rectangle(
        img,
        (int(2 * s), int(2 * s)),
        (img.shape[1] - int(3 * s), img.shape[0] - int(3 * s)),
        rim.tolist(),
        max(int(1.6 * s), 1),
        cv2.LINE_AA,
    )
    prov = chr(0x4E00 + int(rng.integers(N_HANZI)))
    body = "".join(rng.choice(list(CN_CHARS), n - 2))
    chars = prov + str(rng.choice(list(LETTERS))) + body
    cw = 45 if n == 7 else 43
    x0 = (w_mm - (n * cw + (n - 1) * 12 + 22)) / 2
    _cells(img, chars, x0 * s, 25 * s, cw * s, 90 * s, 12 * s, fg, "sans", {2: 22 * s})
    dot_x = (x0 + 2 * cw + 12 + 11 + 6) * s
    cv2.circle(img, (int(dot_x), int(70 * s)), max(int(4 * s), 1), fg.tolist(), -1)
    for fx in (0.22, 0.78):  # rivets
        cv2.circle(
            img,
            (int(fx * w_mm * s), int(14 * s)),
            max(int(4 * s), 1),
            _jitter_colour(rng, (170, 170, 175), 25).tolist(),
            -1,
            cv2.LINE_AA,
        )
    return img, _rounded_alpha(img.shape[0], img.shape[1], 4 * s)


@register_plate_style("cn_blue", size_mm=(140, 440), rows=1, weight=0.30)
def cn_blue(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Chinese blue plate (CCPD): white characters and rim on blue."""
    bg = _jitter_colour(
        rng, (rng.uniform(10, 40), rng.uniform(50, 95), rng.uniform(170, 235)), 8
    )
    fg = _jitter_colour(rng, (240, 242, 245), 10)
    return _cn(rng, s, bg, fg, fg)


@register_plate_style("cn_yellow", size_mm=(140, 440), rows=1, weight=0.05)
def cn_yellow(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Chinese yellow plate (lorries, buses): black characters on yellow."""
    bg = _jitter_colour(rng, (235, 185, 25), 14)
    return _cn(
        rng, s, bg, _jitter_colour(rng, (20, 20, 20)), _jitter_colour(rng, (20, 20, 20))
    )


@register_plate_style("cn_green", size_mm=(140, 480), rows=1, weight=0.05)
def cn_green(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Chinese new-energy plate: 8 black characters on a white-to-green gradient."""
    black = _jitter_colour(rng, (15, 25, 20))
    return _cn(rng, s, np.zeros(3, np.float32), black, black, n=8, w_mm=480.0)


@register_plate_style("eu", size_mm=(110, 520), rows=1, weight=0.22)
def eu(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """EU plate: black characters on white (or yellow), blue band with stars."""
    img = _white_or_yellow(rng, 520, 110, s, 0.2, (248, 206, 20), (242, 242, 238))
    h, w = img.shape[:2]
    _rim(img, 1.5 * s)
    band = _jitter_colour(rng, (0, 50, 160), 10)
    cv2.rectangle(
        img, (int(3 * s), int(3 * s)), (int(42 * s), h - int(3 * s)), band.tolist(), -1
    )
    for k in range(12):
        ang = k * np.pi / 6
        cx, cy = (22.5 + 11 * np.cos(ang)) * s, (32 + 11 * np.sin(ang)) * s
        cv2.circle(
            img,
            (int(cx), int(cy)),
            max(int(1.6 * s), 1),
            (255, 204, 0),
            -1,
            cv2.LINE_AA,
        )
    code = str(rng.choice(EU_CODES))
    _text(
        img,
        code,
        8 * s + (0 if len(code) > 1 else 5 * s),
        62 * s,
        (29 if len(code) > 1 else 19) * s,
        30 * s,
        (250, 250, 250),
    )
    pat = str(rng.choice(["LL DDD LL", "LL DDDD", "L LL DDDD", "LLL DDD", "LL DD LLL"]))
    chars = "".join(
        str(rng.choice(list(LETTERS)))
        if c == "L"
        else str(rng.choice(list(DIGITS)))
        if c == "D"
        else c
        for c in pat
    )
    cw = min(52, 450 / len(chars))
    _cells(
        img, chars, 52 * s, 20 * s, cw * 0.82 * s, 72 * s, cw * 0.18 * s, (15, 15, 15)
    )
    return img, _rounded_alpha(h, w, 5 * s)


@register_plate_style("us", size_mm=(152, 305), rows=1, weight=0.14)
def us(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """US plate: a state name, 6–7 characters in varied colours, light background."""
    bg = _jitter_colour(
        rng,
        [(245, 245, 240), (235, 240, 250), (250, 240, 215), (230, 245, 235)][
            int(rng.integers(4))
        ],
        6,
    )
    img = _canvas(305, 152, s, bg)
    h, w = img.shape[:2]
    palette = [(20, 40, 120), (150, 20, 30), (15, 15, 15), (20, 100, 50), (90, 20, 80)]
    fg = _jitter_colour(rng, palette[int(rng.integers(len(palette)))], 10)
    if rng.random() < 0.5:  # a coloured band or gradient behind the top text
        band = _jitter_colour(rng, palette[int(rng.integers(len(palette)))], 20)
        img[: int(35 * s)] = img[: int(35 * s)] * 0.3 + band * 0.7
    state = str(rng.choice(US_STATES))
    top = (250, 250, 250) if img[int(10 * s), w // 2].mean() < 150 else fg
    tw = min(230, 20 * len(state)) * s
    _text(img, state, (w - tw) / 2, 7 * s, tw, 20 * s, top, "sans-bold")
    n = int(rng.integers(6, 8))
    chars = "".join(rng.choice(list(LETTERS + DIGITS * 2), n))
    if rng.random() < 0.5:
        chars = chars[:3] + " " + chars[3:]
    cw = 270 / len(chars)
    _cells(
        img, chars, 18 * s, 42 * s, cw * 0.8 * s, 72 * s, cw * 0.2 * s, fg, "sans-bold"
    )
    _text(
        img,
        str(rng.choice(["DMV.CA.GOV", "THE LONE STAR STATE", "SUNSHINE STATE"])),
        90 * s,
        125 * s,
        125 * s,
        12 * s,
        fg,
        "sans",
    )
    cv2.rectangle(
        img,
        (int(2 * s), int(2 * s)),
        (w - int(2 * s), h - int(2 * s)),
        fg.tolist(),
        max(int(1.2 * s), 1),
        cv2.LINE_AA,
    )
    return img, _rounded_alpha(h, w, 9 * s)


@register_plate_style("mercosul", size_mm=(130, 400), rows=1, weight=0.12)
def mercosul(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Mercosul plate: black characters on white (the Brazilian LLLDLDD pattern
    for every country), a blue top band with the country's name."""
    img = _canvas(400, 130, s, _jitter_colour(rng, (244, 244, 240), 6))
    h, w = img.shape[:2]
    band_h = int(28 * s)
    img[:band_h] = _jitter_colour(rng, (10, 60, 150), 10)
    country = str(rng.choice(["BRASIL", "ARGENTINA", "URUGUAY", "PARAGUAY"]))
    tw = min(150, 22 * len(country)) * s
    _text(img, country, (w - tw) / 2, 6 * s, tw, 16 * s, (250, 250, 250), "sans")
    cv2.rectangle(  # the flag at the right of the band, the emblem at the left
        img, (int(358 * s), int(6 * s)), (int(390 * s), int(22 * s)), (30, 150, 60), -1
    )
    cv2.circle(img, (int(22 * s), int(14 * s)), max(int(7 * s), 1), (240, 240, 240), 1)
    _rim(img, 2 * s)
    pick = {"L": LETTERS, "D": DIGITS}
    chars = "".join(str(rng.choice(list(pick[c]))) for c in "LLLDLDD")
    cw = 44
    x0 = (400 - 7 * cw - 6 * 8) / 2
    _cells(img, chars, x0 * s, 42 * s, cw * s, 75 * s, 8 * s, (15, 15, 15), "mono-bold")
    return img, _rounded_alpha(h, w, 6 * s)


@register_plate_style("india", size_mm=(120, 500), rows=1, weight=0.12)
def india(rng: np.random.Generator, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Indian plate: "MH 12 AB 1234" in black on white (private) or yellow
    (commercial), with a small blue "IND" strip at the left on newer plates."""
    img = _white_or_yellow(rng, 500, 120, s, 0.3, (245, 200, 30), (242, 242, 236))
    h, w = img.shape[:2]
    _rim(img, 2 * s)
    x0 = 20.0
    if rng.random() < 0.6:  # high-security plate: chakra hologram and "IND"
        cv2.circle(
            img, (int(22 * s), int(35 * s)), max(int(9 * s), 1), (40, 70, 170), -1
        )
        _text(img, "IND", 8 * s, 70 * s, 28 * s, 16 * s, (40, 70, 170), "sans-bold")
        x0 = 48.0
    state = str(
        rng.choice(["MH", "DL", "KA", "TN", "UP", "GJ", "KL", "RJ", "WB", "HR"])
    )
    chars = (
        state
        + " "
        + "".join(rng.choice(list(DIGITS), 2))
        + " "
        + "".join(rng.choice(list(LETTERS), int(rng.integers(1, 3))))
        + " "
        + "".join(rng.choice(list(DIGITS), 4))
    )
    cw = (490 - x0) / len(chars)
    _cells(
        img, chars, x0 * s, 22 * s, cw * 0.84 * s, 76 * s, cw * 0.16 * s, (15, 15, 15)
    )
    return img, _rounded_alpha(h, w, 4 * s)


def render_plate(
    rng: np.random.Generator, width_px: float, style: str | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Draws one plate texture of about ``width_px`` pixels wide.

    Args:
        rng: The random generator (all choices are drawn from it).
        width_px: Wanted texture width in pixels (clamped to 48..600).
        style: A key of :data:`PLATE_STYLES`, or None to draw one by the
            styles' weights (the CCPD blue plate most often).

    Returns:
        ``(rgb, alpha, style)``: float32 (h, w, 3) RGB in 0..255, uint8 (h, w)
        alpha (rounded corners) and the style name.

    Raises:
        ValueError: If ``style`` is not a key of :data:`PLATE_STYLES`.

    Example:
        >>> from plate_unet.data.synthetic.plate_styles import render_plate
        >>> rgb, alpha, name = render_plate(np.random.default_rng(0), 220, "cn_blue")
        >>> rgb.shape[1] == alpha.shape[1]
        True
    """
    if style is None:
        names = list(PLATE_STYLES)
        p = np.array([PLATE_STYLES[k].weight for k in names])
        style = names[int(rng.choice(len(names), p=p / p.sum()))]
    if style not in PLATE_STYLES:
        raise ValueError(
            f"unknown plate style {style!r}; valid: {sorted(PLATE_STYLES)}"
        )
    entry = PLATE_STYLES[style]
    s = float(np.clip(width_px, 48, 600)) / entry.size_mm[1]
    rgb, alpha = entry.draw(rng, s)
    if rng.random() < 0.7:  # embossed metal: a soft highlight across the plate
        t = np.linspace(rng.uniform(-1, 1), rng.uniform(-1, 1), rgb.shape[0])
        rgb *= (1 + 0.12 * t.astype(np.float32))[:, None, None]
    return np.clip(rgb, 0, 255), alpha, style
