"""How much memory a model's activations take, per batch size, from layer shapes.

What is counted (an estimate; TensorFlow's real peak differs by a few tens of %,
because it fuses some layers, frees some buffers early and keeps workspaces):

* **activations** — every layer's output (the input batch included), which
  training must keep until the backward pass reaches it: the sum over layers of
  ``batch × H × W × C × dtype_bytes``;
* **gradients** — one gradient buffer of the same size per activation, the most the
  backward pass can hold at once;
* **weights** — the parameters, their gradients and Adam's two moments, four
  float32 copies whatever the activation dtype (mixed precision keeps float32
  master weights).

Mixed precision (``mixed_float16``) stores activations in 2 bytes instead of 4,
which roughly halves the total for a U-Net, whose weights are small next to its
activations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import keras

__all__ = ["MemoryEstimate", "activation_memory", "format_memory_table"]

GIB = 1024**3


@dataclass(frozen=True)
class MemoryEstimate:
    """Training memory for one batch size, in bytes.

    Attributes:
        batch_size: Images per batch.
        activations: Every layer output for the batch.
        gradients: The gradient buffers of those outputs (same size).
        weights: Parameters + gradients + Adam moments, float32.
    """

    batch_size: int
    activations: int
    gradients: int
    weights: int

    @property
    def total(self) -> int:
        """All three together, in bytes."""
        return self.activations + self.gradients + self.weights


def activation_memory(
    model: keras.Model, batch_sizes: Iterable[int] = (1, 2, 4, 8, 16), dtype_bytes=4
) -> list[MemoryEstimate]:
    """Estimates training memory per batch size from the model's layer outputs.

    Args:
        model: A built model with a fixed input height and width.
        batch_sizes: The batch sizes to estimate, each >= 1.
        dtype_bytes: Bytes per activation value: 4 (float32) or 2 (mixed_float16).

    Returns:
        One :class:`MemoryEstimate` per batch size, in the order given.

    Raises:
        ValueError: If a layer's output size is unknown (``None`` height or width),
            a batch size is below 1, or ``dtype_bytes`` is not 2 or 4.

    Example:
        >>> est = activation_memory(build_unet(), [8], dtype_bytes=4)[0]
        >>> round(est.total / 2**30, 1)
        14.2
    """
    if dtype_bytes not in (2, 4):
        raise ValueError(
            f"dtype_bytes={dtype_bytes!r} is invalid: use 4 (float32) or 2 (float16)."
        )
    values = 0
    for layer in model.layers:
        shape = tuple(layer.output.shape)[1:]
        if any(d is None for d in shape):
            raise ValueError(
                f"layer {layer.name!r} has output shape {shape}: build the model with "
                "a fixed height and width, e.g. UNetConfig(1152, 704)."
            )
        values += math.prod(shape)
    weights = 4 * 4 * model.count_params()
    estimates = []
    for batch in batch_sizes:
        if int(batch) < 1:
            raise ValueError(f"batch size {batch!r} is invalid: use an integer >= 1.")
        act = int(batch) * values * dtype_bytes
        estimates.append(MemoryEstimate(int(batch), act, act, weights))
    return estimates


def format_memory_table(estimates: Iterable[MemoryEstimate]) -> str:
    """A fixed-width table of estimates, in GiB.

    Args:
        estimates: From :func:`activation_memory`.

    Returns:
        A header and one line per batch size.

    Example:
        >>> table = format_memory_table(activation_memory(build_unet(), [1]))
        >>> print(table.splitlines()[0])  # doctest: +NORMALIZE_WHITESPACE
        batch    activations    gradients   weights+Adam       total
    """
    lines = [
        f"{'batch':>5}{'activations':>15}{'gradients':>13}"
        f"{'weights+Adam':>15}{'total':>12}"
    ]
    for e in estimates:
        lines.append(
            f"{e.batch_size:>5}{e.activations / GIB:>11.2f} GiB"
            f"{e.gradients / GIB:>9.2f} GiB{e.weights / GIB:>11.2f} GiB"
            f"{e.total / GIB:>8.2f} GiB"
        )
    return "\n".join(lines)
