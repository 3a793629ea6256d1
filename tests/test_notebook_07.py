"""Notebook 07's hand-written OpenCV steps compute what the package does.

Notebook 07 turns a probability map into a plate by hand (threshold, outline,
four corners, ordered corners, perspective warp) in cells whose first line is
``# Same as ...`` or ``# By hand``. This test runs those cells on their own (with
only ``np`` and ``cv2`` defined) and compares what they define with
:func:`plate_unet.data.records.order_corners`,
:func:`plate_unet.inference.postprocess.find_plates` and
:func:`plate_unet.inference.postprocess.rectify` on synthetic masks, so the
notebook's code cannot drift from the package without failing here.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_unet.data.records import order_corners
from plate_unet.inference import postprocess

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks/07_from_mask_to_plate.ipynb"
MARKS = ("# Same as ", "# By hand")
TAUGHT = {"outline_to_corners", "order_corners", "rectify"}

#: Wide, tilted quads (TL, TR, BR, BL) like plates, in a 120×200 map.
QUADS = [
    [[40, 50], [150, 40], [155, 75], [45, 88]],
    [[30, 30], [120, 30], [120, 60], [30, 60]],
    [[60, 70], [170, 85], [165, 110], [55, 95]],
]


def taught_functions(path: Path = NOTEBOOK) -> dict:
    """Runs the marked code cells of ``path``; returns the functions they define."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {"np": np, "cv2": cv2}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith(MARKS):
            exec(compile(source, f"{path.name}:{cell['id']}", "exec"), namespace)
    return {k: v for k, v in namespace.items() if callable(v)}


@pytest.fixture(scope="module")
def taught():
    return taught_functions()


def synthetic_map(quad) -> np.ndarray:
    """A (120, 200) probability map: 0.95 inside ``quad``, 0.05 outside."""
    mask = np.zeros((120, 200), np.uint8)
    cv2.fillPoly(mask, [np.int32(quad)], 1)
    return np.where(mask > 0, 0.95, 0.05).astype(np.float32)


def test_notebook_07_teaches_the_steps(taught):
    assert set(taught) >= TAUGHT


@pytest.mark.parametrize("quad", QUADS)
def test_taught_order_matches_the_package_in_any_order(taught, quad):
    rng = np.random.default_rng(7)
    for _ in range(6):
        shuffled = np.float32(quad)[rng.permutation(4)]
        np.testing.assert_array_equal(
            taught["order_corners"](shuffled), order_corners(shuffled)
        )


@pytest.mark.parametrize("quad", QUADS)
def test_taught_corners_are_close_to_find_plates(taught, quad):
    prob = synthetic_map(quad)
    contours, _ = cv2.findContours(
        (prob > 0.5).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    outline = max(contours, key=cv2.contourArea)
    by_hand = taught["order_corners"](taught["outline_to_corners"](outline))
    (plate,) = postprocess.find_plates(prob, 0.5)
    assert postprocess.quad_iou(by_hand, plate.quad) > 0.9
    # Same corner order: each hand corner is nearest the package's same corner.
    assert np.abs(by_hand - plate.quad).max() < 3.0


@pytest.mark.parametrize("quad", QUADS)
@pytest.mark.parametrize("size", [(80, 240), (24, 94)])
def test_taught_rectify_equals_the_package(taught, quad, size):
    image = np.random.default_rng(0).integers(0, 256, (120, 200, 3), np.uint8)
    crop = taught["rectify"](image, np.float32(quad), size=size)
    expected = postprocess.rectify(image, quad, size=size)
    assert crop.shape == expected.shape == (*size, 3)
    np.testing.assert_array_equal(crop, expected)


def test_taught_rectify_defaults_to_240_by_80(taught):
    image = np.zeros((120, 200), np.uint8)
    assert taught["rectify"](image, np.float32(QUADS[0])).shape == (80, 240)


def test_taught_merge_of_two_passes_equals_the_package(taught):
    from plate_unet.data import generate_scene
    from plate_unet.inference import load_model, model_input_size
    from plate_unet.inference.multiscale import predict_multiscale, zoomed_pass
    from plate_unet.inference.postprocess import (
        MIN_AREA_FRACTION,
        PLAUSIBLE,
        find_plates,
    )

    model = load_model()
    for seed in (56, 133, 206):  # street rows: small plates in a 960×1280 photo
        street, _ = generate_scene(seed, 960, 1280)
        base_h, base_w = model_input_size(model, 960, 1280)
        floor = max(8.0, MIN_AREA_FRACTION * base_h * base_w)
        passes = {}
        for zoom in (1, 2):
            prob, lb = zoomed_pass(model, street, zoom)
            passes[zoom] = (prob, lb, find_plates(prob, 0.5, lb, floor, PLAUSIBLE))
        kept = taught["merge"](passes[1], passes[2])
        plates, _ = predict_multiscale(model, street)
        assert sorted(p.box for p in kept) == sorted(p.box for p in plates), seed
