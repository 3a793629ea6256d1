"""Make the committed plate reader ``reader.keras`` (``make reader``).

:func:`make_reader` draws synthetic plate crops
(:func:`~plate_unet.data.synthetic.crops.generate_crops`), trains the CRNN of
:func:`~plate_unet.model.reader.build_reader` with CTC
(:func:`~plate_unet.training.reader.fit_reader`) from a fixed seed, scores it
on held-out crops, and writes ``reader.keras`` (no optimizer state),
``metrics.json``, ``training_log.csv`` and ``README.md``. ``make reader`` writes
them into ``plate_unet/inference/pretrained/reader``, where
:func:`~plate_unet.inference.reading.load_reader` finds them. Run as
``python -m plate_unet.demo.reader --out DIR``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plate_unet.data.synthetic.crops import (
    CROP_SIZE,
    CROPS_VERSION,
    generate_crops,
    load_crops,
)
from plate_unet.data.synthetic.generate import GENERATOR_VERSION
from plate_unet.model.reader import ReaderConfig
from plate_unet.training.presets import VAL_SEED_OFFSET


@dataclass(frozen=True)
class ReaderRecipe:
    """How the committed reader is trained.

    Attributes:
        n_train: Training crops.
        n_val: Held-out crops (other scenes) for the scores.
        epochs: Passes over the training crops.
        batch_size: Crops per step.
        learning_rate: Adam's first learning rate, decayed along a cosine.
        config: The reader's shape.
    """

    n_train: int = 30000
    n_val: int = 1000
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 2e-3
    config: ReaderConfig = ReaderConfig()


#: The committed reader's recipe.
READER = ReaderRecipe()
#: A few seconds' worth, for tests and smoke runs.
SMOKE_READER = ReaderRecipe(
    n_train=64,
    n_val=16,
    epochs=1,
    batch_size=16,
    config=ReaderConfig(filters=(4, 8, 8), hidden=16),
)

_README = """# The pretrained plate reader

`reader.keras` reads a grey plate crop of {h}×{w} pixels (H×W) and gives, per
timestep, the probabilities of {classes} classes (the blank and the
characters of `plate_unet.data.alphabet.ALPHABET`); `keras.ops.ctc_decode`
turns them into text. It was trained with CTC on {n_train} synthetic crops
(generator version {generator}, seed {seed}) for {epochs} epochs, and never saw a
real photo.

Made by one command (about {minutes:.0f} minutes here):

    {command}

Held-out synthetic crops ({n_val}, other scenes): plate accuracy
**{accuracy:.3f}**, character error rate {cer:.3f}; with O and 0 as one symbol
{accuracy_o0:.3f}. Look-alike substitutions: {confusions}.

Load it with `plate_unet.inference.reading.load_reader()`.
Trained with TensorFlow {tf} and Keras {keras}.
"""


def _crops(folder: Path, n: int, seed: int, size) -> tuple:
    """The crops of ``folder``, cut first unless it holds these ``n`` crops of
    today's generator and crop cutter (``crops.json``)."""
    labels, stamp = folder / "labels.csv", folder / "crops.json"
    wanted = {
        "n": n,
        "seed": seed,
        "size": list(size),
        "generator_version": GENERATOR_VERSION,
        "crops_version": CROPS_VERSION,
    }
    if labels.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return load_crops(labels)
    stamp.unlink(missing_ok=True)
    crops = load_crops(generate_crops(folder, n, seed=seed, size=size))
    stamp.write_text(json.dumps(wanted) + "\n")  # last: the set is complete
    return crops


def make_reader(
    out: str | Path = "runs/reader",
    seed: int = 0,
    recipe: ReaderRecipe = READER,
    work_dir: str | Path = "runs/reader",
    verbose: int = 2,
) -> dict[str, Path]:
    """Trains the plate reader from synthetic crops and writes it with its scores.

    The same arguments give the same weights, bit for bit, on the same machine
    (a fixed seed and TensorFlow's deterministic ops).

    Args:
        out: Output folder.
        seed: Seed of the crops and of the training.
        recipe: Sizes and schedule (:data:`READER`).
        work_dir: Folder for the crops (kept: a second run reuses them).
        verbose: Keras's ``fit`` verbosity.

    Returns:
        ``{"model", "metrics", "log", "readme"}`` → paths.

    Example:
        .. code-block:: python

            paths = make_reader("runs/reader_smoke", recipe=SMOKE_READER)
            sorted(paths)  # ['log', 'metrics', 'model', 'readme']
    """
    import keras
    import tensorflow as tf

    from plate_unet.inference.reading import read_crops
    from plate_unet.inference.text_scores import score_texts
    from plate_unet.model.reader import build_reader
    from plate_unet.training.reader import fit_reader

    started = time.perf_counter()
    out, work = Path(out), Path(work_dir)
    size = (recipe.config.height, recipe.config.width)
    x, texts = _crops(work / f"train-{seed}", recipe.n_train, seed, size)
    val_seed = seed + VAL_SEED_OFFSET
    vx, vtexts = _crops(work / f"val-{val_seed}", recipe.n_val, val_seed, size)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    model = build_reader(recipe.config)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "model": out / "reader.keras",
        "metrics": out / "metrics.json",
        "log": out / "training_log.csv",
        "readme": out / "README.md",
    }
    history = fit_reader(
        model,
        x,
        texts,
        epochs=recipe.epochs,
        batch_size=recipe.batch_size,
        learning_rate=recipe.learning_rate,
        validation=(vx, vtexts),
        seed=seed,
        verbose=verbose,
        cosine=True,
        callbacks=[keras.callbacks.CSVLogger(str(paths["log"]))],
    )
    model.save(paths["model"])  # the reader itself: no optimizer state
    reads = [r.text for r in read_crops(model, list(vx))]
    scores = score_texts(vtexts, reads)
    o0 = score_texts(vtexts, reads, o_is_zero=True)
    seconds = time.perf_counter() - started
    command = (
        "make reader"
        if recipe == READER and seed == 0
        else f"python -m plate_unet.demo.reader --seed {seed}"
    )
    metrics = {
        "model": paths["model"].name,
        "params": int(model.count_params()),
        "seed": seed,
        "command": command,
        "generator_version": GENERATOR_VERSION,
        "recipe": dataclasses.asdict(recipe),
        "final_loss": float(history.history["loss"][-1]),
        "final_val_loss": float(history.history["val_loss"][-1]),
        "heldout": {
            "crops": len(vtexts),
            "seed": val_seed,
            "accuracy": scores.accuracy,
            "cer": scores.cer,
            "accuracy_o_is_zero": o0.accuracy,
            "confusions": dict(scores.confusions),
        },
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "wall_seconds": round(seconds, 1),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    paths["metrics"].write_text(json.dumps(metrics, indent=2) + "\n")
    confusions = ", ".join(f"{k} {v}" for k, v in scores.confusions.items())
    paths["readme"].write_text(
        _README.format(
            h=size[0],
            w=size[1],
            classes=recipe.config.n_classes,
            n_train=recipe.n_train,
            generator=GENERATOR_VERSION,
            seed=seed,
            epochs=recipe.epochs,
            minutes=seconds / 60,
            command=command,
            n_val=len(vtexts),
            accuracy=scores.accuracy or 0.0,
            cer=scores.cer or 0.0,
            accuracy_o0=o0.accuracy or 0.0,
            confusions=confusions or "none",
            tf=tf.__version__,
            keras=keras.__version__,
        ),
        encoding="utf-8",
    )
    print(
        f"wrote {paths['model']}: held-out synthetic plate accuracy "
        f"{scores.accuracy:.3f}, CER {scores.cer:.3f}, in {seconds:.0f} s"
    )
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m plate_unet.demo.reader``: see :func:`make_reader`."""
    parser = argparse.ArgumentParser(
        prog="python -m plate_unet.demo.reader",
        description="Train the plate reader on synthetic crops and write "
        "reader.keras, metrics.json, training_log.csv and README.md.",
    )
    parser.add_argument("--out", default="runs/reader", help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument(
        "--smoke", action="store_true", help="a tiny reader in seconds (tests)"
    )
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed {args.seed}: use an integer >= 0")
    make_reader(args.out, args.seed, SMOKE_READER if args.smoke else READER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["READER", "SMOKE_READER", "ReaderRecipe", "make_reader", "CROP_SIZE"]
