"""Paired augmentation keeps image and mask aligned, and is seeded."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from plate_unet.data.augment import (
    AUGMENTATIONS,
    AugmentConfig,
    apply_augmentation,
    augment_pair,
    geometry_matrix,
)
from plate_unet.data.masks import rasterize
from plate_unet.data.records import as_plate, order_corners

H, W = 64, 96
PLATE = np.array([[20, 24], [60, 28], [58, 44], [18, 40]], np.float32)


@pytest.fixture
def pair():
    """A dark image with a bright plate exactly where the mask is 1."""
    mask = rasterize([PLATE], H, W)
    image = np.where(mask[..., None] > 0, 230, 30).astype(np.uint8)
    return image, mask[..., None]


def _under_mask(image: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    m = mask[..., 0] > 0
    return float(image[..., 0][m].mean()), float(image[..., 0][~m].mean())


@pytest.mark.parametrize("name", ["flip", "rotate", "scale", "shift", "perspective"])
def test_geometry_moves_image_and_mask_together(pair, name):
    image, mask = pair
    img, m = apply_augmentation(image, mask, name, 0.6, seed=3)
    assert img.shape == image.shape and m.shape == mask.shape and m.dtype == np.uint8
    assert m.sum() > 100
    if name != "flip":
        assert not np.array_equal(m, mask)  # it did move
    inside, outside = _under_mask(img, m)
    assert inside > 0.85 and outside < 0.25  # still the bright plate under the mask


def transform_plates(plates, matrix) -> list[np.ndarray]:
    """Plate corners through a homography, reordered to TL, TR, BR, BL."""
    out = []
    for p in plates:
        q = np.c_[as_plate(p), np.ones(4)] @ np.asarray(matrix, np.float64).T
        out.append(order_corners(q[:, :2] / q[:, 2:]))
    return out


def test_flip_mirrors_and_corners_are_reordered(pair):
    image, mask = pair
    img, m = apply_augmentation(image, mask, "flip", 1.0)
    np.testing.assert_array_equal(m, mask[:, ::-1])
    np.testing.assert_allclose(img, image[:, ::-1] / 255, atol=1e-6)
    (flipped,) = transform_plates([PLATE], geometry_matrix(H, W, flip=1.0))
    np.testing.assert_array_equal(flipped, order_corners(flipped))
    refilled = rasterize([flipped], H, W)
    mirrored = mask[:, ::-1, 0]
    assert (refilled & mirrored).sum() / (refilled | mirrored).sum() > 0.97


def test_transformed_corners_match_the_warped_mask(pair):
    image, mask = pair
    matrix = geometry_matrix(H, W, angle=12.0, scale=0.9, perspective=(0.1, -0.05))
    from plate_unet.data.augment import warp_pair

    _, m = warp_pair(tf.constant(image), tf.constant(mask), matrix)
    (quad,) = transform_plates([PLATE], matrix.numpy())
    expected = rasterize([quad], H, W)
    m = m.numpy()[..., 0]
    assert (m & expected).sum() / (m | expected).sum() > 0.9


@pytest.mark.parametrize("name", ["brightness", "contrast", "gamma", "blur", "noise",
                                  "jpeg"])  # fmt: skip
def test_photometric_changes_image_only(pair, name):
    image, mask = pair
    img, m = apply_augmentation(image, mask, name, 0.8, seed=1)
    np.testing.assert_array_equal(m, mask)
    assert img.dtype == np.float32 and 0.0 <= img.min() and img.max() <= 1.0
    assert np.abs(img - image / 255).mean() > 0.005
    inside, outside = _under_mask(img, m)
    assert inside > outside + 0.2


def test_zero_strength_is_identity_and_bad_names_fail(pair):
    image, mask = pair
    for name in AUGMENTATIONS:
        img, m = apply_augmentation(image, mask, name, 0.0)
        np.testing.assert_allclose(img, image / 255, atol=1e-6, err_msg=name)
        np.testing.assert_array_equal(m, mask)
    with pytest.raises(ValueError, match="unknown augmentation"):
        apply_augmentation(image, mask, "zoom", 0.5)
    with pytest.raises(ValueError, match="strength"):
        apply_augmentation(image, mask, "rotate", 2.0)
    with pytest.raises(ValueError, match="flip"):
        AugmentConfig(flip=1.5)


def test_random_augmentation_is_seeded_and_aligned(pair):
    image, mask = pair
    config = AugmentConfig(rotation=15.0, blur_prob=1.0, noise_prob=1.0, jpeg_prob=1.0)
    fn = tf.function(lambda s: augment_pair(image, mask, s, config))
    a = fn(tf.constant([7, 1], tf.int64))
    b = fn(tf.constant([7, 1], tf.int64))
    c = fn(tf.constant([8, 1], tf.int64))
    np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
    assert not np.array_equal(a[1].numpy(), c[1].numpy())
    no_photo = AugmentConfig(brightness=0, contrast=0, gamma=0, blur=0, noise=0,
                             jpeg_prob=0, rotation=15.0)  # fmt: skip
    for seed in range(6):
        img, m = augment_pair(image, mask, tf.constant([seed, 0]), no_photo)
        inside, outside = _under_mask(img.numpy(), m.numpy())
        assert inside > 0.85 and outside < 0.25, seed
