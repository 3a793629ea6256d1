"""Training: presets, mixed precision, atomic checkpoints, kill -9 and resume."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from plate_unet import cli
from plate_unet._files import remove_partial
from plate_unet.model import UNetConfig, build_unet
from plate_unet.training import devices
from plate_unet.training.callbacks import AtomicModelCheckpoint
from plate_unet.training.fit import init_output_bias, read_log, split_samples, train
from plate_unet.training.presets import PRESETS, Preset, get_preset, pick_preset

JOBS = Path(__file__).with_name("train_jobs.py")
sys.path.insert(0, str(JOBS.parent))
from train_jobs import tiny_data, tiny_preset  # noqa: E402


def _data(height, width, n=8, batch=4, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((n, height, width, 1), dtype=np.float32) * 0.3
    masks = np.zeros((n, height, width, 1), np.float32)
    masks[:, height // 3 : height // 2, width // 4 : 3 * width // 4] = 1.0
    images += 0.6 * masks
    return tf.data.Dataset.from_tensor_slices((images, masks)).batch(batch)


def _epochs(log_path: Path) -> list[int]:
    with open(log_path, newline="") as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def _assert_checkpoints_load(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.keras"))
    for path in files:
        keras.saving.load_model(path, safe_mode=True)
    assert not list(folder.rglob(".partial-*")), "a partial save was left behind"
    return files


# --- presets --------------------------------------------------------------------
def test_presets_have_the_documented_shapes():
    seed = PRESETS["reference"]
    assert (seed.unet.height, seed.unet.width) == (1152, 704)
    assert (seed.unet.base_filters, seed.unet.depth) == (16, 6)
    assert (seed.batch_size, seed.epochs) == (5, 10)
    assert set(PRESETS) >= {"reference", "teaching", "smoke"}
    for name, preset in PRESETS.items():
        assert preset.name == name
        assert preset.unet.height * preset.unet.width <= 1152 * 704


def test_pick_preset_says_which_and_why(monkeypatch):
    monkeypatch.setenv("PLATE_UNET_SMOKE", "1")
    name, reason = pick_preset()
    assert name == "smoke" and "PLATE_UNET_SMOKE" in reason
    monkeypatch.delenv("PLATE_UNET_SMOKE")
    monkeypatch.setattr(devices, "detect_gpus", lambda: [])
    name, reason = pick_preset()
    assert name == "teaching" and "no GPU" in reason
    monkeypatch.setattr(devices, "detect_gpus", lambda: ["/physical_device:GPU:0"])
    name, reason = pick_preset()
    assert name == "reference" and "GPU" in reason


def test_bad_arguments_name_the_value_and_the_choices(tmp_path):
    with pytest.raises(ValueError, match="'huge'.*reference, teaching, smoke"):
        get_preset("huge")
    with pytest.raises(ValueError, match="epochs=0.*>= 1"):
        train("smoke", _data(64, 40), None, tmp_path, epochs=0)
    with pytest.raises(ValueError, match="epochs=-1"):
        PRESETS["smoke"].replace(epochs=-1)
    with pytest.raises(ValueError, match="learning_rate=0"):
        Preset("x", UNetConfig(64, 64), 2, 1, 0, 1, 1)


def test_split_samples_is_seeded_and_disjoint():
    items = list(range(20))
    train_a, val_a = split_samples(items, 0.1, seed=3)
    train_b, val_b = split_samples(items, 0.1, seed=3)
    assert (train_a, val_a) == (train_b, val_b)
    assert len(val_a) == 2 and sorted(train_a + val_a) == items
    with pytest.raises(ValueError, match="1 sample"):
        split_samples([1], 0.1)


# --- training -------------------------------------------------------------------
def test_smoke_preset_trains_end_to_end(tmp_path):
    result = train("smoke", _data(64, 40), _data(64, 40, n=4, seed=1), tmp_path)
    assert result.initial_epoch == 0
    assert 1 <= result.epochs_run <= PRESETS["smoke"].epochs
    assert _epochs(result.log_path) == list(range(result.epochs_run))
    assert np.isfinite(result.history["loss"]).all()
    assert "val_iou" in result.history
    assert result.best_path == tmp_path / "best.keras"
    assert _assert_checkpoints_load(tmp_path) == [result.best_path]
    assert not (tmp_path / "backup").exists()  # removed after a finished run


def test_mixed_float16_on_cpu_trains_with_a_finite_loss(tmp_path):
    result = train(
        tiny_preset(epochs=1), tiny_data(), None, tmp_path, mixed_precision=True
    )
    model = result.model
    assert np.isfinite(result.history["loss"]).all()
    assert model.get_layer("enc1_conv1").compute_dtype == "float16"
    assert model.get_layer("enc1_conv1").variable_dtype == "float32"
    assert model.get_layer("output").compute_dtype == "float32"
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    # The global policy is restored for whatever the caller builds next.
    assert keras.mixed_precision.global_policy().name == "float32"


class _FirstStep(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            self.weights = [w.copy() for w in self.model.get_weights()]


@pytest.mark.parametrize("ema", [None, 0.999999])
def test_with_ema_the_checkpoint_is_the_average_of_the_weights(tmp_path, ema):
    # Keras starts the average at the weights after the first step; a momentum
    # this close to 1 keeps it there, so the checkpoint tells which was saved.
    first = _FirstStep()
    preset = tiny_preset(epochs=1).replace(ema=ema)
    val = tiny_data(4, seed=1)
    result = train(preset, tiny_data(), val, tmp_path, callbacks=[first])
    saved = keras.saving.load_model(result.best_path).get_weights()
    pairs = zip(saved, first.weights, strict=True)
    moved = max(float(np.abs(a - b).max()) for a, b in pairs)
    if ema is None:
        assert moved > 1e-3  # the weights after the second step
    else:
        assert moved < 1e-4  # their average: still the first step's
        assert result.model.optimizer.use_ema
    with pytest.raises(ValueError, match="ema=1.5 is invalid"):
        preset.replace(ema=1.5)


def test_atomic_checkpoint_replaces_the_file_whole(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    cb = AtomicModelCheckpoint(str(tmp_path / "m.keras"))
    cb.set_model(model)
    for epoch in range(2):
        cb.on_epoch_end(epoch, {"loss": 1.0})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]
    keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    (tmp_path / ".partial-left").mkdir()
    assert remove_partial(tmp_path) == 1


def test_output_prior_sets_the_starting_probability():
    model = build_unet(UNetConfig(32, 32, base_filters=2, depth=2))
    init_output_bias(model, 0.02)
    probs = model(np.zeros((1, 32, 32, 1), "float32"), training=False)
    assert np.allclose(np.asarray(probs), 0.02, atol=1e-6)
    with pytest.raises(ValueError, match="output_prior=1.5"):
        init_output_bias(model, 1.5)


# --- kill -9 and resume ---------------------------------------------------------
@pytest.mark.slow
def test_kill_9_then_rerun_resumes_from_the_last_saved_epoch(tmp_path):
    out, epochs = tmp_path / "run", 6
    command = [sys.executable, str(JOBS), "resume", str(out), str(epochs)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "EPOCH_SLEEP": "0.7"}
    state = out / "backup" / "state.json"
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    try:
        deadline = time.monotonic() + 120
        while not (state.is_file() and json.loads(state.read_text())["epoch"] >= 1):
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "no epoch finished in 120 s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    saved = json.loads(state.read_text())["epoch"]
    assert 1 <= saved < epochs
    _assert_checkpoints_load(out)
    assert len(list((out / "backup").glob("epoch-*.weights.h5"))) == 1

    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1][len("RESULT ") :])
    assert result == {"initial_epoch": saved, "epochs_run": epochs - saved}
    # Each epoch is logged exactly once, the run finished, and the checkpoint loads.
    assert _epochs(out / "log.csv") == list(range(epochs))
    assert len(read_log(out / "log.csv")["val_iou"]) == epochs
    assert not (out / "backup").exists()
    assert _assert_checkpoints_load(out) == [out / "best.keras"]


# --- CLI ------------------------------------------------------------------------
def test_cli_train_help_and_bad_preset(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--help"])
    assert exit_info.value.code == 0
    assert "--mixed-precision" in capsys.readouterr().out
    assert cli.main(["train", "--preset", "huge", "--data", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'huge'" in err and "teaching" in err


def test_cli_train_on_a_csv(tmp_path, capsys):
    from plate_unet.data.synthetic.generate import generate_dataset

    # a set whose plates all fill pixels at the smoke model's 64×40 (seed 0 has
    # street plates under a pixel there, which `train --data` rightly refuses)
    labels = generate_dataset(tmp_path / "data", 6, seed=2, size=(290, 180))
    out = tmp_path / "run"
    argv = ["train", "--data", str(labels), "--preset", "smoke", "--out", str(out)]
    assert cli.main([*argv, "--epochs", "1", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "trained 1 epochs" in text and str(out / "best.keras") in text
    keras.saving.load_model(out / "best.keras", safe_mode=True)


def test_a_cosine_schedule_still_logs_the_learning_rate(tmp_path):
    preset = PRESETS["smoke"].replace(lr_schedule="cosine", epochs=2)
    x = np.random.default_rng(0).random((8, 64, 40, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices((x, (x > 0.7).astype("float32"))).batch(4)
    train(preset, ds, ds, tmp_path, verbose=0)
    rates = read_log(tmp_path / "log.csv")["learning_rate"]
    assert len(rates) == 2 and rates[1] < rates[0]  # decays along the cosine
