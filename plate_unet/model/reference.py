"""The reference project's Keras summary table, parsed, and a row-by-row comparison.

The reference printed its U-Net with Keras 2's ``model.summary()``; a copy of that table
ships with the package (``plate_unet/model/assets/reference_unet_summary.txt``).
Keras 2 cut type names at 11 characters and shapes at 20 (``(None, 1152, 704, 16``
lost its ``)``), so a match compares only what the reference printed.

Our layers have predictable names (``enc1_conv1`` …, see
:mod:`plate_unet.model.unet`) and come in the reference's order, so
:func:`unet_layer_names` pairs each of ours with a reference row without building a
model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

REFERENCE_TOTAL_PARAMS = 8_648_401
_ROW = re.compile(r"^(\w+) \((\w+)\)?\s+(\(None[^)]*\)?)\s+(\d+)")


@dataclass(frozen=True)
class ReferenceRow:
    """One layer of the reference's summary, as printed.

    Attributes:
        name: The reference's layer name, e.g. ``"conv2d_1"``.
        kind: The layer type, cut at 11 characters (``"Conv2DTrans"``).
        shape: The output shape text, cut at 20 characters.
        params: The parameter count.
    """

    name: str
    kind: str
    shape: str
    params: int

    def matches(self, kind: str, shape: tuple, params: int) -> bool:
        """Whether a layer of type ``kind``, output ``shape`` and ``params`` fits.

        Args:
            kind: Our layer's class name, e.g. ``"Conv2DTranspose"``.
            shape: Our output shape, e.g. ``(None, 1152, 704, 16)``.
            params: Our parameter count.

        Returns:
            True when type, the printed part of the shape and the count agree.

        Example:
            >>> from plate_unet.model import reference_summary_rows
            >>> row = reference_summary_rows()[1]
            >>> row.matches("Conv2D", (None, 1152, 704, 16), 160)
            True
        """
        ours = str(tuple(shape))
        same_shape = ours == self.shape or (
            len(self.shape) == 20 and ours.startswith(self.shape)
        )
        return kind.startswith(self.kind) and same_shape and params == self.params


@cache
def reference_summary_rows() -> tuple[ReferenceRow, ...]:
    """Parses the reference's summary table shipped in ``plate_unet/model/assets``.

    Returns:
        The reference's 50 layers in order, input first.

    Raises:
        ValueError: If the asset does not parse to 50 layers summing to 8,648,401.

    Example:
        >>> from plate_unet.model import reference_summary_rows
        >>> rows = reference_summary_rows()
        >>> len(rows), sum(r.params for r in rows)
        (50, 8648401)
    """
    path = resources.files("plate_unet.model") / "assets" / "reference_unet_summary.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line.lstrip("#"))
        if m:
            rows.append(ReferenceRow(m[1], m[2], m[3].strip(), int(m[4])))
    total = sum(r.params for r in rows)
    if len(rows) != 50 or total != REFERENCE_TOTAL_PARAMS:
        raise ValueError(
            f"{path} parsed to {len(rows)} layers and {total:,} parameters; "
            f"expected 50 layers and {REFERENCE_TOTAL_PARAMS:,}."
        )
    return tuple(rows)


def unet_layer_names(depth: int = 6) -> list[str]:
    """Our layer names in the order :func:`~plate_unet.model.unet.build_unet` builds.

    Args:
        depth: Number of encoder levels, >= 2.

    Returns:
        ``["image", "enc1_conv1", …, "dec1_conv2", "output"]``.

    Raises:
        ValueError: If ``depth`` is below 2.

    Example:
        >>> from plate_unet.model.reference import unet_layer_names
        >>> unet_layer_names(2)[:5]
        ['image', 'enc1_conv1', 'enc1_drop', 'enc1_conv2', 'enc1_pool']
    """
    if depth < 2:
        raise ValueError(f"depth={depth!r} is invalid: use an integer >= 2.")
    names = ["image"]
    for level in range(1, depth + 1):
        names += [f"enc{level}_{p}" for p in ("conv1", "drop", "conv2")]
        if level < depth:
            names.append(f"enc{level}_pool")
    for level in range(depth - 1, 0, -1):
        names += [f"dec{level}_{p}" for p in ("up", "concat", "conv1", "drop", "conv2")]
    return [*names, "output"]


def reference_row_for(name: str) -> ReferenceRow:
    """The reference's row for our layer ``name`` (seed configuration, depth 6).

    Args:
        name: One of our layer names, e.g. ``"enc3_pool"``.

    Returns:
        The matching :class:`ReferenceRow`.

    Raises:
        ValueError: If ``name`` is not a layer of the reference's U-Net.

    Example:
        >>> from plate_unet.model.reference import reference_row_for
        >>> reference_row_for("dec5_up").name
        'conv2d_transpose_1'
    """
    names = unet_layer_names(6)
    if name not in names:
        raise ValueError(
            f"{name!r} is not a layer of the reference's U-Net; valid names are "
            f"{names[0]}, {names[1]}, …, {names[-1]} (see unet_layer_names())."
        )
    return reference_summary_rows()[names.index(name)]


def _layer_facts(layer) -> tuple[str, str, tuple, int]:
    shape = tuple(layer.output.shape)
    return layer.name, type(layer).__name__, shape, layer.count_params()


def compare_layer(layer: keras.layers.Layer) -> str:
    """One line: our layer's type, shape and parameters beside the reference's row.

    Args:
        layer: A built Keras layer named as in :mod:`plate_unet.model.unet`.

    Returns:
        A fixed-width line ending in ``same`` or ``DIFFERENT``.

    Raises:
        ValueError: If the layer's name has no reference row.

    Example:
        >>> from plate_unet.model import build_unet
        >>> from plate_unet.model.reference import compare_layer
        >>> print(compare_layer(build_unet().get_layer("enc1_conv1")))
        enc1_conv1   Conv2D  (None, 1152, 704, 16)  160 | conv2d_1 ... 160  same
    """
    name, kind, shape, params = _layer_facts(layer)
    row = reference_row_for(name)
    verdict = "same" if row.matches(kind, shape, params) else "DIFFERENT"
    ours = f"{name:<13}{kind:<16}{str(shape):<23}{params:>9,}"
    theirs = f"{row.name:<19}{row.shape:<21}{row.params:>9,}"
    return f"{ours} | {theirs}  {verdict}"


def compare_model(model: keras.Model) -> str:
    """The whole table: every layer of ``model`` beside the reference's, and the totals.

    Args:
        model: A U-Net built with the reference's configuration.

    Returns:
        A multi-line string: a header, one :func:`compare_layer` line per layer,
        and the two parameter totals.

    Raises:
        ValueError: If a layer has no reference row.

    Example:
        >>> from plate_unet.model import build_unet, compare_model
        >>> print(compare_model(build_unet()).splitlines()[-1])
        total        8,648,401 parameters | reference  8,648,401 parameters  same
    """
    header = (
        f"{'ours':<13}{'type':<16}{'output shape':<23}{'params':>9} | "
        f"{'reference':<19}{'output shape':<21}{'params':>9}"
    )
    lines = [header, "-" * len(header)]
    lines += [compare_layer(layer) for layer in model.layers]
    ours, ref = model.count_params(), REFERENCE_TOTAL_PARAMS
    verdict = "same" if ours == ref else "DIFFERENT"
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<13}{ours:,} parameters | reference  {ref:,} parameters  {verdict}"
    )
    return "\n".join(lines)
