"""The U-Net as a functional Keras model, built from a :class:`UNetConfig`.

With its defaults, :func:`build_unet` reproduces the reference project's U-Net layer for
layer (1152×704×1 input, 6 levels of 16…512 filters, 8,648,401 parameters). Every
layer has a predictable name, so a notebook or a test can point at it:

* encoder level ``l`` (1 = full resolution): ``enc{l}_conv1``, ``enc{l}_drop``,
  ``enc{l}_conv2`` and, except on the deepest level, ``enc{l}_pool``;
  with ``batch_norm=True`` each ``_conv{i}`` is linear and followed by
  ``_bn{i}`` (BatchNormalization) and ``_relu{i}`` (the same in the decoder);
  with ``group_norm=G`` by ``_gn{i}`` (GroupNormalization) and ``_relu{i}``;
* decoder level ``l`` (the encoder level it joins, deepest first):
  ``dec{l}_up``, ``dec{l}_concat``, ``dec{l}_conv1``, ``dec{l}_drop``,
  ``dec{l}_conv2``;
* the head: ``output`` (a 3×3 transposed convolution to one sigmoid channel).
"""

from __future__ import annotations

import keras
from keras import layers

from plate_unet.model.config import REFERENCE_CONFIG, UNetConfig


def _conv(config: UNetConfig, filters: int, name: str) -> layers.Layer:
    """One 3×3 'same' convolution, he_normal, plain or separable.

    ReLU is built in, except with a normalisation (``config.batch_norm`` or
    ``config.group_norm``): then it is linear and has no bias, and
    :func:`_conv_bn_relu` adds the normalisation and ReLU after it.
    """
    activation = None if config.normalised else "relu"
    use_bias = not config.normalised
    if config.separable:
        return layers.SeparableConv2D(
            filters,
            config.kernel_size,
            padding="same",
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer="he_normal",
            pointwise_initializer="he_normal",
            name=name,
        )
    return layers.Conv2D(
        filters,
        config.kernel_size,
        padding="same",
        activation=activation,
        use_bias=use_bias,
        kernel_initializer="he_normal",
        name=name,
    )


def _conv_bn_relu(x, config: UNetConfig, filters: int, prefix: str, i: int):
    """``{prefix}_conv{i}``, then ``_bn{i}`` or ``_gn{i}``, and ``_relu{i}``."""
    x = _conv(config, filters, f"{prefix}_conv{i}")(x)
    if not config.normalised:
        return x
    if config.group_norm is not None:
        groups = min(config.group_norm, filters)
        x = layers.GroupNormalization(groups, name=f"{prefix}_gn{i}")(x)
    else:
        # momentum 0.9, not Keras' 0.99: a CPU run has only ~500 steps, and
        # with 0.99 the moving statistics lagged so far behind that validation
        # IoU stayed near 0 for 3 epochs while training IoU reached 0.68.
        x = layers.BatchNormalization(momentum=0.9, name=f"{prefix}_bn{i}")(x)
    return layers.ReLU(name=f"{prefix}_relu{i}")(x)


def conv_block(
    x: keras.KerasTensor, filters: int, rate: float, prefix: str, config: UNetConfig
) -> keras.KerasTensor:
    """Conv → Dropout → Conv, the unit of every U-Net level.

    With ``config.batch_norm`` each conv is followed by BatchNormalization and
    ReLU (``{prefix}_bn1``, ``{prefix}_relu1``, ...).

    Args:
        x: Input tensor (N, H, W, C).
        filters: Output channels of both convolutions.
        rate: Dropout rate between them.
        prefix: Layer-name prefix, e.g. ``"enc3"``.
        config: The model configuration (kernel size, separable).

    Returns:
        The output tensor (N, H, W, filters).

    Example:
        >>> import keras
        >>> from plate_unet.model import UNetConfig, conv_block
        >>> x = keras.Input((64, 64, 1))
        >>> conv_block(x, 16, 0.1, "enc1", UNetConfig(64, 64)).shape
        (None, 64, 64, 16)
    """
    x = _conv_bn_relu(x, config, filters, prefix, 1)
    x = layers.Dropout(rate, name=f"{prefix}_drop")(x)
    return _conv_bn_relu(x, config, filters, prefix, 2)


def encoder_block(
    x: keras.KerasTensor, level: int, config: UNetConfig
) -> tuple[keras.KerasTensor, keras.KerasTensor]:
    """Encoder level ``level`` (1-based): a conv block, then 2×2 max pooling.

    Args:
        x: Input tensor.
        level: 1 for full resolution … ``config.depth`` for the bottleneck.
        config: The model configuration.

    Returns:
        ``(skip, pooled)``: the block's output (kept for the skip connection) and
        its 2×2 max-pooled version (``None`` on the deepest level).

    Example:
        >>> import keras
        >>> from plate_unet.model import UNetConfig, encoder_block
        >>> skip, down = encoder_block(keras.Input((64, 64, 1)), 1, UNetConfig(64, 64))
        >>> skip.shape, down.shape
        ((None, 64, 64, 16), (None, 32, 32, 16))
    """
    filters = config.base_filters * 2 ** (level - 1)
    skip = conv_block(x, filters, config.dropout_step * level, f"enc{level}", config)
    if level == config.depth:
        return skip, None
    pooled = layers.MaxPooling2D(2, name=f"enc{level}_pool")(skip)
    return skip, pooled


def decoder_block(
    x: keras.KerasTensor, skip: keras.KerasTensor, level: int, config: UNetConfig
) -> keras.KerasTensor:
    """Decoder level ``level``: up-sample ×2, join the skip, then a conv block.

    Args:
        x: Tensor from the level below.
        skip: The encoder output of the same level.
        level: The encoder level joined (``depth - 1`` down to 1).
        config: The model configuration.

    Returns:
        The block's output, at the skip's resolution.

    Example:
        >>> import keras
        >>> from plate_unet.model import UNetConfig, decoder_block
        >>> x, skip = keras.Input((32, 32, 32)), keras.Input((64, 64, 16))
        >>> decoder_block(x, skip, 1, UNetConfig(64, 64)).shape
        (None, 64, 64, 16)
    """
    filters = config.base_filters * 2 ** (level - 1)
    x = layers.Conv2DTranspose(
        filters,
        config.kernel_size,
        strides=2,
        padding="same",
        activation="relu",
        kernel_initializer="he_normal",
        name=f"dec{level}_up",
    )(x)
    x = layers.Concatenate(name=f"dec{level}_concat")([x, skip])
    return conv_block(x, filters, config.dropout_step * level, f"dec{level}", config)


def build_unet(config: UNetConfig | None = None) -> keras.Model:
    """Builds the U-Net described by ``config`` (the reference's model by default).

    The output layer always computes in float32, so the model is safe to train
    under a ``mixed_float16`` policy.

    Args:
        config: A :class:`UNetConfig`; ``None`` means the reference's configuration.

    Returns:
        A functional ``keras.Model`` mapping (N, H, W, C) images in [0, 1] to
        (N, H, W, 1) plate probabilities.

    Raises:
        ValueError: If ``config`` is not a :class:`UNetConfig`.

    Example:
        >>> from plate_unet.model import build_unet
        >>> build_unet().count_params()
        8648401
    """
    config = REFERENCE_CONFIG if config is None else config
    if not isinstance(config, UNetConfig):
        raise ValueError(f"config must be a UNetConfig, got {type(config).__name__}.")
    inputs = keras.Input((config.height, config.width, config.channels), name="image")
    skips = []
    x = inputs
    for level in range(1, config.depth + 1):
        skip, pooled = encoder_block(x, level, config)
        skips.append(skip)
        x = pooled if pooled is not None else skip
    for level in range(config.depth - 1, 0, -1):
        x = decoder_block(x, skips[level - 1], level, config)
    outputs = layers.Conv2DTranspose(
        1,
        config.kernel_size,
        padding="same",
        activation="sigmoid",
        kernel_initializer="glorot_normal",
        dtype="float32",
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name=config.name)
