"""The feature-map explorer of notebook 06: pick a U-Net level and a channel, see
its activation beside the model input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import ipywidgets as widgets
import numpy as np

from plate_unet.data.drawing import png_bytes, to_rgb8

if TYPE_CHECKING:
    import keras

# --- feature-map explorer -----------------------------------------------------------

#: The U-Net levels worth looking at: the last convolution of each block.
FEATURE_LAYER_PATTERN = r"(enc|dec)\d+_conv2"


def feature_layers(
    model: keras.Model, pattern: str = FEATURE_LAYER_PATTERN
) -> list[str]:
    """Names of the layers that output each U-Net block, in model order.

    A block ends with its second convolution ``enc3_conv2``; with batch norm that
    convolution is linear and the block's output is ``enc3_relu2``, which is
    returned instead.

    Args:
        model: A plate-unet Keras model.
        pattern: A regular expression the whole convolution name must match.

    Returns:
        E.g. ``["enc1_conv2", …, "enc5_conv2", "dec4_conv2", …, "dec1_conv2"]``.

    Raises:
        ValueError: If no layer matches.

    Example:
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import feature_layers
        >>> feature_layers(build_unet(UNetConfig(64, 40, depth=3)))[:2]
        ['enc1_conv2', 'enc2_conv2']
    """
    import re

    known = {layer.name for layer in model.layers}
    names = []
    for layer in model.layers:
        if re.fullmatch(pattern, layer.name):
            relu = layer.name.replace("_conv2", "_relu2")
            names.append(relu if relu in known else layer.name)
    if not names:
        raise ValueError(f"no layer of {model.name!r} matches {pattern!r}.")
    return names


def feature_maps(
    model: keras.Model, x: np.ndarray, layers: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """Runs one input through the model and keeps the named layers' outputs.

    Args:
        model: A plate-unet Keras model.
        x: One model input ``(H, W, C)`` float32 in [0, 1] (see
            :func:`plate_unet.inference.image.prepare_input`).
        layers: Layer names; ``None``: :func:`feature_layers`.

    Returns:
        ``{layer name: float32 (h, w, channels)}`` in the order of ``layers``.

    Raises:
        ValueError: If a name is not a layer of the model.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import prepare_input
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import feature_maps
        >>> image, plates = generate_scene(1, 290, 180)
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> x, _ = prepare_input(model, image)
        >>> maps = feature_maps(model, x, ["enc1_conv2", "enc3_conv2"])
        >>> {name: a.shape for name, a in maps.items()}
        {'enc1_conv2': (64, 64, 2), 'enc3_conv2': (16, 16, 8)}
    """
    import keras

    from plate_unet.inference.image import any_size_model

    x = np.asarray(x, np.float32)
    if tuple(model.input_shape[1:3]) != x.shape[:2]:
        model = any_size_model(model)  # e.g. a landscape photo turned to 160×256 (H×W)
    layers = list(layers) if layers is not None else feature_layers(model)
    known = {layer.name for layer in model.layers}
    for name in layers:
        if name not in known:
            raise ValueError(f"{name!r} is not a layer of {model.name!r}.")
    probe = keras.Model(model.input, [model.get_layer(n).output for n in layers])
    outputs = probe(x[None], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {
        n: np.asarray(o, np.float32)[0] for n, o in zip(layers, outputs, strict=True)
    }


def render_feature_map(
    image: np.ndarray, maps: dict, layer: str, channel: int
) -> tuple[np.ndarray, str]:
    """Draws one channel of one layer's activation beside the model input.

    The input stays grey. The activation is scaled to its own min..max, coloured
    with viridis and enlarged (nearest neighbour, so you see its real resolution)
    to the input size; a colour bar on the right gives its range.

    Args:
        image: The model input ``(H, W)`` or ``(H, W, C)``, uint8 or float in [0, 1].
        maps: ``{layer: (h, w, channels)}`` from :func:`feature_maps`.
        layer: A key of ``maps``.
        channel: Channel index, ``0 <= channel < channels``.

    Returns:
        ``(panel, text)``: uint8 RGB ``(H, 2 W + 8 + BAR_WIDTH, 3)`` and a
        one-line summary (layer, size, channel, value range).

    Raises:
        ValueError: On an unknown layer or a channel out of range.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import prepare_input
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import feature_maps, render_feature_map
        >>> image, plates = generate_scene(1, 290, 180)
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> x, _ = prepare_input(model, image)
        >>> maps = feature_maps(model, x, ["enc3_conv2"])
        >>> panel, text = render_feature_map(x, maps, "enc3_conv2", 0)
        >>> panel.shape, panel.dtype  # input, gap, activation, colour bar
        ((64, 192, 3), dtype('uint8'))
        >>> text
        'enc3_conv2: 16×16×8 (H×W×C), channel 0: ... to ..., ...% active'
    """
    if layer not in maps:
        raise ValueError(f"layer {layer!r} is unknown: choose one of {list(maps)}.")
    act = maps[layer]
    if not 0 <= int(channel) < act.shape[-1]:
        raise ValueError(
            f"channel={channel} is out of range: {layer} has channels 0 to "
            f"{act.shape[-1] - 1}."
        )
    plane = act[..., int(channel)]
    lo, hi = float(plane.min()), float(plane.max())
    grey = ((plane - lo) / (hi - lo) * 255 if hi > lo else plane * 0).astype(np.uint8)
    base = to_rgb8(image)
    height, width = base.shape[:2]
    grey = cv2.resize(grey, (width, height), interpolation=cv2.INTER_NEAREST)
    colour = cv2.cvtColor(
        cv2.applyColorMap(grey, cv2.COLORMAP_VIRIDIS), cv2.COLOR_BGR2RGB
    )
    gap = np.full((height, 8, 3), 255, np.uint8)
    text = (
        f"{layer}: {act.shape[0]}×{act.shape[1]}×{act.shape[2]} (H×W×C), "
        f"channel {channel}: {lo:.3g} to {hi:.3g}, {np.mean(plane > 0):.0%} active"
    )
    bar = colour_bar(height, lo, hi)
    return np.concatenate([base, gap, colour, bar], axis=1), text


#: Width in pixels of :func:`colour_bar`: a gap, the colour strip, its labels.
BAR_WIDTH = 56


def colour_bar(height: int, lo: float, hi: float) -> np.ndarray:
    """A vertical viridis scale from ``hi`` (top) to ``lo`` (bottom), labelled.

    Args:
        height: Height in pixels (at least 24).
        lo: The value shown by the darkest colour.
        hi: The value shown by the brightest colour.

    Returns:
        uint8 RGB ``(height, BAR_WIDTH, 3)`` on white.

    Example:
        >>> from plate_unet.viz.widgets import colour_bar
        >>> bar = colour_bar(64, 0.0, 2.5)
        >>> bar.shape, bar[0, 6].tolist(), bar[-1, 6].tolist()  # yellow top, purple
        ((64, 56, 3), [253, 231, 37], [68, 1, 84])
    """
    ramp = np.linspace(255, 0, height).astype(np.uint8)[:, None].repeat(12, axis=1)
    strip = cv2.applyColorMap(ramp, cv2.COLORMAP_VIRIDIS)
    bar = np.full((height, BAR_WIDTH, 3), 255, np.uint8)
    bar[:, 2:14] = cv2.cvtColor(strip, cv2.COLOR_BGR2RGB)
    black, font = (0, 0, 0), cv2.FONT_HERSHEY_SIMPLEX
    for value, y in ((hi, 9), (lo, height - 3)):
        cv2.putText(bar, f"{value:.2g}", (16, y), font, 0.3, black, 1, cv2.LINE_AA)
    return bar


class FeatureMapExplorer(widgets.VBox):
    """Pick a U-Net level and a channel, see its activation beside the input.

    Args:
        model: A plate-unet Keras model.
        x: One model input ``(H, W, C)`` float32 in [0, 1].
        layers: Layer names to offer; ``None``: :func:`feature_layers`.
        width: Display width of the panel in pixels.

    Attributes:
        layer: ``Dropdown`` "Layer" (e.g. ``enc3_conv2``).
        channel: ``IntSlider`` "Channel"; its maximum follows the layer.
        picture: ``Image`` with :func:`render_feature_map`'s panel.
        info: ``HTML`` line: size, channel and value range.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import prepare_input
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import FeatureMapExplorer
        >>> image, plates = generate_scene(1, 290, 180)
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> x, _ = prepare_input(model, image)
        >>> app = FeatureMapExplorer(model, x)
        >>> app
        FeatureMapExplorer(layer='enc1_conv2', channel=0)
        >>> app.layer.value = "dec2_conv2"  # the picture and the channel range follow
        >>> app.channel.max, app.info.value
        (3, 'dec2_conv2: 32×32×4 (H×W×C), channel 0: ... to ..., ...% active')
    """

    def __init__(
        self,
        model: keras.Model,
        x: np.ndarray,
        layers: Sequence[str] | None = None,
        width: int = 420,
    ) -> None:
        self.x = np.asarray(x, np.float32)
        self.maps = feature_maps(model, self.x, layers)
        names = list(self.maps)
        self.layer = widgets.Dropdown(
            options=names, value=names[0], description="Layer"
        )
        self.channel = widgets.IntSlider(0, min=0, max=1, description="Channel")
        self.picture = widgets.Image(format="png", width=width)
        self.info = widgets.HTML()
        self.layer.observe(self._layer_changed, names="value")
        self.channel.observe(self.update, names="value")
        controls = widgets.HBox([self.layer, self.channel])
        super().__init__([controls, self.info, self.picture])
        self._layer_changed()

    def _layer_changed(self, _change=None) -> None:
        last = self.maps[self.layer.value].shape[-1] - 1
        self.channel.unobserve(self.update, names="value")
        self.channel.max = last
        self.channel.value = min(self.channel.value, last)
        self.channel.observe(self.update, names="value")
        self.update()

    def update(self, _change: dict | None = None) -> None:
        """Redraws the panel from the layer and channel controls."""
        panel, text = render_feature_map(
            self.x, self.maps, self.layer.value, self.channel.value
        )
        self.picture.value = png_bytes(panel)
        self.info.value = text

    def __repr__(self) -> str:  # short and stable: notebooks show it as text
        return (
            f"FeatureMapExplorer(layer={self.layer.value!r}, "
            f"channel={self.channel.value})"
        )
