"""Training the plate reader with CTC on synthetic crops.

:func:`reader_dataset` batches grey crops and their texts as a ``tf.data``
pipeline (labels padded with 0, CTC's blank, which ``keras.losses.CTC`` does not
count). :func:`fit_reader` trains the reader's ``"logits"`` with
``keras.losses.CTC``, which applies the softmax itself; the reader's output
``"probs"`` shares every weight.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from plate_unet.data.alphabet import encode_text
from plate_unet.model.reader import encode_texts


def reader_dataset(
    crops: np.ndarray,
    texts: Sequence[str],
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int = 0,
    length: int | None = None,
) -> tf.data.Dataset:
    """Grey crops and their texts as batches ``(crops, labels)``.

    Args:
        crops: uint8 or float ``(n, height, width)`` or ``(n, height, width, 1)``
            grey crops in 0..255.
        texts: The ``n`` texts (see :func:`~plate_unet.data.alphabet.encode_text`).
        batch_size: Crops per batch.
        shuffle: Shuffle the crops each epoch (from ``seed``).
        seed: The shuffle's random seed.
        length: Labels' padded length; None: the longest text.

    Returns:
        A dataset of float32 ``(b, height, width, 1)`` crops and int32
        ``(b, length)`` labels padded with 0.

    Raises:
        ValueError: If the counts differ or a text has a character outside the
            alphabet (the message names it).

    Example:
        >>> from plate_unet.training.reader import reader_dataset
        >>> data = reader_dataset(np.zeros((3, 32, 128), "uint8"), ["A1", "B", "C2-3"],
        ...                       batch_size=2, shuffle=False)
        >>> [(x.shape, y.numpy().tolist()) for x, y in data.take(1)]
        [(TensorShape([2, 32, 128, 1]), [[11, 2, 0], [12, 0, 0]])]
    """
    x = np.asarray(crops, np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] != 1:
        raise ValueError(f"crops have shape {x.shape}: use (n, height, width[, 1])")
    if len(x) != len(texts):
        raise ValueError(f"{len(x)} crops but {len(texts)} texts")
    labels = encode_texts(list(texts), length)
    data = tf.data.Dataset.from_tensor_slices((x, labels))
    if shuffle:
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return data.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)


def fit_reader(
    model: keras.Model,
    crops: np.ndarray,
    texts: Sequence[str],
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    validation: tuple[np.ndarray, Sequence[str]] | None = None,
    seed: int = 0,
    verbose: int = 0,
    cosine: bool = False,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> keras.callbacks.History:
    """Trains a reader of :func:`~plate_unet.model.reader.build_reader` with CTC.

    Args:
        model: The reader (its layer ``"logits"`` is trained).
        crops: Grey crops ``(n, height, width[, 1])`` in 0..255.
        texts: Their texts.
        epochs: Passes over the crops.
        batch_size: Crops per step.
        learning_rate: Adam's learning rate.
        validation: Optional ``(crops, texts)`` whose CTC loss is logged as
            ``val_loss``.
        seed: Random seed of the shuffle.
        verbose: Keras's ``fit`` verbosity.
        cosine: Decay the learning rate to 0 along a cosine over all steps
            (``keras.optimizers.schedules.CosineDecay``).
        callbacks: Keras callbacks for ``fit`` (e.g. a ``CSVLogger``).

    Returns:
        The ``History`` of the CTC loss per epoch (``"loss"``, ``"val_loss"``).

    Raises:
        ValueError: If a text is longer than the reader has timesteps.

    Example:
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> from plate_unet.training.reader import fit_reader
        >>> model = build_reader(ReaderConfig(width=16, filters=(4, 8), lstm_units=0))
        >>> fit_reader(model, np.zeros((1, 32, 16), "uint8"), ["MH12AB1234"])
        Traceback (most recent call last):
        ...
        ValueError: a text has 10 characters but the reader reads 8 timesteps; ...
    """
    steps = int(model.output_shape[1])
    longest = max((len(encode_text(t)) for t in texts), default=0)
    if longest > steps:
        raise ValueError(
            f"a text has {longest} characters but the reader reads {steps} "
            "timesteps; CTC needs at least one per character"
        )
    train_model = keras.Model(model.input, model.get_layer("logits").output)
    rate: float | keras.optimizers.schedules.LearningRateSchedule = learning_rate
    if cosine:
        steps_per_epoch = -(-len(texts) // int(batch_size))
        rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, decay_steps=max(1, steps_per_epoch * int(epochs))
        )
    train_model.compile(optimizer=keras.optimizers.Adam(rate), loss=keras.losses.CTC())
    val = None
    if validation is not None:
        val = reader_dataset(validation[0], validation[1], batch_size, shuffle=False)
    return train_model.fit(
        reader_dataset(crops, texts, batch_size, shuffle=True, seed=seed),
        validation_data=val,
        epochs=int(epochs),
        verbose=verbose,
        shuffle=False,  # the dataset shuffles, from ``seed``
        callbacks=list(callbacks),
    )
