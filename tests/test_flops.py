"""Forward FLOPs from layer shapes: hand-computed layers and the reference total."""

from __future__ import annotations

import keras
import pytest
from keras import layers

from plate_unet.model import UNetConfig, build_unet
from plate_unet.model.flops import (
    config_flops,
    flops_by_layer,
    forward_flops,
    layer_flops,
)


def _one_layer(layer, shape):
    """Builds a one-layer model on ``shape`` and returns the built layer."""
    model = keras.Sequential([keras.Input(shape), layer])
    return model.layers[0]


def test_conv2d_valid_counts_output_pixels():
    # 6×6 output pixels × (3·3·2) inputs × 4 outputs × 2 FLOPs.
    layer = _one_layer(layers.Conv2D(4, 3), (8, 8, 2))
    assert layer_flops(layer) == 6 * 6 * 18 * 4 * 2 == 5184


def test_conv2d_strided_same_counts_output_pixels():
    layer = _one_layer(layers.Conv2D(4, 3, strides=2, padding="same"), (8, 8, 2))
    assert layer_flops(layer) == 4 * 4 * 18 * 4 * 2


def test_grouped_conv2d_divides_inputs_by_groups():
    layer = _one_layer(layers.Conv2D(4, 3, groups=2), (8, 8, 2))
    assert layer_flops(layer) == 6 * 6 * 9 * 1 * 4 * 2


def test_separable_conv2d_is_depthwise_plus_pointwise():
    layer = _one_layer(layers.SeparableConv2D(5, 3, padding="same"), (8, 8, 3))
    assert layer_flops(layer) == 2 * 64 * (9 * 3 + 3 * 5)


def test_separable_conv2d_depth_multiplier():
    layer = _one_layer(
        layers.SeparableConv2D(5, 3, padding="same", depth_multiplier=2), (8, 8, 3)
    )
    assert layer_flops(layer) == 2 * 64 * (9 * 6 + 6 * 5)


def test_conv2d_transpose_counts_input_pixels():
    # 4×4 input pixels each scatter 3·3 taps × 3 inputs × 2 outputs.
    layer = _one_layer(
        layers.Conv2DTranspose(2, 3, strides=2, padding="same"), (4, 4, 3)
    )
    assert layer.output.shape[1:] == (8, 8, 2)
    assert layer_flops(layer) == 4 * 4 * 9 * 3 * 2 * 2


def test_uncounted_layers_are_zero():
    assert layer_flops(_one_layer(layers.MaxPooling2D(2), (8, 8, 2))) == 0
    assert layer_flops(_one_layer(layers.Dropout(0.1), (8, 8, 2))) == 0


def _unet_by_hand(h, w, c, b, depth):
    """Closed-form forward FLOPs of the U-Net in plate_unet.model.unet."""
    total = 0
    for lvl in range(1, depth + 1):
        px = (h >> (lvl - 1)) * (w >> (lvl - 1))
        f = b << (lvl - 1)
        c_in = c if lvl == 1 else f // 2
        total += 2 * px * 9 * (c_in * f + f * f)  # enc conv1, conv2
        if lvl < depth:
            px_below = px // 4
            total += 2 * px_below * 9 * (2 * f) * f  # dec up (input pixels)
            total += 2 * px * 9 * (2 * f * f + f * f)  # dec conv1 (2f in), conv2
    return total + 2 * h * w * 9 * b * 1  # output: stride-1 transposed conv


def test_small_unet_matches_closed_form():
    model = build_unet(UNetConfig(64, 32, base_filters=4, depth=3))
    assert forward_flops(model) == _unet_by_hand(64, 32, 1, 4, 3)
    names = [name for name, _, _ in flops_by_layer(model)]
    assert names[0] == "enc1_conv1" and names[-1] == "output"


def test_seed_total_is_97_6_gflop():
    flops = config_flops(UNetConfig())
    assert flops == _unet_by_hand(1152, 704, 1, 16, 6)
    assert flops / 1e9 == pytest.approx(97.6, rel=0.01)


def test_separable_config_is_cheaper():
    config = UNetConfig(128, 64, base_filters=8)
    assert config_flops(config.replace(separable=True)) < config_flops(config) / 2


def test_unknown_size_is_rejected():
    with pytest.raises(ValueError, match="fixed"):
        config_flops(UNetConfig(None, None))
    with pytest.raises(ValueError, match="fixed height and width"):
        forward_flops(build_unet(UNetConfig(None, None, depth=2)))
