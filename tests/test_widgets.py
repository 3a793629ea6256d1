"""The notebooks' widgets: drive the controls, check what is shown changes."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.data.augment import AUGMENTATIONS
from plate_unet.data.drawing import overlay_mask, png_bytes
from plate_unet.viz.widgets import (
    AugmentationPlayground,
    augmentation_playground,
    render_augmentation,
)


@pytest.fixture
def scene():
    """A 48×64 grey scene with a bright, off-centre 'plate' and its mask."""
    image = np.full((48, 64, 3), 60, np.uint8)
    image[30:38, 40:58] = 230
    mask = np.zeros((48, 64), np.uint8)
    mask[30:38, 40:58] = 1
    return image, mask


# --- overlay_mask ----------------------------------------------------------------
def test_overlay_tints_only_the_plate(scene):
    image, mask = scene
    out = overlay_mask(image, mask, alpha=1.0)
    assert out.shape == (48, 64, 3) and out.dtype == np.uint8
    assert out[33, 48].tolist() == [255, 0, 255]
    assert out[5, 5].tolist() == [60, 60, 60]


def test_overlay_accepts_grey_float_images(scene):
    _, mask = scene
    out = overlay_mask(np.full((48, 64, 1), 0.5, np.float32), mask, alpha=0.0)
    assert out[5, 5].tolist() == [128, 128, 128]


def test_overlay_rejects_a_mask_of_another_size(scene):
    image, _ = scene
    with pytest.raises(ValueError, match="same size"):
        overlay_mask(image, np.zeros((10, 10), np.uint8))


def test_overlay_rejects_alpha_outside_0_1(scene):
    with pytest.raises(ValueError, match="alpha"):
        overlay_mask(*scene, alpha=1.5)


# --- render_augmentation -----------------------------------------------------------
def test_strength_zero_leaves_image_and_mask_alone(scene):
    image, mask = scene
    panel, m = render_augmentation(image, mask, "rotate", 0.0)
    assert panel.shape == (48, 2 * 64 + 8, 3)
    assert np.array_equal(m, mask)
    assert np.array_equal(panel[:, :64], image)


@pytest.mark.parametrize("name", ["flip", "rotate", "scale", "shift", "perspective"])
def test_geometry_moves_the_mask_with_the_image(scene, name):
    image, mask = scene
    panel, m = render_augmentation(image, mask, name, 0.8, seed=1)
    assert not np.array_equal(m, mask)
    bright = panel[:, :64, 0] > 150  # the plate's pixels in the augmented image
    inside = bright[m > 0].mean()
    assert inside > 0.9, f"{name}: only {inside:.0%} of the mask is on the plate"


@pytest.mark.parametrize("name", ["brightness", "contrast", "gamma", "blur", "noise"])
def test_photometric_changes_the_image_not_the_mask(scene, name):
    image, mask = scene
    panel, m = render_augmentation(image, mask, name, 0.8, seed=1)
    assert np.array_equal(m, mask)
    assert not np.array_equal(panel[:, :64], image)


def test_render_is_reproducible_and_seeded(scene):
    a, _ = render_augmentation(*scene, "noise", 0.5, seed=3)
    b, _ = render_augmentation(*scene, "noise", 0.5, seed=3)
    c, _ = render_augmentation(*scene, "noise", 0.5, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_render_rejects_unknown_names_and_strengths(scene):
    with pytest.raises(ValueError, match="unknown augmentation"):
        render_augmentation(*scene, "swirl", 0.5)
    with pytest.raises(ValueError, match="strength"):
        render_augmentation(*scene, "rotate", 2.0)


def test_png_bytes_round_trip():
    import cv2

    rgb = np.zeros((3, 4, 3), np.uint8)
    rgb[..., 0] = 200  # red
    data = png_bytes(rgb)
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert data[:4] == b"\x89PNG" and back[0, 0].tolist() == [0, 0, 200]  # BGR


# --- the playground widget --------------------------------------------------------
def test_playground_has_the_controls_the_notebook_names(scene):
    app = augmentation_playground(*scene, "rotate", 0.5)
    assert isinstance(app, AugmentationPlayground)
    assert app.augmentation.description == "Augmentation"
    assert app.strength.description == "Strength"
    assert app.seed.description == "Seed"
    assert list(app.augmentation.options) == list(AUGMENTATIONS)
    assert app.image.value[:4] == b"\x89PNG"
    assert "rotate" in app.info.value


def test_moving_the_strength_slider_redraws_the_image(scene):
    app = augmentation_playground(*scene, "rotate", 0.2)
    before = app.image.value
    app.strength.value = 0.9
    assert app.image.value != before
    assert "0.90" in app.info.value


def test_choosing_another_augmentation_redraws_the_image(scene):
    app = augmentation_playground(*scene, "rotate", 0.6)
    before, info = app.image.value, app.info.value
    app.augmentation.value = "blur"
    assert app.image.value != before
    assert app.info.value != info and "blur" in app.info.value


def test_moving_the_seed_slider_redraws_the_image(scene):
    app = augmentation_playground(*scene, "noise", 0.6, seed=0)
    before = app.image.value
    app.seed.value = 5
    assert app.image.value != before


def test_shown_image_is_the_rendered_panel(scene):
    import cv2

    app = augmentation_playground(*scene, "shift", 0.7, seed=2)
    shown = cv2.imdecode(np.frombuffer(app.image.value, np.uint8), cv2.IMREAD_COLOR)
    panel, _ = render_augmentation(*scene, "shift", 0.7, seed=2)
    assert np.array_equal(shown[..., ::-1], panel)


def test_playground_counts_plate_pixels(scene):
    app = augmentation_playground(*scene, "brightness", 0.5)
    assert "144 plate pixels in the mask (before: 144)" in app.info.value


def test_playground_repr_is_short_and_stable(scene):
    app = augmentation_playground(*scene, "gamma", 0.25, seed=3)
    assert repr(app) == (
        "AugmentationPlayground(augmentation='gamma', strength=0.25, seed=3)"
    )


def test_playground_rejects_an_unknown_first_augmentation(scene):
    with pytest.raises(ValueError, match="unknown augmentation"):
        augmentation_playground(*scene, "swirl")
