"""The corner reader of notebook 08: move a plate's corners, watch the crop and
its reading change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import cv2
import ipywidgets as widgets
import numpy as np

from plate_unet.colours import PREDICTED
from plate_unet.data.drawing import png_bytes, to_rgb8
from plate_unet.data.records import CORNER_ORDER

if TYPE_CHECKING:
    import keras

    from plate_unet.inference.reading import Reading


def moved_quad(
    quad: np.ndarray, offsets: Mapping[str, tuple[float, float]]
) -> np.ndarray:
    """``quad`` (TL, TR, BR, BL) with some corners moved by ``(dx, dy)`` pixels.

    Example:
        >>> from plate_unet.viz.widgets.reading import moved_quad
        >>> quad = np.float32([[0, 0], [40, 0], [40, 10], [0, 10]])
        >>> moved_quad(quad, {"BR": (3, -2)})[2].tolist()
        [43.0, 8.0]
    """
    out = np.asarray(quad, np.float32).copy()
    for name, (dx, dy) in offsets.items():
        out[CORNER_ORDER.index(name)] += (dx, dy)
    return out


def render_reading(
    reader: keras.Model,
    image: np.ndarray,
    quad: np.ndarray,
    margin: float = 0.6,
    scale: int = 3,
) -> tuple[np.ndarray, Reading]:
    """Reads the plate at ``quad`` and draws what the reader saw.

    The panel shows the photo around the plate with ``quad`` outlined in orange
    (the model's colour), and under it the flat crop the reader read (at the
    plate's aspect, ``scale`` times the reader's width).

    Returns:
        ``(panel, reading)``: uint8 RGB panel and the
        :class:`~plate_unet.inference.reading.Reading`.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> from plate_unet.viz.widgets.reading import render_reading
        >>> image, plates = generate_scene(1, 290, 180)
        >>> reader = build_reader(ReaderConfig(filters=(4, 8), hidden=8))
        >>> panel, reading = render_reading(reader, image, plates[0])
        >>> panel.dtype, panel.shape[1] == 128 * 3, isinstance(reading.text, str)
        (dtype('uint8'), True, True)
    """
    from plate_unet.inference.reading import plate_crop, read_crops

    quad = np.asarray(quad, np.float32)
    crop = plate_crop(reader, image, quad)
    (reading,) = read_crops(reader, [crop])
    w = int(reader.input_shape[2]) * scale  # the crop as wide as the reader's, × scale
    tall = max(1, round(crop.shape[0] * w / crop.shape[1]))
    big = cv2.resize(crop, (w, tall), interpolation=cv2.INTER_NEAREST)
    big = cv2.cvtColor(big, cv2.COLOR_GRAY2RGB)
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    pad = margin * max(x1 - x0, y1 - y0)
    h_img, w_img = np.shape(image)[:2]
    left, top = int(max(0, x0 - pad)), int(max(0, y0 - pad))
    right, bottom = int(min(w_img, x1 + pad)), int(min(h_img, y1 + pad))
    view = to_rgb8(
        np.asarray(image)[top : max(bottom, top + 1), left : max(right, left + 1)]
    )
    shown = np.round((quad - (left, top)) * 16).astype(np.int32)
    view = np.ascontiguousarray(view)
    cv2.polylines(view, [shown], True, PREDICTED, 1, cv2.LINE_AA, shift=4)
    view = cv2.resize(view, (w, max(1, round(view.shape[0] * w / view.shape[1]))))
    gap = np.full((6, w, 3), 255, np.uint8)
    return np.concatenate([view, gap, big]), reading


class CornerReader(widgets.VBox):
    """Move one corner of a plate at a time and watch the reading change.

    Attributes:
        corner: ``ToggleButtons`` "Corner" (TL, TR, BR, BL).
        dx, dy: ``IntSlider`` "Δx", "Δy": that corner's offset in photo pixels.
        reset: ``Button`` "Reset" (every corner back where it was).
        image: ``Image``: the photo around the plate, then the crop read.
        info: ``HTML`` line with the text read and its confidence.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> from plate_unet.viz.widgets import CornerReader
        >>> image, plates = generate_scene(1, 290, 180)
        >>> reader = build_reader(ReaderConfig(filters=(4, 8), hidden=8))
        >>> app = CornerReader(reader, image, plates[0])
        >>> app.dx.value = 6  # moves TL 6 pixels right and reads again
        >>> app
        CornerReader(offsets={'TL': (6, 0)})
    """

    def __init__(
        self, reader: keras.Model, image: np.ndarray, quad: np.ndarray, reach: int = 20
    ) -> None:
        self.reader, self.photo = reader, np.asarray(image)
        self.quad = np.asarray(quad, np.float32)
        self.offsets: dict[str, tuple[int, int]] = {}
        self.corner = widgets.ToggleButtons(
            options=list(CORNER_ORDER), value="TL", description="Corner"
        )
        self.dx = widgets.IntSlider(0, -reach, reach, description="Δx")
        self.dy = widgets.IntSlider(0, -reach, reach, description="Δy")
        self.reset = widgets.Button(description="Reset")
        self.image = widgets.Image(format="png", width=384)
        self.info = widgets.HTML()
        self.corner.observe(self._pick, names="value")
        for slider in (self.dx, self.dy):
            slider.observe(self._move, names="value")
        self.reset.on_click(self._reset)
        controls = widgets.HBox([self.corner, self.reset])
        super().__init__(
            [controls, widgets.HBox([self.dx, self.dy]), self.info, self.image]
        )
        self.update()

    def _pick(self, _change=None) -> None:
        dx, dy = self.offsets.get(self.corner.value, (0, 0))
        with self.hold_trait_notifications():
            self.dx.unobserve(self._move, names="value")
            self.dy.unobserve(self._move, names="value")
            self.dx.value, self.dy.value = dx, dy
            self.dx.observe(self._move, names="value")
            self.dy.observe(self._move, names="value")

    def _move(self, _change=None) -> None:
        self.offsets[self.corner.value] = (self.dx.value, self.dy.value)
        self.offsets = {k: v for k, v in self.offsets.items() if v != (0, 0)}
        self.update()

    def _reset(self, _button=None) -> None:
        self.offsets = {}
        self._pick()
        self.update()

    def update(self) -> None:
        """Reads the plate at the moved corners and redraws."""
        quad = moved_quad(self.quad, self.offsets)
        panel, reading = render_reading(self.reader, self.photo, quad)
        self.image.value = png_bytes(panel)
        text = reading.text or "(nothing)"
        why = f" ({reading.reason})" if reading.reason else ""
        self.info.value = f"read <b>{text}</b>, confidence {reading.score:.2f}{why}"

    def __repr__(self) -> str:  # short and stable: notebooks show it as text
        return f"CornerReader(offsets={self.offsets})"
