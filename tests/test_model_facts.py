"""The reference table, receptive fields and memory that notebooks 02–03 print."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from plate_unet.model import UNetConfig, build_unet
from plate_unet.model.memory import activation_memory
from plate_unet.model.receptive_field import receptive_fields
from plate_unet.model.reference import (
    REFERENCE_TOTAL_PARAMS,
    compare_layer,
    compare_model,
    reference_row_for,
    reference_summary_rows,
    unet_layer_names,
)


@pytest.fixture(scope="module")
def reference_model():
    return build_unet()


def test_reference_rows_ship_with_the_package():
    rows = reference_summary_rows()
    assert len(rows) == 50
    assert sum(r.params for r in rows) == REFERENCE_TOTAL_PARAMS
    assert rows[-1].name == "conv2d_transpose_6" and rows[-1].params == 145


def test_layer_names_pair_with_reference_rows():
    assert len(unet_layer_names(6)) == 50
    assert reference_row_for("enc1_conv1").name == "conv2d_1"
    assert reference_row_for("dec1_concat").name == "concatenate_5"
    with pytest.raises(ValueError, match="enc7_conv1"):
        reference_row_for("enc7_conv1")


def test_compare_model_marks_every_reference_layer_same(reference_model):
    text = compare_model(reference_model)
    assert "DIFFERENT" not in text
    assert text.count(" same") == 51  # 50 layers and the total


def test_compare_layer_flags_a_different_layer():
    small = build_unet(UNetConfig(height=64, width=64, base_filters=8))
    assert compare_layer(small.get_layer("enc1_conv1")).endswith("DIFFERENT")


def test_receptive_field_of_reference_unet(reference_model):
    rf = receptive_fields(reference_model)
    assert rf["enc1_conv2"].size == 5
    assert rf["enc6_conv2"].size == 284 and rf["enc6_conv2"].jump == 32
    assert rf["output"].size == 472 and rf["output"].jump == 1


def _empirical_extent(model, size: int) -> int:
    """Width of the input region whose pixels change the output's centre pixel."""
    for w in model.weights:  # positive weights: every ReLU passes, sigmoid ~ 0.5
        value = 0.5 / np.prod(w.shape[:-1]) if "kernel" in w.path else 0.0
        w.assign(np.full(w.shape, value, "float32"))
    x = tf.constant(np.ones((1, size, size, 1), "float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)[0, size // 2, size // 2, 0]
    cols = np.nonzero(np.abs(tape.gradient(y, x).numpy()[0, :, :, 0]).sum(0))[0]
    return int(cols.max() - cols.min() + 1)


def test_receptive_field_matches_gradient_without_pooling():
    inp = keras.Input((64, 64, 1))
    x = keras.layers.Conv2D(2, 3, padding="same")(inp)
    x = keras.layers.Conv2D(2, 3, strides=2, padding="same")(x)
    x = keras.layers.Conv2D(2, 5, padding="same")(x)
    x = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same")(x)
    model = keras.Model(inp, x)
    assert (
        _empirical_extent(model, 64)
        == receptive_fields(model)[model.layers[-1].name].size
        == 15
    )


def test_receptive_field_bounds_gradient_of_small_unet():
    model = build_unet(UNetConfig(height=128, width=128, base_filters=2, depth=3))
    analytic = receptive_fields(model)["output"].size
    assert analytic == 52
    assert 0.8 * analytic <= _empirical_extent(model, 128) <= analytic


def test_activation_memory_counts_outputs_masks_and_weights():
    inp = keras.Input((8, 6, 1))
    x = keras.layers.Conv2D(3, 3, padding="same")(inp)  # 8*6*3 = 144 values
    x = keras.layers.Dropout(0.5)(x)  # 144 more, and a mask of 144
    x = keras.layers.MaxPooling2D()(x)  # 4*3*3 = 36
    x = keras.layers.Dense(2)(x)  # 4*3*2 = 24
    model = keras.Model(inp, x)  # 30 + 8 = 38 parameters
    one, four = activation_memory(model, [1, 4], dtype_bytes=4)
    assert one.layer_outputs == (48 + 144 + 144 + 36 + 24) * 4
    assert one.dropout_masks == 144 * 4
    assert one.weights == 16 * 38  # params, gradients, Adam's two moments
    assert one.total == one.layer_outputs + one.dropout_masks + one.weights
    assert four.activations == 4 * one.activations and four.weights == one.weights


def test_float16_halves_only_the_activations():
    model = build_unet(UNetConfig(height=32, width=32, base_filters=2, depth=2))
    full = activation_memory(model, [2], dtype_bytes=4)[0]
    half = activation_memory(model, [2], dtype_bytes=2)[0]
    assert half.layer_outputs * 2 == full.layer_outputs
    assert half.dropout_masks * 2 == full.dropout_masks > 0
    assert half.weights == full.weights == 16 * model.count_params()


def test_activation_memory_of_seed_at_batch_8(reference_model):
    est = activation_memory(reference_model, [8], dtype_bytes=4)[0]
    assert est.layer_outputs == 8 * 4 * 235_395_072  # notebook 03's counts
    assert est.dropout_masks == 8 * 4 * 50_688_000
    assert round(est.total / 2**30, 2) == 8.65
    mixed = activation_memory(reference_model, [8], dtype_bytes=2)[0]
    assert round(mixed.total / 2**30, 2) == 4.39


def test_activation_memory_rejects_bad_arguments(reference_model):
    with pytest.raises(ValueError, match="dtype_bytes=3"):
        activation_memory(reference_model, [1], dtype_bytes=3)
    with pytest.raises(ValueError, match="batch size 0"):
        activation_memory(reference_model, [0])
    free = build_unet(UNetConfig(height=None, width=None))
    with pytest.raises(ValueError, match="fixed height and width"):
        activation_memory(free, [1])
