"""One image through the model: read it, letterbox it, predict, find the plates.

An image of any size is letterboxed to the model's fixed input size, or, for a
model that accepts any size, padded up to the next multiple of ``2**(depth-1)``
(:func:`model_input_size`, :func:`prepare_input`); :func:`predict_probability`
runs the model through a cached traced graph (:func:`forward`) and
:func:`predict_image` turns the probabilities into plates and a mask at the
image's own size. :mod:`plate_unet.predict` re-exports every name; this module
imports no other prediction module.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import cv2
import numpy as np

from plate_unet.data.masks import Letterbox
from plate_unet.errors import PlateUnetError
from plate_unet.geometry import Plate, find_plates


def _model_depth(model) -> int:
    """Encoder levels of a plate-unet model, from its ``enc{l}_conv1`` layers."""
    levels = [
        int(m.group(1))
        for layer in model.layers
        if (m := re.fullmatch(r"enc(\d+)_conv1", layer.name))
    ]
    return max(levels) if levels else 6


def model_input_size(model, height: int, width: int) -> tuple[int, int]:
    """Returns the ``(H, W)`` an image of ``height × width`` is letterboxed to.

    Args:
        model: A plate-unet model.
        height: Image height.
        width: Image width.

    Returns:
        The model's fixed input size, or, when it accepts any size, the image
        size rounded up to a multiple of ``2**(depth-1)``.

    Example:
        >>> model = build_unet(UNetConfig(None, None, depth=3))  # doctest: +SKIP
        >>> model_input_size(model, 50, 70)  # doctest: +SKIP
        (52, 72)
    """
    _, h, w, _ = model.input_shape
    if h is not None and w is not None:
        return int(h), int(w)
    multiple = 2 ** (_model_depth(model) - 1)
    h = h or -(-int(height) // multiple) * multiple
    w = w or -(-int(width) // multiple) * multiple
    return int(h), int(w)


def read_image(path) -> np.ndarray:
    """Reads an image file as uint8 RGB ``(H, W, 3)``, ignoring EXIF rotation.

    Args:
        path: Image file.

    Returns:
        The image, RGB channel order.

    Raises:
        PlateUnetError: If the file is missing or not a readable image.

    Example:
        >>> read_image("data/sample/images/00000.jpg").shape  # doctest: +SKIP
        (580, 360, 3)
    """
    path = Path(path)
    data = np.fromfile(path, np.uint8) if path.is_file() else None
    image = None
    if data is not None and data.size:
        # Keep the stored pixel grid (as TF's decoder and the annotations do):
        # cv2 would otherwise turn the image by its EXIF orientation tag.
        flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
        image = cv2.imdecode(data, flags)
    if image is None:
        reason = "file not found" if data is None else "not a readable image"
        raise PlateUnetError(f"{path.name}: {reason}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _with_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """RGB or grey image → ``(H, W, channels)``, same dtype (grey as JPEG's luma)."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if channels == 1 and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    elif channels == 3 and image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    return image if image.ndim == 3 else image[..., None]


def prepare_input(model, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
    """Turns one image into the model's input, as the training pipeline does.

    The uint8 image is converted to the model's channels, letterboxed with
    :class:`~plate_unet.data.masks.Letterbox` and scaled to [0, 1].

    Args:
        model: A plate-unet model (its input shape decides size and channels).
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).

    Returns:
        ``(x, letterbox)``: float32 ``(h, w, C)`` input and the letterbox used.

    Example:
        >>> x, lb = prepare_input(model, read_image("car.jpg"))  # doctest: +SKIP
    """
    height, width = image.shape[:2]
    dst_h, dst_w = model_input_size(model, height, width)
    letterbox = Letterbox(height, width, dst_h, dst_w)
    x = letterbox.apply(_with_channels(image, int(model.input_shape[-1])))
    x = x.astype(np.float32) / (255.0 if np.issubdtype(x.dtype, np.integer) else 1.0)
    return x, letterbox


def predict_probability(model, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
    """Runs the model on one image of any size.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).

    Returns:
        ``(prob, letterbox)``: the float32 probability map ``(h, w)`` at the
        model's input size and the :class:`Letterbox` that maps it back.

    Example:
        >>> image = read_image("car.jpg")  # doctest: +SKIP
        >>> prob, lb = predict_probability(model, image)  # doctest: +SKIP
    """
    x, letterbox = prepare_input(model, image)
    prob = forward(model)(x[None])
    return np.asarray(prob, dtype=np.float32)[0, ..., 0], letterbox


_FORWARD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def forward(model):
    """Returns ``model``'s inference pass as a traced ``tf.function`` (cached).

    A traced graph runs 3-6× faster on a CPU than calling the model eagerly one
    image at a time (``benchmarks/bench_inference.py``); XLA is left off because
    it was slower there.

    Args:
        model: A Keras model.

    Returns:
        A callable mapping a float32 batch to probabilities.

    Example:
        >>> probs = forward(model)(batch)  # doctest: +SKIP
    """
    fn = _FORWARD.get(model)
    if fn is None:
        import tensorflow as tf

        fn = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
        _FORWARD[model] = fn
    return fn


def predict_image(
    model, image: np.ndarray, threshold: float = 0.5, min_area: float | None = None
) -> tuple[list[Plate], np.ndarray]:
    """Finds the plates in one image.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image.
        threshold: Probability above which a pixel is plate.
        min_area: Smallest plate in model pixels (see :func:`find_plates`).

    Returns:
        ``(plates, mask)``: plates in the image's own pixels, and the uint8
        ``(H, W)`` mask of {0, 1} at the image's size.

    Example:
        >>> plates, mask = predict_image(model, read_image("car.jpg"))  # doctest: +SKIP
        >>> [p.to_dict() for p in plates]  # doctest: +SKIP
    """
    prob, letterbox = predict_probability(model, image)
    plates = find_plates(prob, threshold, letterbox=letterbox, min_area=min_area)
    mask = (letterbox.invert_mask(prob) > threshold).astype(np.uint8)
    return plates, mask
