"""The U-Net's configuration: a frozen dataclass whose defaults are the reference's.

Kept apart from :mod:`plate_unet.model.unet` so that presets, the CLI and the
analysis code can name a configuration without importing Keras.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UNetConfig:
    """Hyper-parameters of the U-Net; the defaults are the reference project's.

    Attributes:
        height: Input height in pixels, or ``None`` for any size at inference.
        width: Input width in pixels, or ``None``.
        channels: 1 (grey, the reference) or 3 (RGB).
        base_filters: Filters on the first level; each deeper level doubles them.
        depth: Number of encoder levels (the reference has 6: 16 … 512 filters).
        dropout_step: Dropout rate per level: level ``l`` drops ``dropout_step * l``.
        kernel_size: Size of every convolution kernel.
        separable: Use depthwise-separable convolutions (the slim variant).
        batch_norm: Put BatchNormalization between each block convolution and
            its ReLU (conv without bias → BN → ReLU). Off in the reference; it lets
            the small CPU model train at a higher learning rate.
        group_norm: Put GroupNormalization with this many groups (at most one
            per filter) where ``batch_norm`` puts BatchNormalization; ``None``:
            off. Its statistics come from each image alone, in training and in
            prediction alike, so a real photo is normalised by its own pixels,
            not by the synthetic scenes' averages that batch normalisation
            keeps. Use one or the other, not both.
        name: Name of the Keras model.

    Raises:
        ValueError: If a value is outside its valid range.

    Example:
        >>> from plate_unet.model import UNetConfig
        >>> UNetConfig(height=256, width=256, base_filters=8).max_filters
        256
    """

    height: int | None = 1152
    width: int | None = 704
    channels: int = 1
    base_filters: int = 16
    depth: int = 6
    dropout_step: float = 0.1
    kernel_size: int = 3
    separable: bool = False
    batch_norm: bool = False
    group_norm: int | None = None
    name: str = "unet"

    def __post_init__(self) -> None:
        if not isinstance(self.depth, int) or self.depth < 2:
            raise ValueError(f"depth={self.depth!r} is invalid: use an integer >= 2.")
        if not isinstance(self.base_filters, int) or self.base_filters < 1:
            raise ValueError(
                f"base_filters={self.base_filters!r} is invalid: use an integer >= 1."
            )
        if self.channels not in (1, 3):
            raise ValueError(
                f"channels={self.channels!r} is invalid: use 1 (grey) or 3 (RGB)."
            )
        if not isinstance(self.kernel_size, int) or self.kernel_size < 1:
            raise ValueError(
                f"kernel_size={self.kernel_size!r} is invalid: use an odd integer >= 1."
            )
        if self.group_norm is not None:
            if not isinstance(self.group_norm, int) or self.group_norm < 1:
                raise ValueError(
                    f"group_norm={self.group_norm!r} is invalid: use an integer >= 1 "
                    "(groups per layer) or None."
                )
            for level in range(self.depth):
                filters = self.base_filters * 2**level
                if filters % min(self.group_norm, filters):
                    raise ValueError(
                        f"group_norm={self.group_norm} does not divide the "
                        f"{filters} filters of level {level + 1}: use a divisor "
                        f"of base_filters={self.base_filters} or a power of two."
                    )
            if self.batch_norm:
                raise ValueError(
                    "batch_norm=True and group_norm="
                    f"{self.group_norm} ask for two normalisations after each "
                    "convolution: use one of them."
                )
        top = self.dropout_step * self.depth
        if not (0.0 <= self.dropout_step and top < 1.0):
            raise ValueError(
                f"dropout_step={self.dropout_step!r} gives dropout rates up to "
                f"{top:g} at depth {self.depth}: every rate must lie in [0, 1), so "
                f"use 0 <= dropout_step < {1.0 / self.depth:.4g}."
            )
        for axis in ("height", "width"):
            size = getattr(self, axis)
            if size is None:
                continue
            if not isinstance(size, int) or size < 1:
                raise ValueError(f"{axis}={size!r} is invalid: use a positive integer.")
            if size % self.multiple:
                below, above = nearest_valid_sizes(size, self.depth)
                raise ValueError(
                    f"{axis}={size} is not divisible by 2**(depth-1) = {self.multiple} "
                    f"(depth={self.depth}); the nearest valid sizes are {below} and "
                    f"{above}."
                )

    @property
    def normalised(self) -> bool:
        """Whether each block convolution is followed by a normalisation."""
        return self.batch_norm or self.group_norm is not None

    @property
    def multiple(self) -> int:
        """Input sizes must be multiples of this: ``2 ** (depth - 1)``."""
        return 2 ** (self.depth - 1)

    @property
    def max_filters(self) -> int:
        """Filters on the deepest level."""
        return self.base_filters * 2 ** (self.depth - 1)

    def replace(self, **changes: Any) -> UNetConfig:
        """Returns a copy with some fields changed (and validated)."""
        return dataclasses.replace(self, **changes)


REFERENCE_CONFIG = UNetConfig()


def nearest_valid_sizes(size: int, depth: int = 6) -> tuple[int, int]:
    """Returns the valid input sizes just below and just above ``size``.

    Args:
        size: A height or width in pixels.
        depth: Number of encoder levels; sizes must be multiples of 2**(depth-1).

    Returns:
        ``(below, above)``; ``below`` is at least one multiple.

    Example:
        >>> from plate_unet.model import nearest_valid_sizes
        >>> nearest_valid_sizes(720)
        (704, 736)
    """
    m = 2 ** (depth - 1)
    below = (size // m) * m
    above = below + m if size % m else size
    return max(below, m), above
