"""Synthetic plate crops: reproducible, of the asked size, with readable texts."""

import csv

import numpy as np
import pytest

from plate_unet.data.alphabet import encode_text
from plate_unet.data.quads import rectify
from plate_unet.data.synthetic.crops import (
    generate_crop,
    generate_crops,
    jitter_quad,
    load_crops,
    plate_crops,
)
from plate_unet.data.synthetic.generate import scene_plates, scene_seed


def test_a_crop_is_the_same_for_the_same_seed_and_grey_of_the_asked_size():
    a, text_a = generate_crop(11)
    b, text_b = generate_crop(11)
    assert a.dtype == np.uint8 and a.shape == (32, 128)
    assert np.array_equal(a, b) and text_a == text_b
    c, _ = generate_crop(12)
    assert not np.array_equal(a, c)
    tall, text = generate_crop(11, 48, 96)
    assert tall.shape == (48, 96) and text == text_a
    with pytest.raises(ValueError, match="seed must be >= 0"):
        generate_crop(-1)


def test_crops_are_rows_with_texts_in_the_alphabet():
    texts = [t for s in range(40) for _, t in plate_crops(s)]
    assert len(texts) >= 16  # about 0.6 readable plates a scene
    assert all(len(encode_text(t)) >= 1 and "\n" not in t for t in texts)


def test_a_two_row_plate_gives_one_band_per_row():
    for seed in range(200):
        plates = [p for p in scene_plates(seed, 580, 360)[1] if "\n" in p.text]
        crops = plate_crops(seed, min_width=0, min_detail=0)
        if plates and len(crops) == sum(
            p.text.count("\n") + 1 for p in scene_plates(seed, 580, 360)[1] if p.text
        ):
            rows = plates[0].text.split("\n")
            texts = [t for _, t in crops]
            assert texts[texts.index(rows[0]) + 1] == rows[1]
            return
    raise AssertionError("no scene with a two-row plate in 200 seeds")


def test_crops_are_cut_at_the_plates_jittered_corners():
    seed = 1
    image, plates = scene_plates(seed, 580, 360)
    ((crop, text),) = plate_crops(seed, min_detail=0)
    assert text == plates[0].text
    grey = image.astype(np.float32) @ np.float32([0.299, 0.587, 0.114])
    exact = rectify(grey, plates[0].quad, (32, 128))
    diff = np.abs(crop.astype(np.float32) - exact).mean()
    assert 0.5 < diff < 40  # near the true crop, but not on it


def test_rows_are_cut_where_the_style_drew_them():
    """A Japanese plate's small top line and large bottom line get boxes of
    their own heights, not two equal halves."""
    from plate_unet.data.synthetic.plate_styles import render_plate

    for seed in range(5):
        plate = render_plate(np.random.default_rng(seed), 200, "jp")
        (l0, t0, r0, b0), (l1, t1, r1, b1) = plate.rows
        assert 0 <= t0 < b0 <= t1 < b1 <= 1 and 0 <= l0 < r0 <= 1
        assert b0 < 0.4 and b1 - t1 > 1.5 * (b0 - t0)  # a small line over a large one
    (row,) = render_plate(np.random.default_rng(0), 200, "eu").rows
    assert row[3] - row[1] > 0.6 and row[0] > 0.05  # right of the blue band


def test_jitter_moves_corners_by_a_few_pixels_and_scales_a_little():
    quad = np.float32([[100, 100], [300, 100], [300, 160], [100, 160]])
    rng = np.random.default_rng(0)
    moved = np.stack([jitter_quad(rng, quad) for _ in range(400)])
    offsets = np.abs(moved - quad)
    assert offsets.max() < 0.15 * 200 / 2 + 2 * 0.06 * 60 + 1e-3
    assert 0.5 < offsets.mean() < 10
    widths = moved[:, 1, 0] - moved[:, 0, 0]
    assert widths.min() < 198 and widths.max() > 215  # too small and too large
    assert widths.min() > 200 * (1 - 0.02) - 2 * 2 * 0.06 * 60  # shrinks a little


def test_generate_crops_writes_pngs_and_texts_the_same_with_more_workers(tmp_path):
    path = generate_crops(tmp_path / "one", 6, seed=2, progress=False)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["name", "text"] and len(rows) == 7
    crops, texts = load_crops(path)
    assert crops.shape == (6, 32, 128) and texts == [r[1] for r in rows[1:]]
    expected = [t for s in range(20) for _, t in plate_crops(scene_seed(2, s))][:6]
    assert texts == expected
    again = generate_crops(tmp_path / "two", 6, seed=2, workers=2, progress=False)
    assert again.read_bytes() == path.read_bytes()
    assert np.array_equal(load_crops(again)[0], crops)


def test_load_crops_names_the_row_of_a_missing_image(tmp_path):
    (tmp_path / "labels.csv").write_text("name,text\nnope.png,AB1\n")
    with pytest.raises(ValueError, match="row 2: image nope.png"):
        load_crops(tmp_path / "labels.csv")


def test_unreadable_plates_are_left_out():
    """Plates under MIN_WIDTH_PX, and crops blur or darkness wiped out, are not
    training data: a reader trained on them learns noise."""
    from plate_unet.data.synthetic.crops import MIN_WIDTH_PX

    kept = sum(len(plate_crops(s)) for s in range(40))
    every = sum(len(plate_crops(s, min_width=0, min_detail=0)) for s in range(40))
    assert 0 < kept < every
    narrow = [
        p for s in range(40) for p in scene_plates(s, 580, 360)[1]
        if np.ptp(p.quad[:, 0]) < MIN_WIDTH_PX
    ]  # fmt: skip
    assert narrow and every - kept >= len(narrow)
