"""Two scales: small plates in large photos are found, and the merge keeps one region
per plate; the base pass alone stays one call away."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.cli import build_parser
from plate_unet.data import generate_scene
from plate_unet.inference import box_iou, load_model, predict_image
from plate_unet.inference.multiscale import (
    SINGLE_SCALE,
    MultiScale,
    overlap,
    predict_multiscale,
    usable_zooms,
    zoomed_pass,
)
from plate_unet.model import UNetConfig, build_unet


@pytest.fixture(scope="module")
def pretrained():
    return load_model()


def found(plates, truths, bar=0.5) -> int:
    boxes = [(*q.min(0), *q.max(0)) for q in truths]
    return sum(any(box_iou(p.box, b) > bar for p in plates) for b in boxes)


def test_zooms_follow_the_photo_size():
    model = build_unet(UNetConfig(256, 160, base_filters=2, depth=3))
    assert usable_zooms(model, 960, 1280) == (1.0, 2.0)  # 4x the model's pixels
    assert usable_zooms(model, 400, 300) == (1.0,)  # x2 would enlarge it
    assert usable_zooms(model, 1, 1) == (1.0,)
    assert usable_zooms(model, 960, 1280, SINGLE_SCALE) == (1.0,)


def test_zoomed_pass_turns_to_the_photo_and_doubles():
    model = build_unet(UNetConfig(256, 160, base_filters=2, depth=3))
    image = np.zeros((960, 1280, 3), np.uint8)
    (p1, lb1), (p2, lb2) = zoomed_pass(model, image, 1.0), zoomed_pass(model, image, 2)
    assert p1.shape == (160, 256) and p2.shape == (320, 512)
    assert lb2.scale == pytest.approx(2 * lb1.scale)


def test_bad_zooms_name_the_value():
    with pytest.raises(ValueError, match=r"zooms=\(2.0,\).*start with 1.0"):
        MultiScale(zooms=(2.0,))


def test_overlap_is_the_share_of_the_smaller_box():
    assert overlap((0, 0, 10, 10), (5, 5, 15, 15)) == pytest.approx(0.25)
    assert overlap((0, 0, 100, 20), (10, 5, 20, 15)) == 1.0  # a character inside


#: The first eight street scenes of 960×1280 (H×W) with at least four plates (rows of
#: plates 32-91 px wide): 30 plates in all.
STREET_SEEDS = (11, 49, 51, 56, 62, 81, 82, 102)


def test_a_street_row_of_small_plates_is_found_at_two_scales(pretrained):
    totals = {"single": 0, "multi": 0}
    for seed in STREET_SEEDS:
        image, truths = generate_scene(seed, 960, 1280)
        single, _ = predict_image(pretrained, image, multiscale=False)
        multi, mask = predict_image(pretrained, image)
        assert len(truths) >= 4
        assert found(multi, truths) >= found(single, truths), seed  # never fewer
        totals["single"] += found(single, truths)
        totals["multi"] += found(multi, truths)
        for i, a in enumerate(multi):  # one region per plate: no region inside another
            assert all(overlap(a.box, b.box) <= 0.5 for b in multi[i + 1 :]), seed
        assert mask.shape == (960, 1280) and mask.dtype == np.uint8
    assert totals["multi"] >= 1.25 * totals["single"], totals


def test_the_merged_map_holds_the_zoomed_plates(pretrained):
    image, truths = generate_scene(3, 960, 1280)
    _, base = predict_multiscale(pretrained, image, config=SINGLE_SCALE)
    plates, merged = predict_multiscale(pretrained, image)
    assert merged.shape == base.shape == (960, 1280) and merged.dtype == np.float32
    assert (merged >= base - 1e-6).all()  # the zoomed pass only adds
    for p in plates:  # every plate is above the threshold in the map it came with
        x0, y0, x1, y1 = (int(round(v)) for v in p.box)
        assert merged[y0 : y1 + 1, x0 : x1 + 1].max() > 0.5


def test_a_small_photo_runs_once_and_matches_single_scale(pretrained):
    image, _ = generate_scene(1, 290, 180)
    a, mask_a = predict_image(pretrained, image)
    b, mask_b = predict_image(pretrained, image, multiscale=False)
    assert [p.box for p in a] == [p.box for p in b]
    assert (mask_a == mask_b).all()


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_the_command_line_turns_it_off(command, tmp_path):
    images = "data/sample/images"
    args = ["--images", images, "--out", str(tmp_path)]
    if command == "evaluate":
        args = ["--data", "data/sample/labels.csv"]
    parsed = build_parser().parse_args([command, *args, "--single-scale"])
    assert parsed.single_scale is True
    assert build_parser().parse_args([command, *args]).single_scale is False


def test_predicting_leaves_the_random_state_alone(pretrained):
    import random

    image, _ = generate_scene(1, 580, 360)  # large enough for the zoomed twin
    model = load_model()  # a fresh model: its twin is built in predict_image
    state = random.getstate()
    predict_image(model, image)
    assert random.getstate() == state


@pytest.mark.parametrize("shape", [(1, 1, 3), (2, 3), (3, 1000, 3)])
def test_tiny_and_thin_images_get_a_mask_of_their_size(pretrained, shape):
    image = np.full(shape, 200, np.uint8)
    plates, mask = predict_image(pretrained, image)
    assert mask.shape == shape[:2] and mask.dtype == np.uint8
    assert all(p.quad.shape == (4, 2) for p in plates)
