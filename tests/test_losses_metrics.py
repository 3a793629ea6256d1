"""Losses and metrics against NumPy references, in float16, and through save/load."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from plate_unet.model import UNetConfig, build_unet
from plate_unet.training import losses, metrics


def np_dice(t, p, smooth=1.0):
    t, p = t.reshape(len(t), -1), p.reshape(len(p), -1)
    return (2 * (t * p).sum(1) + smooth) / (t.sum(1) + p.sum(1) + smooth)


def np_bce(t, p, eps=1e-7):
    p = np.clip(p, eps, 1 - eps)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).reshape(len(t), -1).mean(1)


def np_focal(t, p, gamma=2.0, alpha=0.25, eps=1e-7):
    p = np.clip(p, eps, 1 - eps)
    pt = np.where(t == 1, p, 1 - p)
    at = np.where(t == 1, alpha, 1 - alpha)
    return (-at * (1 - pt) ** gamma * np.log(pt)).reshape(len(t), -1).mean(1)


def np_iou(t, p, th):
    hard, t = p > th, t > 0.5
    union = (hard | t).sum()
    return 1.0 if union == 0 else (hard & t).sum() / union


@pytest.fixture
def pair(rng):
    t = (rng.random((3, 16, 16, 1)) > 0.8).astype("float32")
    p = np.clip(t * 0.7 + rng.random(t.shape) * 0.4, 0, 1).astype("float32")
    return t, p


def test_dice_loss_bce_dice_and_focal_match_numpy(pair):
    t, p = pair
    np.testing.assert_allclose(losses.dice_coefficient(t, p), np_dice(t, p), 1e-5)
    np.testing.assert_allclose(losses.dice_loss(t, p), 1 - np_dice(t, p), 1e-5)
    want = 0.5 * np_bce(t, p) + 1 - np_dice(t, p)
    np.testing.assert_allclose(losses.bce_dice_loss(t, p), want, 1e-5)
    np.testing.assert_allclose(losses.focal_loss(t, p), np_focal(t, p), 1e-4)
    np.testing.assert_allclose(losses.BCEDiceLoss()(t, p), want.mean(), 1e-5)
    focal = losses.get_loss("focal")  # Keras's own BinaryFocalCrossentropy
    assert isinstance(focal, keras.losses.BinaryFocalCrossentropy)
    np.testing.assert_allclose(focal(t, p), np_focal(t, p).mean(), 1e-4)
    slow = losses.make_focal_loss(gamma=1.0, alpha=0.6)
    np.testing.assert_allclose(slow(t, p), np_focal(t, p, 1.0, 0.6).mean(), 1e-4)


def test_bce_dice_is_never_negative_but_the_reference_loss_is(rng):
    t = (rng.random((4, 8, 8, 1)) > 0.5).astype("float32")
    for p in (t, np.clip(t, 0.01, 0.99), rng.random(t.shape).astype("float32")):
        assert float(np.min(losses.bce_dice_loss(t, p))) >= 0.0
    assert float(np.max(losses.reference_loss(t, np.clip(t, 0.01, 0.99)))) < 0.0


def test_losses_are_float32_and_finite_on_a_full_size_float16_mask():
    ones = np.ones((1, 1152, 704, 1), "float16")
    for fn in (losses.dice_coefficient, losses.bce_dice_loss, losses.focal_loss):
        out = fn(ones, ones)
        assert out.dtype == "float32"
        assert np.all(np.isfinite(out))
    np.testing.assert_allclose(losses.dice_coefficient(ones, ones), [1.0], 1e-6)


def test_iou_metrics_match_numpy_over_several_batches(pair, rng):
    t, p = pair
    t2 = (rng.random((2, 16, 16, 1)) > 0.9).astype("float32")
    p2 = rng.random(t2.shape).astype("float32")
    mean_iou, iou, dice = (
        metrics.MeanIoUOverThresholds(),
        metrics.IoUScore(0.5),
        metrics.DiceScore(),
    )
    for m in (mean_iou, iou, dice):
        m.update_state(t, p)
        m.update_state(t2, p2)
    T, P = np.concatenate([t, t2]), np.concatenate([p, p2])
    want = np.mean([np_iou(T, P, th) for th in metrics.REFERENCE_THRESHOLDS])
    assert float(mean_iou.result()) == pytest.approx(want, abs=1e-6)
    assert float(iou.result()) == pytest.approx(np_iou(T, P, 0.5), abs=1e-6)
    inter, tot = ((P > 0.5) & (T > 0.5)).sum(), (P > 0.5).sum() + (T > 0.5).sum()
    assert float(dice.result()) == pytest.approx(2 * inter / tot, abs=1e-6)
    mean_iou.reset_state()
    assert float(mean_iou.result()) == 1.0  # nothing seen: nothing missed


def test_iou_score_equals_keras_binary_iou_on_scenes_with_plates(rng):
    """IoUScore is kept for one case Keras scores differently: a batch with no
    plate and no prediction, where IoUScore gives 1 (nothing missed)."""
    ours, keras_iou = metrics.IoUScore(0.5), keras.metrics.BinaryIoU([1], 0.5)
    for _ in range(3):
        t = np.zeros((2, 24, 24, 1), "float32")
        t[:, 5:12, 3:20] = 1  # every scene has a plate
        p = np.clip(t * 0.6 + rng.random(t.shape) * 0.5, 0, 1).astype("float32")
        ours.update_state(t, p)
        keras_iou.update_state(t, p)
    assert float(ours.result()) == pytest.approx(float(keras_iou.result()), abs=1e-6)
    empty = metrics.IoUScore(0.5)
    empty.update_state(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1)))
    assert float(empty.result()) == 1.0


def test_seed_thresholds_are_the_ten_from_half_to_095():
    assert metrics.REFERENCE_THRESHOLDS == (
        0.5,
        0.55,
        0.6,
        0.65,
        0.7,
        0.75,
        0.8,
        0.85,
        0.9,
        0.95,
    )


def test_metric_counts_are_exact_on_a_full_size_float16_batch():
    ones = np.ones((2, 1152, 704, 1), "float16")
    m = metrics.IoUScore()
    m.update_state(ones, ones)
    assert float(m.result()) == 1.0
    assert float(m.true.numpy()[0]) == 2 * 1152 * 704


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="threshold=1.5"):
        metrics.IoUScore(1.5)
    with pytest.raises(ValueError, match="gamma=-1"):
        losses.make_focal_loss(gamma=-1)
    with pytest.raises(ValueError, match="alpha=2"):
        losses.make_focal_loss(alpha=2)
    with pytest.raises(ValueError, match="Unknown loss 'l2'"):
        losses.get_loss("l2")


def test_saved_model_loads_without_custom_objects(tmp_path):
    model = build_unet(UNetConfig(32, 32, base_filters=2, depth=2))
    model.compile(
        optimizer="adam",
        loss=losses.BCEDiceLoss(bce_weight=0.3),
        metrics=[
            metrics.IoUScore(0.6),
            metrics.DiceScore(),
            metrics.MeanIoUOverThresholds(),
        ],
    )
    x = np.random.default_rng(0).random((2, 32, 32, 1)).astype("float32")
    y = (x > 0.5).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6
    )
    assert isinstance(loaded.loss, losses.BCEDiceLoss)
    assert loaded.loss.bce_weight == pytest.approx(0.3)
    a = model.evaluate(x, y, verbose=0, return_dict=True)
    b = loaded.evaluate(x, y, verbose=0, return_dict=True)
    for key in ("loss", "iou", "dice", "mean_iou"):
        assert b[key] == pytest.approx(a[key], abs=1e-5), key
