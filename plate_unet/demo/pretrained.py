"""Make the pretrained checkpoint ``teaching.keras``.

:func:`make_pretrained` is what ``plate-unet demo --pretrained`` runs: it trains
the teaching model for longer (:data:`~plate_unet.training.presets.PRETRAINED`)
with a fixed seed and writes the checkpoint with ``metrics.json``,
``training_log.csv`` and a ``README.md`` (from the template ``_README``) beside
it, into ``runs/pretrained`` by default. ``make pretrained`` passes ``--out
plate_unet/inference/pretrained``: the committed checkpoint in the checkout, which
the installed package carries. Nothing here writes into the installed package.
This module does not import :mod:`plate_unet.demo.run`.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from plate_unet.data.synthetic.generate import GENERATOR_VERSION
from plate_unet.demo.heldout import TEST_SEED_OFFSET, heldout_set
from plate_unet.errors import PlateUnetError
from plate_unet.inference.evaluate import evaluate_model
from plate_unet.inference.model_file import load_model
from plate_unet.training.fit import train_synthetic
from plate_unet.training.presets import PRETRAINED, Preset, get_preset

#: The committed checkpoint must stay below this size.
MAX_CHECKPOINT_MB = 10.0


_README = """# The pretrained teaching checkpoint

`{model}` is the U-Net of the `{preset}` preset ({description}), trained from
synthetic scenes only (generator version {generator}), with seed {seed}. The
notebooks and `plate-unet predict` use it when you give no `--model`.

Made by one command (about {minutes:.0f} minutes here, {devices}):

    {command}

| file | what |
|---|---|
| `{model}` | architecture and weights, no optimizer state ({size_mb:.1f} MB) |
| `metrics.json` | held-out scores, training configuration, seed, versions, time |
| `training_log.csv` | loss and metrics per epoch (Keras' CSVLogger) |

Load it with `plate_unet.inference.model_file.load_model()` (checks the architecture) or
`keras.saving.load_model(path, safe_mode=True)`.

Held-out synthetic test set: {scenes} scenes never seen in training (seed
{test_seed}). Pixel IoU **{pixel_iou:.3f}**, Dice {dice:.3f}; CCPD-style
(a plate is found when its box IoU > 0.7): precision {precision:.3f}, recall
{recall:.3f}; mean corner error {corner} px.

The file holds no optimizer state: Keras 3 has no `include_optimizer=False`,
and the Adam slots would triple its size. To train it further, compile it
again, e.g. with `get_loss("{loss}")` and Adam at {lr:g}.
Trained with TensorFlow {tf} and Keras {keras}.
"""


def make_pretrained(
    out: str | Path = "runs/pretrained",
    seed: int = 0,
    preset: str | Preset = PRETRAINED,
    work_dir: str | Path = "runs/pretrained",
    n_test: int = 64,
    epochs: int | None = None,
    verbose: bool = True,
    max_mb: float = MAX_CHECKPOINT_MB,
) -> dict[str, Path]:
    """Trains a preset from synthetic data and writes the committed checkpoint.

    Writes ``<preset>.keras`` (weights and architecture, no optimizer state;
    float32 even on a GPU so that it runs anywhere), ``metrics.json``,
    ``training_log.csv`` and ``README.md`` into ``out``. Training data and the
    run itself go to ``work_dir``; a killed run continues where it stopped
    when called again.

    Args:
        out: Output folder (``make pretrained``: ``plate_unet/inference/pretrained``
            in the checkout).
        seed: Seed of the data and the training.
        preset: A preset or its name (default: the teaching model with group
            normalisation on 3,200 scenes for 4 epochs,
            :data:`~plate_unet.training.presets.PRETRAINED`).
        work_dir: Folder for the synthetic sets and the training run.
        n_test: Held-out synthetic scenes for ``metrics.json``.
        epochs: Override the preset's epochs.
        verbose: Progress bars (``False``: one line per epoch).
        max_mb: Largest allowed model file in MB.

    Returns:
        ``{"model", "metrics", "log", "readme"}`` → paths.

    Raises:
        ValueError: If the preset is unknown or ``n_test`` < 1.
        PlateUnetError: If the saved model is larger than ``max_mb``.

    Example:
        .. code-block:: python

            paths = make_pretrained()  # trains the teaching preset: minutes
            paths["model"].name  # 'teaching.keras'
            sorted(paths)  # ['log', 'metrics', 'model', 'readme']
    """
    import keras

    started = time.perf_counter()
    preset = get_preset(preset)
    if not isinstance(n_test, int) or n_test < 1:
        raise ValueError(f"n_test={n_test!r} is invalid: use an integer >= 1.")
    out = Path(out)
    work = Path(work_dir)
    _, test_samples = heldout_set(preset, work / "data", n_test, seed)
    trained = train_synthetic(
        preset,
        work / "train",
        data_dir=work / "data",
        seed=seed,
        epochs=epochs,
        mixed_precision=False,
        verbose="auto" if verbose else 2,
    )
    model_path = _save_checkpoint(
        trained.best_path, out / f"{preset.name}.keras", max_mb
    )
    model = keras.saving.load_model(model_path, safe_mode=True)
    report = evaluate_model(model, test_samples)
    paths = {
        "model": model_path,
        "metrics": out / "metrics.json",
        "log": out / "training_log.csv",
        "readme": out / "README.md",
    }
    shutil.copyfile(trained.log_path, paths["log"])
    seconds = time.perf_counter() - started
    command = (
        "make pretrained"
        if preset == PRETRAINED and seed == 0
        else f"plate-unet demo --pretrained --preset {preset.name} --seed {seed}"
    )
    run = {"seed": seed, "n_test": n_test, "seconds": seconds, "command": command}
    metrics = _metrics(model, model_path, preset, trained, report, run)
    paths["metrics"].write_text(json.dumps(metrics, indent=2) + "\n")
    paths["readme"].write_text(
        _readme(model_path, preset, trained, report, run), encoding="utf-8"
    )
    t = report.totals
    print(
        f"wrote {model_path} ({model_path.stat().st_size / 2**20:.1f} MB): held-out "
        f"synthetic IoU {t['pixel_iou']:.3f}, recall {t['recall']:.3f}, in "
        f"{seconds:.0f} s\nmetrics: {paths['metrics']}\nlog:     {paths['log']}\n"
        f"readme:  {paths['readme']}"
    )
    return paths


def _save_checkpoint(best: Path, target: Path, max_mb: float) -> Path:
    """Saves the best model uncompiled (no optimizer state) and checks its size."""
    from plate_unet.inference.export import export_model

    # load_model gives the uncompiled model: saved again, it carries no optimizer.
    model_path = export_model(load_model(best), target)
    size_mb = model_path.stat().st_size / 2**20
    if size_mb > max_mb:
        raise PlateUnetError(
            f"{model_path} is {size_mb:.1f} MB, above the {max_mb:g} MB limit for a "
            "committed checkpoint: choose a smaller preset."
        )
    return model_path


def _versions() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _metrics(model, model_path: Path, preset, trained, report, run: dict) -> dict:
    """What ``metrics.json`` records: the model, how it was trained, its scores."""
    return {
        "model": model_path.name,
        "size_bytes": model_path.stat().st_size,
        "params": int(model.count_params()),
        "seed": run["seed"],
        "command": run["command"],
        "generator_version": GENERATOR_VERSION,
        "preset": dataclasses.asdict(preset),
        "training": {
            "epochs_run": trained.epochs_run,
            "best_val_iou": trained.best_val_iou,
            "seconds": round(trained.seconds, 1),
            "devices": trained.devices,
        },
        "heldout": {
            "scenes": run["n_test"],
            "seed": run["seed"] + TEST_SEED_OFFSET,
            "scene_size": list(preset.scene_size),
            "threshold": report.threshold,
            "iou_threshold": report.iou_threshold,
        }
        | report.totals,
        "versions": _versions(),
        "wall_seconds": round(run["seconds"], 1),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _readme(model_path: Path, preset, trained, report, run: dict) -> str:
    """The README written beside the checkpoint."""
    t = report.totals
    corner = t["mean_corner_error"]
    versions = _versions()
    return _README.format(
        model=model_path.name,
        preset=preset.name,
        description=preset.description,
        seed=run["seed"],
        generator=GENERATOR_VERSION,
        minutes=run["seconds"] / 60,
        devices=trained.devices,
        command=run["command"],
        size_mb=model_path.stat().st_size / 2**20,
        scenes=run["n_test"],
        test_seed=run["seed"] + TEST_SEED_OFFSET,
        corner="-" if corner is None else f"{corner:.2f}",
        loss=preset.loss,
        lr=preset.learning_rate,
        tf=versions["tensorflow"],
        keras=versions["keras"],
        **{k: t[k] for k in ("pixel_iou", "dice", "precision", "recall")},
    )
