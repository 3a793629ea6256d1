"""Segmentation losses: Dice, BCE + Dice and focal loss, all reduced in float32.

Plates cover a few per cent of a photo's pixels or less, so plain binary
cross-entropy (BCE) is happy to predict "no plate" everywhere. Dice measures
overlap instead and does not care how many background pixels there are; the
reference combined the two.

Why we changed the reference's loss: it trained on ``0.5 * BCE - Dice``. Dice lies in
[0, 1], so that loss lies in [-1, +inf) and is *negative* whenever the overlap is
good. Nothing is wrong with the gradient, but a negative loss reads as a bug on a
learning curve, cannot be compared with other losses, and breaks callbacks that
assume "lower is better, 0 is perfect". We use ``0.5 * BCE + (1 - Dice)``: the same
gradient (the constant 1 changes nothing), bounded below by 0, and 0 only for a
perfect, confident prediction. :func:`reference_loss` keeps the old formula for
notebook 04 to show.

Every function casts to float32 before it sums, so a 1152×704 all-ones mask under
a ``mixed_float16`` policy (811,008 pixels; float16 overflows at 65,504) is safe.
All losses are registered Keras serialisables: a saved ``.keras`` model compiled
with them loads with no ``custom_objects``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import keras
from keras import ops

if TYPE_CHECKING:
    import tensorflow as tf

_PACKAGE = "plate_unet"


def _f32(y_true, y_pred):
    return ops.cast(y_true, "float32"), ops.cast(y_pred, "float32")


def _flat(x):
    """(N, ...) → (N, pixels)."""
    return ops.reshape(x, (ops.shape(x)[0], -1))


@keras.saving.register_keras_serializable(package=_PACKAGE)
def dice_coefficient(
    y_true: tf.Tensor, y_pred: tf.Tensor, smooth: float = 1.0
) -> tf.Tensor:
    """Soft Dice coefficient per image, in float32.

    ``(2 * sum(t * p) + smooth) / (sum(t) + sum(p) + smooth)``, summed over each
    image's pixels. ``smooth`` keeps an empty mask with an empty prediction at 1.

    Args:
        y_true: Ground-truth masks in {0, 1}, shape (N, H, W, 1).
        y_pred: Predicted probabilities in [0, 1], same shape.
        smooth: Additive smoothing, > 0.

    Returns:
        A float32 tensor of shape (N,) with values in [0, 1].

    Example:
        >>> from plate_unet.training.losses import dice_coefficient
        >>> m = np.ones((1, 4, 4, 1), "float32")
        >>> float(dice_coefficient(m, m)[0])
        1.0
    """
    t, p = _f32(y_true, y_pred)
    t, p = _flat(t), _flat(p)
    inter = ops.sum(t * p, axis=1)
    total = ops.sum(t, axis=1) + ops.sum(p, axis=1)
    return (2.0 * inter + smooth) / (total + smooth)


@keras.saving.register_keras_serializable(package=_PACKAGE)
def dice_loss(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    """``1 - dice_coefficient`` per image: 0 is perfect, 1 is no overlap.

    Args:
        y_true: Masks in {0, 1}, (N, H, W, 1).
        y_pred: Probabilities, same shape.

    Returns:
        Float32 tensor (N,).

    Example:
        >>> from plate_unet.training.losses import dice_loss
        >>> loss = dice_loss(np.ones((1, 2, 2, 1)), np.zeros((1, 2, 2, 1)))
        >>> round(float(loss[0]), 4)  # 1 - smooth / (4 + smooth), smooth = 1
        0.8
    """
    return 1.0 - dice_coefficient(y_true, y_pred)


def _bce(y_true, y_pred):
    t, p = _f32(y_true, y_pred)
    eps = keras.config.epsilon()
    p = ops.clip(p, eps, 1.0 - eps)
    per_pixel = -(t * ops.log(p) + (1.0 - t) * ops.log(1.0 - p))
    return ops.mean(_flat(per_pixel), axis=1)


@keras.saving.register_keras_serializable(package=_PACKAGE)
def bce_dice_loss(
    y_true: tf.Tensor, y_pred: tf.Tensor, bce_weight: float = 0.5
) -> tf.Tensor:
    """``bce_weight * BCE + (1 - Dice)`` per image; never negative.

    Args:
        y_true: Masks in {0, 1}, (N, H, W, 1).
        y_pred: Probabilities, same shape.
        bce_weight: Weight of the cross-entropy term (the reference used 0.5).

    Returns:
        Float32 tensor (N,), >= 0.

    Example:
        >>> from plate_unet.training.losses import bce_dice_loss
        >>> m = np.ones((1, 4, 4, 1), "float32")
        >>> float(bce_dice_loss(m, m)[0]) < 1e-3
        True
    """
    return bce_weight * _bce(y_true, y_pred) + dice_loss(y_true, y_pred)


@keras.saving.register_keras_serializable(package=_PACKAGE)
def focal_loss(
    y_true: tf.Tensor, y_pred: tf.Tensor, gamma: float = 2.0, alpha: float = 0.25
) -> tf.Tensor:
    """Binary focal loss per image (Lin et al., 2017), in float32.

    Down-weights easy pixels by ``(1 - p_t) ** gamma`` so the many easy background
    pixels do not drown the few plate pixels; ``alpha`` weights plate pixels and
    ``1 - alpha`` background pixels. Keras's own
    ``keras.losses.binary_focal_crossentropy`` computes each pixel; this function
    only casts to float32 first and averages per image.

    Args:
        y_true: Masks in {0, 1}, (N, H, W, 1).
        y_pred: Probabilities, same shape.
        gamma: Focusing parameter, >= 0 (0 gives alpha-weighted BCE).
        alpha: Weight of the positive class, in [0, 1].

    Returns:
        Float32 tensor (N,), >= 0.

    Example:
        >>> from plate_unet.training.losses import focal_loss
        >>> t = np.ones((1, 2, 2, 1), "float32")
        >>> float(focal_loss(t, 0.9 * t)[0]) < float(focal_loss(t, 0.6 * t)[0])
        True
    """
    t, p = _f32(y_true, y_pred)
    per_pixel = keras.losses.binary_focal_crossentropy(
        t, p, apply_class_balancing=True, alpha=alpha, gamma=gamma
    )
    return ops.mean(_flat(per_pixel), axis=1)


def reference_loss(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    """The reference's ``0.5 * BCE - Dice``, kept only to show why it goes negative.

    Args:
        y_true: Masks in {0, 1}.
        y_pred: Probabilities.

    Returns:
        Float32 tensor (N,), in [-1, inf).

    Example:
        >>> from plate_unet.training import reference_loss
        >>> m = np.ones((1, 4, 4, 1), "float32")
        >>> float(reference_loss(m, m)[0]) < 0
        True
    """
    return 0.5 * _bce(y_true, y_pred) - dice_coefficient(y_true, y_pred)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class DiceLoss(keras.losses.Loss):
    """Keras loss object for :func:`dice_loss`.

    Example:
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.training import DiceLoss
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> model.compile(optimizer="adam", loss=DiceLoss())
        >>> model.loss.name
        'dice_loss'
        >>> m = np.ones((1, 4, 4, 1), "float32")
        >>> round(float(DiceLoss()(m, m)), 4)  # the batch mean of dice_loss
        0.0
    """

    def __init__(self, name: str = "dice_loss", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)

    def call(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        return dice_loss(y_true, y_pred)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class BCEDiceLoss(keras.losses.Loss):
    """Keras loss object for :func:`bce_dice_loss` (the project's default).

    Args:
        bce_weight: Weight of the cross-entropy term, >= 0.

    Raises:
        ValueError: If ``bce_weight`` is negative.

    Example:
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.training import BCEDiceLoss
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> model.compile(optimizer="adam", loss=BCEDiceLoss(bce_weight=0.5))
        >>> model.loss.name, model.loss.get_config()["bce_weight"]
        ('bce_dice_loss', 0.5)
    """

    def __init__(
        self, bce_weight: float = 0.5, name: str = "bce_dice_loss", **kwargs: Any
    ) -> None:
        if bce_weight < 0:
            raise ValueError(f"bce_weight={bce_weight!r} is invalid: use a value >= 0.")
        super().__init__(name=name, **kwargs)
        self.bce_weight = float(bce_weight)

    def call(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        return bce_dice_loss(y_true, y_pred, self.bce_weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "bce_weight": self.bce_weight}


def make_focal_loss(
    gamma: float = 2.0, alpha: float = 0.25
) -> keras.losses.BinaryFocalCrossentropy:
    """Keras's ``BinaryFocalCrossentropy`` with class balancing, checked.

    Averaged over every pixel of the batch, it equals the mean of
    :func:`focal_loss` over the images (they all have the same size).

    Args:
        gamma: Focusing parameter, >= 0.
        alpha: Positive-class weight, in [0, 1].

    Returns:
        The Keras loss object (a built-in: saved models need no registration).

    Raises:
        ValueError: If ``gamma`` or ``alpha`` is out of range.

    Example:
        >>> from plate_unet.training import make_focal_loss
        >>> make_focal_loss(gamma=2.0).name
        'focal_loss'
    """
    if gamma < 0:
        raise ValueError(f"gamma={gamma!r} is invalid: use a value >= 0.")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha={alpha!r} is invalid: use a value in [0, 1].")
    return keras.losses.BinaryFocalCrossentropy(
        apply_class_balancing=True,
        alpha=float(alpha),
        gamma=float(gamma),
        name="focal_loss",
    )


_LOSSES: dict[str, Callable[[], keras.losses.Loss]] = {
    "bce_dice": BCEDiceLoss,
    "dice": DiceLoss,
    "focal": make_focal_loss,
}


def get_loss(name: str) -> keras.losses.Loss:
    """Returns a fresh loss object by short name.

    Args:
        name: One of ``"bce_dice"``, ``"dice"``, ``"focal"``, ``"bce"``.

    Returns:
        A ``keras.losses.Loss``.

    Raises:
        ValueError: If ``name`` is unknown.

    Example:
        >>> from plate_unet.training import get_loss
        >>> get_loss("bce_dice").name
        'bce_dice_loss'
    """
    if name == "bce":
        return keras.losses.BinaryCrossentropy(name="bce")
    if name not in _LOSSES:
        valid = ", ".join(sorted([*_LOSSES, "bce"]))
        raise ValueError(f"Unknown loss {name!r}: choose one of {valid}.")
    return _LOSSES[name]()
