"""Training: the ``fit`` loop with its callbacks, and crash-safe resume.

:func:`train` runs Keras ``fit`` under a ``tf.distribute`` strategy with
checkpoints (best validation IoU → ``out_dir/best.keras``), early stopping,
learning-rate reduction, a CSV log, TensorBoard logs, a NaN guard, and a backup
after every epoch: kill the run (even ``kill -9``) and call it again with the
same ``out_dir``, and it continues from the last finished epoch.
:func:`train_synthetic` generates synthetic data for a preset and trains on it.
"""

from __future__ import annotations

import csv
import importlib.util
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from plate_unet._files import atomic_write_text, remove_partial
from plate_unet.errors import UsageError
from plate_unet.model.unet import build_unet
from plate_unet.training import devices
from plate_unet.training.callbacks import AtomicBackupAndRestore, AtomicModelCheckpoint
from plate_unet.training.losses import get_loss
from plate_unet.training.metrics import DiceScore, IoUScore, MeanIoUOverThresholds
from plate_unet.training.presets import VAL_SEED_OFFSET, Preset, get_preset

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes:
        model: The model after the last epoch (the best one is on disk).
        best_path: ``out_dir/best.keras``: the epoch with the best validation IoU.
        log_path: ``out_dir/log.csv``, one row per epoch of the whole run.
        history: Column → values per epoch from the CSV log (resumed epochs too).
        initial_epoch: Epochs already done when this call started (0 if fresh).
        epochs_run: Epochs this call trained.
        seconds: Wall time of this call's ``fit``.
        devices: :func:`plate_unet.training.devices.describe_devices` text.
    """

    model: keras.Model
    best_path: Path
    log_path: Path
    history: dict[str, list[float]]
    initial_epoch: int
    epochs_run: int
    seconds: float
    devices: str

    @property
    def best_val_iou(self) -> float | None:
        """The best validation IoU logged, or ``None`` without validation."""
        values = self.history.get("val_iou")
        return max(values) if values else None


def read_log(path: str | Path) -> dict[str, list[float]]:
    """Reads a CSV training log into ``{column: [value per epoch]}``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training import read_log
        >>> tmp = Path(tempfile.mkdtemp())
        >>> rows = ["epoch,loss,val_iou", "0,0.9,NA", "1,0.5,0.91"]  # Keras' CSVLogger
        >>> _ = (tmp / "log.csv").write_text("\\n".join(rows))
        >>> read_log(tmp / "log.csv")
        {'epoch': [0.0, 1.0], 'loss': [0.9, 0.5], 'val_iou': [0.91]}
        >>> read_log(tmp / "missing.csv")
        {}
    """
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, list[float]] = {}
    for column in rows[0].keys() if rows else []:
        values = [r[column] for r in rows if r.get(column) not in (None, "", "NA")]
        if values:  # Keras writes "NA" for validation columns it never saw
            out[column] = [float(v) for v in values]
    return out


def split_samples(
    samples: Sequence, val_fraction: float = 0.1, seed: int = 0
) -> tuple[list, list]:
    """Splits samples into a training and a validation list, seeded.

    Args:
        samples: The samples to split (at least 2).
        val_fraction: Share for validation, in (0, 1); at least one sample.
        seed: Seed of the shuffle.

    Returns:
        ``(train, val)`` lists.

    Raises:
        ValueError: If ``val_fraction`` is outside (0, 1) or there are < 2 samples.

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.training import split_samples
        >>> samples = load_annotations("data/sample")
        >>> train_set, val_set = split_samples(samples, 0.1)
        >>> len(samples), len(train_set), len(val_set)
        (32, 29, 3)
        >>> set(train_set).isdisjoint(val_set)
        True
    """
    samples = list(samples)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction={val_fraction!r} is invalid: use 0 < f < 1.")
    if len(samples) < 2:
        raise UsageError(
            f"cannot split {len(samples)} sample(s) into training and validation: "
            "give at least 2, or a separate validation set."
        )
    order = np.random.default_rng(seed).permutation(len(samples))
    n_val = min(len(samples) - 1, max(1, round(val_fraction * len(samples))))
    val = [samples[i] for i in sorted(order[:n_val])]
    rest = [samples[i] for i in sorted(order[n_val:])]
    return rest, val


def _trim_log(path: Path, epochs_done: int) -> None:
    """Keeps only rows of epochs < ``epochs_done`` (a kill may leave one extra)."""
    if not path.is_file():
        return
    with open(path, newline="", encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    keep = lines[:1] + [
        ln for ln in lines[1:] if int(ln.split(",", 1)[0]) < epochs_done
    ]
    atomic_write_text(path, "".join(keep))


def _as_dataset(data, preset: Preset, training: bool, seed: int) -> tf.data.Dataset:
    """A ready dataset, or samples turned into one by ``make_dataset``."""
    if isinstance(data, tf.data.Dataset):
        ds = data
    else:
        from plate_unet.data.pipeline import make_dataset

        cfg = preset.unet
        if cfg.height is None or cfg.width is None:
            raise ValueError(
                f"preset {preset.name!r} has no fixed input size; training on "
                "samples needs (height, width): set them, or pass a tf.data.Dataset"
            )
        ds = make_dataset(
            list(data),
            cfg.height,
            cfg.width,
            channels=cfg.channels,
            batch_size=preset.batch_size,
            training=training,
            augment=preset.augment if training else None,
            cache=True,
            shuffle_seed=seed,
            mask_dtype="uint8",  # the losses and metrics cast it: 4x fewer bytes
        )
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    return ds.with_options(options)


def preset_learning_rate(
    preset: Preset, epochs: int, train_data: tf.data.Dataset
) -> float | keras.optimizers.schedules.LearningRateSchedule:
    """The preset's learning rate: a float, or a cosine schedule over the run.

    Args:
        preset: The training recipe; its ``lr_schedule`` is ``None`` or
            ``"cosine"``.
        epochs: Epochs of the whole run (the schedule spans them all).
        train_data: The training samples or batched ``tf.data.Dataset``, to
            count the steps of an epoch.

    Returns:
        ``preset.learning_rate``, or a ``keras.optimizers.schedules.CosineDecay``
        from it down to 1 % over every step of the run.

    Example:
        >>> from plate_unet.training import get_preset
        >>> from plate_unet.training.fit import preset_learning_rate
        >>> preset_learning_rate(get_preset("smoke"), 2, list(range(8)))
        0.003
    """
    if preset.lr_schedule is None:
        return preset.learning_rate
    if isinstance(train_data, tf.data.Dataset):
        steps = int(train_data.cardinality())
    else:
        steps = -(-len(train_data) // preset.batch_size)
    steps = max(1, steps) * epochs  # unknown cardinality (< 0): at least 1 a epoch
    return keras.optimizers.schedules.CosineDecay(
        preset.learning_rate, decay_steps=steps, alpha=0.01
    )


def training_callbacks(
    out: Path, monitor: str, preset: Preset, best: float | None, resume: bool
) -> list[keras.callbacks.Callback]:
    """The callbacks :func:`train` runs; order matters: the backup is written last.

    Args:
        out: The run's folder (``best.keras``, ``log.csv``, ``tb/``, ``backup/``).
        monitor: The logged value that picks the best epoch (``"val_iou"``).
        preset: The training recipe (patience, learning-rate schedule).
        best: The best ``monitor`` value of a resumed run, or ``None``.
        resume: Append to ``log.csv`` rather than start it again.

    Returns:
        The Keras callbacks.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training import get_preset
        >>> from plate_unet.training.fit import training_callbacks
        >>> tmp = Path(tempfile.mkdtemp())
        >>> cbs = training_callbacks(tmp, "val_iou", get_preset("smoke"), None, False)
        >>> type(cbs[1]).__name__, type(cbs[-1]).__name__
        ('AtomicModelCheckpoint', 'AtomicBackupAndRestore')
    """
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss" if monitor.startswith("val_") else "loss",
        factor=0.5,
        patience=max(1, preset.patience // 2),
        min_lr=1e-5,
        verbose=1,
    )
    # With an average of the weights (preset.ema), validation and checkpoints
    # see the average, and the epoch's training goes on from the weights.
    ema = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if preset.ema else []
    return [
        keras.callbacks.TerminateOnNaN(),
        *ema,
        AtomicModelCheckpoint(
            str(out / "best.keras"),
            monitor=monitor,
            mode="max",
            save_best_only=True,
            initial_value_threshold=best,
        ),
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode="max", patience=preset.patience, verbose=1
        ),
        *([plateau] if preset.lr_schedule is None else []),
        LearningRateLogger(),
        keras.callbacks.CSVLogger(str(out / "log.csv"), append=resume),
        *_tensorboard(out / "tb"),
        AtomicBackupAndRestore(str(out / "backup")),
    ]


class LearningRateLogger(keras.callbacks.Callback):
    """Puts the epoch's learning rate in the logs, for a schedule too.

    Keras logs ``learning_rate`` only when it is a plain number; with a schedule
    (the ``teaching`` preset's cosine decay) the column would vanish from
    ``log.csv`` and the learning curves. This callback adds it either way.
    """

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(
                keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)
            )


def _tensorboard(log_dir: Path) -> list[keras.callbacks.Callback]:
    """The TensorBoard callback, or nothing when ``tensorboard`` is not installed."""
    if importlib.util.find_spec("tensorboard") is None:
        log.info("tensorboard is not installed: no TensorBoard logs in %s", log_dir)
        return []
    return [
        keras.callbacks.TensorBoard(str(log_dir), write_graph=False, profile_batch=0)
    ]


def init_output_bias(model: keras.Model, prior: float) -> None:
    """Sets the ``output`` layer's bias so that it starts predicting ``prior``.

    Args:
        model: A U-Net from :func:`plate_unet.model.unet.build_unet`.
        prior: Starting plate probability of every pixel, in (0, 1).

    Raises:
        ValueError: If ``prior`` is outside (0, 1).

    Example:
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.training.fit import init_output_bias
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> init_output_bias(model, 0.02)
        >>> bias = model.get_layer("output").bias.numpy()
        >>> np.round(1 / (1 + np.exp(-bias)), 4)  # sigmoid(bias)
        array([0.02], dtype=float32)
    """
    if not 0.0 < prior < 1.0:
        raise ValueError(f"output_prior={prior!r} is invalid: use 0 < prior < 1.")
    bias = model.get_layer("output").bias
    bias.assign(np.full(bias.shape, np.log(prior / (1.0 - prior)), "float32"))


def fit_verbosity(verbose: str | int = "auto") -> int:
    """Keras' ``fit`` verbosity for ``verbose``, with ``"auto"`` made concrete.

    ``"auto"`` is 1 (a progress bar) when standard output is a terminal or a
    Jupyter cell, and 2 (one line per epoch) otherwise: a progress bar written
    to a log file is one long line of escape codes.

    Example:
        >>> from plate_unet.training.fit import fit_verbosity
        >>> fit_verbosity(0), fit_verbosity(2)
        (0, 2)
    """
    if verbose != "auto":
        return int(verbose)
    if "ipykernel" in sys.modules:
        return 1
    isatty = getattr(sys.stdout, "isatty", None)
    return 1 if isatty is not None and isatty() else 2


def train(
    preset: str | Preset,
    train_samples: Sequence | tf.data.Dataset,
    val_samples: Sequence | tf.data.Dataset | None,
    out_dir: str | Path,
    *,
    epochs: int | None = None,
    strategy: tf.distribute.Strategy | None = None,
    mixed_precision: bool | None = None,
    jit_compile: bool | None = None,
    resume: bool = True,
    seed: int = 0,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    verbose: str | int = "auto",
) -> TrainResult:
    """Trains a U-Net with checkpoints, logs and crash-safe resume.

    Writes into ``out_dir``: ``best.keras`` (best validation IoU; always a
    complete file), ``log.csv`` (one row per epoch), ``tb/`` (TensorBoard) and,
    while running, ``backup/`` (the last finished epoch; deleted at the end).

    Args:
        preset: A :class:`Preset` or a name in :data:`PRESETS`.
        train_samples: :class:`~plate_unet.data.records.Sample` list, or a
            ``tf.data.Dataset`` of ``(image, mask)`` batches.
        val_samples: The same for validation, or ``None``.
        out_dir: Output folder (created).
        epochs: Total epochs, overriding the preset's.
        strategy: A ``tf.distribute`` strategy (default:
            :func:`plate_unet.training.devices.choose_strategy`).
        mixed_precision: ``mixed_float16`` on/off (default: on with a GPU).
        jit_compile: XLA on/off (default: :func:`devices.default_jit_compile`).
        resume: Continue from ``out_dir/backup`` if a killed run left one;
            ``False`` starts over.
        seed: Seed of the weights, the shuffle order and the augmentation.
        callbacks: Extra Keras callbacks (e.g. a live plot), run before the
            per-epoch backup.
        verbose: Keras' ``fit`` verbosity; ``"auto"`` (see
            :func:`fit_verbosity`) draws a progress bar on a terminal or in
            Jupyter and prints one line per epoch into a log file or CI.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError: If the preset is unknown or ``epochs`` < 1.

    Example:
        .. code-block:: python

            train_set, val_set = split_samples(load_annotations("data/sample"))
            result = train("smoke", train_set, val_set, "runs/smoke", epochs=2)
            result.best_path.name  # 'best.keras'
            result.epochs_run  # 2
    """
    preset = get_preset(preset)
    if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
        raise ValueError(f"epochs={epochs!r} is invalid: use an integer >= 1.")
    epochs = epochs or preset.epochs
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    strategy = strategy or devices.choose_strategy()
    if mixed_precision is None:
        mixed_precision = bool(devices.detect_gpus())
    if jit_compile is None:
        jit_compile = devices.default_jit_compile()
    chief = devices.is_chief(strategy)
    # Only the chief writes where the user looks; other workers use a scratch dir.
    scratch = out if chief else Path(tempfile.mkdtemp(prefix="worker-", dir=out))
    done, best = _resume_point(scratch, resume)

    keras.utils.set_random_seed(seed)
    model, precision = _compiled_model(
        preset, strategy, mixed_precision, jit_compile, epochs, train_samples
    )
    train_ds = _as_dataset(train_samples, preset, True, seed)
    val_ds = (
        None if val_samples is None else _as_dataset(val_samples, preset, False, seed)
    )
    monitor = "val_iou" if val_ds is not None else "iou"
    text = devices.describe_devices(strategy, precision, jit_compile)
    if verbose:
        where = f"resuming after epoch {done}" if done else "starting"
        print(f"preset {preset.name}: {preset.description}")
        print(f"{text}\n{where}, {epochs} epochs")
    fit_callbacks = [
        *callbacks,
        *training_callbacks(scratch, monitor, preset, best, resume and done > 0),
    ]
    started = time.perf_counter()
    with devices.keras_multi_worker_fix(model, strategy):
        history = model.fit(
            train_ds,
            validation_data=val_ds,
            epochs=epochs,
            initial_epoch=done,
            callbacks=fit_callbacks,
            shuffle=False,  # the datasets shuffle themselves (seeded)
            verbose=fit_verbosity(verbose),
        )
    seconds = time.perf_counter() - started
    if not chief:
        shutil.rmtree(scratch, ignore_errors=True)
    return TrainResult(
        model=model,
        best_path=out / "best.keras",
        log_path=out / "log.csv",
        history=read_log(out / "log.csv") if chief else dict(history.history),
        initial_epoch=done,
        epochs_run=len(history.history.get("loss", [])),
        seconds=seconds,
        devices=text,
    )


def _resume_point(scratch: Path, resume: bool) -> tuple[int, float | None]:
    """Epochs a killed run finished and its best validation IoU (0, None: none).

    Also removes what a crash mid-save left behind, and the backup when the
    run is to start over.
    """
    remove_partial(scratch)  # leftovers of a save that a crash interrupted
    backup = scratch / "backup"
    if not resume and backup.exists():
        shutil.rmtree(backup)
    state = AtomicBackupAndRestore.read_state(backup) if resume else None
    if not state:
        return 0, None
    done = int(state["epoch"])
    _trim_log(scratch / "log.csv", done)
    ious = read_log(scratch / "log.csv").get("val_iou", [])
    return done, max(ious) if ious else None


def _compiled_model(preset, strategy, mixed_precision, jit_compile, epochs, data):
    """The preset's U-Net built and compiled under ``strategy``; its precision.

    The dtype policy is set only while the model is built, then restored.
    """
    previous = keras.mixed_precision.global_policy().name
    precision = devices.set_precision(mixed_precision)
    try:
        with strategy.scope():
            model = build_unet(preset.unet)
            if preset.output_prior is not None:
                init_output_bias(model, preset.output_prior)
            model.compile(
                optimizer=keras.optimizers.Adam(
                    preset_learning_rate(preset, epochs, data),
                    global_clipnorm=preset.clipnorm,
                    use_ema=preset.ema is not None,
                    ema_momentum=preset.ema or 0.99,
                ),
                loss=get_loss(preset.loss),
                metrics=[IoUScore(name="iou"), DiceScore(), MeanIoUOverThresholds()],
                jit_compile=jit_compile,
            )
    finally:
        keras.mixed_precision.set_global_policy(previous)
    return model, precision


def train_synthetic(
    preset: str | Preset,
    out_dir: str | Path,
    data_dir: str | Path | None = None,
    seed: int = 0,
    **train_kwargs: Any,
) -> TrainResult:
    """Generates a synthetic training and validation set, then :func:`train` s.

    The sets are written once into ``data_dir/<preset>-train-<seed>`` and
    ``data_dir/<preset>-val-<seed + 1000003>`` (scenes from disjoint seeds, so
    validation is held out, e.g. ``teaching-train-0`` and
    ``teaching-val-1000003``) and reused when they hold, complete, the preset's
    scenes from this version of the generator
    (:func:`~plate_unet.data.synthetic.generate.is_current`); otherwise they
    are painted again.

    Args:
        preset: A :class:`Preset` or a name in :data:`PRESETS`.
        out_dir: Training output folder (see :func:`train`).
        data_dir: Where the synthetic sets go (default ``out_dir/data``).
        seed: Seed of the data and of the training.
        **train_kwargs: Passed on to :func:`train` (``epochs``, ``resume``, …).

    Returns:
        A :class:`TrainResult`.

    Example:
        .. code-block:: python

            result = train_synthetic("smoke", "runs/smoke")
            result.best_path.exists()  # True
            sorted(p.name for p in Path("runs/smoke/data").iterdir())
            # ['smoke-train-0', 'smoke-val-1000003']
    """
    from plate_unet.data.masks import drop_vanishing_plates
    from plate_unet.data.readers import load_annotations
    from plate_unet.data.synthetic.generate import generate_dataset, is_current

    preset = get_preset(preset)
    data_dir = Path(data_dir) if data_dir is not None else Path(out_dir) / "data"
    sets = {}
    for part, n, part_seed in (
        ("train", preset.n_train, seed),
        ("val", preset.n_val, seed + VAL_SEED_OFFSET),
    ):
        folder = data_dir / f"{preset.name}-{part}-{part_seed}"
        if not is_current(folder, n, part_seed, preset.scene_size):
            generate_dataset(folder, n, seed=part_seed, size=preset.scene_size)
        sets[part] = load_annotations(folder / "labels.csv")
        if preset.unet.height and preset.unet.width:  # far plates below a pixel
            sets[part], dropped = drop_vanishing_plates(
                sets[part], preset.unet.height, preset.unet.width
            )
            if dropped:
                log.info("%s: %d plate(s) smaller than a pixel at the model's "
                         "size left unlabelled", folder.name, dropped)  # fmt: skip
    return train(preset, sets["train"], sets["val"], out_dir, seed=seed, **train_kwargs)
