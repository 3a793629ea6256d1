"""Masks: polygon fill matches an independent fill, letterbox round trips, and the
reference's empty-mask bug cannot come back."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from plate_unet.data import masks as masks_module
from plate_unet.data.letterbox import Letterbox, letterbox_plates
from plate_unet.data.masks import check_masks, plate_pixel_count, rasterize
from plate_unet.data.quads import mask_to_quads
from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample, polygon_area
from plate_unet.errors import AnnotationError


def independent_fill(plate: np.ndarray, height: int, width: int) -> np.ndarray:
    """Point-in-polygon test on pixel centres (matplotlib), not cv2."""
    ys, xs = np.mgrid[0:height, 0:width]
    centres = np.c_[xs.ravel(), ys.ravel()]
    inside = MplPath(plate).contains_points(centres, radius=1e-9)
    return inside.reshape(height, width)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(bool), b.astype(bool)
    return (a & b).sum() / (a | b).sum()


@pytest.fixture
def real_samples(shared_data):
    seed = load_annotations(shared_data / "seed_sample" / "train.csv", "skip")
    return seed + load_annotations(shared_data / "ccpd")[:5]


def test_reference_csv_masks_cover_the_plates(real_samples):
    for s in real_samples:
        mask = rasterize(s.plates, s.height, s.width)
        assert set(np.unique(mask)) == {0, 1} and mask.dtype == np.uint8
        reference = independent_fill(s.plates[0], s.height, s.width)
        assert iou(mask, reference) > 0.97, s.name


def test_letterboxed_masks_cover_the_letterboxed_plates(real_samples):
    for s in real_samples[:3]:
        (plate,) = letterbox_plates(s, 1152, 704)
        mask = rasterize([plate], 1152, 704)
        assert iou(mask, independent_fill(plate, 1152, 704)) > 0.97, s.name


def test_every_annotated_plate_gives_a_non_empty_mask(real_samples):
    check_masks(real_samples, 1152, 704)  # raises if one would be empty
    for s in real_samples:
        for plate in letterbox_plates(s, 1152, 704):
            assert plate_pixel_count(plate, 1152, 704) > 500, s.name


def test_small_shapes_rasterize_like_the_reference(rng):
    errors, areas = [], []
    for _ in range(20):
        c = rng.uniform(20, 40, 2)
        plate = (
            c + rng.uniform(-3, 3, (4, 2)) + [[-15, -6], [15, -6], [15, 6], [-15, 6]]
        )
        mask = rasterize([plate], 60, 60)
        assert plate_pixel_count(plate, 60, 60) == mask.sum()
        # the mask has the polygon's area (a plain cv2.fillPoly adds a fringe)
        area = polygon_area(plate)
        perimeter = np.linalg.norm(plate - np.roll(plate, 1, axis=0), axis=1).sum()
        assert abs(int(mask.sum()) - area) <= 0.25 * perimeter
        assert iou(mask, independent_fill(plate, 60, 60)) > 0.95
        errors.append(int(mask.sum()) - area)
        areas.append(area)
    assert abs(np.mean(errors)) < 0.01 * np.mean(areas)  # no fringe: unbiased


def test_seed_crop_instead_of_fill_is_caught(real_samples, monkeypatch):
    """The reference's bug: the fill was commented out, every mask stayed zero."""
    monkeypatch.setattr(
        masks_module, "rasterize", lambda plates, h, w: np.zeros((h, w), np.uint8)
    )
    with pytest.raises(AnnotationError, match="EMPTY mask"):
        check_masks(real_samples, 1152, 704)


def test_plates_too_small_after_letterbox_name_the_file(tmp_path):
    tiny = np.array([[100, 100], [100.6, 100], [100.6, 100.6], [100, 100.6]])
    big = np.array([[10, 10], [300, 10], [300, 90], [10, 90]])
    samples = [
        Sample(tmp_path / "ok.jpg", (big,), height=2000, width=1000),
        Sample(tmp_path / "tiny.jpg", (tiny, big), height=2000, width=1000),
    ]
    with pytest.raises(AnnotationError, match=r"(?s)1 of 3 plates.*tiny\.jpg plate 1"):
        check_masks(samples, 64, 32)


def test_letterbox_forward_inverse_is_identity_and_matches_the_image(rng):
    for src, dst in [((1160, 720), (1152, 704)), ((480, 640), (576, 352)), ((50, 60),
                     (128, 96))]:  # fmt: skip
        lb = Letterbox(*src, *dst)
        pts = rng.uniform(0, [src[1] - 1, src[0] - 1], (10, 2))
        np.testing.assert_allclose(lb.inverse(lb.forward(pts)), pts, atol=1e-3)
        assert lb.new_h <= dst[0] and lb.new_w <= dst[1]
        assert lb.new_h == dst[0] or lb.new_w == dst[1]
        assert abs(lb.new_w / lb.new_h - src[1] / src[0]) < 0.02
    # a bright dot moves where forward() says
    lb = Letterbox(100, 200, 64, 64)
    image = np.zeros((100, 200), np.float32)
    image[40:60, 120:140] = 1.0
    out = lb.apply(image)
    ys, xs = np.nonzero(out > 0.5)
    cx, cy = lb.forward([[129.5, 49.5]])[0]
    assert abs(xs.mean() - cx) < 0.6 and abs(ys.mean() - cy) < 0.6
    assert out[: lb.pad_y].max() == 0 and out[lb.pad_y + lb.new_h :].max() == 0


def test_invert_mask_returns_to_the_original_plate(real_samples):
    s = real_samples[0]
    lb = Letterbox(s.height, s.width, 576, 352)
    small = rasterize([lb.forward(s.plates[0])], 576, 352)
    back = lb.invert_mask(small)
    assert back.shape == (s.height, s.width) and back.dtype == np.uint8
    assert iou(back, rasterize(s.plates, s.height, s.width)) > 0.9
    prob = lb.invert_mask(small.astype(np.float32)[..., None])
    assert prob.dtype == np.float32 and prob.shape == (s.height, s.width)


def test_mask_to_quads_recovers_a_rasterized_plate():
    plate = np.array([[20, 30], [90, 36], [88, 60], [18, 52]], np.float32)
    (quad,) = mask_to_quads(rasterize([plate], 100, 120))
    np.testing.assert_allclose(quad, plate, atol=0.25)
    assert mask_to_quads(np.zeros((10, 10))) == []


def _plate(width, height, degrees, centre):
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    box = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [width / 2, height / 2]
    return (box @ np.array([[c, s], [-s, c]]) + centre).astype(np.float32)


@pytest.mark.parametrize("size", [(16, 5), (24, 8), (60, 18), (120, 40)])
@pytest.mark.parametrize("degrees", [0, 3, 10, 20])
def test_mask_to_quad_to_mask_gives_the_mask_back(size, degrees):
    rng = np.random.default_rng(sum(size) + degrees)
    for _ in range(5):  # at several sub-pixel positions
        mask = rasterize([_plate(*size, degrees, rng.uniform(70, 80, 2))], 150, 150)
        (quad,) = mask_to_quads(mask)
        again = rasterize([quad], 150, 150)
        assert iou(again, mask) >= 0.99, (size, degrees, quad)


def test_bad_letterbox_arguments():
    with pytest.raises(ValueError, match="src_h"):
        Letterbox(0, 10, 10, 10)
    with pytest.raises(ValueError, match="Letterbox expects"):
        Letterbox(10, 10, 20, 20).apply(np.zeros((5, 5)))


@pytest.mark.parametrize(
    "blob",
    [
        np.ones((1, 1), np.uint8),  # one pixel
        np.ones((1, 35), np.uint8),  # a line one pixel thick
        np.eye(20, dtype=np.uint8),  # a diagonal one pixel thick
    ],
)
def test_thin_blobs_give_quads_that_cover_their_pixels(blob):
    mask = np.pad(blob, 5)
    (quad,) = mask_to_quads(mask, min_area=1)
    assert polygon_area(quad) >= 1.0
    assert iou(rasterize([quad], *mask.shape), mask) == 1.0
