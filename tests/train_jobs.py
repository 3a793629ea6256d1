"""Small training jobs that the tests run in fresh processes.

A test that kills a run, splits the CPU into logical devices or starts a
multi-worker cluster needs a TensorFlow of its own, so it runs this file:

    python tests/train_jobs.py mirrored OUT        # 1 device vs 2 logical CPUs
    python tests/train_jobs.py worker OUT          # one worker; TF_CONFIG set
    python tests/train_jobs.py resume OUT EPOCHS   # slow epochs, to be killed

Each job prints one JSON line starting with ``RESULT`` as its last output.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import tensorflow as tf

from plate_unet.model import UNetConfig
from plate_unet.training.fit import train
from plate_unet.training.presets import PRESETS, Preset


def tiny_preset(epochs: int = 2, patience: int = 100) -> Preset:
    """A 32×32, base-4, depth-3 U-Net without dropout or clipping (deterministic).

    No gradient clipping: with ``global_clipnorm`` the one-device and
    two-replica runs agree on the first epoch but not after it (observed with
    Keras 3.15), as if each replica clipped its own share of the gradient.
    """
    return PRESETS["smoke"].replace(
        name="tiny",
        unet=UNetConfig(32, 32, base_filters=4, depth=3, dropout_step=0.0),
        batch_size=4,
        epochs=epochs,
        learning_rate=1e-2,
        patience=patience,
        clipnorm=None,
    )


def tiny_data(n: int = 8, batch: int = 4, seed: int = 0) -> tf.data.Dataset:
    """Noisy 32×32 images with one bright rectangle each: (image, mask) batches."""
    rng = np.random.default_rng(seed)
    images = rng.random((n, 32, 32, 1), dtype=np.float32) * 0.3
    masks = np.zeros((n, 32, 32, 1), np.float32)
    for i in range(n):
        y, x = rng.integers(2, 20, size=2)
        masks[i, y : y + 8, x : x + 12] = 1.0
    images += 0.6 * masks
    return tf.data.Dataset.from_tensor_slices((images, masks)).batch(batch)


def _losses(result) -> list[float]:
    return [float(v) for v in result.history["loss"]]


def mirrored(out: str) -> dict:
    """Same tiny run on one device and on MirroredStrategy over 2 logical CPUs."""
    from plate_unet.errors import PlateUnetError
    from plate_unet.training.devices import split_cpu

    names = split_cpu(2)
    try:
        split_cpu(3)
        late_split_error = ""
    except PlateUnetError as exc:
        late_split_error = str(exc)
    one = train(
        tiny_preset(), tiny_data(), None, f"{out}/one", strategy=None, verbose=0
    )
    strategy = tf.distribute.MirroredStrategy(names)
    two = train(
        tiny_preset(), tiny_data(), None, f"{out}/two", strategy=strategy, verbose=0
    )
    return {
        "devices": names,
        "replicas": strategy.num_replicas_in_sync,
        "one": _losses(one),
        "two": _losses(two),
        "late_split_error": late_split_error,
    }


def worker(out: str) -> dict:
    """One worker of a MultiWorkerMirroredStrategy cluster described by TF_CONFIG."""
    from plate_unet.training.devices import choose_strategy, is_chief

    strategy = choose_strategy()
    result = train(tiny_preset(), tiny_data(), None, out, strategy=strategy, verbose=0)
    return {
        "strategy": type(strategy).__name__,
        "replicas": strategy.num_replicas_in_sync,
        "chief": is_chief(strategy),
        "loss": _losses(result),
    }


class _SlowEpochs(keras.callbacks.Callback):
    """Sleeps at each epoch's start, so a test can kill the run mid-epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        time.sleep(float(os.environ.get("EPOCH_SLEEP", "0.5")))


def resume(out: str, epochs: str) -> dict:
    """The tiny run with slow epochs: kill it, run it again, it resumes."""
    result = train(
        tiny_preset(int(epochs)),
        tiny_data(),
        tiny_data(seed=1),
        out,
        callbacks=[_SlowEpochs()],
        verbose=2,
    )
    return {"initial_epoch": result.initial_epoch, "epochs_run": result.epochs_run}


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    keras.utils.set_random_seed(0)
    print("RESULT " + json.dumps(globals()[job](*args)), flush=True)
