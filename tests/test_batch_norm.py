"""The opt-in batch-norm and group-norm U-Nets and the cosine learning-rate schedule."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from plate_unet.model import UNetConfig, build_unet
from plate_unet.training import PRESETS
from plate_unet.training.fit import preset_learning_rate, training_callbacks

SMALL = UNetConfig(64, 32, base_filters=4, depth=3, dropout_step=0.0)


def test_batch_norm_off_is_the_default_and_adds_no_layers():
    assert UNetConfig().batch_norm is False
    names = [layer.name for layer in build_unet(SMALL).layers]
    assert not [n for n in names if "_bn" in n or "_relu" in n]


@pytest.mark.parametrize(
    ("changes", "suffix", "kind"),
    [
        ({"batch_norm": True}, "bn", keras.layers.BatchNormalization),
        ({"group_norm": 2}, "gn", keras.layers.GroupNormalization),
    ],
)
def test_a_normalisation_and_relu_follow_each_block_conv(changes, suffix, kind):
    model = build_unet(SMALL.replace(**changes))
    names = [layer.name for layer in model.layers]
    for prefix in ("enc1", "enc2", "enc3", "dec2", "dec1"):
        for i in (1, 2):
            conv = names.index(f"{prefix}_conv{i}")
            assert names[conv + 1 : conv + 3] == [
                f"{prefix}_{suffix}{i}",
                f"{prefix}_relu{i}",
            ]
            layer = model.get_layer(f"{prefix}_conv{i}")
            assert layer.get_config()["activation"] == "linear"
            assert layer.use_bias is False
            assert isinstance(model.get_layer(f"{prefix}_{suffix}{i}"), kind)


@pytest.mark.parametrize("separable", [False, True])
def test_batch_norm_forward_shape_and_output_range(separable):
    model = build_unet(SMALL.replace(batch_norm=True, separable=separable))
    x = np.random.default_rng(0).random((2, 64, 32, 1), dtype="float32")
    y = model.predict(x, verbose=0)
    assert y.shape == (2, 64, 32, 1)
    assert np.all((y >= 0) & (y <= 1))


def test_teaching_size_batch_norm_checkpoint_is_under_10_mb(tmp_path):
    config = PRESETS["teaching"].unet.replace(batch_norm=True)
    path = tmp_path / "bn.keras"
    build_unet(config).save(path)
    assert path.stat().st_size < 10 * 1024 * 1024
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert loaded.get_layer("enc5_bn2").moving_variance.shape == (128,)


def test_cosine_schedule_spans_the_whole_run_and_drops_plateau(tmp_path):
    preset = PRESETS["smoke"].replace(learning_rate=2e-3, lr_schedule="cosine")
    lr = preset_learning_rate(
        preset, epochs=3, train_data=list(range(10))
    )  # 3 steps/epoch
    assert isinstance(lr, keras.optimizers.schedules.CosineDecay)
    assert lr.decay_steps == 9
    assert float(lr(0)) == pytest.approx(2e-3)
    assert float(lr(9)) == pytest.approx(2e-5)
    kinds = {
        type(c).__name__
        for c in training_callbacks(tmp_path, "val_iou", preset, None, False)
    }
    assert "ReduceLROnPlateau" not in kinds
    plain = PRESETS["smoke"].replace(lr_schedule=None)
    assert preset_learning_rate(plain, 3, [0]) == plain.learning_rate


def test_bad_lr_schedule_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"lr_schedule='step'.*None or 'cosine'"):
        PRESETS["smoke"].replace(lr_schedule="step")


def test_slim_preset_is_teaching_with_separable_convolutions():
    teaching, slim = PRESETS["teaching"], PRESETS["slim"]
    assert teaching.unet.batch_norm and teaching.lr_schedule == "cosine"
    assert slim.unet == teaching.unet.replace(separable=True, base_filters=12)
    same_otherwise = slim.replace(
        name="teaching", unet=teaching.unet, batch_size=teaching.batch_size
    )
    assert same_otherwise.replace(description="") == teaching.replace(description="")


def test_slim_preset_has_fewer_flops_than_teaching_and_far_fewer_than_seed():
    from plate_unet.model.flops import config_flops

    slim, teaching = (
        config_flops(PRESETS["slim"].unet),
        config_flops(PRESETS["teaching"].unet),
    )
    assert slim < teaching / 1.5
    assert config_flops(PRESETS["reference"].unet) / slim > 10
