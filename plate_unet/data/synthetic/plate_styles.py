"""Flat (front-on) licence plates as the world writes them, drawn as RGBA textures.

The styles live in one registry, :data:`PLATE_STYLES`: adding one is one
decorated drawing function (:func:`register_plate_style`: name, size in
millimetres, rows, weight). Each style function draws one plate at ``s``
pixels per millimetre from its real dimensions, edge to edge (the frame is
part of the plate); the scene code warps the texture into the photo and its
four corners are the plate's label. The styles (share of all plates):

- ``cn_blue`` (16 %): the Chinese blue plate of the CCPD photos (140×440 mm,
  H×W, white characters); ``cn_yellow`` and ``cn_green`` (new-energy), 2.5 %
  each;
- ``eu`` (17 %): the EU plate with its blue band, white or yellow (Dutch and
  British rear plates);
- ``us`` (8 %): US plates in varied colours with a state name, plain or
  printed with a gradient, a landscape (sky, sun, hills or mountains) or an
  emblem behind the dark characters;
- ``mercosul`` and ``india`` (6 % each): the Brazilian Mercosul plate, the
  Indian white or yellow plate;
- ``square`` (7 %): square-ish two-row plates (motorcycles; cars in much of
  Asia and Africa), Latin, hanzi-like or Arabic-Indic characters on white,
  yellow, black or a colour;
- ``jp`` (5 %): the Japanese plate, white, yellow (kei) or green, a small
  region line over a kana-like glyph and four large digits;
- ``uk_rear`` (5 %): the British yellow rear plate, sometimes with a blue or
  green band;
- ``black`` (3 %) and ``black_2row`` (2 %): white or silver characters on
  black (Malaysia, Indonesia, older plates);
- ``gulf`` (4 %): Arabic-Indic digits and Arabic letters over Latin ones, with
  a coloured side band;
- ``random`` (16 %): domain-randomised plates (colours 90+ grey levels apart,
  every font, rims, aspect 1:1 to 5:1, 1 to 3 rows, textures, character sets,
  small extras; :func:`random_layout`), so that a model learns "characters in
  a framed rectangle" rather than a list of styles.

Each plate's registration is drawn in one font drawn for that plate from
:data:`REGISTRATION_FONTS` (DejaVu Sans Bold and Mono Bold, and Barlow
Condensed SemiBold and Bold, which look like the DIN-style fonts of real
plates), unless its style names a font. Characters a font lacks are drawn in
Noto Sans Arabic (Arabic script) or sans-bold; hanzi and kana come from the
stroke patterns of :mod:`~plate_unet.data.synthetic.glyphs`.

Every style tells the text it drew (the registration, rows joined by
``"\\n"``): :func:`render_plate` returns it beside the texture, with the box
round each row of characters (:func:`row_boxes`, from the character cells it
inked), so that a reader's training crops cut each row where it was drawn."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from plate_unet.data.synthetic.glyphs import (
    FONTS,
    N_HANZI,
    N_KANA,
    glyph,
    hanzi,
    has_char,
    kana,
    text_line,
)

#: What the package's styles return: ``(rgb, alpha, text)``; ``text`` is the
#: registration the plate shows (see :func:`render_plate`).
PlateDrawing = tuple[np.ndarray, np.ndarray, str]
#: A style's drawing: ``(rng, pixels per mm) -> (rgb, alpha, text)``, or
#: ``(rgb, alpha)`` for a style that does not tell its text.
PlateDrawer = Callable[
    [np.random.Generator, float],
    tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, str],
]


@dataclass(frozen=True)
class PlateStyle:
    """One entry of the plate-style registry, :data:`PLATE_STYLES`.

    Attributes:
        name: The key, e.g. ``"eu"``.
        size_mm: The real plate's ``(height, width)`` in millimetres; the
            drawing is scaled from it.
        rows: Rows of characters.
        weight: How often the generator draws it, relative to the others.
        draw: ``(rng, pixels per mm) -> (rgb, alpha, text)``: float32 RGB in
            0..255 and uint8 alpha (rounded corners), about ``size_mm × s``
            pixels, and the characters drawn (see :func:`render_plate`); a
            drawer may return only ``(rgb, alpha)``, its text then unknown.
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


CN_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # China's plates: no I, no O
CN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # a Chinese plate's city letter
#: Every Latin capital: a reader must learn O apart from 0 and I apart from 1.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
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
ARABIC_DIGITS = "".join(chr(0x0660 + i) for i in range(10))
ARABIC_LETTERS = "".join(chr(c) for c in (0x0627, 0x0628, 0x062D, 0x062F, 0x0631))
ARABIC_LETTERS += "".join(chr(c) for c in (0x0633, 0x0635, 0x0637, 0x0639, 0x0642))
ARABIC_LETTERS += "".join(chr(c) for c in (0x0643, 0x0644, 0x0645, 0x0646, 0x0647))
ARABIC_WORDS = (
    "\u062f\u0628\u064a",
    "\u0645\u0635\u0631",
    "\u0642\u0637\u0631",
    "\u0639\u0645\u0627\u0646",
)
CYRILLIC = "АБВГДЕЖЗИКЛМНПРСТУФХЦЧШЭЮЯ"
#: Code points drawn by :func:`~plate_unet.data.synthetic.glyphs.hanzi` and
#: :func:`~plate_unet.data.synthetic.glyphs.kana` (no bundled font has them).
CJK = "".join(chr(0x4E00 + i) for i in range(N_HANZI))
KANA = "".join(chr(0x3042 + i) for i in range(N_KANA))
CHARSETS = {
    "latin": LETTERS + DIGITS,
    "digits": DIGITS,
    "arabic_digits": ARABIC_DIGITS,
    "cyrillic": CYRILLIC + DIGITS,
    "cjk": CJK,
}
# Characters drawn smaller than their cell, centred: (width, height) fractions.
_SMALL = {"-": (0.55, 0.12), ".": (0.22, 0.16), "\u0660": (0.3, 0.3), "·": (0.25, 0.2)}


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


#: The fonts a plate's registration is drawn in, and how often each (a style
#: that names its font keeps it). Bold ones only: with regular-weight condensed
#: fonts too (``ablate_generator.py thinfonts``), short runs on two seeds found
#: fewer real plates than with DejaVu Sans Bold alone; with these, more.
REGISTRATION_FONTS = {
    "sans-bold": 0.4,
    "condensed-semibold": 0.3,
    "condensed-bold": 0.2,
    "mono-bold": 0.1,
}
_PLATE_FONT: ContextVar[str] = ContextVar("plate_font", default="sans-bold")
#: While a plate is drawn, the ``(left, top, right, bottom)`` pixel box of each
#: registration character :func:`_cells` inks (``None``: not recorded).
_INK_BOXES: ContextVar[list[tuple[float, float, float, float]] | None] = ContextVar(
    "ink_boxes", default=None
)


def _registration_font(rng: np.random.Generator) -> str:
    """A plate's font, from a stream seeded by ``rng``'s state without advancing
    ``rng``: every other draw of the plate (its text, colours, place in the
    scene) stays what it was before fonts were drawn."""
    seed = zlib.crc32(repr(rng.bit_generator.state).encode())
    fonts = list(REGISTRATION_FONTS)
    p = np.array([REGISTRATION_FONTS[k] for k in fonts])
    return fonts[int(np.random.default_rng(seed).choice(len(fonts), p=p / p.sum()))]


def _char_mask(c: str, font: str | None) -> np.ndarray:
    """One character's mask: kana-like or hanzi-like strokes where no font has it.

    ``font`` None is the font drawn for the plate being drawn."""
    font = font or _PLATE_FONT.get()
    if 0x3040 <= ord(c) <= 0x30FF:
        return kana(ord(c))
    if ord(c) > 127 and not has_char(c, "sans-bold"):
        return hanzi(ord(c) % N_HANZI)
    return glyph(c, font)


def _cells(img, chars, x0, y0, cw, ch, gap, color, font=None, extra=None, fit=False):
    """Draws fixed-width character cells; ``extra`` maps index → extra gap before it.

    Narrow glyphs ("1", "I": under a third as wide as tall) keep their shape,
    centred, at most 1.4 times wider than drawn, instead of filling the cell as
    a block. With ``fit`` every glyph does, and hyphens, dots and the
    Arabic-Indic zero stay small.
    """
    x = x0
    ink_boxes = _INK_BOXES.get()
    for i, c in enumerate(chars):
        x += (extra or {}).get(i, 0)
        if c != " ":
            m = _char_mask(c, font)
            if ink_boxes is not None:
                ink_boxes.append((float(x), float(y0), float(x + cw), float(y0 + ch)))
            if fit and c in _SMALL:
                fw, fh = _SMALL[c]
                dy = ch * (1 - fh) * (0.95 if c == "." else 0.5)  # "." sits low
                box = (x + cw * (1 - fw) / 2, y0 + dy, cw * fw, ch * fh)
                _ink(img, m, *box, color)
            elif fit or m.shape[1] < m.shape[0] / 3:
                w = min(cw, 1.4 * ch * m.shape[1] / m.shape[0])
                _ink(img, m, x + (cw - w) / 2, y0, w, ch, color)
            else:
                _ink(img, m, x, y0, cw, ch, color)
        x += cw + gap


def _fit_cells(img, chars, x0, y0, w, h, color, font=None, aspect=0.6, gap=0.18):
    """Centres ``chars`` in the box (x0, y0, w, h): cells ``aspect`` times as wide
    as tall, shrunk (width first, down to 0.42, then height) until the row fits."""
    n = max(len(chars), 1)
    cw = min(h * aspect, w / (n + (n - 1) * gap))
    ch = min(h, cw / 0.42)
    total = n * cw + (n - 1) * gap * cw
    y = y0 + (h - ch) / 2
    _cells(img, chars, x0 + (w - total) / 2, y, cw, ch, gap * cw, color, font, fit=True)


def _luma(rgb) -> float:
    r, g, b = np.asarray(rgb, np.float32)[..., :3].T
    return float(np.mean(0.299 * r + 0.587 * g + 0.114 * b))


def _contrasting(rng, bg, min_diff: float = 90) -> np.ndarray:
    """A random colour whose grey level differs from ``bg``'s by ``min_diff``+."""
    lb = _luma(bg)
    for _ in range(12):
        c = rng.uniform(0, 255, 3).astype(np.float32)
        if abs(_luma(c) - lb) > min_diff:
            return c
    return np.full(3, 15 if lb > 127 else 245, np.float32)


def _gradient(h, w, c0, c1, angle: float) -> np.ndarray:
    """A linear gradient from ``c0`` to ``c1`` along ``angle`` (radians, 0 = down).

    Drawn on a small grid and resized (linear interpolation keeps it exact).
    """
    ys = np.linspace(0, h - 1, min(h, 16), dtype=np.float32)[:, None]
    xs = np.linspace(0, w - 1, min(w, 32), dtype=np.float32)[None, :]
    t = ys * np.float32(np.cos(angle)) + xs * np.float32(np.sin(angle) * h / max(w, 1))
    t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
    c0 = np.asarray(c0, np.float32)
    small = c0 + t[..., None] * (np.asarray(c1, np.float32) - c0)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _pastel(rng, lightness: float = 0.6) -> np.ndarray:
    """A random colour mixed ``lightness`` of the way towards white."""
    return rng.uniform(0, 255, 3).astype(np.float32) * (1 - lightness) + 255 * lightness


def _picture(rng, img: np.ndarray, kind: str) -> None:
    """Paints a light picture over ``img`` for dark characters: ``"gradient"``, a
    ``"landscape"`` (sky, sun, mountains or hills) or an ``"emblem"``."""
    h, w = img.shape[:2]
    if kind == "gradient":
        angle = rng.choice([0.0, rng.uniform(-1, 1)])
        img[:] = _gradient(h, w, _pastel(rng, 0.7), _pastel(rng, 0.55), angle)
    elif kind == "landscape":
        sky = (_pastel(rng, 0.45), _pastel(rng, 0.8))
        img[:] = _gradient(h, w, *sky, 0.0)
        sun = (int(rng.uniform(0.1, 0.9) * w), int(rng.uniform(0.15, 0.45) * h))
        r = max(int(rng.uniform(0.08, 0.18) * h), 1)
        cv2.circle(img, sun, r, _pastel(rng, 0.55).tolist(), -1, cv2.LINE_AA)
        for layer in range(int(rng.integers(1, 3))):
            n = int(rng.integers(3, 8))
            xs = np.linspace(-0.1, 1.1, n) * w
            base = rng.uniform(0.45, 0.75) * h + layer * 0.1 * h
            ys = base - rng.uniform(0.0, 0.35, n) * h
            if rng.random() < 0.5:  # hills: smooth, else sharp mountain peaks
                xs = np.linspace(-0.1, 1.1, 40) * w
                ys = np.interp(xs, np.linspace(-0.1, 1.1, n) * w, ys)
                ys = cv2.GaussianBlur(ys[None].astype(np.float32), (1, 9), 3)[0]
            pts = np.concatenate([np.stack([xs, ys], 1), [[1.1 * w, h], [-0.1 * w, h]]])
            colour = _pastel(rng, 0.55 - 0.1 * layer).tolist()
            cv2.fillPoly(img, [pts.astype(np.int32)], colour, cv2.LINE_AA)
    elif kind == "emblem":
        colour = _pastel(rng, 0.65).tolist()
        centre = (int(w * rng.uniform(0.3, 0.7)), int(h * rng.uniform(0.4, 0.6)))
        r = max(int(h * rng.uniform(0.25, 0.45)), 2)
        if rng.random() < 0.5:
            cv2.circle(img, centre, r, colour, -1, cv2.LINE_AA)
        else:  # a star
            k = np.arange(10) * np.pi / 5
            rad = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
            pts = np.stack(
                [centre[0] + rad * np.sin(k), centre[1] - rad * np.cos(k)], 1
            )
            cv2.fillPoly(img, [pts.astype(np.int32)], colour, cv2.LINE_AA)


def _rivets(rng, img, s, xs_mm, y_mm, r_mm=4.0) -> None:
    for x in xs_mm:
        cv2.circle(
            img,
            (int(x * s), int(y_mm * s)),
            max(int(r_mm * s), 1),
            _jitter_colour(rng, (170, 170, 175), 25).tolist(),
            -1,
            cv2.LINE_AA,
        )


def _pick(rng, alphabet: str, n: int) -> str:
    return "".join(rng.choice(list(alphabet), n))


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


def _cn(rng, s, bg, fg, rim, n=7, w_mm=440.0) -> PlateDrawing:
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
    chars = prov + str(rng.choice(list(CN_LETTERS))) + body
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
    return img, _rounded_alpha(img.shape[0], img.shape[1], 4 * s), chars


@register_plate_style("cn_blue", size_mm=(140, 440), rows=1, weight=0.16)
def cn_blue(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Chinese blue plate (CCPD): white characters and rim on blue."""
    bg = _jitter_colour(
        rng, (rng.uniform(10, 40), rng.uniform(50, 95), rng.uniform(170, 235)), 8
    )
    fg = _jitter_colour(rng, (240, 242, 245), 10)
    return _cn(rng, s, bg, fg, fg)


@register_plate_style("cn_yellow", size_mm=(140, 440), rows=1, weight=0.025)
def cn_yellow(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Chinese yellow plate (lorries, buses): black characters on yellow."""
    bg = _jitter_colour(rng, (235, 185, 25), 14)
    return _cn(
        rng, s, bg, _jitter_colour(rng, (20, 20, 20)), _jitter_colour(rng, (20, 20, 20))
    )


@register_plate_style("cn_green", size_mm=(140, 480), rows=1, weight=0.025)
def cn_green(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Chinese new-energy plate: 8 black characters on a white-to-green gradient."""
    black = _jitter_colour(rng, (15, 25, 20))
    return _cn(rng, s, np.zeros(3, np.float32), black, black, n=8, w_mm=480.0)


@register_plate_style("eu", size_mm=(110, 520), rows=1, weight=0.17)
def eu(rng: np.random.Generator, s: float) -> PlateDrawing:
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
    return img, _rounded_alpha(h, w, 5 * s), chars


@register_plate_style("us", size_mm=(152, 305), rows=1, weight=0.08)
def us(rng: np.random.Generator, s: float) -> PlateDrawing:
    """US plate: a state name, 6–7 dark characters in varied colours on a light
    background, plain or printed with a gradient, a landscape or an emblem."""
    bg = _jitter_colour(
        rng,
        [(245, 245, 240), (235, 240, 250), (250, 240, 215), (230, 245, 235)][
            int(rng.integers(4))
        ],
        6,
    )
    img = _canvas(305, 152, s, bg)
    h, w = img.shape[:2]
    kind = str(
        rng.choice(
            ["plain", "gradient", "landscape", "emblem"], p=[0.4, 0.2, 0.25, 0.15]
        )
    )
    if kind != "plain":  # a picture behind the characters, as many states print
        _picture(rng, img, kind)
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
    _cells(img, chars, 18 * s, 42 * s, cw * 0.8 * s, 72 * s, cw * 0.2 * s, fg)
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
    return img, _rounded_alpha(h, w, 9 * s), chars


@register_plate_style("mercosul", size_mm=(130, 400), rows=1, weight=0.06)
def mercosul(rng: np.random.Generator, s: float) -> PlateDrawing:
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
    return img, _rounded_alpha(h, w, 6 * s), chars


@register_plate_style("india", size_mm=(120, 500), rows=1, weight=0.06)
def india(rng: np.random.Generator, s: float) -> PlateDrawing:
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
    return img, _rounded_alpha(h, w, 4 * s), chars


@register_plate_style("square", size_mm=(150, 240), rows=2, weight=0.07)
def square(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Square-ish two-row plate (motorcycles; cars in much of Asia and Africa):
    a small top row (region letters, hanzi-like glyphs or Arabic-Indic digits)
    over a large bottom row, on white, yellow, black or a colour."""
    h_mm = 240 / rng.uniform(1.25, 1.95)
    kind = int(rng.choice(4, p=[0.35, 0.25, 0.15, 0.25]))
    bg = [
        (242, 242, 238),
        (245, 200, 30),
        (18, 18, 20),
        tuple(rng.choice([(20, 60, 160), (20, 120, 60), (160, 30, 30)])),
    ][kind]
    img = _canvas(240, h_mm, s, _jitter_colour(rng, bg, 8))
    h, w = img.shape[:2]
    fg = _jitter_colour(rng, (240, 240, 240) if kind >= 2 else (15, 15, 15), 8)
    cv2.rectangle(
        img,
        (int(3 * s), int(3 * s)),
        (w - int(4 * s), h - int(4 * s)),
        fg.tolist(),
        max(int(1.5 * s), 1),
        cv2.LINE_AA,
    )
    top_kind = int(rng.integers(3))
    top = [
        _pick(rng, LETTERS, 2) + " " + _pick(rng, DIGITS, int(rng.integers(1, 3))),
        _pick(rng, CJK, 2) + _pick(rng, LETTERS, 1),
        _pick(rng, ARABIC_DIGITS, int(rng.integers(2, 5))),
    ][top_kind]
    bottom = _pick(rng, [DIGITS, LETTERS + DIGITS, ARABIC_DIGITS][top_kind], 4)
    if rng.random() < 0.5 and top_kind != 2:
        bottom = bottom[:2] + "-" + bottom[2:] if rng.random() < 0.5 else bottom + "5"
    split = rng.uniform(0.34, 0.42) * h_mm
    _fit_cells(img, top, 20 * s, 10 * s, 200 * s, (split - 15) * s, fg, aspect=0.7)
    low = (h_mm - split - 16) * s
    _fit_cells(img, bottom, 16 * s, (split + 3) * s, 208 * s, low, fg, gap=0.25)
    return img, _rounded_alpha(h, w, 8 * s), top + "\n" + bottom


@register_plate_style("jp", size_mm=(165, 330), rows=2, weight=0.05)
def jp(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Japanese plate: white with dark green characters (private), yellow with
    black (kei cars) or green with white (commercial); a small top line (region
    glyphs and a class number) over a kana-like glyph and four large digits."""
    kind = int(rng.choice(3, p=[0.6, 0.25, 0.15]))
    bg, ink = [
        ((240, 242, 238), (20, 80, 45)),
        ((245, 205, 35), (15, 15, 15)),
        ((25, 110, 60), (245, 245, 245)),
    ][kind]
    img = _canvas(330, 165, s, _jitter_colour(rng, bg, 7))
    h, w = img.shape[:2]
    fg = _jitter_colour(rng, ink, 8)
    cv2.rectangle(  # a thin rim in the characters' colour
        img, (1, 1), (w - 2, h - 2), fg.tolist(), max(int(1.2 * s), 1), cv2.LINE_AA
    )
    top = _pick(rng, CJK, 2) + " " + _pick(rng, DIGITS, int(rng.integers(2, 4)))
    _fit_cells(img, top, 70 * s, 10 * s, 190 * s, 42 * s, fg, aspect=0.8, gap=0.12)
    _rivets(rng, img, s, (45, 285), 25, 5.5)
    syllable = _pick(rng, KANA, 1)
    _cells(img, syllable, 14 * s, 90 * s, 36 * s, 40 * s, 0, fg)
    digits = _pick(rng, DIGITS, 4)
    if rng.random() < 0.3:  # short numbers are padded with dots: "·· 12"
        digits = "··" + digits[2:]
    line = digits[:2] + ("-" if digits[0] != "·" else " ") + digits[2:]
    _fit_cells(img, line, 58 * s, 62 * s, 262 * s, 92 * s, fg, aspect=0.62, gap=0.1)
    return img, _rounded_alpha(h, w, 6 * s), f"{top}\n{syllable}{line}"


@register_plate_style("uk_rear", size_mm=(111, 520), rows=1, weight=0.05)
def uk_rear(rng: np.random.Generator, s: float) -> PlateDrawing:
    """UK rear plate: "AB12 CDE" in black on yellow, sometimes a blue (UK) or
    green (zero-emission) band at the left; no rim or a thin one."""
    img = _canvas(520, 111, s, _jitter_colour(rng, (250, 205, 20), 10))
    h, w = img.shape[:2]
    x0 = 25.0
    band = rng.random()
    if band < 0.45:
        colour = (0, 50, 160) if band < 0.3 else (20, 150, 70)
        img[:, : int(42 * s)] = _jitter_colour(rng, colour, 10)
        if band < 0.3:
            _text(img, "UK", 8 * s, 70 * s, 26 * s, 24 * s, (250, 250, 250))
        x0 = 50.0
    if rng.random() < 0.5:
        _rim(img, 1.0 * s)
    chars = (
        _pick(rng, LETTERS, 2) + _pick(rng, DIGITS, 2) + " " + _pick(rng, LETTERS, 3)
    )
    _fit_cells(
        img,
        chars,
        x0 * s,
        20 * s,
        (505 - x0) * s,
        79 * s,
        (12, 12, 12),
        None,
        0.63,
        0.14,
    )
    return img, _rounded_alpha(h, w, 4 * s), chars


def _black(rng, s, w_mm, h_mm, two_rows: bool) -> PlateDrawing:
    img = _canvas(w_mm, h_mm, s, _jitter_colour(rng, (16, 16, 18), 5))
    h, w = img.shape[:2]
    fg = _jitter_colour(
        rng, (235, 235, 235) if rng.random() < 0.6 else (190, 195, 200), 8
    )
    if rng.random() < 0.6:  # a thin silver rim
        cv2.rectangle(
            img,
            (int(2 * s), int(2 * s)),
            (w - int(3 * s), h - int(3 * s)),
            fg.tolist(),
            max(int(1.2 * s), 1),
            cv2.LINE_AA,
        )
    font = str(rng.choice(["sans-bold", "mono-bold", "serif-bold"]))
    if two_rows:
        top = _pick(rng, LETTERS, int(rng.integers(1, 4))) + " " + _pick(rng, DIGITS, 4)
        bottom = (
            _pick(rng, LETTERS, 3)
            if rng.random() < 0.7
            else _pick(rng, DIGITS, 2) + "." + _pick(rng, DIGITS, 2)
        )
        text = top + "\n" + bottom
        _fit_cells(img, top, 12 * s, 12 * s, (w_mm - 24) * s, 0.46 * h_mm * s, fg, font)
        _fit_cells(
            img,
            bottom,
            12 * s,
            0.55 * h_mm * s,
            (w_mm - 24) * s,
            0.36 * h_mm * s,
            fg,
            font,
        )
    else:
        chars = (
            _pick(rng, LETTERS, int(rng.integers(1, 4)))
            + " "
            + _pick(rng, DIGITS, int(rng.integers(1, 5)))
        )
        if rng.random() < 0.5:
            chars += " " + _pick(rng, LETTERS, int(rng.integers(1, 4)))
        _fit_cells(
            img, chars, 15 * s, 18 * s, (w_mm - 30) * s, (h_mm - 36) * s, fg, font
        )
        text = chars
    return img, _rounded_alpha(h, w, 5 * s), text


@register_plate_style("black", size_mm=(110, 440), rows=1, weight=0.03)
def black(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Black plate (Malaysia, Indonesia, older plates): white or silver characters."""
    return _black(rng, s, 440, 110, False)


@register_plate_style("black_2row", size_mm=(170, 340), rows=2, weight=0.02)
def black_2row(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Two-row black plate: white or silver letters and digits over a short line."""
    return _black(rng, s, 340, 170, True)


@register_plate_style("gulf", size_mm=(150, 320), rows=2, weight=0.04)
def gulf(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Gulf-style plate (Saudi pattern): Arabic-Indic digits and Arabic letters over
    Latin digits and letters, a divider, and a coloured side band with an emblem."""
    img = _canvas(320, 150, s, _jitter_colour(rng, (244, 244, 240), 6))
    h, w = img.shape[:2]
    ink = _jitter_colour(rng, (15, 15, 15), 6)
    _rim(img, 1.5 * s)
    band = _jitter_colour(
        rng, [(20, 80, 160), (20, 130, 70), (170, 30, 40)][int(rng.integers(3))], 10
    )
    left = rng.random() < 0.5
    bx = 4 if left else 266
    img[int(4 * s) : h - int(4 * s), int(bx * s) : int((bx + 50) * s)] = band
    cv2.circle(
        img,
        (int((bx + 25) * s), int(40 * s)),
        max(int(13 * s), 1),
        (245, 245, 245),
        -1,
        cv2.LINE_AA,
    )
    _text(
        img,
        str(rng.choice(["KSA", "UAE", "QA", "OM"])),
        (bx + 8) * s,
        80 * s,
        34 * s,
        18 * s,
        (245, 245, 245),
    )
    _text(
        img,
        str(rng.choice(ARABIC_WORDS))[::-1],
        (bx + 8) * s,
        108 * s,
        34 * s,
        20 * s,
        (245, 245, 245),
        "sans",
    )
    x0 = 60 if left else 8
    digits = rng.integers(0, 10, int(rng.integers(3, 5)))
    letters = rng.choice(len(LETTERS), 3)
    ar_d = "".join(ARABIC_DIGITS[d] for d in digits)
    ar_l = "".join(ARABIC_LETTERS[k % len(ARABIC_LETTERS)] for k in letters)
    la_d = "".join(DIGITS[d] for d in digits)
    la_l = "".join(LETTERS[k] for k in letters)
    cv2.line(
        img,
        (int((x0 + 128) * s), int(10 * s)),
        (int((x0 + 128) * s), h - int(10 * s)),
        ink.tolist(),
        max(int(1.5 * s), 1),
    )
    cv2.line(
        img,
        (int(x0 * s), int(75 * s)),
        (int((x0 + 252) * s), int(75 * s)),
        ink.tolist(),
        max(int(1.5 * s), 1),
    )
    for i, (a, b) in enumerate(((ar_d, la_d), (ar_l, la_l))):
        xa = (x0 + 4 + 128 * i) * s
        _fit_cells(img, a, xa, 10 * s, 120 * s, 58 * s, ink, aspect=0.7)
        _fit_cells(img, b, xa, 82 * s, 120 * s, 58 * s, ink, aspect=0.6)
    return img, _rounded_alpha(h, w, 5 * s), f"{ar_d} {ar_l}\n{la_d} {la_l}"


@dataclass(frozen=True)
class RandomLayout:
    """What one plate of the ``random`` style looks like (see :func:`random_layout`).

    Attributes:
        aspect: Width over height, 1 to 5.
        rows: One ``(relative height, characters)`` pair per character row, top
            to bottom.
        font: A key of :data:`~plate_unet.data.synthetic.glyphs.FONTS`.
        cell_aspect: Character cell width over height (small: condensed).
        rim_mm: Rim width in millimetres (0: none); ``inner_rim`` adds a second.
        inner_rim: Whether a second, inner rim is drawn.
        texture: ``"plain"``, ``"gradient"``, ``"noise"``, ``"stripes"`` or
            ``"pattern"``.
        extras: Small additions: ``"caption"``, ``"band"``, ``"sticker"``,
            ``"bolts"``.
        bg, fg: Plate and character colours (RGB), grey levels 90+ apart.
    """

    aspect: float
    rows: tuple[tuple[float, str], ...]
    font: str
    cell_aspect: float
    rim_mm: float
    inner_rim: bool
    texture: str
    extras: tuple[str, ...]
    bg: tuple[float, float, float]
    fg: tuple[float, float, float]


_RANDOM_W_MM = 300


def random_layout(rng: np.random.Generator) -> RandomLayout:
    """Draws the layout of one domain-randomised plate (the ``random`` style).

    Squarer plates get more rows; a row's characters come from one character
    set (Latin, digits, Arabic-Indic digits, Cyrillic or hanzi-like glyphs).

    Example:
        >>> from plate_unet.data.synthetic.plate_styles import random_layout
        >>> layout = random_layout(np.random.default_rng(0))
        >>> 1 <= layout.aspect <= 5 and 1 <= len(layout.rows) <= 3
        True
    """
    aspect = float(np.exp(rng.uniform(0, np.log(5))))
    p_rows = [0.8, 0.2, 0.0] if aspect > 3 else [0.45, 0.45, 0.1]
    if aspect < 2:
        p_rows = [0.15, 0.55, 0.3]
    n_rows = int(rng.choice(3, p=p_rows)) + 1
    rows = []
    for i in range(n_rows):
        height = (
            1.0 if i == n_rows - 1 or rng.random() < 0.4 else rng.uniform(0.35, 0.7)
        )
        charset = CHARSETS[str(rng.choice(list(CHARSETS), p=[0.5, 0.2, 0.1, 0.1, 0.1]))]
        # at most as many characters as fit at a readable width
        fit = aspect * n_rows / max(height, 0.35) * 1.6
        most = max(int(min(fit, 9)), 2)  # and at least half as many: no bare plate
        n = int(rng.integers(min(max(2, int(fit / 2)), most), most + 1))
        chars = _pick(rng, charset, n)
        if n >= 5 and rng.random() < 0.4:
            k = int(rng.integers(2, n - 1))
            chars = chars[:k] + str(rng.choice([" ", "-", "·"])) + chars[k:]
        rows.append((float(height), chars))
    kind = rng.random()
    if kind < 0.35:  # light plate
        bg = _pastel(rng, rng.uniform(0.75, 0.95))
    elif kind < 0.55:  # dark plate
        bg = rng.uniform(0, 70, 3).astype(np.float32)
    else:
        bg = rng.uniform(0, 255, 3).astype(np.float32)
    fg = _contrasting(rng, bg)
    if rng.random() < 0.5:  # plain black or white characters, as most plates have
        fg = np.full(3, 15 if _luma(bg) > 127 else 240, np.float32)
    extras = tuple(
        e
        for e, p in (("caption", 0.3), ("band", 0.2), ("sticker", 0.15), ("bolts", 0.3))
        if rng.random() < p
    )
    return RandomLayout(
        aspect=aspect,
        rows=tuple(rows),
        font=str(rng.choice(sorted(FONTS))),
        cell_aspect=float(rng.uniform(0.42, 0.75)),
        rim_mm=float(rng.choice([0.0, rng.uniform(0.5, 2), rng.uniform(2, 6)])),
        inner_rim=bool(rng.random() < 0.2),
        texture=str(
            rng.choice(
                ["plain", "gradient", "noise", "stripes", "pattern"],
                p=[0.4, 0.2, 0.2, 0.1, 0.1],
            )
        ),
        extras=extras,
        bg=(float(bg[0]), float(bg[1]), float(bg[2])),
        fg=(float(fg[0]), float(fg[1]), float(fg[2])),
    )


def _texture(rng, img: np.ndarray, kind: str, amount: float = 14) -> None:
    """Adds a faint texture (grey levels within about ±``amount``) to ``img``."""
    h, w = img.shape[:2]
    if kind == "gradient":
        t = _gradient(h, w, (-1.0,) * 3, (1.0,) * 3, rng.uniform(-1.5, 1.5))
        img += amount * t
    elif kind == "noise":
        small = rng.normal(0, 1, (int(rng.integers(2, 6)), int(rng.integers(3, 12)), 3))
        img += amount * cv2.resize(
            small.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
        )
    elif kind == "stripes":
        period = rng.uniform(0.03, 0.15) * w
        x = np.arange(w, dtype=np.float32)[None, :, None] + np.arange(h)[
            :, None, None
        ] * rng.uniform(-1, 1)
        img += amount * np.sin(2 * np.pi * x / period).astype(np.float32)
    elif kind == "pattern":  # faint dots on a grid
        step = max(int(rng.uniform(0.04, 0.1) * w), 3)
        shade = np.zeros((h, w), np.float32)
        shade[step // 2 :: step, step // 2 :: step] = 1
        shade = cv2.GaussianBlur(shade, (0, 0), step / 5) * (step / 5) ** 2 * 6
        img += amount * np.clip(shade, 0, 1)[..., None]
    np.clip(img, 0, 255, out=img)


@register_plate_style("random", size_mm=(100, _RANDOM_W_MM), rows=3, weight=0.16)
def random_plate(rng: np.random.Generator, s: float) -> PlateDrawing:
    """Domain-randomised plate: characters in a framed rectangle of any colour,
    font, rim, aspect (1:1 to 5:1), 1 to 3 rows and texture (``rows`` is the
    most it draws); see :func:`random_layout`."""
    return draw_random(rng, s, random_layout(rng))


def draw_random(
    rng: np.random.Generator, s: float, layout: RandomLayout
) -> PlateDrawing:
    """Draws ``layout`` at ``s`` pixels per mm; the plate is 300 mm wide."""
    w_mm = float(_RANDOM_W_MM)
    h_mm = w_mm / layout.aspect
    img = _canvas(w_mm, h_mm, s, layout.bg)
    h, w = img.shape[:2]
    _texture(rng, img, layout.texture)
    fg = np.asarray(layout.fg, np.float32)
    margin = max(layout.rim_mm * 2, 4.0) + 0.04 * h_mm
    x0, x1 = margin, w_mm - margin
    y0, y1 = margin, h_mm - margin
    if "band" in layout.extras:
        band_w = min(0.12 * w_mm, 0.5 * h_mm)
        colour = _jitter_colour(
            rng, [(0, 50, 160), (20, 130, 60), (170, 30, 30)][int(rng.integers(3))], 15
        )
        img[:, int(margin * 0.5 * s) : int((margin * 0.5 + band_w) * s)] = colour
        _text(
            img,
            _pick(rng, LETTERS, int(rng.integers(1, 3))),
            (margin * 0.5 + band_w * 0.15) * s,
            (h_mm * 0.6) * s,
            band_w * 0.7 * s,
            min(band_w * 0.5, h_mm * 0.25) * s,
            (245, 245, 245),
        )
        x0 = margin * 0.5 + band_w + 3
    if "caption" in layout.extras:
        cap_h = 0.12 * h_mm
        at_top = rng.random() < 0.5
        cy = y0 if at_top else y1 - cap_h
        word = str(
            rng.choice(US_STATES + ("REPUBLIK", "ROMA", "KYIV", "SEOUL", "DUBAI"))
        )
        tw = min((x1 - x0) * 0.7, cap_h * 0.8 * len(word))
        _text(
            img,
            word,
            (x0 + x1 - tw) / 2 * s,
            cy * s,
            tw * s,
            cap_h * s,
            fg,
            layout.font,
        )
        if at_top:
            y0 += cap_h * 1.2
        else:
            y1 -= cap_h * 1.2
    if "sticker" in layout.extras:
        sz = 0.18 * h_mm
        sx = x0 if rng.random() < 0.5 else x1 - sz
        cv2.rectangle(
            img,
            (int(sx * s), int((y1 - sz) * s)),
            (int((sx + sz) * s), int(y1 * s)),
            _pastel(rng, 0.3).tolist(),
            -1,
        )
    total = sum(hh for hh, _ in layout.rows)
    gap = 0.08 * (y1 - y0) if len(layout.rows) > 1 else 0.0
    unit = (y1 - y0 - gap * (len(layout.rows) - 1)) / total
    y = y0
    for hh, chars in layout.rows:
        _fit_cells(
            img,
            chars,
            x0 * s,
            y * s,
            (x1 - x0) * s,
            hh * unit * s,
            fg,
            layout.font,
            layout.cell_aspect,
            0.15,
        )
        y += hh * unit + gap
    if layout.rim_mm > 0:
        rim = max(int(layout.rim_mm * s), 1)
        cv2.rectangle(
            img,
            (rim // 2, rim // 2),
            (w - 1 - rim // 2, h - 1 - rim // 2),
            fg.tolist(),
            rim,
            cv2.LINE_AA,
        )
        if layout.inner_rim:
            k = int((layout.rim_mm + 2.5) * s) + rim
            cv2.rectangle(
                img,
                (k, k),
                (w - 1 - k, h - 1 - k),
                fg.tolist(),
                max(rim // 2, 1),
                cv2.LINE_AA,
            )
    if "bolts" in layout.extras:
        by = (margin * 0.6) if len(layout.rows) > 1 or rng.random() < 0.5 else h_mm / 2
        _rivets(rng, img, s, (0.15 * w_mm, 0.85 * w_mm), by, min(4.0, 0.04 * h_mm))
    text = "\n".join(chars for _, chars in layout.rows)
    return img, _rounded_alpha(h, w, rng.uniform(2, 12) * s), text


class RenderedPlate(NamedTuple):
    """One plate texture drawn by :func:`render_plate`.

    Attributes:
        rgb: float32 (h, w, 3) RGB in 0..255.
        alpha: uint8 (h, w) alpha (rounded corners).
        style: The style's name, a key of :data:`PLATE_STYLES`.
        text: The characters of the registration as drawn, left to right, rows
            top to bottom joined by ``"\\n"``, separators (space, ``-``, ``.``,
            ``·``) kept; ``""`` when the style does not tell its text.
        rows: The box round each row of characters, ``(left, top, right,
            bottom)`` as shares of the plate's width and height, top row first
            (:func:`row_boxes`); ``()`` without a text.
    """

    rgb: np.ndarray
    alpha: np.ndarray
    style: str
    text: str
    rows: tuple[tuple[float, float, float, float], ...] = ()


def row_boxes(
    ink: list[tuple[float, float, float, float]], n_rows: int, height: int, width: int
) -> tuple[tuple[float, float, float, float], ...]:
    """The box round each row of characters, as shares of the plate's size.

    ``ink`` holds the ``(left, top, right, bottom)`` pixel box of every
    character cell drawn; sorted by their middles from top to bottom, they are
    cut into ``n_rows`` rows at the ``n_rows - 1`` widest gaps between
    neighbouring middles.

    Args:
        ink: ``(left, top, right, bottom)`` of each character cell, in pixels.
        n_rows: The rows of the plate's text.
        height: The plate texture's height in pixels.
        width: Its width in pixels.

    Returns:
        ``n_rows`` ``(left, top, right, bottom)`` boxes in 0..1, top row first;
        ``()`` when fewer cells than rows were drawn.

    Example:
        >>> from plate_unet.data.synthetic.plate_styles import row_boxes
        >>> cells = [(10, 10, 30, 40), (30, 12, 50, 40), (5, 50, 95, 90)]
        >>> row_boxes(cells, 2, 100, 100)
        ((0.1, 0.1, 0.5, 0.4), (0.05, 0.5, 0.95, 0.9))
    """
    if n_rows < 1 or len(ink) < n_rows:
        return ()
    cells = sorted(ink, key=lambda b: b[1] + b[3])
    mids = np.array([b[1] + b[3] for b in cells]) / 2
    cuts = sorted(np.argsort(np.diff(mids))[::-1][: n_rows - 1] + 1)
    rows = []
    for group in np.split(np.arange(len(cells)), cuts):
        left = min(cells[i][0] for i in group) / width
        top = min(cells[i][1] for i in group) / height
        right = max(cells[i][2] for i in group) / width
        bottom = max(cells[i][3] for i in group) / height
        box = np.clip([left, top, right, bottom], 0, 1).tolist()
        rows.append((box[0], box[1], box[2], box[3]))
    return tuple(rows)


def render_plate(
    rng: np.random.Generator, width_px: float, style: str | None = None
) -> RenderedPlate:
    """Draws one plate texture of about ``width_px`` pixels wide, and its text.

    The text holds the characters of the registration, the ones a reader
    should read: not a country code, state name, caption or slogan. Characters
    are written in the order they are drawn, left to right (Arabic too), rows
    top to bottom joined by ``"\\n"``. Hanzi-like and kana-like stroke
    patterns are written as the code points that select them:
    ``U+4E00 + i`` for :func:`~plate_unet.data.synthetic.glyphs.hanzi` ``(i)``
    and ``U+3042 + i`` for :func:`~plate_unet.data.synthetic.glyphs.kana`
    ``((2 + i) % 16)`` (:data:`CJK`, :data:`KANA`).

    Args:
        rng: The random generator (all choices are drawn from it).
        width_px: Wanted texture width in pixels (clamped to 48..600).
        style: A key of :data:`PLATE_STYLES`, or None to draw one by the
            styles' weights (the CCPD blue plate most often).

    Returns:
        A :class:`RenderedPlate` ``(rgb, alpha, style, text, rows)``.

    Raises:
        ValueError: If ``style`` is not a key of :data:`PLATE_STYLES`, or its
            drawer returns something other than 2 or 3 values.

    Example:
        >>> from plate_unet.data.synthetic.plate_styles import render_plate
        >>> rgb, alpha, name, text, rows = render_plate(
        ...     np.random.default_rng(0), 220, "eu"
        ... )
        >>> rgb.shape[1] == alpha.shape[1], name
        (True, 'eu')
        >>> text
        'QOO 928'
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
    ink: list[tuple[float, float, float, float]] = []
    token = _PLATE_FONT.set(_registration_font(rng))
    ink_token = _INK_BOXES.set(ink)
    try:
        drawn = entry.draw(rng, s)
    finally:
        _PLATE_FONT.reset(token)
        _INK_BOXES.reset(ink_token)
    if len(drawn) == 3:
        rgb, alpha, text = drawn
    elif len(drawn) == 2:
        (rgb, alpha), text = drawn, ""
    else:
        raise ValueError(
            f"plate style {style!r} returned {len(drawn)} values; "
            "valid: (rgb, alpha) or (rgb, alpha, text)"
        )
    if rng.random() < 0.7:  # embossed metal: a soft highlight across the plate
        t = np.linspace(rng.uniform(-1, 1), rng.uniform(-1, 1), rgb.shape[0])
        rgb *= (1 + 0.12 * t.astype(np.float32))[:, None, None]
    text = str(text)
    n_rows = text.count("\n") + 1
    rows = row_boxes(ink, n_rows, *rgb.shape[:2]) if text else ()
    return RenderedPlate(np.clip(rgb, 0, 255), alpha, style, text, rows)
