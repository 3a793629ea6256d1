"""Make the committed checkpoint ``plate_unet/inference/pretrained/teaching.keras``.

:func:`make_pretrained` is what ``make pretrained`` (``plate-unet demo
--pretrained``) runs: it trains the ``teaching`` preset with a fixed seed and
writes the checkpoint with ``metrics.json``, ``training_log.csv`` and a
``README.md`` (from the template ``_README``) beside it.
:mod:`plate_unet.demo.run` re-exports :func:`make_pretrained` and
``MAX_CHECKPOINT_MB``; this module does not import :mod:`plate_unet.demo.run`.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from plate_unet.demo.heldout import TEST_SEED_OFFSET, heldout_set
from plate_unet.errors import PlateUnetError
from plate_unet.inference.evaluate import evaluate_model
from plate_unet.inference.model_file import default_model_path, load_model
from plate_unet.training.fit import train_synthetic
from plate_unet.training.presets import Preset, get_preset

__all__ = ["MAX_CHECKPOINT_MB", "make_pretrained"]

#: The committed checkpoint must stay below this size.
MAX_CHECKPOINT_MB = 10.0


_README = """# The pretrained teaching checkpoint

`{model}` is the U-Net of the `{preset}` preset ({description}), trained from
synthetic scenes only, with seed {seed}. The notebooks and `plate-unet predict`
use it when you give no `--model`.

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
{test_seed}). Pixel IoU **{pixel_iou:.3f}**, Dice {dice:.3f}; CCPD protocol
(a plate is found when its box IoU > 0.7): precision {precision:.3f}, recall
{recall:.3f}; mean corner error {corner} px.

The file holds no optimizer state: Keras 3 has no `include_optimizer=False`,
and the Adam slots would triple its size. To train it further, compile it
again, e.g. with `get_loss("{loss}")` and Adam at {lr:g}.
Trained with TensorFlow {tf} and Keras {keras}.
"""


def make_pretrained(
    out: str | Path | None = None,
    seed: int = 0,
    preset: str | Preset = "teaching",
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
        out: Output folder (default: ``plate_unet/inference/pretrained``).
        seed: Seed of the data and the training.
        preset: A preset or its name.
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
        >>> make_pretrained()["model"].name  # doctest: +SKIP
        'teaching.keras'
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from plate_unet.inference.export import export_model

    started = time.perf_counter()
    preset = get_preset(preset)
    if not isinstance(n_test, int) or n_test < 1:
        raise ValueError(f"n_test={n_test!r} is invalid: use an integer >= 1.")
    out = Path(out) if out is not None else default_model_path().parent
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
    # load_model gives the uncompiled model: saved again, it carries no optimizer.
    model_path = export_model(
        load_model(trained.best_path), out / f"{preset.name}.keras"
    )
    size_mb = model_path.stat().st_size / 2**20
    if size_mb > max_mb:
        raise PlateUnetError(
            f"{model_path} is {size_mb:.1f} MB, above the {max_mb:g} MB limit for a "
            "committed checkpoint: choose a smaller preset."
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
        if preset.name == "teaching" and seed == 0
        else f"plate-unet demo --pretrained --preset {preset.name} --seed {seed}"
    )
    metrics = {
        "model": model_path.name,
        "size_bytes": model_path.stat().st_size,
        "params": int(model.count_params()),
        "seed": seed,
        "command": command,
        "preset": dataclasses.asdict(preset),
        "training": {
            "epochs_run": trained.epochs_run,
            "best_val_iou": trained.best_val_iou,
            "seconds": round(trained.seconds, 1),
            "devices": trained.devices,
        },
        "heldout": {
            "scenes": n_test,
            "seed": seed + TEST_SEED_OFFSET,
            "scene_size": list(preset.scene_size),
            "threshold": report.threshold,
            "iou_threshold": report.iou_threshold,
        }
        | report.totals,
        "versions": {
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "wall_seconds": round(seconds, 1),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    paths["metrics"].write_text(json.dumps(metrics, indent=2) + "\n")
    t = report.totals
    corner = t["mean_corner_error"]
    paths["readme"].write_text(
        _README.format(
            model=model_path.name,
            preset=preset.name,
            description=preset.description,
            seed=seed,
            minutes=seconds / 60,
            devices=trained.devices,
            command=command,
            size_mb=size_mb,
            scenes=n_test,
            test_seed=seed + TEST_SEED_OFFSET,
            corner="-" if corner is None else f"{corner:.2f}",
            loss=preset.loss,
            lr=preset.learning_rate,
            tf=tf.__version__,
            keras=keras.__version__,
            **{k: t[k] for k in ("pixel_iou", "dice", "precision", "recall")},
        ),
        encoding="utf-8",
    )
    print(
        f"wrote {model_path} ({size_mb:.1f} MB): held-out synthetic IoU "
        f"{t['pixel_iou']:.3f}, recall {t['recall']:.3f}, in {seconds:.0f} s\n"
        f"metrics: {paths['metrics']}\nlog:     {paths['log']}\n"
        f"readme:  {paths['readme']}"
    )
    return paths
