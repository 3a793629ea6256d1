"""Reading plates: crops of any kind, predictions with text, scores and the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_unet import cli
from plate_unet.data import generate_scene
from plate_unet.demo.reader import SMOKE_READER, make_reader
from plate_unet.inference import Plate, load_model, predict_image
from plate_unet.inference.evaluate import EvalReport, ImageResult, PlateMatch
from plate_unet.inference.reading import (
    READABLE_PX,
    ROW_OVERLAP,
    has_plate_text,
    load_reader,
    plate_width,
    read_crops,
    read_plates,
    row_split,
)
from plate_unet.inference.text_scores import edit_operations, score_texts
from plate_unet.model.reader import ReaderConfig, build_reader

ROOT = Path(__file__).resolve().parents[1]
TINY = ReaderConfig(filters=(4, 8), hidden=8)


@pytest.fixture(scope="module")
def smoke_reader(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reader")
    return make_reader(out, recipe=SMOKE_READER, work_dir=out / "work", verbose=0)[
        "model"
    ]


def test_unreadable_crops_give_an_empty_text_score_zero_and_the_reason():
    reader = build_reader(TINY)
    flat = np.full((40, 120), 128, np.uint8)
    readings = read_crops(reader, [None, np.zeros((0, 5)), np.zeros((2, 2)), flat])
    assert [(r.text, r.score) for r in readings] == [("", 0.0)] * 4
    reasons = [r.reason for r in readings]
    assert reasons[:2] == ["empty crop"] * 2
    assert "2×2 (H×W)" in reasons[2] and "flat" in reasons[3]
    noisy = np.random.default_rng(0).integers(0, 255, (50, 150, 3), np.uint8)
    (read,) = read_crops(reader, [noisy / 255.0])  # float RGB in 0..1 is read
    assert read.reason == "" and 0.0 <= read.score <= 1.0
    assert read_crops(reader, []) == []


def test_predict_image_with_a_reader_fills_text_and_json(tmp_path):
    image, _ = generate_scene(5, 290, 180)
    reader = build_reader(TINY)
    plates, _ = predict_image(load_model(), image, reader=reader)
    assert plates and all(isinstance(p.text, str) for p in plates)
    d = plates[0].to_dict()
    assert set(d) == {"quad", "box", "score", "text", "text_score"}
    assert 0.0 <= d["text_score"] <= 1.0
    unread, _ = predict_image(load_model(), image)
    assert unread[0].text is None and "text" not in unread[0].to_dict()
    tiny = Plate(np.float32([[1, 1], [2, 1], [2, 2], [1, 2]]), (1, 1, 2, 2), 0.9)
    assert read_plates(reader, image, [tiny])[0].text == ""


def test_edit_operations_and_scores_count_what_they_should():
    assert edit_operations("", "AB") == (2, [])
    assert edit_operations("KA01", "KAO1") == (1, [("0", "O")])
    s = score_texts(["AB 123", "MH12\nAB1", "X"], ["AB123", "MH12A81", "Y"])
    assert (s.plates, s.correct) == (3, 1)
    assert s.edits == 2 and s.characters == 5 + 7 + 1
    assert dict(s.confusions) == {"B→8": 1}
    assert score_texts(["O1"], ["01"], o_is_zero=True).correct == 1


def test_report_reading_totals_and_end_to_end():
    quad = [[0, 0], [10, 0], [10, 4], [0, 4]]
    match = PlateMatch(0, 0, box_iou=0.6, quad_iou=0.6, corner_error=1, found=False)
    row = ImageResult("a.jpg", 20, 20, 0.5, 0.6, 1, 2, 1, 1, [quad], [quad], [0.9])
    row.matches = [match]
    row.true_texts, row.read_texts, row.pred_texts = ["AB1"], ["AB1"], ["AB1"]
    other = ImageResult("b.jpg", 20, 20, 0.5, 0.6, 1, 2, 1, 1, [quad], [], [])
    other.true_texts, other.read_texts = ["CD2"], ["CO2"]
    t = EvalReport([row, other], iou_threshold=0.7).totals
    assert t["recall"] == 0.0  # box IoU 0.6 is not found at 0.7 ...
    assert t["end_to_end"] == 0.5  # ... but counts end to end (IoU >= 0.5)
    assert t["read_accuracy"] == 0.5 and t["read_cer"] == pytest.approx(1 / 6)
    assert t["read_confusions"] == {}
    assert "reading 2 plates" in EvalReport([row, other]).table()
    # a clean-up applies to both readings (the province a font cannot draw)
    row.read_texts, row.pred_texts = ["皖AB1"], ["皖AB1"]
    assert EvalReport([row]).reading_totals()["end_to_end"] == 0.0
    dropped = EvalReport([row]).reading_totals(lambda read, truth: read[1:])
    assert dropped["end_to_end"] == 1.0 and dropped["read_accuracy"] == 1.0
    assert (
        "read_accuracy"
        not in EvalReport(
            [other.__class__(**{**other.__dict__, "read_texts": []})]
        ).totals
    )


def test_make_reader_is_reproducible_and_writes_its_files(smoke_reader, tmp_path):
    folder = smoke_reader.parent
    assert {p.name for p in folder.iterdir()} >= {
        "reader.keras",
        "metrics.json",
        "training_log.csv",
        "README.md",
    }
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["heldout"]["crops"] == SMOKE_READER.n_val
    again = make_reader(
        tmp_path, recipe=SMOKE_READER, work_dir=folder / "work", verbose=0
    )["model"]
    a, b = load_reader(smoke_reader), load_reader(again)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_cli_read_prints_one_line_per_crop(smoke_reader, tmp_path, capsys):
    crops = tmp_path / "crops"
    crops.mkdir()
    cv2.imwrite(
        str(crops / "a.png"),
        np.random.default_rng(1).integers(0, 255, (30, 100), np.uint8).astype(np.uint8),
    )
    cv2.imwrite(str(crops / "b.png"), np.zeros((2, 2), np.uint8))
    assert cli.main(["read", str(crops), "--reader", str(smoke_reader)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["a.png", "b.png"]
    assert lines[1].endswith("(crop of 2×2 (H×W) is below 4 pixels a side)")


def test_cli_reader_flags_are_checked_before_loading(tmp_path, capsys):
    images = str(ROOT / "data" / "sample" / "images")
    bad = tmp_path / "r.txt"
    bad.write_text("x")
    assert cli.main(["read", str(tmp_path / "none.png")]) == 2
    assert "none.png not found" in capsys.readouterr().err
    argv = ["predict", "--images", images, "--out", str(tmp_path / "o")]
    assert cli.main([*argv, "--reader", str(bad)]) == 2
    assert "not a .keras file" in capsys.readouterr().err
    assert cli.main([*argv, "--no-read", "--reader", str(bad)]) == 2
    assert cli.main([*argv, "--no-read", "--min-chars", "2"]) == 2
    assert "--min-chars 2 needs the reader: --no-read" in capsys.readouterr().err
    assert cli.main([*argv, "--min-chars", "-1"]) == 2
    assert (
        "--min-chars: '-1' is invalid: use an integer >= 0" in capsys.readouterr().err
    )


def test_cli_predict_writes_text_with_a_reader(smoke_reader, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    cv2.imwrite(str(images / "s.jpg"), generate_scene(5, 290, 180)[0][..., ::-1])
    out = tmp_path / "out"
    argv = ["predict", "--images", str(images), "--out", str(out)]
    assert cli.main([*argv, "--reader", str(smoke_reader)]) == 0
    plates = json.loads((out / "s.json").read_text())["plates"]
    assert plates and all({"text", "text_score"} <= set(p) for p in plates)
    assert cli.main([*argv, "--no-read"]) == 0
    plates = json.loads((out / "s.json").read_text())["plates"]
    assert plates and all("text" not in p for p in plates)


def test_readable_regions_without_characters_are_dropped_when_asked():
    """A region wide enough to read in which the reader reads too few
    characters is not a plate; a narrower one is kept unread."""
    image, _ = generate_scene(5, 580, 360)
    reader = build_reader(TINY)
    kept, _ = predict_image(load_model(), image, reader=reader, min_chars=0)
    assert kept
    wide = [p for p in kept if plate_width(p.quad) >= READABLE_PX]
    dropped, _ = predict_image(load_model(), image, reader=reader, min_chars=99)
    assert len(dropped) == len(kept) - len(wide)
    assert all(plate_width(p.quad) < READABLE_PX for p in dropped)
    assert wide  # the test needs a plate wide enough to read
    plate = dataclasses.replace(wide[0], text="AB 1", text_score=0.5)
    assert has_plate_text(plate, 3)  # separators do not count, characters do
    assert not has_plate_text(dataclasses.replace(plate, text="A 1"), 3)
    assert has_plate_text(dataclasses.replace(plate, text=None), 3)  # not read


def test_evaluate_applies_the_text_rule_on_sets_without_texts():
    from plate_unet.data import load_annotations
    from plate_unet.inference import evaluate_model

    samples = [
        dataclasses.replace(s, texts=()) for s in load_annotations(ROOT / "data/sample")
    ][:3]
    reader = build_reader(TINY)
    kept = evaluate_model(load_model(), samples, reader=reader, min_chars=0).totals
    strict = evaluate_model(load_model(), samples, reader=reader, min_chars=99).totals
    assert "read_accuracy" not in strict  # nothing to score the reading on
    assert strict["predicted"] < kept["predicted"]  # a plate 40+ px wide, dropped


def test_two_rows_are_read_as_two_bands_top_first(smoke_reader):
    reader = load_reader(smoke_reader)
    rng = np.random.default_rng(3)
    square = rng.integers(0, 255, (60, 64), np.uint8)  # a square crop
    square[24:27] = 128  # the quiet gap between the rows
    cut = row_split(square)
    assert 24 <= cut <= 27
    pad = round(ROW_OVERLAP * 60)
    top, bottom = read_crops(reader, [square[: cut + pad], square[cut - pad :]], rows=1)
    (two,) = read_crops(reader, [square], rows=2)
    if top.text and bottom.text:
        assert two.text == top.text + bottom.text
        assert two.score == pytest.approx(top.score * bottom.score, rel=1e-5)
    (one,) = read_crops(reader, [square], rows=1)
    (auto,) = read_crops(reader, [square])  # square: both ways, the likelier wins
    assert auto.score == max(one.score, two.score)
    wide = rng.integers(0, 255, (30, 150), np.uint8)  # 5:1, one row only
    assert read_crops(reader, [wide]) == read_crops(reader, [wide], rows=1)
    with pytest.raises(ValueError, match="rows=3"):
        read_crops(reader, [wide], rows=3)
