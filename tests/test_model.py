"""The default U-Net is the reference's, layer for layer; other configs behave."""

from __future__ import annotations

import re
from pathlib import Path

import keras
import numpy as np
import pytest

from plate_unet.model import UNetConfig, build_unet, nearest_valid_sizes

REFERENCE_TABLE = Path(__file__).parent / "data" / "reference_unet_summary.txt"
ROW = re.compile(r"^(\w+) \((\w+)\)?\s+(\(None[^)]*\)?)\s+(\d+)")


def reference_rows():
    """(type, shape text as printed, params) for every row of the reference summary."""
    rows = []
    for line in REFERENCE_TABLE.read_text().splitlines():
        line = line.lstrip("#")
        m = ROW.match(line)
        if m:
            rows.append((m.group(2), m.group(3).strip(), int(m.group(4))))
    return rows


@pytest.fixture(scope="module")
def reference_model():
    return build_unet()


def test_reference_table_parses_all_layers():
    rows = reference_rows()
    assert len(rows) == 50
    assert sum(r[2] for r in rows) == 8_648_401


def test_default_model_has_reference_parameter_count(reference_model):
    assert reference_model.count_params() == 8_648_401


def test_default_model_matches_reference_row_by_row(reference_model):
    rows = reference_rows()
    layers = reference_model.layers
    assert len(layers) == len(rows)
    for layer, (kind, shape, params) in zip(layers, rows, strict=True):
        ours = str(tuple(layer.output.shape))
        # The reference's table cuts type names at 11 and shapes at 20 characters.
        assert type(layer).__name__.startswith(kind), (layer.name, kind)
        assert ours.startswith(shape.rstrip(")")), (layer.name, ours, shape)
        assert ours[: len(shape)] == shape or len(shape) == 20, (layer.name, ours)
        assert layer.count_params() == params, (layer.name, params)


def test_layer_names_are_predictable(reference_model):
    names = {layer.name for layer in reference_model.layers}
    for level in range(1, 7):
        assert {f"enc{level}_conv1", f"enc{level}_drop", f"enc{level}_conv2"} <= names
    for level in range(1, 6):
        assert f"enc{level}_pool" in names
        assert {f"dec{level}_up", f"dec{level}_concat", f"dec{level}_conv2"} <= names
    assert "enc6_pool" not in names
    assert reference_model.get_layer("output").count_params() == 145


def test_dropout_rates_grow_with_level(reference_model):
    assert reference_model.get_layer("enc1_drop").rate == pytest.approx(0.1)
    assert reference_model.get_layer("enc6_drop").rate == pytest.approx(0.6)
    assert reference_model.get_layer("dec1_drop").rate == pytest.approx(0.1)


def test_small_config_runs_forward():
    model = build_unet(UNetConfig(height=64, width=64, base_filters=4, depth=3))
    out = model(np.zeros((2, 64, 64, 1), "float32"))
    assert out.shape == (2, 64, 64, 1)
    assert np.all((np.asarray(out) >= 0) & (np.asarray(out) <= 1))


def test_fully_convolutional_model_takes_any_valid_size():
    model = build_unet(UNetConfig(height=None, width=None, base_filters=4, depth=3))
    for h, w in [(32, 48), (64, 96)]:
        assert model(np.zeros((1, h, w, 1), "float32")).shape == (1, h, w, 1)


def test_rgb_and_depth_change_the_model():
    rgb = build_unet(UNetConfig(64, 64, channels=3, base_filters=4, depth=4))
    assert rgb.input_shape == (None, 64, 64, 3)
    assert rgb.get_layer("enc4_conv1").filters == 32


def test_mixed_precision_output_is_float32():
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = build_unet(UNetConfig(64, 64, base_filters=4, depth=3))
    assert model.get_layer("enc1_conv1").compute_dtype == "float16"
    assert model.output.dtype == "float32"


def test_separable_variant_is_much_smaller():
    plain = build_unet(UNetConfig(128, 128))
    slim = build_unet(UNetConfig(128, 128, separable=True))
    assert slim.count_params() < plain.count_params() / 3


@pytest.mark.parametrize(
    ("size", "below", "above"), [(720, 704, 736), (1160, 1152, 1184), (10, 32, 32)]
)
def test_nearest_valid_sizes(size, below, above):
    assert nearest_valid_sizes(size) == (below, above)


def test_bad_size_names_the_size_and_neighbours():
    with pytest.raises(ValueError, match=r"width=720 .*704 and 736"):
        UNetConfig(height=1152, width=720)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"base_filters": 0}, "base_filters=0"),
        ({"depth": 1}, "depth=1"),
        ({"channels": 2}, "channels=2"),
        ({"dropout_step": -0.1}, "dropout_step=-0.1"),
        ({"dropout_step": 0.2}, r"\[0, 1\)"),
    ],
)
def test_bad_config_values_raise(changes, message):
    with pytest.raises(ValueError, match=message):
        UNetConfig(**changes)
