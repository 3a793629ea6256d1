"""A fast tf.data pipeline: image files + plate corners → batches for the U-Net.

Per image, in parallel (``AUTOTUNE``): read the file and letterbox it to the
model size with :mod:`plate_unet.data.images` (the same functions prediction
uses, so a model is served on exactly what it was trained on) and rasterise its
plates into a uint8 mask. Images and masks stay uint8 through the optional
cache, seeded shuffle and augmentation, and become float32 only per batch, which
keeps the cache 4× smaller and the copies cheap.

Element spec: ``(image float32 (B, H, W, C) in [0, 1], mask float32 (B, H, W, 1)
in {0, 1})``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import tensorflow as tf

from plate_unet.data.augment import AugmentConfig, augment_pair
from plate_unet.data.images import check_channels, fit_to_model, read_image
from plate_unet.data.letterbox import letterbox_plates
from plate_unet.data.masks import check_masks, rasterize
from plate_unet.data.records import Sample
from plate_unet.data.validate import image_size

AUTOTUNE = tf.data.AUTOTUNE
_SHUFFLE_BYTES = 256 * 2**20  # cap on the shuffle buffer after a cache


def _with_sizes(samples: Sequence[Sample]) -> list[Sample]:
    out = []
    for s in samples:
        if not isinstance(s, Sample):
            raise TypeError(f"expected Sample, got {type(s).__name__}: {s!r}")
        if not s.width or not s.height:
            h, w = image_size(s.image_path)
            s = dataclasses.replace(s, width=w, height=h)
        out.append(s)
    return out


def _augment_config(augment) -> AugmentConfig | None:
    if augment is None or augment is False:
        return None
    if augment == "default" or augment is True:
        return AugmentConfig()
    if isinstance(augment, AugmentConfig):
        return augment
    raise ValueError(
        f"augment must be None, 'default' or AugmentConfig, got {augment!r}"
    )


def make_dataset(
    samples: Sequence[Sample],
    height: int,
    width: int,
    channels: int = 1,
    batch_size: int = 8,
    training: bool = False,
    augment: None | str | AugmentConfig = None,
    cache: bool | str | Path = False,
    shuffle_seed: int = 0,
    repeat: bool = False,
    mask_dtype: str = "float32",
) -> tf.data.Dataset:
    """Builds a tf.data pipeline of letterboxed images and plate masks.

    Before anything is built, :func:`plate_unet.data.masks.check_masks` verifies
    that every plate fills at least one mask pixel at ``height × width``.

    Args:
        samples: Samples from a reader (image paths + plates in image pixels).
        height: Model input height.
        width: Model input width.
        channels: 1 (grey, the reference's choice) or 3 (RGB).
        batch_size: Images per batch (the last batch may be smaller).
        training: Shuffle (seeded; reshuffled every epoch) and, with ``augment``,
            augment.
        augment: ``None``, ``"default"`` or an :class:`AugmentConfig`; used only
            when ``training``.
        cache: ``False``; ``True`` to keep decoded uint8 images and masks in
            memory after the first epoch; or a file path prefix to cache on disk.
        shuffle_seed: Seed of the shuffle order and of the augmentation.
        repeat: Repeat forever (use ``steps_per_epoch`` in ``fit``).
        mask_dtype: ``"float32"`` (default) or ``"uint8"``. The package's losses
            and metrics cast the mask themselves, so training asks for uint8:
            a float32 mask is 4× the bytes to write and copy for each batch.

    Returns:
        ``tf.data.Dataset`` of ``(image float32 (B, H, W, C) in [0, 1], mask
        (B, H, W, 1) in {0, 1} of ``mask_dtype``)``.

    Raises:
        ValueError: On an empty sample list or bad sizes/arguments.
        AnnotationError: If a plate would rasterise to an empty mask.

    Example:
        >>> from plate_unet.data import load_annotations, make_dataset
        >>> ds = make_dataset(load_annotations("data/sample"), 576, 352)
        >>> images, masks = next(iter(ds))
        >>> tuple(images.shape), images.dtype.name, tuple(masks.shape)
        ((8, 576, 352, 1), 'float32', (8, 576, 352, 1))
        >>> sorted(np.unique(masks.numpy()).tolist())  # 0 background, 1 plate
        [0.0, 1.0]
    """
    _check_arguments(height, width, channels, batch_size, mask_dtype)
    samples = _with_sizes(samples)
    if not samples:
        raise ValueError("make_dataset needs at least one sample, got none")
    check_masks(samples, height, width)
    seed = int(shuffle_seed)
    ds = _load_examples(samples, height, width, channels, training and not cache, seed)
    if cache:
        item_bytes = height * width * (channels + 1)
        ds = _cache(ds, cache, training, seed, len(samples), item_bytes)
    if repeat:
        ds = ds.repeat()
    config = _augment_config(augment) if training else None
    if config is not None:
        ds = _augment(ds, config, shuffle_seed)
    ds = ds.batch(batch_size, num_parallel_calls=AUTOTUNE)
    to_float = _to_float if mask_dtype == "float32" else _image_to_float
    ds = ds.map(to_float, num_parallel_calls=AUTOTUNE)
    options = tf.data.Options()
    # Parallelism comes from num_parallel_calls; ops inside a map run on one
    # thread each, which avoids thread hand-offs on a 2-core machine.
    options.threading.max_intra_op_parallelism = 1
    return ds.prefetch(AUTOTUNE).with_options(options)


def _check_arguments(height, width, channels, batch_size, mask_dtype) -> None:
    check_channels(channels)
    if mask_dtype not in ("float32", "uint8"):
        raise ValueError(f"mask_dtype must be 'float32' or 'uint8', got {mask_dtype!r}")
    for name, v in (("height", height), ("width", width), ("batch_size", batch_size)):
        if not isinstance(v, int | np.integer) or v <= 0:
            raise ValueError(f"{name} must be a positive int, got {v!r}")


def load_example(
    sample: Sample, height: int, width: int, channels: int
) -> tuple[np.ndarray, np.ndarray]:
    """One sample → its uint8 letterboxed image and uint8 plate mask.

    This is what each element of :func:`make_dataset` is made from, before
    augmentation and scaling to [0, 1]: :func:`~plate_unet.data.images.read_image`
    and :func:`~plate_unet.data.images.fit_to_model`, as prediction uses them.

    Args:
        sample: A sample with its size filled in.
        height: Model input height.
        width: Model input width.
        channels: 1 (grey) or 3 (RGB).

    Returns:
        ``(image (height, width, channels), mask (height, width, 1))``, uint8.

    Raises:
        ValueError: If the image's size is not the size the annotation gives, or
            its plates rasterise to an empty mask.

    Example:
        >>> from plate_unet.data import load_annotations, load_example
        >>> image, mask = load_example(load_annotations("data/sample")[0], 256, 160, 1)
        >>> image.shape, mask.shape
        ((256, 160, 1), (256, 160, 1))
    """
    image = read_image(sample.image_path)
    if image.shape[:2] != (sample.height, sample.width):
        raise ValueError(
            f"{sample.image_path}: image is {image.shape[0]}×{image.shape[1]} "
            f"(H×W), its annotation says {sample.height}×{sample.width} (H×W)"
        )
    image, _ = fit_to_model(image, height, width, channels)
    mask = rasterize(letterbox_plates(sample, height, width), height, width)
    if sample.plates and not mask.any():  # the reference's bug, caught at run time too
        raise ValueError(f"{sample.image_path}: its plates gave an all-zero mask")
    return image, mask[..., None]


def _load_examples(samples, height, width, channels, shuffle, seed):
    """Indices → (uint8 image, uint8 mask) pairs, read in parallel."""

    def load(index: np.int32):
        return load_example(samples[int(index)], height, width, channels)

    def load_tf(index):
        # OpenCV decodes and resizes with the GIL released, so the map's
        # parallel calls run side by side.
        image, mask = tf.numpy_function(
            load, [index], [tf.uint8, tf.uint8], stateful=False
        )
        image = tf.ensure_shape(image, [height, width, channels])
        return image, tf.ensure_shape(mask, [height, width, 1])

    ds = tf.data.Dataset.range(len(samples)).map(lambda i: tf.cast(i, tf.int32))
    if shuffle:
        ds = ds.shuffle(len(samples), seed=int(seed), reshuffle_each_iteration=True)
    return ds.map(load_tf, num_parallel_calls=AUTOTUNE)


def _cache(ds, cache, training: bool, seed: int, n: int, bytes_per_item: int):
    """Caches decoded pairs in memory or on disk; shuffles after the cache."""
    ds = ds.cache("" if cache is True else str(cache))
    if training:
        buffer = int(min(n, max(16, _SHUFFLE_BYTES // bytes_per_item)))
        ds = ds.shuffle(buffer, seed=int(seed), reshuffle_each_iteration=True)
    return ds


def _augment(ds, config: AugmentConfig, seed: int):
    """Paired augmentation with a fresh, seeded random stream per element."""
    seed = int(seed)
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    ds = tf.data.Dataset.zip(ds, seeds)
    return ds.map(
        lambda pair, s: augment_pair(
            pair[0], pair[1], tf.stack([s, tf.constant(seed, tf.int64)]), config
        ),
        num_parallel_calls=AUTOTUNE,
    )


def _image_to_float(image: tf.Tensor, mask: tf.Tensor):
    # convert_image_dtype scales uint8 by 1/255 like cast * (1 / 255), but
    # measured 20 % faster on a 1152x704 batch.
    if image.dtype == tf.uint8:
        image = tf.image.convert_image_dtype(image, tf.float32)
    return image, mask


def _to_float(image: tf.Tensor, mask: tf.Tensor):
    image, mask = _image_to_float(image, mask)
    return image, tf.cast(mask, tf.float32)
