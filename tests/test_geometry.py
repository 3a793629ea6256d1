"""Plate geometry: masks → ordered quadrilaterals, IoUs, crops, letterbox round trip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_unet.data.letterbox import Letterbox
from plate_unet.data.masks import rasterize
from plate_unet.data.records import order_corners
from plate_unet.inference.postprocess import (
    Plate,
    box_iou,
    find_plates,
    quad_box,
    quad_iou,
    rectify,
)


def _fill(shape, *quads) -> np.ndarray:
    """Rasterises quads as the training masks are made, as a float32 map."""
    return rasterize(quads, *shape).astype(np.float32)


def _plate_quad(cx, cy, w, h, degrees, jitter=None) -> np.ndarray:
    base = np.array(
        [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]
    )
    if jitter is not None:
        base = base + jitter
    a = np.deg2rad(degrees)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (base @ rot.T + [cx, cy]).astype(np.float32)


def _corner_error(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b), axis=1).mean())


@pytest.mark.parametrize("degrees", [-25.0, -8.0, 0.0, 12.0, 30.0])
def test_recovers_rotated_perspective_quad(degrees, rng):
    true = _plate_quad(100, 70, 80, 26, degrees, jitter=rng.uniform(-4, 4, (4, 2)))
    plates = find_plates(_fill((150, 200), true))
    assert len(plates) == 1
    assert _corner_error(plates[0].quad, true) < 1.5
    assert plates[0].quad.dtype == np.float32 and plates[0].quad.shape == (4, 2)
    assert quad_iou(plates[0].quad, true) > 0.95


def test_two_plates_give_two_quads_in_tl_tr_br_bl_order():
    a = _plate_quad(50, 40, 60, 20, 10)
    b = _plate_quad(150, 110, 50, 18, -15)
    plates = find_plates(_fill((150, 200), a, b))
    assert len(plates) == 2
    found = sorted(plates, key=lambda p: p.box[0])
    for plate, true in zip(found, (a, b), strict=True):
        assert _corner_error(plate.quad, true) < 1.5
        tl, tr, br, bl = plate.quad
        assert tl[0] < tr[0] and bl[0] < br[0]  # left corners left of right ones
        assert tl[1] < bl[1] and tr[1] < br[1]  # top corners above bottom ones


def test_score_is_mean_probability_and_box_encloses_quad():
    prob = np.zeros((60, 80), np.float32)
    prob[20:35, 10:60] = 0.8
    prob[25:30, 20:30] = 1.0
    (plate,) = find_plates(prob, threshold=0.5)
    expected = (0.8 * (15 * 50 - 50) + 1.0 * 50) / (15 * 50)
    assert plate.score == pytest.approx(expected, abs=1e-6)
    assert plate.box == quad_box(plate.quad)
    # The outline of the pixels (centres 10…59, 20…34), half a pixel out.
    assert plate.box == pytest.approx((9.5, 19.5, 59.5, 34.5), abs=1e-3)


def test_min_area_drops_specks_and_threshold_is_respected():
    prob = np.zeros((100, 100), np.float32)
    prob[10:40, 10:60] = 0.9  # a plate
    prob[80:82, 80:82] = 0.9  # a 4-pixel speck
    assert len(find_plates(prob)) == 1
    assert len(find_plates(prob, min_area=1)) == 2
    assert find_plates(prob, threshold=0.95) == []
    assert find_plates(np.zeros((1, 32, 32, 1), np.float32)) == []


def test_bad_inputs_name_the_value():
    with pytest.raises(ValueError, match="threshold"):
        find_plates(np.zeros((8, 8)), threshold=1.5)
    with pytest.raises(ValueError, match="one probability map"):
        find_plates(np.zeros((2, 8, 8, 1)))
    with pytest.raises(ValueError, match=r"shape \(3, 2\)"):
        order_corners(np.zeros((3, 2)))


@pytest.mark.parametrize("degrees", [-40, -20, 0, 20, 40])
def test_order_corners_any_start_any_direction(degrees):
    true = _plate_quad(0, 0, 30, 10, degrees)
    for k in range(4):
        for pts in (np.roll(true, k, axis=0), np.roll(true[::-1], k, axis=0)):
            np.testing.assert_allclose(order_corners(pts), true, atol=1e-5)


def test_box_iou_hand_computed():
    assert box_iou((0, 0, 2, 2), (1, 0, 3, 2)) == pytest.approx(1 / 3)
    assert box_iou((0, 0, 4, 4), (1, 1, 3, 3)) == pytest.approx(4 / 16)
    assert box_iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert box_iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_quad_iou_hand_computed():
    square = [[0, 0], [2, 0], [2, 2], [0, 2]]
    assert quad_iou(square, square) == pytest.approx(1.0)
    assert quad_iou(square, [[1, 0], [3, 0], [3, 2], [1, 2]]) == pytest.approx(1 / 3)
    # A diamond inside the square: area 2 of the square's 4.
    diamond = [[1, 0], [2, 1], [1, 2], [0, 1]]
    assert quad_iou(square, diamond) == pytest.approx(0.5)
    assert quad_iou(square, [[5, 5], [6, 5], [6, 6], [5, 6]]) == 0.0
    # Non-convex ("arrow head") quad: raster fallback, area 2 inside the square.
    dart = [[0, 0], [2, 0], [1, 1], [0, 2]]
    assert quad_iou(square, dart) == pytest.approx(0.5, abs=0.01)


def test_rectify_straightens_a_tilted_plate():
    image = np.zeros((200, 300, 3), np.uint8)
    quad = _plate_quad(150, 100, 180, 60, 20)
    cv2.fillPoly(image, [np.round(quad).astype(np.int32)], (255, 255, 255))
    # A dark bar on the plate's left half, drawn in plate coordinates.
    left = np.array(
        [quad[0], (quad[0] + quad[1]) / 2, (quad[3] + quad[2]) / 2, quad[3]]
    )
    cv2.fillPoly(image, [np.round(left).astype(np.int32)], (0, 0, 255))
    crop = rectify(image, quad)
    assert crop.shape == (80, 240, 3) and crop.dtype == np.uint8
    inner = crop[10:-10]
    assert inner[:, 10:110, 2].mean() > 200 and inner[:, 10:110, 0].mean() < 40
    assert inner[:, 130:230].min() > 200
    assert rectify(image[..., 0], quad, size=(40, 120)).shape == (40, 120)
    with pytest.raises(ValueError, match="size"):
        rectify(image, quad, size=(40, 1))


def test_letterbox_round_trip_gives_original_pixels():
    box = Letterbox(src_h=580, src_w=360, dst_h=128, dst_w=128)
    true = _plate_quad(180, 400, 140, 45, 8)
    prob = _fill((128, 128), box.forward(true))
    (plate,) = find_plates(prob, letterbox=box)
    # One model pixel is 1 / scale ≈ 4.5 original pixels.
    assert _corner_error(plate.quad, true) < 1.5 / box.scale
    assert quad_iou(plate.quad, true) > 0.9
    assert 0 <= plate.box[0] and plate.box[2] <= 359


def test_plate_to_dict_is_plain_json():
    plate = Plate(np.float32([[1, 2], [3, 2], [3, 4], [1, 4]]), (1, 2, 3, 4), 0.87654)
    d = plate.to_dict()
    assert d == {
        "quad": [[1.0, 2.0], [3.0, 2.0], [3.0, 4.0], [1.0, 4.0]],
        "box": [1.0, 2.0, 3.0, 4.0],
        "score": 0.8765,
    }
    assert all(type(v) is float for v in d["box"])


@pytest.mark.parametrize("src", [(1160, 720), (480, 640), (77, 333)])
def test_letterbox_round_trip_any_aspect(src):
    height, width = src
    box = Letterbox(height, width, 96, 64)
    true = _plate_quad(width * 0.5, height * 0.6, width * 0.4, width * 0.13, -12)
    (plate,) = find_plates(_fill((96, 64), box.forward(true)), letterbox=box)
    assert _corner_error(plate.quad, true) < 1.5 / box.scale


def test_corners_stay_on_the_image():
    prob = np.zeros((40, 60), np.float32)
    prob[:, 30:] = 0.9  # a blob touching three borders
    (plate,) = find_plates(prob)
    assert plate.quad.min() >= 0
    assert plate.quad[:, 0].max() <= 59 and plate.quad[:, 1].max() <= 39
    box = Letterbox(400, 600, 40, 60)
    (plate,) = find_plates(prob, letterbox=box)
    assert plate.quad.min() >= 0
    assert plate.quad[:, 0].max() <= 599 and plate.quad[:, 1].max() <= 399


def test_corners_match_the_data_rasterizer_on_average(rng):
    """Geometry inverts plate_unet.data.masks.rasterize without a bias.

    A mismatch of conventions (e.g. the EDGE_OFFSET of half a pixel) shows up
    here as a mean corner error of 0.5 px or more.
    """
    errors = []
    for _ in range(40):
        true = _plate_quad(
            *rng.uniform(70, 110, 2), rng.uniform(40, 90), rng.uniform(12, 30),
            rng.uniform(-30, 30), jitter=rng.uniform(-3, 3, (4, 2)),
        )  # fmt: skip
        (plate,) = find_plates(_fill((180, 180), true))
        errors.append(_corner_error(plate.quad, true))
    assert np.mean(errors) < 0.35 and np.max(errors) < 1.5


def test_ragged_model_like_edges(rng):
    """Blurred, noisy maps (as a network gives) still yield the plate's corners."""
    errors = []
    for _ in range(25):
        true = _plate_quad(
            *rng.uniform(70, 110, 2), rng.uniform(40, 90), rng.uniform(10, 30),
            rng.uniform(-30, 30), jitter=rng.uniform(-4, 4, (4, 2)),
        )  # fmt: skip
        prob = cv2.GaussianBlur(_fill((180, 180), true), (0, 0), 2)
        prob += rng.normal(0, 0.15, prob.shape).astype(np.float32)
        prob = np.clip(cv2.GaussianBlur(prob, (0, 0), 0.8), 0, 1)
        (plate,) = find_plates(prob)
        errors.append(_corner_error(plate.quad, true))
    assert np.mean(errors) < 1.0 and np.max(errors) < 3.0


def test_order_corners_keeps_a_skewed_plate_upright():
    # Strong perspective: the short right side is nearer horizontal (15°) than
    # the long top side (-23°), yet the long sides are top and bottom.
    quad = np.float32([[75, 89], [140, 61], [156, 65], [86, 106]])
    for k in range(4):
        np.testing.assert_allclose(order_corners(np.roll(quad, k, axis=0)), quad)
    # A squarish quad falls back to "the edge pointing right is the top".
    square = _plate_quad(0, 0, 10, 10, 30)
    np.testing.assert_allclose(order_corners(square[::-1]), square, atol=1e-5)


def test_plate_shape_drops_what_does_not_look_like_a_plate():
    from plate_unet.inference.postprocess import PLAUSIBLE, PlateShape

    prob = np.zeros((120, 160), "float32")
    prob[20:35, 10:70] = 0.95  # a plate: 60x15, confident
    prob[50:90, 100:140] = 0.95  # a square sign: as tall as wide
    prob[80:95, 10:60] = 0.6  # plate-shaped but unsure
    everything = find_plates(prob)
    assert len(everything) == 3
    kept = find_plates(prob, shape=PlateShape(min_score=0.85, min_aspect=1.6))
    assert [p.box for p in kept] == [(9.5, 19.5, 69.5, 34.5)]
    assert sorted(round(p.aspect, 2) for p in everything) == [1.0, 3.33, 4.0]
    plate = kept[0]
    assert plate.aspect == pytest.approx(4.0) and plate.fill == pytest.approx(1.0)
    assert plate.size == pytest.approx(60 * 15 / (120 * 160))
    assert PLAUSIBLE.keeps(plate)


def test_choose_plate_shape_keeps_the_loosest_of_the_best():
    from plate_unet.inference.tuning import choose_plate_shape

    table = {
        "score": np.array([0.95, 0.9, 0.95, 0.65]),
        "fill": np.array([0.9, 0.9, 0.3, 0.9]),
        "aspect": np.array([3.0, 4.0, 3.0, 3.0]),
        "size": np.array([0.01, 0.02, 0.01, 0.01]),
        "matched": np.array([True, True, False, False]),
        "plates": 2,
    }
    shape, stats = choose_plate_shape(table)
    assert stats["chosen"]["f1"] == 1.0 and stats["unfiltered"]["f1"] < 1.0
    # score > 0.65 and fill > 0.3 both needed; nothing else is constrained
    assert shape.min_score == 0.7 and shape.min_fill == 0.5
    assert shape.min_aspect == 0.0 and shape.max_aspect == float("inf")


def test_regions_grow_into_their_margin_and_only_from_a_core():
    prob = np.zeros((60, 80), np.float32)
    prob[18:37, 5:65] = 0.3  # the plate's plain margin, less certain
    prob[20:35, 10:60] = 0.9  # its characters
    prob[45:55, 5:30] = 0.3  # a faint region with no certain pixel
    (core,) = find_plates(prob, grow=None)
    assert core.box == (9.5, 19.5, 59.5, 34.5)
    (grown,) = find_plates(prob, grow=0.2)
    assert grown.box == (4.5, 17.5, 64.5, 36.5)
    assert grown.score == pytest.approx(0.9)  # scored on the certain pixels
    (same,) = find_plates(prob, grow=0.5)  # not below the threshold: no growing
    assert same.box == core.box
    with pytest.raises(ValueError, match="grow=1.5"):
        find_plates(prob, grow=1.5)


def test_choose_grow_keeps_no_growing_unless_it_gains_the_margin(monkeypatch):
    from plate_unet.data import Sample
    from plate_unet.inference import tuning
    from plate_unet.inference.postprocess import PlateShape

    prob = np.zeros((60, 80), np.float32)
    prob[18:37, 5:65] = 0.3
    prob[20:35, 10:60] = 0.9  # the core alone: box IoU with the plate ≈ 0.66
    monkeypatch.setattr(tuning, "read_image", lambda path: None)
    monkeypatch.setattr(
        tuning, "predict_probability", lambda model, image: (prob, None)
    )
    plate = np.array([[4.5, 17.5], [64.5, 17.5], [64.5, 36.5], [4.5, 36.5]])
    samples = [Sample(Path("scene.png"), (plate,))]
    grow, scores = tuning.choose_grow(None, samples, PlateShape(), grows=(None, 0.2))
    assert grow == 0.2 and scores == {"None": 0.0, "0.2": 1.0}
    grow, _ = tuning.choose_grow(
        None, samples, PlateShape(), grows=(None, 0.2), margin=1.5
    )
    assert grow is None
