"""The group-norm U-Net: per-image statistics, the same in training and prediction."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.model import UNetConfig, build_unet

SMALL = UNetConfig(64, 32, base_filters=4, depth=3, dropout_step=0.0)


def test_group_norm_layers_use_the_asked_groups_and_no_batch_norm():
    # the layer order is checked with batch norm's in test_batch_norm.py
    model = build_unet(SMALL.replace(group_norm=2))
    names = [layer.name for layer in model.layers]
    assert {model.get_layer(n).groups for n in names if "_gn" in n} == {2}
    assert not [n for n in names if "_bn" in n]


def test_an_image_is_normalised_by_its_own_pixels():
    model = build_unet(SMALL.replace(group_norm=2))
    rng = np.random.default_rng(0)
    photo = rng.random((1, 64, 32, 1), dtype="float32")
    others = rng.random((3, 64, 32, 1), dtype="float32") * 0.2 + 0.7
    alone = model(photo, training=False).numpy()
    in_batch = model(np.concatenate([photo, others]), training=True).numpy()[:1]
    np.testing.assert_allclose(in_batch, alone, atol=1e-5)
    # batch normalisation in training mode mixes the batch's statistics
    bn = build_unet(SMALL.replace(batch_norm=True))
    mixed = bn(np.concatenate([photo, others]), training=True).numpy()[:1]
    assert np.abs(mixed - bn(photo, training=True).numpy()).max() > 1e-3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"group_norm": 0}, r"group_norm=0 is invalid: use an integer >= 1"),
        ({"group_norm": 3}, r"group_norm=3 does not divide the 4 filters of level 1"),
        ({"group_norm": 2, "batch_norm": True}, r"two normalisations.*use one"),
    ],
)
def test_bad_group_norm_names_the_value_and_what_is_valid(changes, message):
    with pytest.raises(ValueError, match=message):
        SMALL.replace(**changes)
