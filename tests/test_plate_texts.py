"""Every synthetic plate tells the text it drew, and drawing it changed no pixel."""

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest

from plate_unet.data.synthetic import plate_styles
from plate_unet.data.synthetic.generate import (
    GENERATOR_VERSION,
    generate_dataset,
    generate_scene,
    scene_plates,
    scene_seed,
)
from plate_unet.data.synthetic.plate_styles import PLATE_STYLES, render_plate

# sha256 (first 16 hex digits) of the image and corners of generate_scene(seed,
# 290, 180) for seeds 0..23 and (580, 360) for 100..102, and of render_plate's
# texture for each style, as generator version 7 draws them (5: Latin plates may
# hold the letters I, O and Q; 6: distractors in half the scenes; 7: a
# registration font drawn per plate, narrow glyphs kept narrow). When a change
# repaints scenes on purpose, bump GENERATOR_VERSION (so sets painted before
# are painted again) and these hashes.
GENERATED_BY = 7
SCENES = {
    0: "e560ecb7ae7fd9aa", 1: "198e6fa418176ee0", 2: "bd1d26d95c96e72e",
    3: "311d4409ba81134a", 4: "51fb969982b52fef", 5: "6fb0213c2169d867",
    6: "7f20d6258b99e64e", 7: "73f988ebee9a63ac", 8: "8cde44b559b04c21",
    9: "9149bcd252171f1d", 10: "14d31593426cde5c", 11: "5cefbcad3b79f699",
    12: "e82744a3c6e1d3c2", 13: "e99343b84055ff92", 14: "e32a759fe10571a4",
    15: "5b873ee5adf94a8a", 16: "c9e6805dd236b2f4", 17: "09dc30c5f604eb8e",
    18: "211b601cee48c218", 19: "8886ba5e428d0c95", 20: "dd3ff3f2f726edca",
    21: "f8f41c571eda80b7", 22: "babf3743ee60a1dc", 23: "56d6d143ac3ce704",
    100: "64a86b7b4585cbc4", 101: "9f95425ed13c453e", 102: "1e8f812386ca9d1d",
}  # fmt: skip
STYLES = {
    "cn_blue": "ef9acda4b2b2ba78", "cn_yellow": "0b2efb87eb727f76",
    "cn_green": "8036fc19e143406c", "eu": "7689ab920caa47d2",
    "us": "bd747d46ab427d76", "mercosul": "4db5ca0df779369f",
    "india": "204f88a79a246256", "square": "00d5b83d4fd8552d",
    "jp": "2a45a560b9d3a759", "uk_rear": "dc236b8298eb5555",
    "black": "4f90553819ae5af4", "black_2row": "63fdabc229f816de",
    "gulf": "bc0b17088e2a815a", "random": "db3ae084924dc0e5",
}  # fmt: skip


def _hash(*arrays) -> str:
    return hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()[:16]


def test_scenes_are_byte_identical_to_those_of_this_generator_version():
    assert GENERATOR_VERSION == GENERATED_BY, "update the hashes with the version"
    for seed, expected in SCENES.items():
        size = (290, 180) if seed < 100 else (580, 360)
        image, plates = generate_scene(seed, *size)
        assert _hash(image, *plates) == expected, seed


def test_plate_textures_are_byte_identical_to_those_drawn_before():
    assert set(STYLES) <= set(PLATE_STYLES)
    for name, expected in STYLES.items():
        rgb, alpha, _, _, _ = render_plate(np.random.default_rng(5), 160, name)
        assert _hash(rgb, alpha) == expected, name


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_text_holds_exactly_the_characters_drawn_in_cells(style, monkeypatch):
    drawn: list[str] = []
    char_mask = plate_styles._char_mask

    def record(c: str, font: str) -> np.ndarray:
        drawn.append(c)
        return char_mask(c, font)

    monkeypatch.setattr(plate_styles, "_char_mask", record)
    rows = PLATE_STYLES[style].rows
    for seed in range(6):
        drawn.clear()
        text = render_plate(np.random.default_rng(seed), 160, style).text
        assert text and text == text.strip(), (seed, text)
        assert 1 <= len(text.split("\n")) <= rows, (seed, text)
        # the gulf plate draws column by column, so compare as multisets
        assert sorted(drawn) == sorted(text.replace(" ", "").replace("\n", ""))
        if style in ("eu", "cn_blue", "mercosul", "uk_rear", "us"):
            assert drawn == list(text.replace(" ", "")), (seed, text)


def test_scene_plates_tells_texts_and_styles_of_the_scene_plates():
    n_text = 0
    for seed in range(12):
        image, plates = scene_plates(seed, 290, 180)
        same_image, quads = generate_scene(seed, 290, 180)
        assert np.array_equal(image, same_image)
        assert len(plates) == len(quads)
        for p, q in zip(plates, quads, strict=True):
            assert np.array_equal(p.quad, q) and p.style in PLATE_STYLES
            n_text += bool(p.text)
    assert n_text >= 5


def test_generate_dataset_writes_texts_in_the_order_of_labels(tmp_path):
    csv_path = generate_dataset(tmp_path / "set", 5, seed=3, size=(96, 64))
    with open(csv_path, newline="") as f:
        labels = list(csv.reader(f))
    with open(tmp_path / "set" / "texts.csv", newline="", encoding="utf-8") as f:
        texts = list(csv.reader(f))
    assert texts[0] == ["name", "text"] and len(texts) == len(labels)
    for label, row in zip(labels[1:], texts[1:], strict=True):
        assert row[0] == label[0]
        assert bool(row[1]) == bool(label[1])  # a text for a plate, "" for none
    expected = [
        p.text for i in range(5) for p in scene_plates(scene_seed(3, i), 96, 64)[1]
    ]
    assert [r[1] for r in texts[1:] if r[1]] == expected


def test_the_committed_sample_has_the_texts_of_its_plates():
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    with open(sample / "texts.csv", newline="", encoding="utf-8") as f:
        texts = list(csv.reader(f))
    with open(sample / "labels.csv", newline="") as f:
        labels = list(csv.reader(f))
    assert [r[0] for r in texts[1:]] == [r[0] for r in labels[1:]]
    image, plates = scene_plates(scene_seed(0, 0), 580, 360)
    assert [r[1] for r in texts[1:] if r[0] == "images/00000.jpg"] == [
        p.text for p in plates
    ]
