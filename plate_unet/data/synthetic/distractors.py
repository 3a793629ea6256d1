"""Things that are not plates, drawn away from the plates: a registry.

The scene's background distractors are entries of :data:`DISTRACTORS`: a name,
how often it is drawn against the others, the range of its box's size and the
function that draws it into a box of the image. Besides plain signs, round
badges and bright rectangles, they are the text that a plate finder takes for a
plate in real photos: a van's painted panel with a company name and a phone
number in big digits (``van_panel``), a shop-front sign (``shop_sign``), a
poster or billboard (``poster``) and small stickers (``sticker``: permits,
country ovals, inspection discs). None of them is a plain framed rectangle
with one row of six or seven big characters, which would look like a plate.

Adding one is one decorated function (:func:`register_distractor`);
:func:`pick_distractor` draws one entry by the weights with one number from the
scene's random stream, and :func:`distractor_box` draws a box for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from plate_unet.data.synthetic.glyphs import text_line
from plate_unet.data.synthetic.text import FIRMS, WORDS, draw_text_box, phone_number
from plate_unet.data.synthetic.vehicles import pick_colour

#: ``(img, rng, x, y, box_w, box_h)``: draws into ``img`` in place.
DistractorDrawer = Callable[
    [np.ndarray, np.random.Generator, float, float, float, float], None
]
#: ``((w_lo, w_hi), (h_lo, h_hi))``: fractions of the image's width and height.
SizeRange = tuple[tuple[float, float], tuple[float, float]]
#: The box size of an entry registered without one: 5-30 % of the image's
#: width, 2-8 % of its height.
DEFAULT_SIZE: SizeRange = ((0.05, 0.3), (0.02, 0.08))


@dataclass(frozen=True)
class Distractor:
    """One entry of :data:`DISTRACTORS`.

    Attributes:
        name: The key, e.g. ``"sign"``.
        weight: How often it is drawn, relative to the others.
        draw: Draws it into the box ``(x, y, box_w, box_h)`` of the image.
        size: ``((w_lo, w_hi), (h_lo, h_hi))``: the range of the box's width
            and height, as fractions of the image's width and height.
    """

    name: str
    weight: float
    draw: DistractorDrawer
    size: SizeRange = DEFAULT_SIZE


#: Every background distractor, by name, in the order registered.
DISTRACTORS: dict[str, Distractor] = {}


def _check_size(name: str, size) -> SizeRange:
    valid = (
        "must be ((w_lo, w_hi), (h_lo, h_hi)) with 0 < lo <= hi <= 1 "
        "(fractions of the image's width and height)"
    )
    try:
        (w_lo, w_hi), (h_lo, h_hi) = size
        out = ((float(w_lo), float(w_hi)), (float(h_lo), float(h_hi)))
    except (TypeError, ValueError):
        raise ValueError(f"distractor {name!r}: size={size!r} {valid}") from None
    if not all(0 < lo <= hi <= 1 for lo, hi in out):
        raise ValueError(f"distractor {name!r}: size={size!r} {valid}")
    return out


def register_distractor(
    name: str, weight: float, size: SizeRange = DEFAULT_SIZE
) -> Callable[[DistractorDrawer], DistractorDrawer]:
    """Adds the decorated drawing function to :data:`DISTRACTORS`.

    Args:
        name: A new distractor name.
        weight: Relative frequency (> 0) among all distractors.
        size: ``((w_lo, w_hi), (h_lo, h_hi))``: the range of its box's width and
            height as fractions of the image's width and height; the default is
            :data:`DEFAULT_SIZE`.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        ValueError: If ``name`` is taken, ``weight`` is not positive or ``size``
            is not two ranges ``0 < lo <= hi <= 1``.

    Example:
        >>> from plate_unet.data.synthetic.distractors import (
        ...     DISTRACTORS, register_distractor)
        >>> list(DISTRACTORS)
        ['sign', 'badge', 'bright_box', 'van_panel', 'shop_sign', 'poster', 'sticker']
        >>> register_distractor("sign", 0.1)
        Traceback (most recent call last):
        ...
        ValueError: distractor 'sign' is already registered; choose another name
        >>> register_distractor("huge", 0.1, size=((0.5, 2.0), (0.1, 0.2)))
        Traceback (most recent call last):
        ...
        ValueError: distractor 'huge': size=((0.5, 2.0), (0.1, 0.2)) must be ((w_lo, w_hi), (h_lo, h_hi)) with 0 < lo <= hi <= 1 (fractions of the image's width and height)
    """  # noqa: E501
    if name in DISTRACTORS:
        raise ValueError(
            f"distractor {name!r} is already registered; choose another name"
        )
    if weight <= 0:
        raise ValueError(f"distractor {name!r}: weight={weight} must be positive")
    checked = _check_size(name, size)

    def add(draw: DistractorDrawer) -> DistractorDrawer:
        DISTRACTORS[name] = Distractor(name, weight, draw, checked)
        return draw

    return add


def pick_distractor(rng: np.random.Generator) -> Distractor:
    """Draws one distractor by the weights, with one ``rng.random()``.

    Example:
        >>> from plate_unet.data.synthetic.distractors import pick_distractor
        >>> pick_distractor(np.random.default_rng(0)).name  # 0.64 × 1.1: past 0.7
        'shop_sign'
    """
    r = rng.random() * sum(d.weight for d in DISTRACTORS.values())
    edge = 0.0
    for entry in DISTRACTORS.values():
        edge += entry.weight
        if r < edge:
            return entry
    return entry  # r rounded onto the last edge


def distractor_box(
    entry: Distractor, rng: np.random.Generator, h: int, w: int
) -> tuple[float, float, float, float]:
    """Draws a box for ``entry`` inside an image ``h`` high and ``w`` wide.

    The width and height are uniform in the entry's :attr:`Distractor.size`
    range (fractions of ``w`` and ``h``), the position uniform over the places
    where the box fits; four ``rng.uniform`` draws.

    Returns:
        ``(x, y, box_w, box_h)`` in pixels, with ``0 <= x``, ``x + box_w <= w``,
        ``0 <= y`` and ``y + box_h <= h``.

    Example:
        >>> from plate_unet.data.synthetic.distractors import (
        ...     DISTRACTORS, distractor_box)
        >>> x, y, bw, bh = distractor_box(
        ...     DISTRACTORS["van_panel"], np.random.default_rng(0), 1160, 720)
        >>> 0.25 <= bw / 720 <= 0.6 and 0.08 <= bh / 1160 <= 0.22
        True
    """
    (w_lo, w_hi), (h_lo, h_hi) = entry.size
    bw, bh = w * rng.uniform(w_lo, w_hi), h * rng.uniform(h_lo, h_hi)
    x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
    return float(x), float(y), float(bw), float(bh)


# --- drawing helpers ---------------------------------------------------------

FONTS = ("sans-bold", "sans", "serif-bold", "mono-bold", "sans-oblique")


def _colour(c) -> tuple:
    return tuple(float(v) for v in np.clip(c, 0, 255))


def _ink_on(bg, rng: np.random.Generator) -> np.ndarray:
    """A text colour that reads on ``bg``: dark on light, light on dark, or a hue."""
    light = float(np.mean(bg)) > 128
    if rng.random() < 0.3:  # a saturated hue of the right lightness
        c = rng.uniform(0, 120, 3) if light else rng.uniform(150, 255, 3)
        c[int(rng.integers(3))] = 30 if light else 255
        return c
    return np.full(3, rng.uniform(0, 50) if light else rng.uniform(215, 255))


def _write(
    img: np.ndarray,
    text: str,
    box: tuple[float, float, float, float],
    colour,
    font: str = "sans-bold",
    align: str = "c",
    stretch: float = 1.0,
) -> float:
    """Writes ``text`` as large as fits in ``box`` = (x, y, w, h), keeping its
    aspect (times ``stretch`` in width); aligned left, centre or right.

    Returns:
        The drawn width in pixels (0 when nothing was drawn).
    """
    x, y, w, h = box
    m = text_line(text, font)
    s = min(w / (m.shape[1] * stretch), h / m.shape[0])
    tw, th = int(m.shape[1] * stretch * s), int(m.shape[0] * s)
    if tw < 2 or th < 2:
        return 0.0
    x0 = x if align == "l" else x + w - tw if align == "r" else x + (w - tw) / 2
    x0, y0 = int(round(x0)), int(round(y + (h - th) / 2))
    a = cv2.resize(m, (tw, th), interpolation=cv2.INTER_AREA)
    ih, iw = img.shape[:2]
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + tw, iw), min(y0 + th, ih)
    if cx1 <= cx0 or cy1 <= cy0:
        return 0.0
    a = a[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None].astype(np.float32) / 255
    roi = img[cy0:cy1, cx0:cx1]
    roi[:] = (roi * (1 - a) + np.asarray(colour, np.float32) * a).astype(np.uint8)
    return float(tw)


def _fit_aspect(y: float, bw: float, bh: float, most: float) -> tuple[float, float]:
    """Lowers the box's height to at most ``most`` times its width (a long sign
    stays long in a portrait image), centred in the box: the new ``(y, bh)``."""
    fitted = min(bh, bw * most)
    return y + (bh - fitted) / 2, fitted


_SHOPS = (
    "PHARMACY", "BAKERY", "HAIR SALON", "PIZZA", "MINI MARKET", "OPTICIAN",
    "KEBAB HOUSE", "BOOKS", "FASHION", "DENTAL CLINIC", "RESTAURANT", "BAR",
    "SUPERMARKET", "TATTOO", "MOBILE REPAIR", "DRY CLEANING", "BUTCHER",
    "CAFE & BAR", "NAILS", "HOTEL CENTRAL", "SHOES", "ELECTRONICS", "TOBACCO",
)  # fmt: skip
_TLDS = (".com", ".co.uk", ".de", ".nl", ".net", ".cn")


def _web(rng: np.random.Generator, firm: str) -> str:
    name = "".join(c for c in firm.lower() if c.isalpha())[:14] or "shop"
    return f"www.{name}{_TLDS[int(rng.integers(len(_TLDS)))]}"


def _logo(img, rng, cx: float, cy: float, r: float, colour) -> None:
    """A simple logo: a disc, a ring, a triangle, a swoosh or a diamond."""
    c = _colour(colour)
    r = max(r, 2)
    kind = int(rng.integers(5))
    if kind == 0:
        cv2.circle(img, (int(cx), int(cy)), int(r), c, -1, cv2.LINE_AA)
    elif kind == 1:
        cv2.circle(img, (int(cx), int(cy)), int(r), c, max(int(r / 4), 1), cv2.LINE_AA)
    elif kind == 2:
        pts = np.array([(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)])
        cv2.fillPoly(img, [pts.astype(np.int32)], c, cv2.LINE_AA)
    elif kind == 3:
        cv2.ellipse(
            img,
            (int(cx), int(cy)),
            (int(r), int(r * 0.45)),
            -15,
            190,
            350,
            c,
            max(int(r / 4), 1),
            cv2.LINE_AA,
        )
    else:
        pts = np.array([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)])
        cv2.fillPoly(img, [pts.astype(np.int32)], c, cv2.LINE_AA)


def _gradient_fill(img, rng, x0: int, y0: int, x1: int, y1: int, c0, c1) -> None:
    """Fills the box with a linear gradient from ``c0`` to ``c1`` (top to bottom
    or left to right)."""
    ih, iw = img.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, iw), min(y1, ih)
    if x1 <= x0 or y1 <= y0:
        return
    vertical = rng.random() < 0.6
    n = (y1 - y0) if vertical else (x1 - x0)
    t = np.linspace(0, 1, n, dtype=np.float32)[:, None]
    ramp = (1 - t) * np.asarray(c0, np.float32) + t * np.asarray(c1, np.float32)
    ramp = ramp[:, None, :] if vertical else ramp[None, :, :]
    img[y0:y1, x0:x1] = np.clip(ramp, 0, 255).astype(np.uint8)


# --- the entries ---------------------------------------------------------------


@register_distractor("sign", 0.3)
def sign(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A sign or sticker: a coloured box with one or two lines of words."""
    draw_text_box(img, rng, x, y, bw, bh, rng.normal(0, 4))


@register_distractor("badge", 0.1)
def badge(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A round badge of one colour, as tall as the box."""
    c = (int(x + bw / 2), int(y + bh / 2))
    colour = tuple(float(v) for v in rng.uniform(0, 255, 3))
    cv2.circle(img, c, int(bh / 2), colour, -1, cv2.LINE_AA)


@register_distractor("bright_box", 0.1)
def bright_box(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A bright, nearly white rectangle (a lamp, a lit window, a label)."""
    v = rng.uniform(200, 255)
    cv2.rectangle(
        img, (int(x), int(y)), (int(x + bw), int(y + bh)), (v, v, v * 0.95), -1
    )


@register_distractor("van_panel", 0.12, size=((0.3, 0.7), (0.1, 0.28)))
def van_panel(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A van's painted side or rear panel: a company name and a phone number in
    big characters, sometimes a web address, a logo, a stripe, a window or a
    wheel arch."""
    y, bh = _fit_aspect(y, bw, bh, 0.7)
    body = pick_colour(rng) if rng.random() < 0.7 else rng.uniform(0, 255, 3)
    x0, y0, x1, y1 = int(x), int(y), int(x + bw), int(y + bh)
    shade = rng.uniform(0.8, 1.15)
    _gradient_fill(img, rng, x0, y0, x1, y1, body * shade, body * (2 - shade))
    if rng.random() < 0.35:  # the rear doors' windows at the top
        wy1 = y + bh * rng.uniform(0.15, 0.3)
        glass = _colour(np.full(3, rng.uniform(15, 70)))
        for u0, u1 in ((0.04, 0.47), (0.53, 0.96)):
            cv2.rectangle(
                img, (int(x + bw * u0), y0 + 2), (int(x + bw * u1), int(wy1)), glass, -1
            )
        y, bh = wy1, y + bh - wy1
    elif rng.random() < 0.4:  # a wheel arch at the bottom of a side panel
        r = bh * rng.uniform(0.2, 0.35)
        cx = int(x + bw * rng.uniform(0.15, 0.85))
        cv2.ellipse(
            img,
            (cx, y1),
            (int(r * 1.1), int(r)),
            0,
            180,
            360,
            (20, 20, 20),
            -1,
            cv2.LINE_AA,
        )
        bh *= 0.8
    if rng.random() < 0.4:  # a stripe of a second colour along the panel
        sy = y + bh * rng.uniform(0.75, 0.9)
        stripe = rng.uniform(0, 255, 3)
        cv2.rectangle(
            img,
            (x0, int(sy)),
            (x1, int(sy + bh * rng.uniform(0.05, 0.1))),
            _colour(stripe),
            -1,
        )
        bh *= 0.75
    if rng.random() < 0.5:  # a panel seam or a door edge
        sx = int(x + bw * rng.uniform(0.1, 0.9))
        cv2.line(img, (sx, y0), (sx, y1), _colour(body * 0.55), 1, cv2.LINE_AA)
    ink = _ink_on(body, rng)
    firm = str(rng.choice(FIRMS))
    if rng.random() < 0.3:
        other = str(rng.choice(FIRMS))
        firm = firm if other == firm else f"{firm} {other}"
    phone = phone_number(rng)
    if rng.random() < 0.4:
        phone = f"{rng.choice(['TEL', 'Tel.', 'CALL', 'T:'])} {phone}"
    # the lettering takes part of the panel
    tw, th = bw * rng.uniform(0.6, 0.92), bh * rng.uniform(0.45, 0.8)
    tx = x + (bw - tw) * rng.uniform(0.1, 0.9)
    ty = y + (bh - th) * rng.uniform(0.1, 0.9)
    if rng.random() < 0.4:  # a logo left of the lettering
        r = min(th * rng.uniform(0.2, 0.3), tw * 0.12)
        _logo(img, rng, tx + r, ty + th * 0.3, r, _ink_on(body, rng))
        tx, tw = tx + 2.5 * r, tw - 2.5 * r
    font = str(rng.choice(FONTS))
    align = "l" if rng.random() < 0.5 else "c"
    layout = rng.random()
    if layout < 0.45:  # name above, phone number big below
        _write(img, firm, (tx, ty, tw, th * 0.38), ink, font, align)
        _write(
            img,
            phone,
            (tx, ty + th * 0.5, tw, th * 0.5),
            ink,
            str(rng.choice(FONTS)),
            align,
            rng.uniform(0.9, 1.3),
        )
    elif layout < 0.75:  # phone number only, the biggest thing on the panel
        _write(
            img,
            phone,
            (tx, ty + th * 0.2, tw, th * 0.6),
            ink,
            font,
            "c",
            rng.uniform(0.9, 1.4),
        )
    else:  # name, phone number and web address in three lines
        _write(img, firm, (tx, ty, tw, th * 0.36), ink, font, align)
        _write(img, phone, (tx, ty + th * 0.45, tw, th * 0.3), ink, font, align)
        _write(
            img,
            _web(rng, firm),
            (tx, ty + th * 0.82, tw, th * 0.18),
            ink,
            "sans",
            align,
        )


@register_distractor("shop_sign", 0.15, size=((0.25, 0.75), (0.035, 0.1)))
def shop_sign(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A long shop-front sign: one or two lines of words (sometimes a number),
    framed or not, light or dark, sometimes lit from inside."""
    y, bh = _fit_aspect(y, bw, bh, 0.3)
    dark = rng.random() < 0.45
    bg = rng.uniform(10, 70, 3) if dark else rng.uniform(150, 250, 3)
    if rng.random() < 0.3:  # a strong brand colour
        bg = rng.uniform(0, 255, 3)
        bg[int(rng.integers(3))] = rng.uniform(150, 255)
    lit = rng.random() < 0.3
    x0, y0, x1, y1 = int(x), int(y), int(x + bw), int(y + bh)
    if lit:
        bg = np.clip(bg * 1.3 + 40, 0, 255)
    cv2.rectangle(img, (x0, y0), (x1, y1), _colour(bg), -1)
    if rng.random() < 0.5:  # a frame
        t = max(int(bh * rng.uniform(0.04, 0.1)), 1)
        frame = rng.uniform(0, 255, 3) if rng.random() < 0.5 else bg * 0.5
        cv2.rectangle(img, (x0, y0), (x1, y1), _colour(frame), t)
    ink = _ink_on(bg, rng)
    name = str(rng.choice(_SHOPS))
    if rng.random() < 0.3:
        name = f"{rng.choice(WORDS)} {name}"
    second = None
    if rng.random() < 0.45:
        second = str(
            rng.choice(
                [
                    f"TEL {phone_number(rng)}",
                    f"No. {rng.integers(1, 300)}",
                    "OPEN 7 DAYS",
                    f"SINCE {rng.integers(1890, 2020)}",
                    f"{rng.integers(7, 11)}-{rng.integers(17, 23)} H",
                    str(rng.choice(WORDS)),
                ]
            )
        )
    font = str(rng.choice(FONTS))
    stretch = rng.uniform(0.9, 1.6)
    pad = bh * 0.15
    if second is None:
        _write(
            img,
            name,
            (x + pad, y + pad, bw - 2 * pad, bh - 2 * pad),
            ink,
            font,
            "c",
            stretch,
        )
    else:
        _write(
            img,
            name,
            (x + pad, y + pad * 0.7, bw - 2 * pad, bh * 0.5),
            ink,
            font,
            "c",
            stretch,
        )
        _write(
            img,
            second,
            (x + pad, y + bh * 0.62, bw - 2 * pad, bh * 0.28),
            ink,
            "sans",
            "c",
        )
    if lit and x1 > x0 and y1 > y0:  # the light spills around the sign
        cx0, cy0 = max(x0 - int(bh), 0), max(y0 - int(bh), 0)
        cx1 = min(x1 + int(bh), img.shape[1])
        cy1 = min(y1 + int(bh), img.shape[0])
        roi = img[cy0:cy1, cx0:cx1]
        glow = np.zeros(roi.shape[:2], np.float32)
        glow[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0] = 1
        glow = cv2.GaussianBlur(glow, (0, 0), max(bh * 0.3, 1))
        add = glow[..., None] * (bg * 0.35 + 30)
        roi[:] = np.clip(roi + add, 0, 255).astype(np.uint8)


@register_distractor("poster", 0.1, size=((0.12, 0.4), (0.1, 0.3)))
def poster(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A poster or billboard: a picture-like gradient, coloured blocks, a
    headline and lines of small text."""
    y, bh = _fit_aspect(y, bw, bh, 1.5)
    x0, y0, x1, y1 = int(x), int(y), int(x + bw), int(y + bh)
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    _gradient_fill(img, rng, x0, y0, x1, y1, c0, c1)
    pic = img[max(y0, 0) : y1, max(x0, 0) : x1]  # the picture stays on the poster
    for _ in range(int(rng.integers(1, 4))):  # the picture: blobs and blocks
        px = bw * rng.uniform(0.1, 0.9) + x - max(x0, 0)
        py = bh * rng.uniform(0.2, 0.8) + y - max(y0, 0)
        r = min(bw, bh) * rng.uniform(0.1, 0.3)
        col = _colour(rng.uniform(0, 255, 3))
        if rng.random() < 0.5:
            axes = (int(r), int(r * rng.uniform(0.5, 1.5)))
            angle = rng.uniform(0, 180)
            cv2.ellipse(
                pic, (int(px), int(py)), axes, angle, 0, 360, col, -1, cv2.LINE_AA
            )
        else:
            p0, p1 = (int(px - r), int(py - r * 0.6)), (int(px + r), int(py + r * 0.6))
            cv2.rectangle(pic, p0, p1, col, -1)
    band = rng.random() < 0.6
    hy = y + bh * (rng.uniform(0.04, 0.12) if rng.random() < 0.6 else 0.55)
    hh = bh * rng.uniform(0.14, 0.25)
    bg = c0 if hy < y + bh / 2 else c1
    if band:  # the headline on a block of its own colour
        bg = rng.uniform(0, 255, 3)
        cv2.rectangle(
            img, (x0, int(hy - hh * 0.15)), (x1, int(hy + hh * 1.15)), _colour(bg), -1
        )
    words = " ".join(str(w) for w in rng.choice(WORDS + _SHOPS, rng.integers(1, 3)))
    if rng.random() < 0.3:
        words = f"{words} {rng.integers(1, 99)}%"
    ink = _ink_on(bg, rng)
    _write(
        img, words, (x + bw * 0.06, hy, bw * 0.88, hh), ink, str(rng.choice(FONTS)), "c"
    )
    ly = hy + hh * 1.4 if hy < y + bh / 2 else y + bh * 0.12
    small = _ink_on(c1 if ly > y + bh / 2 else c0, rng)
    for _ in range(int(rng.integers(1, 4))):  # small text lines
        lh = bh * rng.uniform(0.04, 0.07)
        if ly + lh > y + bh * 0.95:
            break
        line = " ".join(str(w) for w in rng.choice(WORDS, rng.integers(2, 5)))
        _write(img, line.lower(), (x + bw * 0.1, ly, bw * 0.8, lh), small, "sans")
        ly += lh * 1.6


@register_distractor("sticker", 0.15, size=((0.025, 0.09), (0.015, 0.05)))
def sticker(
    img: np.ndarray, rng: np.random.Generator, x: float, y: float, bw: float, bh: float
) -> None:
    """A small sticker: a country oval ("GB", "D"), an inspection disc with
    digits, a permit or dealer's sticker of several small words, or a
    "BABY ON BOARD" sign, round, oval or rounded-rectangular."""
    cx, cy = x + bw / 2, y + bh / 2
    kind = int(rng.integers(4))
    if kind == 0:  # country oval: white, black letters, black rim
        ay = min(bh / 2, bw * 0.35)
        ax = min(bw / 2, ay * 2.2)
        bg = np.full(3, rng.uniform(220, 250))
        cv2.ellipse(
            img,
            (int(cx), int(cy)),
            (int(ax), int(ay)),
            0,
            0,
            360,
            _colour(bg),
            -1,
            cv2.LINE_AA,
        )
        cv2.ellipse(
            img,
            (int(cx), int(cy)),
            (int(ax), int(ay)),
            0,
            0,
            360,
            (15, 15, 15),
            max(int(ay / 8), 1),
            cv2.LINE_AA,
        )
        code = str(rng.choice(["GB", "D", "NL", "CH", "F", "CZ", "PL", "IRL", "DK"]))
        _write(
            img,
            code,
            (cx - ax * 0.55, cy - ay * 0.55, ax * 1.1, ay * 1.1),
            (15, 15, 15),
        )
    elif kind == 1:  # inspection disc: coloured ring of month numbers, a year
        r = min(bw, bh) / 2
        bg = rng.uniform(60, 255, 3)
        cv2.circle(img, (int(cx), int(cy)), int(r), _colour(bg), -1, cv2.LINE_AA)
        ink = _ink_on(bg, rng)
        for k in range(12):  # month ticks (digits at a few pixels read as ticks)
            a = 2 * np.pi * k / 12
            p0 = (int(cx + 0.62 * r * np.sin(a)), int(cy - 0.62 * r * np.cos(a)))
            p1 = (int(cx + 0.9 * r * np.sin(a)), int(cy - 0.9 * r * np.cos(a)))
            cv2.line(img, p0, p1, _colour(ink), max(int(r / 10), 1), cv2.LINE_AA)
        _write(
            img,
            f"{rng.integers(0, 100):02d}",
            (cx - r * 0.45, cy - r * 0.3, r * 0.9, r * 0.6),
            ink,
        )
    elif kind == 2:  # baby on board: yellow diamond or square, small words
        s = min(bw, bh) / 2
        pts = np.array([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)])
        cv2.fillPoly(img, [pts.astype(np.int32)], (240, 200, 30), cv2.LINE_AA)
        cv2.polylines(
            img,
            [pts.astype(np.int32)],
            True,
            (20, 20, 20),
            max(int(s / 10), 1),
            cv2.LINE_AA,
        )
        _write(img, "BABY", (cx - s * 0.5, cy - s * 0.4, s, s * 0.35), (20, 20, 20))
        _write(
            img,
            "ON BOARD",
            (cx - s * 0.55, cy + s * 0.02, s * 1.1, s * 0.25),
            (20, 20, 20),
            "sans",
        )
    else:  # permit or dealer's sticker: rounded rectangle, mixed sizes
        bg = rng.uniform(0, 255, 3)
        r = int(min(bw, bh) * rng.uniform(0.15, 0.45))
        x0, y0, x1, y1 = int(x), int(y), int(x + bw), int(y + bh)
        col = _colour(bg)
        cv2.rectangle(img, (x0 + r, y0), (x1 - r, y1), col, -1)
        cv2.rectangle(img, (x0, y0 + r), (x1, y1 - r), col, -1)
        for px, py in (
            (x0 + r, y0 + r),
            (x1 - r, y0 + r),
            (x0 + r, y1 - r),
            (x1 - r, y1 - r),
        ):
            cv2.circle(img, (px, py), r, col, -1, cv2.LINE_AA)
        ink = _ink_on(bg, rng)
        top = str(
            rng.choice(
                [
                    "PARKING PERMIT",
                    "RESIDENT",
                    "ZONE",
                    "AUTO CENTER",
                    "VISITOR",
                    "STAFF",
                    "DEALER",
                ]
            )
        )
        big = str(
            rng.choice(
                [
                    f"{rng.integers(2015, 2030)}",
                    f"{rng.integers(1, 9999)}",
                    f"ZONE {rng.choice(list('ABCDEF'))}",
                    "PAID",
                ]
            )
        )
        _write(img, top, (x + bw * 0.1, y + bh * 0.1, bw * 0.8, bh * 0.25), ink, "sans")
        _write(img, big, (x + bw * 0.15, y + bh * 0.42, bw * 0.7, bh * 0.45), ink)
