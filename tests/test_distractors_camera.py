"""Tests of the scene's distractors (text that is not a plate) and camera step."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.data.synthetic.camera import photograph
from plate_unet.data.synthetic.distractors import (
    DEFAULT_SIZE,
    DISTRACTORS,
    distractor_box,
    register_distractor,
)
from plate_unet.data.synthetic.text import phone_number

PACKAGE_ENTRIES = sorted(
    n for n, d in DISTRACTORS.items() if d.draw.__module__.startswith("plate_unet.")
)


def test_the_text_that_is_not_a_plate_is_registered():
    assert {"van_panel", "shop_sign", "poster", "sticker"} <= set(DISTRACTORS)
    (w_lo, _), (_, h_hi) = DISTRACTORS["van_panel"].size
    assert w_lo >= 0.25 and h_hi >= 0.2  # a van's panel is large
    (_, w_hi), _ = DISTRACTORS["sticker"].size
    assert w_hi <= 0.1  # stickers are small


@pytest.mark.parametrize("name", PACKAGE_ENTRIES)
def test_every_distractor_draws_inside_its_box(name):
    entry = DISTRACTORS[name]
    h, w = 360, 580
    for seed in range(25):
        rng = np.random.default_rng(seed)
        img = np.full((h, w, 3), 128, np.uint8)
        x, y, bw, bh = distractor_box(entry, rng, h, w)
        entry.draw(img, rng, x, y, bw, bh)
        changed = (img != 128).any(-1)
        box = changed[int(y) : int(np.ceil(y + bh)), int(x) : int(np.ceil(x + bw))]
        assert box.mean() > 0.05, f"{name} seed {seed}: box barely drawn"
        pad = 0.2 * max(bw, bh) + 2  # anti-aliasing, a lit sign's glow
        ys, xs = np.nonzero(changed)
        assert xs.min() >= x - pad and xs.max() <= x + bw + pad, (name, seed)
        assert ys.min() >= y - pad and ys.max() <= y + bh + pad, (name, seed)


@pytest.mark.parametrize("name", PACKAGE_ENTRIES)
@pytest.mark.parametrize("size", [(1160, 720), (720, 1160), (64, 40)])
def test_distractor_box_is_inside_the_image_and_sized_by_the_entry(name, size):
    h, w = size
    entry = DISTRACTORS[name]
    (w_lo, w_hi), (h_lo, h_hi) = entry.size
    rng = np.random.default_rng(0)
    for _ in range(200):
        x, y, bw, bh = distractor_box(entry, rng, h, w)
        assert 0 <= x and x + bw <= w and 0 <= y and y + bh <= h
        assert w_lo <= bw / w <= w_hi and h_lo <= bh / h <= h_hi


def test_register_distractor_checks_the_size_and_keeps_the_old_call():
    bad = {
        "too_wide": ((0.5, 1.5), (0.1, 0.2)),
        "reversed": ((0.3, 0.1), (0.1, 0.2)),
        "zero": ((0.0, 0.1), (0.1, 0.2)),
        "flat": (0.1, 0.2),
    }
    for name, size in bad.items():
        with pytest.raises(
            ValueError,
            match=rf"distractor '{name}': size=.* must be \(\(w_lo, w_hi\), "
            r"\(h_lo, h_hi\)\) with 0 < lo <= hi <= 1",
        ):
            register_distractor(name, 1.0, size=size)
        assert name not in DISTRACTORS
    register_distractor("test_plain", 0.5)(lambda *a: None)  # the old call
    try:
        assert DISTRACTORS["test_plain"].size == DEFAULT_SIZE
    finally:
        del DISTRACTORS["test_plain"]


def test_phone_numbers_are_rows_of_digits():
    rng = np.random.default_rng(0)
    for _ in range(50):
        number = phone_number(rng)
        assert sum(c.isdigit() for c in number) >= 7, number
        assert set(number) <= set("0123456789 -+()"), number


def _scene(h: int, w: int):
    """A fixed daylight picture: sky, foliage, asphalt and a white plate-like box."""
    img = np.empty((h, w, 3), np.uint8)
    img[: h // 4] = (120, 160, 220)
    img[h // 4 : h // 2] = (50, 90, 40)
    img[h // 2 :] = (110, 110, 105)
    img[h // 3 : h // 3 + h // 10, w // 4 : w // 2] = 240
    gain = np.ones((max(h // 8, 4), max(w // 8, 4)), np.float32)
    return img, gain


@pytest.mark.parametrize("size", [(290, 180), (97, 131)])
def test_photograph_keeps_the_size_and_is_reproducible(size):
    img, gain = _scene(*size)
    before = img.copy()
    for seed in range(20):
        a = photograph(img, gain, np.random.default_rng(seed))
        assert a.shape == (*size, 3) and a.dtype == np.uint8
    b = photograph(img, gain, np.random.default_rng(7))
    c = photograph(img, gain, np.random.default_rng(7))
    assert np.array_equal(b, c)
    assert np.array_equal(img, before)  # the scene is not modified


def test_photograph_makes_some_grey_and_some_dark_photos_but_mostly_ordinary():
    img, gain = _scene(290, 180)
    grey = dark = 0
    for seed in range(60):
        out = photograph(img, gain, np.random.default_rng(seed)).astype(np.float32)
        r, g, b = out[..., 0], out[..., 1], out[..., 2]
        grey += float(np.abs(r - g).mean() + np.abs(g - b).mean()) < 2
        dark += float(out.mean()) < 55
    assert 1 <= grey <= 12 and 2 <= dark <= 20, (grey, dark)


def test_distractors_are_picked_by_their_weights():
    from plate_unet.data.synthetic.distractors import pick_distractor

    total = sum(d.weight for d in DISTRACTORS.values())
    counts = dict.fromkeys(DISTRACTORS, 0)
    rng = np.random.default_rng(0)
    for _ in range(4000):
        counts[pick_distractor(rng).name] += 1
    for name, entry in DISTRACTORS.items():
        assert counts[name] / 4000 == pytest.approx(entry.weight / total, abs=0.03)


@pytest.mark.parametrize("name", PACKAGE_ENTRIES)
def test_every_distractor_survives_tiny_boxes_in_tiny_images(name):
    for seed in range(60):  # scenes may be as small as 32×32 pixels
        rng = np.random.default_rng(seed)
        img = np.full((32, 40, 3), 128, np.uint8)
        bw, bh = 40 * rng.uniform(0.005, 1), 32 * rng.uniform(0.005, 1)
        x, y = rng.uniform(0, 40 - bw), rng.uniform(0, 32 - bh)
        DISTRACTORS[name].draw(img, rng, x, y, bw, bh)
        assert img.shape == (32, 40, 3)
