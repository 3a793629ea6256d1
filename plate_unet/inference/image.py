"""One image through the model: read it, letterbox it, predict, find the plates.

An image of any size is letterboxed to the model's input size: a fixed-size
model's own size, turned to the photo's orientation (a landscape photo into a
portrait model's 256×160 would use only about 40 % of its pixels; the U-Net is
fully convolutional, so the same weights run at 160×256), or, for a model that
accepts any size, the image's size rounded up to a multiple of
``2**(depth-1)`` (:func:`model_input_size`, :func:`prepare_input`).
:func:`predict_probability` runs the model through a cached traced graph
(:func:`traced_inference`) and :func:`predict_image` turns the probabilities into plates
and a mask at the image's own size. Images are read with
:func:`plate_unet.data.read_image`.
"""

from __future__ import annotations

import random
import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from plate_unet.data.images import preprocess
from plate_unet.data.letterbox import Letterbox
from plate_unet.inference.postprocess import PLAUSIBLE, Plate, PlateShape

if TYPE_CHECKING:
    import keras


def model_depth(model: keras.Model) -> int:
    """Encoder levels of a plate-unet model, from its ``enc{l}_conv1`` layers.

    Example:
        >>> from plate_unet.inference.image import model_depth
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model_depth(build_unet(UNetConfig(64, 64, base_filters=2, depth=3)))
        3
    """
    levels = [
        int(m.group(1))
        for layer in model.layers
        if (m := re.fullmatch(r"enc(\d+)_conv1", layer.name))
    ]
    return max(levels) if levels else 6


def model_input_size(
    model: keras.Model, height: int, width: int, orient: bool = True
) -> tuple[int, int]:
    """Returns the ``(H, W)`` an image of ``height × width`` is letterboxed to.

    Args:
        model: A plate-unet model.
        height: Image height.
        width: Image width.
        orient: Turn a fixed size to the image's orientation (a landscape
            image into a portrait model runs at the model's size turned by a
            right angle, with the same weights).

    Returns:
        The model's fixed input size (turned to the image's orientation with
        ``orient``), or, when it accepts any size, the image size rounded up to
        a multiple of ``2**(depth-1)``.

    Example:
        >>> from plate_unet.inference import model_input_size
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> model_input_size(model, 50, 70)  # a fixed-size model: its own size
        (64, 64)
        >>> portrait = build_unet(UNetConfig(256, 160, base_filters=2, depth=3))
        >>> model_input_size(portrait, 480, 640)  # a landscape photo
        (160, 256)
        >>> model_input_size(portrait, 480, 640, orient=False)
        (256, 160)
        >>> any_size = build_unet(UNetConfig(None, None, depth=3))
        >>> model_input_size(any_size, 50, 70)  # up to multiples of 2**(3-1)
        (52, 72)
    """
    _, h, w, _ = model.input_shape
    if h is not None and w is not None:
        if orient and (h - w) * (height - width) < 0:  # orientations differ
            return int(w), int(h)
        return int(h), int(w)
    multiple = 2 ** (model_depth(model) - 1)
    h = h or -(-int(height) // multiple) * multiple
    w = w or -(-int(width) // multiple) * multiple
    return int(h), int(w)


def prepare_input(
    model: keras.Model, image: np.ndarray, orient: bool = True
) -> tuple[np.ndarray, Letterbox]:
    """Turns one image into the model's input, exactly as training does.

    The model's input shape decides the size (:func:`model_input_size`) and the
    channels; :func:`plate_unet.data.preprocess` does the rest (channels →
    letterbox → [0, 1]), the same function the tf.data pipeline uses. A
    landscape image for a portrait model comes out landscape: run it through
    :func:`any_size_model` ``(model)``, as :func:`predict_probability` does.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).
        orient: Turn the model's size to the image's orientation.

    Returns:
        ``(x, letterbox)``: float32 ``(h, w, C)`` input and the letterbox used.

    Example:
        >>> from plate_unet.inference import prepare_input
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> prepare_input(model, np.zeros((30, 40, 3), np.uint8))[0].shape
        (64, 64, 1)
    """
    height, width = np.shape(image)[:2]
    dst_h, dst_w = model_input_size(model, height, width, orient)
    return preprocess(image, dst_h, dst_w, int(model.input_shape[-1]))


def predict_probability(
    model: keras.Model, image: np.ndarray
) -> tuple[np.ndarray, Letterbox]:
    """Runs the model on one image of any size.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).

    Returns:
        ``(prob, letterbox)``: the float32 probability map ``(h, w)`` at the
        model's input size and the :class:`Letterbox` that maps it back.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import predict_probability
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> image, plates = generate_scene(1, 290, 180)
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> prob, lb = predict_probability(model, image)
        >>> prob.shape, prob.dtype
        ((64, 64), dtype('float32'))
        >>> lb
        Letterbox(src_h=290, src_w=180, dst_h=64, dst_w=64)
    """
    x, letterbox = prepare_input(model, image)
    runner = (
        model if tuple(model.input_shape[1:3]) == x.shape[:2] else any_size_model(model)
    )
    prob = traced_inference(runner)(x[None])
    return np.asarray(prob, dtype=np.float32)[0, ..., 0], letterbox


_ANY_SIZE_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def any_size_model(model: keras.Model) -> keras.Model:
    """The same network with the same weights, accepting any input size (cached).

    A fixed-size functional U-Net is rebuilt from its config with the input's
    height and width left free, and given the model's weights. Building it
    leaves Python's random state as it was (Keras draws its layers' default
    random seeds from it), so predicting does not change what a later
    ``build_unet`` draws after ``keras.utils.set_random_seed``.

    Args:
        model: A functional Keras model.

    Returns:
        ``model`` itself when it already accepts any size, else its twin.

    Example:
        >>> from plate_unet.inference import any_size_model
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> twin = any_size_model(model)
        >>> twin.input_shape, len(twin.weights) == len(model.weights)
        ((None, None, None, 1), True)
        >>> any_size_model(twin) is twin
        True
    """
    if model.input_shape[1] is None and model.input_shape[2] is None:
        return model
    twin = _ANY_SIZE_MODELS.get(model)
    if twin is None:
        import keras

        config = model.get_config()
        for layer in config["layers"]:
            if layer["class_name"] == "InputLayer":
                shape = layer["config"]["batch_shape"]
                layer["config"]["batch_shape"] = [shape[0], None, None, *shape[3:]]
        state = random.getstate()  # Keras seeds new layers from `random`
        try:
            twin = keras.Model.from_config(config)
        finally:
            random.setstate(state)
        twin.set_weights(model.get_weights())
        _ANY_SIZE_MODELS[model] = twin
    return twin


_TRACED_INFERENCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def traced_inference(model: keras.Model) -> Callable[[np.ndarray], Any]:
    """Returns ``model``'s inference pass as a traced ``tf.function`` (cached).

    A traced graph runs 3-6× faster on a CPU than calling the model eagerly one
    image at a time (``benchmarks/bench_inference.py``); XLA is left off because
    it was slower there.

    Args:
        model: A Keras model.

    Returns:
        A callable mapping a float32 batch to probabilities.

    Example:
        >>> from plate_unet.inference import traced_inference
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> batch = np.zeros((2, 64, 64, 1), "float32")
        >>> np.asarray(traced_inference(model)(batch)).shape
        (2, 64, 64, 1)
        >>> traced_inference(model) is traced_inference(model)  # traced once, reused
        True
    """
    fn = _TRACED_INFERENCE.get(model)
    if fn is None:
        import tensorflow as tf

        from plate_unet.quiet_tensorflow import drop_retracing_warnings

        drop_retracing_warnings()  # a few input shapes per folder are expected
        fn = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
        _TRACED_INFERENCE[model] = fn
    return fn


def predict_image(
    model: keras.Model,
    image: np.ndarray,
    threshold: float = 0.5,
    min_area: float | None = None,
    shape: PlateShape | None = PLAUSIBLE,
    multiscale: bool = True,
    reader: keras.Model | None = None,
    min_chars: int | None = None,
) -> tuple[list[Plate], np.ndarray]:
    """Finds the plates in one image, at two scales when the image is large,
    and reads them when given a reader.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image.
        threshold: Probability above which a pixel is plate.
        min_area: Smallest plate in model pixels (see :func:`find_plates`).
        shape: What a region must look like to be a plate (default
            :data:`~plate_unet.inference.postprocess.PLAUSIBLE`); ``None``
            keeps every region.
        multiscale: Also run at twice the model's size when the image has the
            pixels for it, and merge (:mod:`plate_unet.inference.multiscale`);
            ``False`` runs the model's own size only.
        reader: A plate reader (:func:`~plate_unet.inference.reading.load_reader`):
            each plate's ``text`` and ``text_score`` are filled in
            (:func:`~plate_unet.inference.reading.read_plates`). ``None``: not read.
        min_chars: With a reader, a region wide enough to read in which fewer
            characters are read is dropped
            (:func:`~plate_unet.inference.reading.has_plate_text`); ``None``:
            :data:`~plate_unet.inference.reading.MIN_PLATE_CHARS`, 0 keeps all.

    Returns:
        ``(plates, mask)``: plates in the image's own pixels, and the uint8
        ``(H, W)`` mask of {0, 1} at the image's size.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import load_model, predict_image, quad_iou
        >>> image, plates = generate_scene(5, 290, 180)
        >>> pretrained = load_model()  # the teaching checkpoint
        >>> found, pred_mask = predict_image(pretrained, image)
        >>> pred_mask.shape, pred_mask.dtype  # at the image's size
        ((290, 180), dtype('uint8'))
        >>> max(quad_iou(p.quad, plates[0]) for p in found) > 0.7  # the true plate
        True
        >>> sorted(found[0].to_dict())
        ['box', 'quad', 'score']
    """
    # multiscale builds on this module's passes, so it is imported here.
    from plate_unet.inference.multiscale import (
        DEFAULT_MULTISCALE,
        SINGLE_SCALE,
        predict_multiscale,
    )

    config = DEFAULT_MULTISCALE if multiscale else SINGLE_SCALE
    plates, prob = predict_multiscale(model, image, threshold, min_area, shape, config)
    if reader is not None:
        from plate_unet.inference.reading import (
            MIN_PLATE_CHARS,
            has_plate_text,
            read_plates,
        )

        least = MIN_PLATE_CHARS if min_chars is None else int(min_chars)
        plates = read_plates(reader, image, plates)
        plates = [p for p in plates if has_plate_text(p, least)]
    return plates, (prob > threshold).astype(np.uint8)
