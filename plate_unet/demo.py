"""The whole job in one call: synthetic data, training, held-out scores, predictions.

:func:`run_demo` is what ``plate-unet demo`` (and ``make demo``) runs:

1. generate a synthetic training and validation set (reused when present) and a
   separate **held-out** test set from another seed, never seen in training;
2. train the picked preset (``teaching`` on a CPU, ``seed`` on a GPU, ``smoke``
   with ``PLATE_UNET_SMOKE=1``);
3. evaluate the best checkpoint on the held-out scenes: pixel IoU and Dice, plates
   found under the CCPD protocol (precision and recall), corner error; a report
   (JSON and text table) and a figure of the worst cases;
4. predict the held-out images (and a folder of photos, e.g. ``../shared/data/ccpd``)
   and print where everything is, with the headline numbers.

:func:`make_pretrained` is what ``make pretrained`` runs: it trains the ``teaching``
preset with a fixed seed and writes the committed checkpoint
``plate_unet/pretrained/teaching.keras`` with ``metrics.json``,
``training_log.csv`` and a ``README.md`` beside it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import platform
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample
from plate_unet.data.synthetic import generate_dataset
from plate_unet.errors import AnnotationError, PlateUnetError
from plate_unet.evaluate import EvalReport, evaluate_model
from plate_unet.predict import default_model_path, list_images, load_model
from plate_unet.predict import predict_folder as _predict_folder
from plate_unet.train import Preset, get_preset, pick_preset, train_synthetic

__all__ = [
    "DemoResult",
    "MAX_CHECKPOINT_MB",
    "default_photos",
    "heldout_set",
    "make_pretrained",
    "run_demo",
    "write_report",
]

log = logging.getLogger(__name__)

#: The held-out set's seed is ``seed + TEST_SEED_OFFSET``; training uses ``seed``
#: and validation ``seed + 1_000_003`` (see :func:`plate_unet.train.train_synthetic`).
TEST_SEED_OFFSET = 2_000_003
#: The committed checkpoint must stay below this size.
MAX_CHECKPOINT_MB = 10.0
#: Real photos scored by the demo when they are there (and --images is not given).
_SHARED_PHOTOS = Path(__file__).resolve().parents[1].parent / "shared/data/ccpd"


def default_photos() -> Path | None:
    """Returns ``../shared/data/ccpd`` beside the checkout if it exists, else None.

    Example:
        >>> default_photos()  # doctest: +SKIP
        PosixPath('/work/shared/data/ccpd')
    """
    return _SHARED_PHOTOS if _SHARED_PHOTOS.is_dir() else None


def heldout_set(
    preset: Preset, data_dir: str | Path, n: int, seed: int = 0
) -> tuple[Path, list[Sample]]:
    """Generates (or reuses) the held-out synthetic test set of a preset.

    Args:
        preset: The preset (its ``scene_size`` and name are used).
        data_dir: Parent folder; the set goes to ``<name>-test-<seed>``.
        n: Number of scenes.
        seed: The run's seed; the set uses ``seed + TEST_SEED_OFFSET``.

    Returns:
        ``(folder, samples)``; the images are in ``folder/images``.

    Example:
        >>> folder, samples = heldout_set(get_preset("smoke"), "runs/d/data", 8)
        >>> len(samples)
        8
    """
    test_seed = seed + TEST_SEED_OFFSET
    folder = Path(data_dir) / f"{preset.name}-test-{test_seed}"
    labels = folder / "labels.csv"
    samples = load_annotations(labels) if labels.is_file() else []
    if len(samples) != n:
        generate_dataset(folder, n, seed=test_seed, size=preset.scene_size)
        samples = load_annotations(labels)
    return folder, samples


def write_report(report: EvalReport, out_dir: str | Path, k: int = 4) -> dict:
    """Writes ``report.json``, ``report.txt`` (the table) and ``worst_cases.png``.

    Args:
        report: An :class:`~plate_unet.evaluate.EvalReport`.
        out_dir: Folder (created).
        k: Images in the worst-case figure.

    Returns:
        ``{"report": path, "table": path, "figure": path}``.

    Example:
        >>> write_report(evaluate_model(model, samples), "runs/demo/heldout")["table"]
        PosixPath('runs/demo/heldout/report.txt')
    """
    import matplotlib.pyplot as plt

    from plate_unet.plotting import plot_worst_cases

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out / "report.json",
        "table": out / "report.txt",
        "figure": out / "worst_cases.png",
    }
    report.to_json(paths["report"])
    paths["table"].write_text(report.table() + "\n", encoding="utf-8")
    fig = plot_worst_cases(report, k=min(k, len(report.rows)))
    fig.savefig(paths["figure"], dpi=110)
    plt.close(fig)
    return paths


@dataclass
class DemoResult:
    """What :func:`run_demo` did and where it put it.

    Attributes:
        preset: The preset's name. reason: Why it was picked.
        out_dir: The demo's folder.
        report: Scores on the held-out synthetic scenes.
        files: Name → path of everything written (model, log, reports, ...).
        seconds: Wall time of the whole demo.
        photos: Scores on annotated photos (``--images`` with CCPD names), if any.
        counts: Images and plates predicted per folder name.
    """

    preset: str
    reason: str
    out_dir: Path
    report: EvalReport
    files: dict[str, Path]
    seconds: float
    photos: EvalReport | None = None
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def heldout_iou(self) -> float:
        """Pixel IoU over all held-out scenes (the headline number)."""
        return float(self.report.totals["pixel_iou"])

    def summary(self) -> str:
        """Returns the lines printed at the end: headline numbers and paths."""
        t = self.report.totals
        corner = t["mean_corner_error"]
        lines = [
            f"demo finished in {self.seconds:.0f} s with preset {self.preset} "
            f"({self.reason})",
            f"held-out synthetic IoU {t['pixel_iou']:.3f} (Dice {t['dice']:.3f}) on "
            f"{t['images']} scenes; CCPD protocol: precision {t['precision']:.3f}, "
            f"recall {t['recall']:.3f}"
            + (f"; corner error {corner:.1f} px" if corner is not None else ""),
        ]
        if self.photos is not None:
            p = self.photos.totals
            lines.append(
                f"photos: {p['found']} of {p['plates']} annotated plates found "
                f"(box IoU > {self.photos.iou_threshold:g}), pixel IoU "
                f"{p['pixel_iou']:.3f}"
            )
        labels = {
            "model": "model",
            "log": "training log",
            "report": "report",
            "table": "report table",
            "figure": "worst cases",
            "predictions": "predictions",
            "photo_predictions": "photo predictions",
            "photo_report": "photo report",
            "summary": "summary",
        }
        for key, label in labels.items():
            if key in self.files:
                line = f"{label + ':':<19}{self.files[key]}"
                name = self.files[key].name
                if key.endswith("predictions") and name in self.counts:
                    images, plates = self.counts[name]
                    line += f" ({images} images, {plates} plates)"
                lines.append(line)
        return "\n".join(lines)


def _pick(preset: str | Preset | None) -> tuple[Preset, str]:
    if preset is None:
        name, reason = pick_preset()
        return get_preset(name), reason
    return get_preset(preset), "chosen with --preset"


def run_demo(
    out_dir: str | Path = "runs/demo",
    preset: str | Preset | None = None,
    seed: int = 0,
    images: str | Path | None = None,
    n_test: int | None = None,
    epochs: int | None = None,
    verbose: bool = True,
) -> DemoResult:
    """Generates data, trains, evaluates on held-out scenes and predicts.

    Writes into ``out_dir``: ``data/`` (synthetic sets, reused when they match),
    ``train/`` (``best.keras``, ``log.csv``, TensorBoard logs), ``heldout/``
    (``report.json``, ``report.txt``, ``worst_cases.png``), ``predictions/<set>/``
    (JSON, mask, overlay and crops per image) and ``summary.json``.

    Args:
        out_dir: Output folder.
        preset: A preset or its name; ``None`` picks one for this machine
            (:func:`plate_unet.train.pick_preset`).
        seed: Seed of the data and the training.
        images: A folder of photos to predict as well; when their names are CCPD
            annotations they are also scored (box IoU > 0.5).
        n_test: Held-out scenes (default 64; 8 for the smoke preset).
        epochs: Override the preset's epochs.
        verbose: Progress bars (``False``: one line per epoch).

    Returns:
        A :class:`DemoResult`; ``print(result.summary())`` says where things are.

    Raises:
        ValueError: If the preset is unknown or ``n_test`` < 1.
        PlateUnetError: If ``images`` is not a folder with images.

    Example:
        >>> result = run_demo("runs/demo", preset="smoke")  # doctest: +SKIP
        >>> round(result.heldout_iou, 2)  # doctest: +SKIP
    """
    started = time.perf_counter()
    preset, reason = _pick(preset)
    n_test = n_test if n_test is not None else (8 if preset.name == "smoke" else 64)
    if not isinstance(n_test, int) or n_test < 1:
        raise ValueError(f"n_test={n_test!r} is invalid: use an integer >= 1.")
    if images is not None:
        list_images(images)  # fail now, not after training
    out = Path(out_dir)
    data_dir = out / "data"
    print(f"preset {preset.name}: {reason}")

    print(f"[1/4] held-out test set: {n_test} synthetic scenes")
    test_dir, test_samples = heldout_set(preset, data_dir, n_test, seed)
    print(f"[2/4] training on {preset.n_train} synthetic scenes ({preset.n_val} val)")
    trained = train_synthetic(
        preset,
        out / "train",
        data_dir=data_dir,
        seed=seed,
        epochs=epochs,
        verbose="auto" if verbose else 2,
    )
    model = load_model(trained.best_path)
    files = {"model": trained.best_path, "log": trained.log_path}

    print(f"[3/4] evaluating {trained.best_path} on the held-out scenes")
    report = evaluate_model(model, test_samples)
    files.update(write_report(report, out / "heldout"))
    print(report.table(max_rows=8))

    print("[4/4] predicting")
    counts = {}
    pred = _predict_folder(model, test_dir / "images", out / "predictions" / "heldout")
    files["predictions"] = pred.out_dir
    counts["heldout"] = (len(pred.written), pred.n_plates)
    photos = None
    if images is not None:
        images = Path(images)
        pred = _predict_folder(model, images, out / "predictions" / images.name)
        files["photo_predictions"] = pred.out_dir
        counts[images.name] = (len(pred.written), pred.n_plates)
        try:
            samples = load_annotations(images, on_error="skip")
        except (AnnotationError, FileNotFoundError):
            samples = []  # plain photos without annotations: predictions only
        if samples:
            photos = evaluate_model(model, samples, iou_threshold=0.5)
            photo_files = write_report(photos, out / "photos")
            files["photo_report"] = photo_files["report"]

    result = DemoResult(
        preset=preset.name,
        reason=reason,
        out_dir=out,
        report=report,
        files=files,
        seconds=time.perf_counter() - started,
        photos=photos,
        counts=counts,
    )
    files["summary"] = out / "summary.json"
    summary = {
        "preset": preset.name,
        "reason": reason,
        "seed": seed,
        "seconds": round(result.seconds, 1),
        "epochs_run": trained.epochs_run,
        "best_val_iou": trained.best_val_iou,
        "heldout": {"scenes": n_test, "seed": seed + TEST_SEED_OFFSET} | report.totals,
        "photos": None if photos is None else photos.totals,
        "files": {k: str(v) for k, v in files.items()},
    }
    files["summary"].write_text(json.dumps(summary, indent=2) + "\n")
    print(result.summary())
    return result


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

Load it with `plate_unet.predict.load_model()` (checks the architecture) or
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
        out: Output folder (default: ``plate_unet/pretrained``).
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

    from plate_unet.export import export_model

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
