"""Stateful segmentation metrics: IoU at a threshold, Dice, the reference's mean IoU.

All three count plate pixels over the whole evaluation (every batch seen since
``reset_state``), not an average of per-batch scores, so the result does not
depend on the batch size. Counts are summed per batch in float32 and accumulated
in float64, exact far beyond one 1152×704 image (float16 overflows at 65,504).

The reference reported "mean IoU over thresholds 0.5, 0.55, …, 0.95" through TF1's
``tf.metrics.mean_iou`` inside a Python loop, which does not run in TF2.
:class:`MeanIoUOverThresholds` computes the plate-class IoU at each of those ten
thresholds and averages them: a prediction has to be both well placed *and*
confident to score high.

When no plate pixel is present and none is predicted, the IoU is 1 (nothing was
missed, nothing was invented).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
from keras import ops

if TYPE_CHECKING:
    import tensorflow as tf

_PACKAGE = "plate_unet"
REFERENCE_THRESHOLDS = tuple(np.round(np.arange(0.5, 1.0, 0.05), 2).tolist())


def _counts(y_true, y_pred, thresholds):
    """Per threshold: (intersection, predicted, true) plate pixels, float32 sums."""
    t = ops.reshape(ops.cast(y_true, "float32"), (-1,))
    p = ops.reshape(ops.cast(y_pred, "float32"), (-1,))
    t = ops.cast(t > 0.5, "float32")
    th = ops.convert_to_tensor(np.asarray(thresholds, "float32"))
    hard = ops.cast(p[None, :] > th[:, None], "float32")  # (T, pixels)
    inter = ops.sum(hard * t[None, :], axis=1)
    pred = ops.sum(hard, axis=1)
    true = ops.broadcast_to(ops.sum(t), ops.shape(pred))
    return inter, pred, true


class _OverlapMetric(keras.metrics.Metric):
    """Accumulates intersection / predicted / true pixel counts per threshold."""

    def __init__(self, thresholds, name, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.thresholds = tuple(float(t) for t in thresholds)
        for t in self.thresholds:
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"threshold={t!r} is invalid: use a value in [0, 1].")
        n = len(self.thresholds)
        if n == 0:
            raise ValueError("thresholds is empty: give at least one value in [0, 1].")
        self.inter = self.add_variable((n,), "zeros", dtype="float64", name="inter")
        self.pred = self.add_variable((n,), "zeros", dtype="float64", name="pred")
        self.true = self.add_variable((n,), "zeros", dtype="float64", name="true")

    def update_state(self, y_true, y_pred, sample_weight=None):
        inter, pred, true = _counts(y_true, y_pred, self.thresholds)
        self.inter.assign_add(ops.cast(inter, "float64"))
        self.pred.assign_add(ops.cast(pred, "float64"))
        self.true.assign_add(ops.cast(true, "float64"))

    def reset_state(self):
        for v in (self.inter, self.pred, self.true):
            v.assign(ops.zeros_like(v))

    def _iou(self):
        union = self.pred + self.true - self.inter
        return ops.where(union > 0, self.inter / ops.maximum(union, 1.0), 1.0)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class IoUScore(_OverlapMetric):
    """Plate-class intersection over union at one threshold.

    On batches that hold a plate it equals ``keras.metrics.BinaryIoU([1],
    threshold)`` (a test checks it). It is kept for the batch with no plate and
    no plate predicted, where Keras divides 0 by 0 and reports 0, punishing a
    perfect answer; this metric reports 1 (nothing missed, nothing invented).
    Its counts are summed in float32 and kept in float64, exact under a
    ``mixed_float16`` policy.

    Args:
        threshold: Probability above which a pixel counts as plate.
        name: Metric name shown in logs.

    Raises:
        ValueError: If ``threshold`` is outside [0, 1].

    Example:
        >>> from plate_unet.training import IoUScore
        >>> mask = np.zeros((6, 8), "float32"); mask[2:4, 1:7] = 1  # one plate
        >>> probs = 0.9 * mask + 0.05  # 0.95 on the plate, 0.05 elsewhere
        >>> m = IoUScore(0.5)
        >>> m.update_state(mask, probs)
        >>> float(m.result())
        1.0
        >>> m.update_state(mask, np.zeros_like(probs))  # the same plates, missed
        >>> float(m.result())  # counts add up over updates
        0.5
    """

    def __init__(
        self, threshold: float = 0.5, name: str = "iou", dtype: str | None = None
    ) -> None:
        super().__init__((threshold,), name=name, dtype=dtype)
        self.threshold = float(threshold)

    def result(self) -> tf.Tensor:
        return ops.cast(self._iou()[0], "float32")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class DiceScore(_OverlapMetric):
    """Dice (F1) of the thresholded prediction: ``2|A∩B| / (|A| + |B|)``.

    Takes the same arguments as :class:`IoUScore` (``name`` defaults to
    ``"dice"``) and, like it, reports 1 for a batch with no plate and none
    predicted.

    Example:
        >>> from plate_unet.training import DiceScore
        >>> mask = np.zeros((6, 8), "float32"); mask[2:4, 1:7] = 1  # one plate
        >>> probs = 0.9 * mask + 0.05  # 0.95 on the plate, 0.05 elsewhere
        >>> m = DiceScore()
        >>> m.update_state(mask, probs)  # found exactly: Dice 1
        >>> m.update_state(mask, np.zeros_like(probs))  # the same plates, missed
        >>> round(float(m.result()), 4)  # 2 * n / (n + 2 * n) over both updates
        0.6667
    """

    def __init__(
        self, threshold: float = 0.5, name: str = "dice", dtype: str | None = None
    ) -> None:
        super().__init__((threshold,), name=name, dtype=dtype)
        self.threshold = float(threshold)

    def result(self) -> tf.Tensor:
        total = self.pred + self.true
        dice = ops.where(total > 0, 2.0 * self.inter / ops.maximum(total, 1.0), 1.0)
        return ops.cast(dice[0], "float32")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class MeanIoUOverThresholds(_OverlapMetric):
    """The reference's metric: plate IoU averaged over thresholds 0.5, 0.55, …, 0.95.

    Args:
        thresholds: The thresholds to average over (default: the reference's ten).
        name: Metric name shown in logs.

    Raises:
        ValueError: If a threshold is outside [0, 1] or none is given.

    Example:
        >>> from plate_unet.training import MeanIoUOverThresholds
        >>> mask = np.zeros((6, 8), "float32"); mask[2:4, 1:7] = 1  # one plate
        >>> probs = 0.9 * mask + 0.05  # 0.95 on the plate, 0.05 elsewhere
        >>> m = MeanIoUOverThresholds()
        >>> m.update_state(mask, probs)
        >>> round(float(m.result()), 4)  # IoU 1 at nine thresholds, 0 at 0.95
        0.9
        >>> m.per_threshold()[0.9], m.per_threshold()[0.95]
        (1.0, 0.0)
    """

    def __init__(
        self,
        thresholds: Sequence[float] = REFERENCE_THRESHOLDS,
        name: str = "mean_iou",
        dtype: str | None = None,
    ) -> None:
        super().__init__(thresholds, name=name, dtype=dtype)

    def result(self) -> tf.Tensor:
        return ops.cast(ops.mean(self._iou()), "float32")

    def per_threshold(self) -> dict[float, float]:
        """Returns ``{threshold: IoU}`` for the state accumulated so far."""
        values = np.asarray(ops.convert_to_numpy(self._iou()))
        return dict(zip(self.thresholds, values.tolist(), strict=True))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": list(self.thresholds)}
