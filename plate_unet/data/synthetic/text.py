"""Words that are not plates, drawn flat into the photo: signs and stickers
(:func:`draw_text_box`) and a photographer's watermark or date stamp
(:func:`draw_watermark`)."""

from __future__ import annotations

import cv2
import numpy as np

from plate_unet.data.synthetic.glyphs import text_line
from plate_unet.data.synthetic.paint import paste_texture, rgb_tuple

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
    cv2.fillPoly(img, [pts.round().astype(np.int32)], rgb_tuple(bg), cv2.LINE_AA)
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


#: Firms' names painted on vans and lorries.
FIRMS = (
    "CITY PLUMBING", "EXPRESS", "SMITH & SONS", "FAST COURIER", "GREEN CLEAN",
    "ELEKTRO MAYER", "BAKERY", "LOGISTICS", "ROOFING", "TRANSPORTE", "FLOWERS",
    "CATERING", "HEATING & GAS", "MOVERS", "24/7 LOCKSMITH", "PIZZA", "GLASS",
    "POWER TOOLS", "PETERSEN", "DELIVERY", "RENTAL", "BUILDERS LTD", "GmbH",
)  # fmt: skip


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def phone_number(rng: np.random.Generator) -> str:
    """A phone number in one of several national layouts, with spaces or dashes.

    Example:
        >>> from plate_unet.data.synthetic.text import phone_number
        >>> sum(c.isdigit() for c in phone_number(np.random.default_rng(0))) >= 7
        True
    """
    d = lambda n: _digits(rng, n)  # noqa: E731
    forms = [
        lambda: f"0800 {d(3)} {d(3)}",
        lambda: f"+44 20 {d(4)} {d(4)}",
        lambda: f"0{d(2)}-{d(3)} {d(4)}",
        lambda: f"0{d(4)} {d(6)}",
        lambda: f"({d(3)}) {d(3)}-{d(4)}",
        lambda: f"0{d(2)} {d(7)}",
        lambda: f"+49 {d(2)} {d(6)}",
        lambda: f"0{d(1)} {d(2)} {d(2)} {d(2)} {d(2)}",
        lambda: f"1{d(2)} {d(4)} {d(4)}",
        lambda: f"{d(3)}-{d(4)}",
        lambda: f"+31 {d(2)} {d(3)} {d(4)}",
        lambda: f"{d(4)} {d(3)} {d(3)}",
    ]
    return forms[int(rng.integers(len(forms)))]()
