"""Notebook 04's NumPy losses, metric and gradients compute what the package does.

Notebook 04 writes BCE, soft Dice, BCE + Dice, focal loss and IoU in a few lines of
NumPy each, in cells whose first line is ``# Same as ...``, and the gradients of BCE,
Dice and focal loss in cells marked ``# Gradient of ...``. This test runs those cells
on their own (with only ``np`` defined) and compares what they define with
:mod:`plate_unet.training.losses`, :class:`~plate_unet.training.metrics.IoUScore` and
``tf.GradientTape`` on seeded random inputs, so the notebook's code cannot drift from
the package without failing here.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from plate_unet.quiet_tensorflow import import_tensorflow
from plate_unet.training import losses, metrics

tf = import_tensorflow()

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks/04_losses_and_metrics.ipynb"
MARKS = ("# Same as ", "# Gradient of ")
TAUGHT = {
    "bce",
    "dice_coefficient",
    "dice_loss",
    "bce_dice_loss",
    "reference_loss",
    "focal_loss",
    "iou",
    "grad_bce",
    "grad_dice_loss",
    "grad_focal_loss",
}


def taught_functions(path: Path = NOTEBOOK) -> dict:
    """Runs the marked code cells of ``path``; returns the functions they define."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {"np": np}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith(MARKS):
            exec(compile(source, f"{path.name}:{cell['id']}", "exec"), namespace)
    return {k: v for k, v in namespace.items() if callable(v) and k != "np"}


@pytest.fixture(scope="module")
def taught():
    return taught_functions()


def batch(seed: int, clip_to=(0.0, 1.0)):
    """Three (16, 24) masks (the last one empty) and probabilities in ``clip_to``."""
    rng = np.random.default_rng(seed)
    t = np.zeros((3, 16, 24, 1), "float32")
    for m in t[:2]:
        top, left = rng.integers(0, 10), rng.integers(0, 12)
        m[top : top + rng.integers(2, 6), left : left + rng.integers(3, 12)] = 1.0
    p = rng.uniform(*clip_to, size=t.shape).astype("float32")
    if clip_to == (0.0, 1.0):  # exact 0 and 1 exercise the clipping,
        p[0, 0, :4, 0] = [0.0, 1.0, 0.0, 1.0]
        p[1, 0, :3, 0] = [0.3, 0.5, 0.7]  # and values on the thresholds, "p > th"
    return t, p


def test_notebook_04_teaches_the_functions(taught):
    assert set(taught) == TAUGHT


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_taught_losses_equal_the_package(taught, seed):
    t, p = batch(seed)
    keras_bce = keras.losses.binary_crossentropy(t, p).numpy().mean(axis=(1, 2))
    pairs = [
        (taught["bce"](t, p), keras_bce),
        (taught["dice_coefficient"](t, p), losses.dice_coefficient(t, p)),
        (taught["dice_loss"](t, p), losses.dice_loss(t, p)),
        (taught["bce_dice_loss"](t, p), losses.bce_dice_loss(t, p)),
        (taught["bce_dice_loss"](t, p, 2.0), losses.bce_dice_loss(t, p, 2.0)),
        (taught["reference_loss"](t, p), losses.reference_loss(t, p)),
        (taught["focal_loss"](t, p), losses.focal_loss(t, p)),
    ]
    for gamma, alpha in [(0.0, 0.5), (1.0, 0.75), (3.0, 0.1)]:
        want = losses.focal_loss(t, p, gamma, alpha)
        pairs.append((taught["focal_loss"](t, p, gamma, alpha), want))
    for ours, want in pairs:
        assert np.shape(ours) == (3,)
        np.testing.assert_allclose(ours, np.asarray(want), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_taught_iou_equals_iou_score(taught, seed):
    t, p = batch(seed)
    cases = [(t, p), (t[2:], p[2:]), (t[2:], np.zeros_like(p[2:])), (t, t)]
    for tt, pp in cases:
        for threshold in (0.3, 0.5, 0.7):
            metric = metrics.IoUScore(threshold)
            metric.update_state(tt, pp)
            ours = np.float32(taught["iou"](tt, pp, threshold))
            assert ours == np.float32(metric.result()), (threshold, ours)
    assert taught["iou"](t[2:], np.zeros_like(p[2:])) == 1.0  # both sets empty


def tape_gradient(loss_fn, t, p):
    p = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(p)
        total = tf.reduce_sum(loss_fn(t, p))
    return tape.gradient(total, p).numpy()


def keras_bce(t, p):
    return tf.reduce_mean(keras.losses.binary_crossentropy(t, p), axis=(1, 2))


@pytest.mark.parametrize("seed", [0, 1])
def test_taught_gradients_equal_the_tape(taught, seed):
    t, p = batch(seed, clip_to=(0.02, 0.98))  # inside the clipping range
    pairs = [
        (taught["grad_bce"], keras_bce),
        (taught["grad_dice_loss"], losses.dice_loss),
        (taught["grad_focal_loss"], losses.focal_loss),
    ]
    for grad, loss_fn in pairs:
        ours = grad(t, p)
        assert ours.shape == p.shape
        np.testing.assert_allclose(ours, tape_gradient(loss_fn, t, p), rtol=1e-3)
