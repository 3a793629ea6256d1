"""The receptive field of every layer of a functional model, computed from its graph.

An output pixel of a layer "sees" a square window of the input image: its
*receptive field*. Walking the graph from the input, two numbers per layer
suffice (the classic recurrence, e.g. Araujo et al., Distill 2019):

* ``size`` — the side of the window, in input pixels;
* ``jump`` — how many input pixels apart two neighbouring outputs are.

A convolution or pooling with kernel ``k`` and stride ``s`` gives
``size += (k - 1) * dilation * jump`` and ``jump *= s``. A transposed convolution
with stride ``s`` spreads every input pixel over ``k`` outputs ``s`` apart, so one
output pixel hears from at most ``ceil(k / s)`` inputs: ``size += (ceil(k/s) - 1) *
jump`` and ``jump /= s``. Where branches join (a skip connection), the wider window
wins. Layers without a kernel (dropout, activations, normalisation) change nothing.

The numbers are the largest window any output pixel can see; with ``same``
padding, pixels near the border see a part of it that lies outside the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import keras

_POOLS = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
_CONVS = (
    keras.layers.Conv2D,
    keras.layers.SeparableConv2D,
    keras.layers.DepthwiseConv2D,
)


@dataclass(frozen=True)
class ReceptiveField:
    """The window one output pixel of a layer sees.

    Attributes:
        size: Side of the window, in input pixels.
        jump: Input pixels between two neighbouring output pixels (may be a
            fraction, e.g. after a transposed convolution on the input).
    """

    size: int
    jump: Fraction


def _step(layer, parents: list[ReceptiveField]) -> ReceptiveField:
    if not parents:
        return ReceptiveField(1, Fraction(1))
    size = max(p.size for p in parents)
    jump = min(p.jump for p in parents)
    if isinstance(layer, keras.layers.Conv2DTranspose):
        k, s = layer.kernel_size[0], layer.strides[0]
        return ReceptiveField(size + int((math.ceil(k / s) - 1) * jump), jump / s)
    if isinstance(layer, _CONVS):
        k, s, d = layer.kernel_size[0], layer.strides[0], layer.dilation_rate[0]
        return ReceptiveField(size + int((k - 1) * d * jump), jump * s)
    if isinstance(layer, _POOLS):
        k, s = layer.pool_size[0], layer.strides[0]
        return ReceptiveField(size + int((k - 1) * jump), jump * s)
    return ReceptiveField(size, jump)


def _parents(layer) -> list[str]:
    node = layer._inbound_nodes[0]
    return [t._keras_history.operation.name for t in node.input_tensors]


def receptive_fields(model: keras.Model) -> dict[str, ReceptiveField]:
    """Returns the receptive field of every layer's output, input layer first.

    Args:
        model: A functional Keras model with square kernels and strides.

    Returns:
        ``{layer name: ReceptiveField}`` in the model's layer order.

    Raises:
        ValueError: If ``model`` is not a functional model with known inputs.

    Example:
        >>> from plate_unet.model import build_unet, receptive_fields
        >>> rf = receptive_fields(build_unet())
        >>> rf["enc6_conv2"].size, rf["output"].size
        (284, 472)
    """
    if not isinstance(model, keras.Model) or not hasattr(model, "inputs"):
        raise ValueError(
            f"model must be a functional keras.Model, got {type(model).__name__}."
        )
    fields: dict[str, ReceptiveField] = {}
    for layer in model.layers:
        parents = [fields[name] for name in _parents(layer) if name in fields]
        fields[layer.name] = _step(layer, parents)
    return fields
