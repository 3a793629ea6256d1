"""Evaluation: pixel and plate scores against hand-computed cases, report, CLI."""

from __future__ import annotations

import json

import cv2
import keras
import numpy as np
import pytest

from plate_unet import cli
from plate_unet.data.masks import rasterize
from plate_unet.data.records import Sample
from plate_unet.inference.evaluate import (
    EvalReport,
    corner_error,
    evaluate_image,
    evaluate_model,
    match_plates,
    pixel_scores,
    resolution_ceiling,
)
from plate_unet.inference.postprocess import Plate, quad_box


def _rect(x0, y0, x1, y1) -> np.ndarray:
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _plate(quad, score=0.9) -> Plate:
    quad = np.asarray(quad, np.float32)
    return Plate(quad, quad_box(quad), score)


def test_pixel_scores_hand_computed():
    assert pixel_scores([[1, 1, 0, 0]], [[0, 1, 1, 0]]) == (1 / 3, 0.5)
    assert pixel_scores(np.zeros((3, 3)), np.zeros((3, 3))) == (1.0, 1.0)
    assert pixel_scores([[1, 0]], [[0, 0]]) == (0.0, 0.0)
    with pytest.raises(ValueError, match="shapes differ"):
        pixel_scores(np.zeros((2, 2)), np.zeros((2, 3)))


def test_corner_error_hand_computed():
    a = _rect(0, 0, 4, 2)
    b = a.copy()
    b[0] = [3, 4]  # 5 px away; the other three corners agree
    assert corner_error(a, b) == pytest.approx(1.25)


def test_greedy_matching_is_one_to_one_best_first():
    a, b = _rect(0, 0, 10, 1), _rect(10, 0, 20, 1)
    p1, p2, p3 = _rect(1, 0, 11, 1), _rect(11, 0, 21, 1), _rect(0, 0, 5, 1)
    matches = match_plates([a, b], [p3, p1, p2])
    assert [(i, j) for i, j, _ in matches] == [(0, 1), (1, 2)]
    assert [iou for *_, iou in matches] == pytest.approx([9 / 11, 9 / 11])
    assert match_plates([a], []) == [] and match_plates([], [a]) == []
    assert match_plates([a], [_rect(50, 50, 60, 60)]) == []  # no overlap, no match
    with pytest.raises(ValueError, match="'box' or 'quad'"):
        match_plates([a], [a], on="mask")


def test_evaluate_image_ccpd_protocol_hand_computed():
    true = [_rect(10, 10, 49, 19), _rect(60, 30, 79, 39)]  # 40x10 and 20x10 px
    plates = [
        _plate(_rect(12, 10, 49, 19)),  # box IoU 38/40 = 0.95: found
        _plate(_rect(60, 30, 69, 39)),  # box IoU 81/171: matched, not found
        _plate(_rect(0, 50, 9, 59)),  # a false alarm
    ]
    mask_t, mask_p = np.zeros((2, 64, 96), np.uint8)
    mask_t[10:20, 10:50] = mask_t[30:40, 60:80] = 1
    mask_p[10:20, 12:50] = mask_p[30:40, 60:70] = mask_p[50:60, 0:10] = 1
    row = evaluate_image("x.jpg", true, plates, mask_t, mask_p)
    assert (row.n_true, row.n_pred, row.n_found) == (2, 3, 1)
    # Pixels: truth 400 + 200, prediction 380 + 100 + 100, overlap 380 + 100.
    assert row.intersection == 480 and row.union == 700
    assert row.pixel_iou == pytest.approx(480 / 700)
    assert row.dice == pytest.approx(2 * 480 / 1180)
    first, second = sorted(row.matches, key=lambda m: m.true_index)
    assert first.box_iou == pytest.approx(37 / 39)
    assert first.quad_iou == pytest.approx(37 / 39)
    assert first.corner_error == pytest.approx(1.0)  # two corners 2 px off
    assert second.box_iou == pytest.approx(81 / 171) and not second.found
    assert second.corner_error == pytest.approx(5.0)  # two corners 10 px off

    report = EvalReport([row, evaluate_image("y.jpg", [], [], mask_t * 0, mask_t * 0)])
    t = report.totals
    assert (t["images"], t["plates"], t["predicted"], t["found"]) == (2, 2, 3, 1)
    assert t["precision"] == pytest.approx(1 / 3)
    assert t["recall"] == pytest.approx(1 / 2)
    assert t["pixel_iou"] == pytest.approx(480 / 700)
    assert t["mean_image_iou"] == pytest.approx((480 / 700 + 1.0) / 2)
    assert t["mean_corner_error"] == pytest.approx(3.0)
    text = report.table()
    assert "precision 0.333  recall 0.500" in text and "x.jpg" in text
    data = json.loads(report.to_json())
    assert data["totals"]["found"] == 1 and data["rows"][0]["n_pred"] == 3


def test_quad_matching_counts_polygon_iou():
    true = [np.float32([[10, 0], [20, 10], [10, 20], [0, 10]])]  # a diamond
    square = _plate(_rect(0, 0, 20, 20))  # same box, half the polygon's IoU
    mask = np.zeros((24, 24), np.uint8)
    by_box = evaluate_image("d", true, [square], mask, mask, match_on="box")
    by_quad = evaluate_image("d", true, [square], mask, mask, match_on="quad")
    assert by_box.n_found == 1 and by_quad.n_found == 0
    assert by_quad.matches[0].quad_iou == pytest.approx(0.5)


def _bright_is_plate() -> keras.Model:
    image = keras.Input((64, 64, 1), name="image")
    out = keras.layers.Conv2D(1, 1, activation="sigmoid", name="output")(image)
    model = keras.Model(image, out)
    model.get_layer("output").set_weights(
        [np.full((1, 1, 1, 1), 40.0), np.float32([-20])]
    )
    return model


@pytest.fixture
def scenes(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    samples = []
    for k, quads in enumerate(
        [[_rect(40, 100, 160, 140)], [], [_rect(20, 30, 70, 48)]]
    ):
        image = np.full((240, 200, 3), 30, np.uint8)
        for q in quads:
            image[rasterize([q], 240, 200) > 0] = 255
        path = folder / f"{k}.png"
        cv2.imwrite(str(path), image)
        samples.append(Sample(path, tuple(quads), width=200, height=240))
    (folder / "bad.png").write_bytes(b"broken")
    samples.append(Sample(folder / "bad.png", (), width=200, height=240))
    return samples


def test_evaluate_model_end_to_end(scenes, caplog):
    report = evaluate_model(_bright_is_plate(), scenes)
    assert report.skipped == [("bad.png", "not a readable image")]
    assert "skipped 1 of 4 images" in caplog.text
    t = report.totals
    assert (t["images"], t["plates"], t["predicted"], t["found"]) == (3, 2, 2, 2)
    assert t["precision"] == 1.0 and t["recall"] == 1.0
    assert t["pixel_iou"] > 0.85  # a 64x64 model on 240x200 images: edges blur
    assert t["mean_corner_error"] < 1.5 * 240 / 64
    assert report.rows[1].n_true == 0 and report.rows[1].pixel_iou == 1.0


def test_plot_worst_cases(scenes):
    import matplotlib

    matplotlib.use("Agg")
    from plate_unet.viz.plotting import plot_worst_cases

    report = evaluate_model(_bright_is_plate(), scenes[:3])
    fig = plot_worst_cases(report, k=2)
    assert len([ax for ax in fig.axes if ax.images]) == 2
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_worst_cases(EvalReport([]))


def test_cli_evaluate_writes_report(scenes, tmp_path, capsys):
    from plate_unet.data import write_reference_csv

    model_path = tmp_path / "m.keras"
    _bright_is_plate().save(model_path)
    csv = write_reference_csv(scenes[:3], tmp_path / "images" / "labels.csv")
    out = tmp_path / "eval"
    argv = ["evaluate", "--model", str(model_path), "--data", str(csv)]
    assert cli.main([*argv, "--out", str(out)]) == 0
    assert "precision 1.000  recall 1.000" in capsys.readouterr().out
    assert json.loads((out / "report.json").read_text())["totals"]["found"] == 2
    assert (out / "worst_cases.png").is_file()
    assert cli.main(["evaluate", "--model", str(tmp_path / "no.keras"), "--data",
                     str(csv)]) == 2  # fmt: skip
    assert "no.keras" in capsys.readouterr().err


def _plate_sample(width: int, height: int, quad) -> Sample:
    return Sample(
        "scene.jpg", (np.array(quad, np.float32),), height=height, width=width
    )


def test_resolution_ceiling_is_one_at_the_images_own_size():
    sample = _plate_sample(160, 256, [[30, 100], [110, 104], [108, 130], [29, 126]])
    assert resolution_ceiling([sample], 256, 160) == 1.0


def test_resolution_ceiling_falls_as_the_input_shrinks():
    # A tilted 80x26 plate in a 720x1160 photo, and a small one beside it.
    sample = Sample(
        "scene.jpg",
        (
            np.array([[200, 600], [280, 612], [278, 638], [198, 626]], np.float32),
            np.array([[500, 300], [530, 302], [530, 312], [500, 310]], np.float32),
        ),
        height=1160,
        width=720,
    )
    ceilings = [
        resolution_ceiling([sample], h, w)
        for h, w in [(1152, 704), (576, 352), (256, 160), (128, 96)]
    ]
    assert ceilings == sorted(ceilings, reverse=True)
    assert ceilings[0] > 0.95 and ceilings[-1] < 0.8


def test_by_plate_size_bins_plates_by_their_width_at_the_model_input():
    from plate_unet.inference.evaluate import EvalReport, ImageResult, PlateMatch

    small = np.float32([[0, 0], [30, 0], [30, 8], [0, 8]])  # 15 px at scale 0.5
    big = small * 4 + 100  # 60 px
    row = ImageResult("a.png", 400, 400, 0.5, 0.5, 1, 2, 1, 1,
                      true_quads=[small, big, big + 5])  # fmt: skip
    row.matches = [PlateMatch(1, 0, 0.8, 0.8, 1.0, True),
                   PlateMatch(2, 1, 0.6, 0.6, 3.0, False)]  # fmt: skip
    bins = EvalReport([row]).by_plate_size((200, 200))
    edges = [(b["from"], b["to"], b["plates"]) for b in bins]
    assert edges == [(10, 20, 1), (40, 80, 2)]
    assert bins[0]["recall@0.5"] == 0.0 and bins[0]["box_iou"] == 0.0  # never matched
    assert bins[1]["recall@0.5"] == 1.0 and bins[1]["recall@0.7"] == 0.5
    assert bins[1]["box_iou"] == pytest.approx(0.7)
