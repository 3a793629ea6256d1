"""Training presets: what one training run needs, and which one fits this machine.

A :class:`Preset` bundles everything one training run needs (model size, batch,
epochs, learning rate, how much synthetic data). Four are built in
(:data:`PRESETS`):

* ``reference`` - the reference project's run: 1152×704, 16 base filters, depth 6,
  batch 5, Adam, 10 epochs. Meant for a GPU.
* ``teaching`` - small and fast enough to train on 2 CPU cores in about
  6 minutes to a useful model: 256×160, base 8, depth 5, no dropout,
  batch normalisation, 1,600 synthetic scenes, batch 8, 3 epochs (600 steps),
  Adam at 2e-3 with a cosine decay and gradient clipping. Four times the
  scenes of the earlier recipe (400 scenes seen 10 times, 500 steps) in about
  the same time: with the previous generator, it found 0.926 of the real
  European plates against 0.907. Measured with the earlier recipe and
  generator, on the same data and random seed: without batch norm (lr 1e-3,
  ReduceLROnPlateau) it reached a held-out synthetic IoU of 0.73 (18.7
  minutes under load); with batch norm and the cosine schedule 0.82, in 6
  minutes on 2 idle CPU cores.
* ``slim`` - ``teaching`` with depthwise-separable convolutions, 12 base
  filters and batch 4: 1.9× fewer FLOPs than ``teaching`` (188× fewer than
  ``reference``), held-out synthetic IoU 0.812 against teaching's 0.825 (measured
  with the previous generator and the 400-scene, 10-epoch recipe).
* ``smoke`` - seconds, for CI and notebook smoke runs.

:func:`get_preset` looks one up by name; :func:`pick_preset` chooses one for
this machine. :mod:`plate_unet.training.fit` runs them; this module imports no
Keras, so the CLI can list the presets without loading TensorFlow.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from plate_unet.model.config import UNetConfig

#: A run with random seed ``seed`` trains on the synthetic scenes of set seed
#: ``seed`` and validates on those of ``seed + VAL_SEED_OFFSET`` (disjoint
#: scenes; :func:`plate_unet.training.fit.train_synthetic`).
VAL_SEED_OFFSET = 1_000_003


@dataclass(frozen=True)
class Preset:
    """One training recipe: model, batch, schedule and synthetic data size.

    Attributes:
        name: Short name (the key in :data:`PRESETS`).
        unet: The model's :class:`~plate_unet.model.config.UNetConfig`.
        batch_size: Images per step (over all devices together).
        epochs: Passes over the training set.
        learning_rate: Adam's initial learning rate.
        n_train: Synthetic training scenes
            :func:`~plate_unet.training.fit.train_synthetic` generates.
        n_val: Synthetic validation scenes.
        loss: Loss name for :func:`plate_unet.training.losses.get_loss`.
        augment: Augmentation for :func:`plate_unet.data.pipeline.make_dataset`
            (``"default"`` or ``None``).
        scene_size: ``(height, width)`` of generated synthetic scenes.
        patience: Epochs without a better validation IoU before stopping.
        clipnorm: Clip the global gradient norm to this (``None``: no clipping).
            Without batch normalisation (the ``reference`` and ``smoke`` models;
            ``teaching`` and ``slim`` have it) and without clipping, Adam's
            first steps can blow the activations up (we measured values of
            30,000 in ``dec1`` after one epoch at learning rate 2e-3). Under a
            strategy with several replicas, runs with clipping did not match a
            one-device run after the first epoch (Keras 3.15), so the GPU
            ``reference`` preset does not clip.
        output_prior: Start the output layer's bias at ``logit(prior)``, the
            share of plate pixels, instead of 0 (``p = 0.5`` everywhere), so the
            first steps need not push 98 % of the pixels down (the RetinaNet
            "prior" initialisation). ``None`` keeps the reference's zero bias.
        lr_schedule: ``None`` keeps ``learning_rate`` and halves it when the
            validation loss stalls (ReduceLROnPlateau); ``"cosine"`` decays it
            along a cosine from ``learning_rate`` to 1 % of it over all the
            run's steps (``keras.optimizers.schedules.CosineDecay``).
        ema: Keep an exponential moving average of the weights with this
            momentum (Adam's ``use_ema``; Polyak averaging), validate it and
            save it as the checkpoint (``keras.callbacks.SwapEMAWeights``).
            ``None`` (the default) trains and saves the weights themselves.
            A run resumed from its backup goes on from the averaged weights.
        description: One line for humans.

    Example:
        >>> from plate_unet.training import PRESETS
        >>> PRESETS["smoke"].unet.height
        64
    """

    name: str
    unet: UNetConfig
    batch_size: int
    epochs: int
    learning_rate: float
    n_train: int
    n_val: int
    loss: str = "bce_dice"
    augment: str | None = "default"
    scene_size: tuple[int, int] = (1160, 720)
    patience: int = 4
    clipnorm: float | None = 1.0
    output_prior: float | None = 0.02
    lr_schedule: str | None = None
    ema: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        for field in ("batch_size", "epochs", "n_train", "n_val", "patience"):
            value = getattr(self, field)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{field}={value!r} is invalid: use an integer >= 1.")
        if not self.learning_rate > 0:
            raise ValueError(
                f"learning_rate={self.learning_rate!r} is invalid: use a value > 0."
            )
        if self.ema is not None and not 0.0 < self.ema < 1.0:
            raise ValueError(
                f"ema={self.ema!r} is invalid: use None or a momentum in (0, 1), "
                "such as 0.995."
            )
        if self.lr_schedule not in (None, "cosine"):
            raise ValueError(
                f"lr_schedule={self.lr_schedule!r} is invalid: use None or 'cosine'."
            )

    def replace(self, **changes: Any) -> Preset:
        """Returns a copy with some fields changed (and validated)."""
        return dataclasses.replace(self, **changes)


# The entries are deliberate parallels: one Preset per recipe, in the same shape.
PRESETS: dict[str, Preset] = {
    "reference": Preset(
        "reference",
        UNetConfig(),
        batch_size=5,
        epochs=10,
        learning_rate=1e-3,
        n_train=2000,
        n_val=200,
        clipnorm=None,
        output_prior=None,
        description=(
            "the reference's run: 1152×704 (H×W), base 16, depth 6, batch 5 (GPU)"
        ),
    ),
    "teaching": Preset(
        "teaching",
        UNetConfig(
            height=256,
            width=160,
            base_filters=8,
            depth=5,
            dropout_step=0.0,
            batch_norm=True,
        ),
        batch_size=8,
        learning_rate=2e-3,
        n_train=1600,
        n_val=48,
        epochs=3,
        augment=None,
        scene_size=(580, 360),
        lr_schedule="cosine",
        description=(
            "256×160 (H×W), base 8, depth 5, batch norm, lr 2e-3 cosine, 1600 scenes: "
            "about 6 minutes on 2 CPU cores"
        ),
    ),
    "smoke": Preset(
        "smoke",
        UNetConfig(height=64, width=40, base_filters=4, depth=3, dropout_step=0.0),
        batch_size=4,
        epochs=2,
        learning_rate=3e-3,
        n_train=8,
        n_val=4,
        augment=None,
        scene_size=(290, 180),
        patience=2,
        description="64×40 (H×W), base 4, depth 3: seconds, for CI",
    ),
}
#: The teaching recipe with depthwise-separable convolutions and 12 base
#: filters, batch 4: 0.52 GFLOP per image (1.9x fewer than ``teaching``, 188x
#: fewer than ``reference``). Chosen by measurement (``benchmarks/bench_slim.py``,
#: same data, random seed and held-out scenes, 10 epochs): held-out pixel IoU 0.812
#: against teaching's 0.825. Separable with 8 filters (0.25 GFLOP) reached
#: only 0.760, plain convolutions with 6 filters 0.798.
PRESETS["slim"] = PRESETS["teaching"].replace(
    name="slim",
    unet=PRESETS["teaching"].unet.replace(separable=True, base_filters=12),
    batch_size=4,
    description=(
        "teaching with depthwise-separable convolutions and 12 base filters, "
        "batch 4: 256×160 (H×W), depth 5, batch norm, lr 2e-3 cosine"
    ),
)


#: What ``make pretrained`` trains for the committed checkpoint: the teaching
#: model with group normalisation in place of batch normalisation, on 3,200
#: scenes of plates of the world for 4 epochs (1,600 steps). Batch
#: normalisation keeps the synthetic scenes' average statistics and applies
#: them to every photo; the longer it trained, the more real plates it missed.
#: Group normalisation takes each photo's own statistics (README: "Per-photo
#: normalisation").
PRETRAINED = PRESETS["teaching"].replace(
    unet=PRESETS["teaching"].unet.replace(batch_norm=False, group_norm=4),
    n_train=3200,
    epochs=4,
    description=(
        "the teaching model with group normalisation on 3200 scenes for 4 epochs: "
        "the committed checkpoint (make pretrained), about 15 minutes on 2 CPU cores"
    ),
)


def get_preset(preset: str | Preset) -> Preset:
    """Returns ``preset`` itself, or the built-in preset of that name.

    Raises:
        ValueError: If the name is unknown (the message lists the valid ones).

    Example:
        >>> from plate_unet.training import get_preset
        >>> get_preset("smoke").batch_size
        4
    """
    if isinstance(preset, Preset):
        return preset
    if preset not in PRESETS:
        raise ValueError(
            f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}."
        )
    return PRESETS[preset]


def pick_preset(smoke: bool | None = None) -> tuple[str, str]:
    """Chooses a preset for this machine and says why.

    ``smoke`` when asked (or when the environment variable ``PLATE_UNET_SMOKE``
    is ``1``, as in CI), else ``reference`` when a GPU is present, else ``teaching``.

    Args:
        smoke: Force (``True``) or forbid (``False``) the smoke preset; ``None``
            reads ``PLATE_UNET_SMOKE``.

    Returns:
        ``(name, reason)``, e.g. ``("teaching", "no GPU found: ...")``.

    Example:
        >>> from plate_unet.training import pick_preset
        >>> pick_preset(smoke=True)[0]
        'smoke'
        >>> pick_preset(smoke=False)[0] in ("reference", "teaching")  # GPU: reference
        True
    """
    if smoke is None:
        smoke = os.environ.get("PLATE_UNET_SMOKE", "") == "1"
    if smoke:
        return "smoke", "PLATE_UNET_SMOKE=1: a tiny run that finishes in seconds"
    from plate_unet.training.devices import detect_gpus

    gpus = detect_gpus()
    if gpus:
        return "reference", f"{len(gpus)} GPU(s) found: the reference's full-size run"
    return "teaching", "no GPU found: the small model that trains on a CPU"
