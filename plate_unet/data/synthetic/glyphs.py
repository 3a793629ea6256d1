"""Character masks for the synthetic scenes, from matplotlib's bundled DejaVu fonts
and the plate-like fonts the project installs (``fontpkg`` packages of Google
Fonts, OFL): Barlow Condensed (drawn after road signs and licence plates),
Roboto Condensed, Oswald, and Noto Sans Arabic.

Glyphs are rendered once per process with FreeType (``matplotlib.ft2font``) and
cached, so drawing a plate costs a few small resizes. A variable font is drawn
at its default instance. Chinese province characters
are not in DejaVu; :func:`hanzi` draws stroke patterns that look like them at the
few pixels a plate character has in a photo, and :func:`kana` simpler ones for the
Japanese syllable at the left of a Japanese plate. A character that a font lacks
(Arabic-Indic digits in the serif fonts, say) is drawn in sans-bold, never as an
empty box: see :func:`has_char`.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache

import cv2
import matplotlib
import numpy as np
from matplotlib import ft2font

#: Every font by name: a file of matplotlib's DejaVu fonts, or ``(family,
#: weight)`` of an installed ``fontpkg`` font package.
FONTS: dict[str, str | tuple[str, int]] = {
    "sans-bold": "DejaVuSans-Bold.ttf",
    "sans": "DejaVuSans.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "sans-oblique": "DejaVuSans-BoldOblique.ttf",
    "mono": "DejaVuSansMono.ttf",
    "serif": "DejaVuSerif.ttf",
    "sans-light-oblique": "DejaVuSans-Oblique.ttf",
    "condensed-bold": ("Barlow Condensed", 700),
    "condensed-semibold": ("Barlow Condensed", 600),
    "condensed-medium": ("Barlow Condensed", 500),
    "condensed": ("Roboto Condensed", 400),
    "narrow": ("Oswald", 400),
}
#: The font of Arabic letters and Arabic-Indic digits that a font lacks (Noto
#: Sans Arabic); other characters a font lacks are drawn in sans-bold.
ARABIC_FONT = "arabic"
_ARABIC = ("Noto Sans Arabic", 400)
_GLYPH_PT = 96  # points at 72 dpi: capitals come out ~70 px tall
N_HANZI = 32


@cache
def _font(name: str) -> ft2font.FT2Font:
    spec = _ARABIC if name == ARABIC_FONT else FONTS.get(name)
    if spec is None:
        raise ValueError(f"unknown font {name!r}; valid: {sorted(FONTS)}")
    if isinstance(spec, tuple):
        import fontpkg

        family, weight = spec
        return ft2font.FT2Font(str(fontpkg.path(family, weight=weight, nearest=True)))
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return ft2font.FT2Font(os.path.join(folder, spec))


def _fallback(char: str, font: str) -> str:
    """``font`` when it draws ``char``; else the Arabic font for Arabic script,
    else sans-bold."""
    if has_char(char, font):
        return font
    if all(0x0600 <= ord(c) <= 0x06FF for c in char) and has_char(char, ARABIC_FONT):
        return ARABIC_FONT
    return "sans-bold"


@cache
def _charmap(name: str) -> frozenset[int]:
    return frozenset(_font(name).get_charmap())


def has_char(char: str, font: str = "sans-bold") -> bool:
    """Whether ``font`` has a glyph for every character of ``char``.

    Example:
        >>> from plate_unet.data.synthetic.glyphs import has_char
        >>> has_char("\u0663"), has_char("\u0663", "serif-bold")  # Arabic-Indic 3
        (True, False)
    """
    charmap = _charmap(font)
    return all(ord(c) in charmap for c in char)


def _render(text: str, font: str, points: int) -> np.ndarray:
    f = _font(font)
    f.clear()
    f.set_size(points, 72)
    f.set_text(text, 0.0)
    f.draw_glyphs_to_bitmap(antialiased=True)
    return np.asarray(f.get_image()).copy()


def _crop_to_ink(img: np.ndarray) -> np.ndarray:
    """The smallest box around the non-zero pixels, read-only (1×1 when blank)."""
    ys, xs = np.nonzero(img)
    if ys.size == 0:
        return np.zeros((1, 1), np.uint8)
    out = img[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    out.setflags(write=False)
    return out


@lru_cache(maxsize=4096)
def glyph(char: str, font: str = "sans-bold") -> np.ndarray:
    """Returns the ink-cropped mask (uint8 0..255) of one character.

    Args:
        char: One character.
        font: A key of :data:`FONTS`.

    Returns:
        A read-only 2-D uint8 array, about 70 px tall for capitals and digits.
        A character the font lacks is drawn in Noto Sans Arabic (Arabic
        script) or sans-bold.

    Raises:
        ValueError: If ``font`` is unknown.

    Example:
        >>> from plate_unet.data.synthetic.glyphs import glyph
        >>> glyph("A").shape[0] > 50
        True
    """
    return _crop_to_ink(_render(char, _fallback(char, font), _GLYPH_PT))


@lru_cache(maxsize=1024)
def text_line(text: str, font: str = "sans-bold") -> np.ndarray:
    """Returns the mask (uint8 0..255) of a line of text with the font's kerning.

    Args:
        text: The text (one line).
        font: A key of :data:`FONTS`.

    Returns:
        A read-only 2-D uint8 array about 36 px tall, cropped to the ink (the
        whole line in sans-bold when the font lacks one of its characters).

    Example:
        >>> from plate_unet.data.synthetic.glyphs import text_line
        >>> text_line("PARKING").shape[1] > text_line("P").shape[1]
        True
    """
    if not has_char(text, font):
        font = "sans-bold"
    return _crop_to_ink(_render(text, font, 48))


@lru_cache(maxsize=N_HANZI)
def hanzi(index: int) -> np.ndarray:
    """Returns a 96×96 mask that looks like a Chinese character (a province name).

    The strokes come from a fixed seed per index, so the same index always gives
    the same mask.

    Args:
        index: Which of :data:`N_HANZI` patterns (taken modulo ``N_HANZI``).

    Returns:
        A read-only 96×96 uint8 mask (0 or 255, anti-aliased edges).

    Example:
        >>> from plate_unet.data.synthetic.glyphs import hanzi
        >>> hanzi(3).shape
        (96, 96)
    """
    rng = np.random.default_rng(1000 + index % N_HANZI)
    size, t = 96, 9
    img = np.zeros((size, size), np.uint8)
    split = rng.random() < 0.7  # left radical + right part, else one block
    parts = [(4, int(size * rng.uniform(0.3, 0.4)))] if split else []
    parts.append((parts[0][1] + 6 if split else 6, size - 5))
    for i, (x0, x1) in enumerate(parts):
        if split and i == 0 and rng.random() < 0.5:  # water radical: three dots
            for k in range(3):
                y = 16 + 28 * k
                cv2.line(img, (x0 + 4, y), (x1 - 4, y + 8), 255, t, cv2.LINE_AA)
            continue
        for _ in range(rng.integers(2, 5)):
            y = int(rng.uniform(8, size - 8))
            a, b = sorted(rng.uniform(x0, x1, 2).astype(int))
            cv2.line(
                img, (int(a), y), (max(int(b), int(a) + 12), y), 255, t, cv2.LINE_AA
            )
        for _ in range(rng.integers(1, 4)):
            x = int(rng.uniform(x0 + 4, x1 - 4))
            a, b = sorted(rng.uniform(4, size - 4, 2).astype(int))
            cv2.line(
                img, (x, int(a)), (x, max(int(b), int(a) + 20)), 255, t, cv2.LINE_AA
            )
        if rng.random() < 0.5:  # a box (口)
            y0 = int(rng.uniform(6, size / 2))
            cv2.rectangle(img, (x0 + 6, y0), (x1 - 6, y0 + 28), 255, t - 2, cv2.LINE_AA)
        if rng.random() < 0.6:  # a diagonal sweep
            cv2.line(img, (x1 - 6, 40), (x0 + 2, size - 6), 255, t, cv2.LINE_AA)
    img.setflags(write=False)
    return img


N_KANA = 16


@lru_cache(maxsize=N_KANA)
def kana(index: int) -> np.ndarray:
    """Returns a 96×96 mask that looks like a kana syllable (two or three strokes).

    Args:
        index: Which of :data:`N_KANA` patterns (taken modulo ``N_KANA``).

    Returns:
        A read-only 96×96 uint8 mask, the same for the same index.

    Example:
        >>> from plate_unet.data.synthetic.glyphs import kana
        >>> kana(5).shape, bool(kana(5).any())
        ((96, 96), True)
    """
    rng = np.random.default_rng(2000 + index % N_KANA)
    img = np.zeros((96, 96), np.uint8)
    y = int(rng.uniform(18, 40))
    cv2.line(img, (14, y), (82, y - int(rng.uniform(0, 8))), 255, 9, cv2.LINE_AA)
    x = int(rng.uniform(30, 66))
    if rng.random() < 0.5:  # a down stroke that sweeps left
        pts = np.array([[x, 8], [x, 50], [x - 14, 78], [14, 90]], np.int32)
    else:  # a down stroke that hooks right
        pts = np.array([[x - 10, 10], [x - 16, 60], [x + 4, 86], [84, 80]], np.int32)
    cv2.polylines(img, [pts], False, 255, 9, cv2.LINE_AA)
    if rng.random() < 0.7:  # a loop or a dot-like tick
        centre = (int(rng.uniform(40, 66)), int(rng.uniform(52, 70)))
        axes = (int(rng.uniform(12, 24)), int(rng.uniform(10, 18)))
        start = int(rng.uniform(0, 180))
        cv2.ellipse(img, centre, axes, 0, start, start + 250, 255, 8, cv2.LINE_AA)
    img.setflags(write=False)
    return img
