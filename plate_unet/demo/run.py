"""The whole job in one call: synthetic data, training, held-out scores, predictions.

:func:`run_demo` is what ``plate-unet demo`` (and ``make demo``) runs:

1. generate a synthetic training and validation set (reused when present) and a
   separate **held-out** test set from another seed, never seen in training;
2. train the picked preset (``teaching`` on a CPU, ``reference`` on a GPU, ``smoke``
   with ``PLATE_UNET_SMOKE=1``);
3. evaluate the best checkpoint on the held-out scenes: pixel IoU and Dice, plates
   found CCPD-style (precision and recall), corner error; a report
   (JSON and text table) and a figure of the worst cases;
4. predict the held-out images (and a folder of photos given with ``images``,
   ``--images`` on the command line) and print where everything is, with the
   headline numbers.

:func:`make_pretrained` (``plate-unet demo --pretrained``) trains the teaching
model for longer (``PRETRAINED``: 8,000 scenes, 4 epochs) with a fixed seed and
writes ``teaching.keras`` with ``metrics.json``, ``training_log.csv`` and a
``README.md`` beside it, into ``runs/pretrained``; ``make pretrained`` writes them
into the checkout's ``plate_unet/inference/pretrained``, the committed checkpoint.
It lives in :mod:`plate_unet.demo.pretrained`;
:func:`~plate_unet.demo.heldout.heldout_set`, which both use, lives in
:mod:`plate_unet.demo.heldout`. Imports go one way:
neither of those modules imports this one.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from plate_unet.data.images import list_images
from plate_unet.data.readers import load_annotations
from plate_unet.demo.heldout import TEST_SEED_OFFSET, heldout_set
from plate_unet.errors import AnnotationError
from plate_unet.inference.evaluate import EvalReport, evaluate_model
from plate_unet.inference.folder import predict_folder as _predict_folder
from plate_unet.inference.model_file import load_model
from plate_unet.training.fit import train_synthetic
from plate_unet.training.presets import Preset, get_preset, pick_preset

log = logging.getLogger(__name__)


def write_report(report: EvalReport, out_dir: str | Path, k: int = 4) -> dict:
    """Writes ``report.json``, ``report.txt`` (the table) and ``worst_cases.png``.

    Args:
        report: An :class:`~plate_unet.inference.evaluate.EvalReport`.
        out_dir: Folder (created).
        k: Images in the worst-case figure.

    Returns:
        ``{"report": path, "table": path, "figure": path}``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.demo.run import write_report
        >>> from plate_unet.inference import evaluate_model, load_model
        >>> tmp = Path(tempfile.mkdtemp())
        >>> samples = load_annotations("data/sample")
        >>> pretrained = load_model()  # the teaching checkpoint
        >>> report = evaluate_model(pretrained, samples[:2])
        >>> paths = write_report(report, tmp / "heldout")
        >>> {key: path.name for key, path in paths.items()}
        {'report': 'report.json', 'table': 'report.txt', 'figure': 'worst_cases.png'}
        >>> sorted(p.name for p in (tmp / "heldout").iterdir())
        ['report.json', 'report.txt', 'worst_cases.png']
    """
    import matplotlib.pyplot as plt

    from plate_unet.viz.plotting import plot_worst_cases

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
        return cast(float, self.report.totals["pixel_iou"])  # never None: a ratio

    def summary(self) -> str:
        """Returns the lines printed at the end: headline numbers and paths."""
        t = self.report.totals
        corner = t["mean_corner_error"]
        lines = [
            f"demo finished in {self.seconds:.0f} s with preset {self.preset} "
            f"({self.reason})",
            f"held-out synthetic IoU {t['pixel_iou']:.3f} (Dice {t['dice']:.3f}) on "
            f"{t['images']} scenes; CCPD-style: precision {t['precision']:.3f}, "
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
            (:func:`plate_unet.training.presets.pick_preset`).
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
        .. code-block:: python

            result = run_demo("runs/demo", preset="smoke")  # trains: a minute or so
            print(result.summary())  # where the model, report and predictions are
            result.heldout_iou  # pixel IoU on the held-out synthetic scenes
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
    counts, photos = _predict(model, test_dir, images, out, files)
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
    _write_summary(result, trained, seed, n_test)
    print(result.summary())
    return result


def _predict(model, test_dir: Path, images, out: Path, files: dict):
    """Predicts the held-out scenes and ``images``; scores ``images`` if annotated.

    Returns:
        ``(counts, photos)``: ``{folder: (images written, plates found)}`` and
        the photos' :class:`EvalReport` (``None`` without annotations).
    """
    counts = {}
    pred = _predict_folder(model, test_dir / "images", out / "predictions" / "heldout")
    files["predictions"] = pred.out_dir
    counts["heldout"] = (len(pred.written), pred.n_plates)
    if images is None:
        return counts, None
    images = Path(images)
    pred = _predict_folder(model, images, out / "predictions" / images.name)
    files["photo_predictions"] = pred.out_dir
    counts[images.name] = (len(pred.written), pred.n_plates)
    try:
        samples = load_annotations(images, on_error="skip")
    except (AnnotationError, FileNotFoundError):
        samples = []  # plain photos without annotations: predictions only
    if not samples:
        return counts, None
    photos = evaluate_model(model, samples, iou_threshold=0.5)
    files["photo_report"] = write_report(photos, out / "photos")["report"]
    return counts, photos


def _write_summary(result: DemoResult, trained, seed: int, n_test: int) -> None:
    """``summary.json``: the preset, the time, the scores and where files are."""
    summary = {
        "preset": result.preset,
        "reason": result.reason,
        "seed": seed,
        "seconds": round(result.seconds, 1),
        "epochs_run": trained.epochs_run,
        "best_val_iou": trained.best_val_iou,
        "heldout": {"scenes": n_test, "seed": seed + TEST_SEED_OFFSET}
        | result.report.totals,
        "photos": None if result.photos is None else result.photos.totals,
        "files": {k: str(v) for k, v in result.files.items()},
    }
    result.files["summary"].write_text(json.dumps(summary, indent=2) + "\n")
