"""The plate styles draw plates as the world writes them: every style at any size,
readable in grey, repeatable, and a randomised style that covers every shape."""

import cv2
import numpy as np
import pytest

from plate_unet.data.synthetic import plate_styles
from plate_unet.data.synthetic.glyphs import (
    ARABIC_FONT,
    FONTS,
    glyph,
    has_char,
    text_line,
)
from plate_unet.data.synthetic.plate_styles import (
    ARABIC_DIGITS,
    PLATE_STYLES,
    REGISTRATION_FONTS,
    draw_random,
    random_layout,
    render_plate,
)


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32), cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize("width", [48, 200, 600])
@pytest.mark.parametrize("style", sorted(PLATE_STYLES))
def test_every_style_renders_a_readable_plate_at_every_size(style, width):
    h_mm, w_mm = PLATE_STYLES[style].size_mm
    for seed in range(4):
        rgb, alpha, name, _, _ = render_plate(np.random.default_rng(seed), width, style)
        assert name == style and rgb.dtype == np.float32 and alpha.dtype == np.uint8
        assert rgb.shape == (*alpha.shape, 3) and abs(rgb.shape[1] - width) <= 2
        assert (alpha == 255).mean() > 0.9  # opaque but for the rounded corners
        aspect = rgb.shape[1] / rgb.shape[0]
        if style == "random":
            assert 1 <= aspect <= 5.5
        else:
            assert 0.75 * w_mm / h_mm <= aspect <= 1.25 * w_mm / h_mm, (seed, aspect)
        lo, hi = np.percentile(_grey(rgb)[alpha == 255], [5, 95])
        assert hi - lo > 50, (seed, lo, hi)  # characters stand out in grey


@pytest.mark.parametrize("style", sorted(PLATE_STYLES))
def test_a_plate_is_the_same_for_the_same_random_seed(style):
    a = render_plate(np.random.default_rng(7), 200, style)
    b = render_plate(np.random.default_rng(7), 200, style)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    c = render_plate(np.random.default_rng(8), 200, style)
    assert c[0].shape != a[0].shape or not np.array_equal(a[0], c[0])


def test_the_random_style_covers_shapes_rows_and_fonts():
    layouts = [random_layout(np.random.default_rng(i)) for i in range(200)]
    aspects = [lay.aspect for lay in layouts]
    assert min(aspects) < 1.5 and max(aspects) > 3.5
    assert {len(lay.rows) for lay in layouts} == {1, 2, 3}
    assert {lay.font for lay in layouts} == set(FONTS)
    for lay in layouts:  # characters and plate 90+ grey levels apart
        grey = _grey(np.float32([[lay.bg, lay.fg]]))[0]
        assert abs(grey[0] - grey[1]) > 60
    rgb, alpha, text = draw_random(np.random.default_rng(0), 1.0, layouts[0])
    assert text == "\n".join(chars for _, chars in layouts[0].rows)
    assert rgb.shape[1] / rgb.shape[0] == pytest.approx(layouts[0].aspect, rel=0.02)


def test_the_weights_keep_half_the_plates_in_the_original_styles():
    total = sum(s.weight for s in PLATE_STYLES.values())
    old = ("cn_blue", "cn_yellow", "cn_green", "eu", "us", "mercosul", "india")
    share = sum(PLATE_STYLES[k].weight for k in old) / total
    assert 0.5 <= share <= 0.6
    assert PLATE_STYLES["cn_blue"].weight / total >= 0.15
    assert PLATE_STYLES["random"].weight / total >= 0.15
    assert PLATE_STYLES["square"].rows == PLATE_STYLES["jp"].rows == 2


def test_a_character_missing_from_a_font_is_drawn_in_a_font_that_has_it():
    three, be = ARABIC_DIGITS[3], "\u0411"  # Arabic-Indic 3, Cyrillic Б
    assert has_char(three) and not has_char(three, "serif-bold")
    assert has_char(three, ARABIC_FONT)  # Arabic script: Noto Sans Arabic
    assert np.array_equal(glyph(three, "serif-bold"), glyph(three, ARABIC_FONT))
    assert not np.array_equal(glyph(three, "serif-bold"), glyph(three, "sans-bold"))
    assert not has_char(be, "condensed-semibold")  # anything else: sans-bold
    assert np.array_equal(glyph(be, "condensed-semibold"), glyph(be, "sans-bold"))
    assert np.array_equal(text_line(three, "serif"), text_line(three, "sans-bold"))


def test_every_font_is_installed_and_draws_capitals_and_digits():
    for name in FONTS:
        for c in "A0":
            assert has_char(c, name), name
            g = glyph(c, name)
            assert g.shape[0] > 50 and g.max() == 255, (name, c)
    # the packaged fonts are not DejaVu drawn again
    assert not np.array_equal(glyph("R", "condensed-semibold"), glyph("R", "sans-bold"))


def test_each_plate_draws_its_registration_in_one_font_of_its_own(monkeypatch):
    used: list[set] = []
    char_mask = plate_styles._char_mask

    def record(c, font):
        used[-1].add(font or plate_styles._PLATE_FONT.get())
        return char_mask(c, font)

    monkeypatch.setattr(plate_styles, "_char_mask", record)
    for seed in range(40):
        used.append(set())
        render_plate(np.random.default_rng(seed), 200, "eu")
    assert all(len(fonts) == 1 for fonts in used)  # one font per plate
    fonts = set().union(*used)
    assert fonts <= set(REGISTRATION_FONTS) and len(fonts) >= 4
    used.append(set())
    render_plate(np.random.default_rng(0), 200, "cn_blue")  # names its own font
    assert used[-1] == {"sans"}
    assert plate_styles._PLATE_FONT.get() == "sans-bold"  # reset after the plate


def test_a_narrow_glyph_keeps_its_shape_in_a_wide_cell():
    img = np.zeros((80, 60, 3), np.float32)
    plate_styles._cells(img, "I", 0, 0, 60, 80, 0, (255, 255, 255), "sans-bold")
    inked = (img[..., 0] > 128).any(axis=0)
    assert 5 <= inked.sum() <= 30  # a bar, not a 60-pixel block
    img[:] = 0
    plate_styles._cells(img, "W", 0, 0, 60, 80, 0, (255, 255, 255), "sans-bold")
    assert (img[..., 0] > 128).any(axis=0).sum() >= 55  # wide glyphs fill the cell
