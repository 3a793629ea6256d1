"""A widget's picture as an array: the static copy a notebook stores under it.

A widget's state lives in the kernel, so a notebook read on a website or
before it runs shows no picture where a widget was. :func:`snapshot` returns
what the widget shows now (its first :class:`ipywidgets.Image`, decoded) and
its text lines, so that a cell under the widget can draw them as an ordinary
figure, which the notebook keeps.
"""

from __future__ import annotations

import re

import cv2
import ipywidgets as widgets
import numpy as np


def _walk(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def snapshot(widget: widgets.Widget) -> tuple[np.ndarray, str]:
    """The widget's current picture and its text lines, tags removed.

    Args:
        widget: A widget of this package (or any box holding an ``Image``).

    Returns:
        ``(rgb, text)``: the first ``Image`` child as uint8 ``(H, W, 3)``, and
        the text of its ``HTML`` children joined by "; ".

    Raises:
        ValueError: If the widget holds no picture.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import AugmentationPlayground, snapshot
        >>> image, plates = generate_scene(1, 290, 180)
        >>> app = AugmentationPlayground(image, rasterize(plates, 290, 180))
        >>> rgb, text = snapshot(app)
        >>> rgb.shape[-1], rgb.dtype, text.startswith("rotate at strength 0.50")
        (3, dtype('uint8'), True)
    """
    parts = list(_walk(widget))
    images = [w for w in parts if isinstance(w, widgets.Image) and w.value]
    if not images:
        raise ValueError(f"{type(widget).__name__} shows no picture to snapshot")
    data = np.frombuffer(images[0].value, np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    texts = [re.sub(r"<[^>]+>", "", w.value) for w in parts
             if isinstance(w, widgets.HTML) and w.value]  # fmt: skip
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), "; ".join(texts)
