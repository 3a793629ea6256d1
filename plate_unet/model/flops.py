"""Forward FLOPs of a built model, counted from its layer shapes.

What is counted (per image, one forward pass):

* ``Conv2D`` (and ``DepthwiseConv2D``): every output pixel does
  ``kh * kw * C_in / groups`` multiply-adds per output channel;
* ``SeparableConv2D``: its depthwise part (``kh * kw`` multiply-adds per input
  channel and depth multiplier) plus its 1×1 pointwise part;
* ``Conv2DTranspose``: every *input* pixel scatters ``kh * kw * C_out``
  multiply-adds per input channel. That is the work a stride-2 transposed
  convolution really does (it is the gradient of a strided convolution), a quarter
  of what counting it on output pixels would give;
* ``Dense``: ``C_in * C_out`` multiply-adds per position.

A multiply-add counts as 2 FLOPs. Biases, activations, pooling, dropout,
concatenation and normalisation are not counted: together they add well under
1 % to a U-Net. With this rule the reference U-Net (1152×704×1, 16…512 filters) does
97.63 GFLOP per image; a training step costs about 3× that (forward, plus the
gradients with respect to inputs and to weights).
"""

from __future__ import annotations

import math

import keras
from keras import layers

from plate_unet.model.config import UNetConfig
from plate_unet.model.unet import build_unet


def _spatial(shape, layer: keras.layers.Layer) -> int:
    """Product of the spatial dimensions of a (N, H, W, C) shape; no ``None``."""
    dims = tuple(shape[1:-1])
    if any(d is None for d in dims):
        raise ValueError(
            f"layer {layer.name!r} has spatial shape {dims}: FLOPs need a model "
            "built with a fixed height and width (e.g. UNetConfig(384, 224))."
        )
    return math.prod(dims)


def layer_flops(layer: keras.layers.Layer) -> int:
    """Returns the forward FLOPs per image of one layer (0 for uncounted types).

    Args:
        layer: A layer of a built functional model (its input and output shapes
            must be known).

    Returns:
        Multiply-adds × 2 for one image, as described in the module docstring.

    Raises:
        ValueError: If a counted layer has an unknown (``None``) spatial size.

    Example:
        >>> import keras
        >>> from keras import layers
        >>> from plate_unet.model.flops import layer_flops
        >>> m = keras.Sequential([keras.Input((8, 8, 2)), layers.Conv2D(4, 3)])
        >>> layer_flops(m.layers[0])  # 6*6 pixels * 9*2 inputs * 4 outputs * 2
        5184
    """
    counted = (layers.SeparableConv2D, layers.Conv2DTranspose, layers.DepthwiseConv2D)
    if not isinstance(layer, counted + (layers.Conv2D, layers.Dense)):
        return 0
    in_shape = layer.input.shape
    out_shape = layer.output.shape
    # Order matters: SeparableConv2D, Conv2DTranspose and DepthwiseConv2D are not
    # subclasses of Conv2D in Keras 3, but check the specific ones first anyway.
    if isinstance(layer, layers.SeparableConv2D):
        k = math.prod(layer.kernel_size)
        c_in = in_shape[-1]
        mid = c_in * layer.depth_multiplier
        pixels = _spatial(out_shape, layer)
        return 2 * pixels * (k * mid + mid * out_shape[-1])
    if isinstance(layer, layers.Conv2DTranspose):
        k = math.prod(layer.kernel_size)
        return 2 * _spatial(in_shape, layer) * k * in_shape[-1] * out_shape[-1]
    if isinstance(layer, layers.DepthwiseConv2D):
        k = math.prod(layer.kernel_size)
        return 2 * _spatial(out_shape, layer) * k * out_shape[-1]
    if isinstance(layer, layers.Conv2D):
        k = math.prod(layer.kernel_size)
        groups = getattr(layer, "groups", 1) or 1
        per_out = k * in_shape[-1] // groups
        return 2 * _spatial(out_shape, layer) * per_out * out_shape[-1]
    if isinstance(layer, layers.Dense):
        positions = math.prod(d for d in out_shape[1:-1] if d is not None)
        return 2 * positions * in_shape[-1] * out_shape[-1]
    return 0


def flops_by_layer(model: keras.Model) -> list[tuple[str, str, int]]:
    """Returns ``(name, type, flops)`` for every counted layer of ``model``.

    Args:
        model: A built functional model with fixed input height and width.

    Returns:
        One row per layer with non-zero FLOPs, in model order.

    Raises:
        ValueError: If a counted layer has an unknown spatial size.

    Example:
        >>> from plate_unet.model import UNetConfig, build_unet, flops_by_layer
        >>> rows = flops_by_layer(build_unet(UNetConfig(64, 64)))
        >>> rows[0][:2]
        ('enc1_conv1', 'Conv2D')
    """
    rows = []
    for layer in model.layers:
        flops = layer_flops(layer)
        if flops:
            rows.append((layer.name, type(layer).__name__, flops))
    return rows


def forward_flops(model: keras.Model) -> int:
    """Returns the forward FLOPs per image of ``model`` (multiply-add = 2 FLOPs).

    Args:
        model: A built functional model with fixed input height and width.

    Returns:
        The sum of :func:`layer_flops` over the model's layers.

    Raises:
        ValueError: If a counted layer has an unknown spatial size.

    Example:
        >>> from plate_unet.model import build_unet, forward_flops
        >>> round(forward_flops(build_unet()) / 1e9, 2)
        97.63
    """
    return sum(flops for _, _, flops in flops_by_layer(model))


def config_flops(config: UNetConfig) -> int:
    """Builds the U-Net for ``config`` and returns its forward FLOPs per image.

    Args:
        config: A :class:`~plate_unet.model.config.UNetConfig` with fixed height
            and width.

    Returns:
        Forward FLOPs per image.

    Raises:
        ValueError: If the configuration has no fixed height or width.

    Example:
        >>> from plate_unet.model import UNetConfig, config_flops
        >>> round(config_flops(UNetConfig(384, 224, base_filters=8)) / 1e9, 2)
        2.6
    """
    if config.height is None or config.width is None:
        raise ValueError(
            f"config has height={config.height}, width={config.width}: FLOPs need a "
            "fixed input size."
        )
    return forward_flops(build_unet(config))
