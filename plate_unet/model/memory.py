"""How much memory training a model takes, per batch size, from layer shapes.

What is counted (an estimate: TensorFlow's real peak differs by some tens of %,
because it fuses some layers, frees some buffers early and keeps workspaces):

* **layer outputs** — every layer's output (the input batch included). The
  backward pass needs a layer's input (and, for a ReLU, its output) to compute
  that layer's gradients, so training keeps each output from the forward pass
  until then: the sum over layers of ``batch × H × W × C × dtype_bytes``;
* **dropout masks** — each dropout layer also keeps its random mask for the
  backward pass, a tensor of the same size and type as the layer's output;
* **weights** — the parameters, their gradients and Adam's two moments: 16 bytes
  per parameter (four float32 copies) whatever the activation dtype, because
  mixed precision keeps float32 master weights.

What is left out: the gradients with respect to the activations. The backward
pass makes each one when it reaches its layer and frees it once the layer below
has used it, so only a few exist at any moment, never one per activation.
Notebook 03 builds this estimate by hand and compares it with a measurement: for
the reference model in float32, 1.07 GiB per image against the 1.00–1.10 GiB per image
that the peak memory of CPU training grows by.

Mixed precision (``mixed_float16``) stores layer outputs and masks in 2 bytes
instead of 4, which roughly halves the total for a U-Net, whose weights are small
next to its activations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import keras

GIB = 1024**3


@dataclass(frozen=True)
class MemoryEstimate:
    """Training memory for one batch size, in bytes.

    Attributes:
        batch_size: Images per batch.
        layer_outputs: Every layer's output for the batch.
        dropout_masks: The dropout layers' masks for the batch.
        weights: Parameters, their gradients and Adam's two moments, float32.
    """

    batch_size: int
    layer_outputs: int
    dropout_masks: int
    weights: int

    @property
    def activations(self) -> int:
        """What the forward pass keeps for the backward pass: outputs and masks."""
        return self.layer_outputs + self.dropout_masks

    @property
    def total(self) -> int:
        """Activations and weights together, in bytes."""
        return self.activations + self.weights


def _values_per_image(layers: Iterable[keras.layers.Layer]) -> int:
    """How many values the outputs of ``layers`` hold for one image."""
    values = 0
    for layer in layers:
        shape = tuple(layer.output.shape)[1:]
        if any(d is None for d in shape):
            raise ValueError(
                f"layer {layer.name!r} has output shape {shape}: build the model with "
                "a fixed height and width, e.g. UNetConfig(1152, 704)."
            )
        values += math.prod(shape)
    return values


def activation_memory(
    model: keras.Model,
    batch_sizes: Iterable[int] = (1, 2, 4, 8, 16),
    dtype_bytes: int = 4,
) -> list[MemoryEstimate]:
    """Estimates training memory per batch size from the model's layer outputs.

    Args:
        model: A built model with a fixed input height and width.
        batch_sizes: The batch sizes to estimate, each >= 1.
        dtype_bytes: Bytes per activation value: 4 (float32) or 2 (mixed_float16).
            The weights always take 16 bytes per parameter.

    Returns:
        One :class:`MemoryEstimate` per batch size, in the order given.

    Raises:
        ValueError: If a layer's output size is unknown (``None`` height or width),
            a batch size is below 1, or ``dtype_bytes`` is not 2 or 4.

    Example:
        >>> from plate_unet.model import activation_memory, build_unet
        >>> est = activation_memory(build_unet(), [8], dtype_bytes=4)[0]
        >>> round(est.total / 2**30, 2)
        8.65
    """
    if dtype_bytes not in (2, 4):
        raise ValueError(
            f"dtype_bytes={dtype_bytes!r} is invalid: use 4 (float32) or 2 (float16)."
        )
    outputs = _values_per_image(model.layers)
    drops = [la for la in model.layers if isinstance(la, keras.layers.Dropout)]
    masks = _values_per_image(drops)
    weights = 16 * model.count_params()  # params, gradients, Adam's m and v
    estimates = []
    for batch in batch_sizes:
        if int(batch) < 1:
            raise ValueError(f"batch size {batch!r} is invalid: use an integer >= 1.")
        per_value = int(batch) * dtype_bytes
        estimates.append(
            MemoryEstimate(int(batch), outputs * per_value, masks * per_value, weights)
        )
    return estimates
