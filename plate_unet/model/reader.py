"""The plate reader: a small CRNN trained with CTC on grey plate crops.

:func:`build_reader` stacks a few Conv-BN-ReLU blocks that halve the crop's
height (and, in the first block, its width), folds what is left of the height
into the features of one column per timestep, reads the columns with 1-D
convolutions (or a bidirectional LSTM), and gives, per timestep, the
probabilities of the classes of :data:`~plate_unet.data.alphabet.ALPHABET`
plus CTC's blank. The blank is class 0, the index ``keras.losses.CTC`` and
``keras.ops.ctc_decode`` take by default (``mask_index=0``); class ``k >= 1`` is
``ALPHABET[k - 1]``. The layer before the softmax is named ``"logits"``, for
training with ``keras.losses.CTC`` (which takes logits); the model's output,
``"probs"``, is what :func:`decode` reads.

With the default 32×128 crop the reader has 64 timesteps, enough for CTC to
align any text of up to 31 characters (a text of L characters needs at least
2L + 1 timesteps when every character repeats): the generator's longest, a
three-row plate, has 27.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from plate_unet.data.alphabet import ALPHABET, decode_labels, encode_text


@dataclass(frozen=True)
class ReaderConfig:
    """The reader's shape.

    Attributes:
        height: Crop height in pixels, a multiple of ``2 ** len(filters)``.
        width: Crop width in pixels, a multiple of ``2 ** width_pools``; the
            reader has ``width // 2 ** width_pools`` timesteps.
        alphabet_size: Characters read (classes without the blank).
        filters: Filters of each Conv-BN-ReLU block.
        lstm_units: Units of each direction of a bidirectional LSTM that reads
            the columns; 0 (the default) reads them with two 1-D convolutions
            instead, three times faster on a CPU and quicker to train.
        hidden: Width of the per-timestep features before the LSTM.
        width_pools: Blocks that halve the width too (the first ones): 1 gives
            a timestep per 2 pixels of width, 2 per 4 pixels (fewer timesteps,
            faster, but room for texts of about half the length).

    Example:
        >>> from plate_unet.model.reader import ReaderConfig
        >>> config = ReaderConfig()
        >>> config.timesteps, config.n_classes == config.alphabet_size + 1
        (64, True)
    """

    height: int = 32
    width: int = 128
    alphabet_size: int = len(ALPHABET)
    filters: tuple[int, ...] = (16, 32, 64)
    lstm_units: int = 0
    hidden: int = 96
    width_pools: int = 1

    def __post_init__(self) -> None:
        step, across = 2 ** len(self.filters), 2**self.width_pools
        if not 0 <= self.width_pools <= len(self.filters):
            raise ValueError(
                f"width_pools={self.width_pools}: use 0 to {len(self.filters)} "
                "(the number of blocks)"
            )
        if self.height < step or self.height % step or self.width % across:
            raise ValueError(
                f"reader size {self.height}×{self.width} (H×W) is invalid: the "
                f"height must be a multiple of {step} (2 ** blocks), the width "
                f"of {across} (2 ** width_pools)"
            )
        if not self.filters or min(self.filters) < 1 or self.alphabet_size < 1:
            raise ValueError(
                f"filters {self.filters} and alphabet_size {self.alphabet_size} "
                "must be positive"
            )

    @property
    def timesteps(self) -> int:
        """Columns the reader gives probabilities for: ``width // 2 ** width_pools``."""
        return self.width // 2**self.width_pools

    @property
    def n_classes(self) -> int:
        """Output classes: the alphabet and the blank (class 0)."""
        return self.alphabet_size + 1


def build_reader(config: ReaderConfig | None = None) -> keras.Model:
    """Builds the CRNN reader.

    Input: float32 ``(batch, height, width, 1)`` grey crops in 0..255 (the model
    scales them). Output ``"probs"``: ``(batch, timesteps, n_classes)`` softmax
    probabilities, the blank at index 0.

    Layers: ``scale``; ``conv{i}``, ``bn{i}``, ``relu{i}``, ``pool{i}`` per block
    (the first ``width_pools`` pool 2×2, the others 2×1: height only; kernels
    after the first
    are 3×5, so that a timestep sees a whole character); ``width_first``,
    ``columns`` (the remaining height folded into the features of each
    column), ``collapse`` (a convolution over 3 columns), ``features``; then
    ``lstm`` (bidirectional) or ``conv1d0``, ``conv1d1``; ``logits``; ``probs``.

    Example:
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> model = build_reader(ReaderConfig(filters=(8, 16), lstm_units=8))
        >>> model.output_shape[1:] == (64, ReaderConfig().n_classes)
        True
    """
    c = config or ReaderConfig()
    inputs = keras.Input((c.height, c.width, 1), name="crop")
    x = keras.layers.Rescaling(1 / 255, name="scale")(inputs)
    for i, filters in enumerate(c.filters):
        kernel = (3, 3) if i == 0 else (3, 5)  # wider: a timestep sees a character
        x = keras.layers.Conv2D(
            filters, kernel, padding="same", use_bias=False, name=f"conv{i}"
        )(x)
        x = keras.layers.BatchNormalization(name=f"bn{i}")(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
        pool = (2, 2) if i < c.width_pools else (2, 1)
        x = keras.layers.MaxPooling2D(pool, name=f"pool{i}")(x)
    left = c.height // 2 ** len(c.filters)
    x = keras.layers.Permute((2, 1, 3), name="width_first")(x)
    x = keras.layers.Reshape((c.timesteps, left * c.filters[-1]), name="columns")(x)
    x = keras.layers.Conv1D(
        c.filters[-1], 3, padding="same", activation="relu", name="collapse"
    )(x)
    x = keras.layers.Dense(c.hidden, activation="relu", name="features")(x)
    if c.lstm_units > 0:
        x = keras.layers.Bidirectional(
            keras.layers.LSTM(c.lstm_units, return_sequences=True), name="lstm"
        )(x)
    else:
        for k in range(2):
            x = keras.layers.Conv1D(
                c.hidden, 5, padding="same", activation="relu", name=f"conv1d{k}"
            )(x)
    logits = keras.layers.Dense(c.n_classes, name="logits")(x)
    probs = keras.layers.Softmax(name="probs")(logits)
    return keras.Model(inputs, probs, name="plate_reader")


def encode_texts(texts: Sequence[str], length: int | None = None) -> np.ndarray:
    """Texts as a batch of CTC labels, padded with 0 (``keras.losses.CTC`` counts
    a label's length as its non-zero entries).

    Args:
        texts: Plate texts (separators and row breaks are dropped).
        length: Padded length; None: the longest label.

    Returns:
        int32 ``(len(texts), length)``.

    Raises:
        ValueError: If a text has a character outside the alphabet, or a label
            is longer than ``length``.

    Example:
        >>> from plate_unet.model.reader import encode_texts
        >>> encode_texts(["A1", "B 2-3"])
        array([[11,  2,  0],
               [12,  3,  4]], dtype=int32)
    """
    labels = [encode_text(t) for t in texts]
    longest = max((len(x) for x in labels), default=0)
    n = longest if length is None else int(length)
    if longest > n:
        raise ValueError(f"a text has {longest} characters, more than length={n}")
    out = np.zeros((len(labels), n), np.int32)
    for i, x in enumerate(labels):
        out[i, : len(x)] = x
    return out


def one_script(probs: np.ndarray) -> np.ndarray:
    """Keeps, per crop, the letters of its likeliest script only.

    One row of a plate does not mix Latin, Cyrillic and Arabic letters
    (:data:`~plate_unet.data.alphabet.SCRIPTS`), so a reader that takes a Latin
    5 for a Cyrillic Б on a Latin plate is corrected: each script's letters
    get the summed probability of its classes over the timesteps, the other
    scripts' classes are set to 0, and each timestep is normalised again.
    Digits, the blank and the CJK and kana stand-ins are never removed. An
    output of another alphabet size is returned unchanged.

    Example:
        >>> from plate_unet.data.alphabet import ALPHABET
        >>> from plate_unet.model.reader import decode, one_script
        >>> probs = np.full((1, 3, len(ALPHABET) + 1), 1e-4, "float32")
        >>> probs[0, 0, 1 + ALPHABET.index("K")] = 0.9   # a Latin K, then
        >>> probs[0, 2, 1 + ALPHABET.index("Б")] = 0.5   # a 5 read as Б ...
        >>> probs[0, 2, 1 + ALPHABET.index("5")] = 0.4   # ... or as 5
        >>> [t for t, _ in decode(probs)], [t for t, _ in decode(one_script(probs))]
        (['KБ'], ['K5'])
    """
    from plate_unet.data.alphabet import script_classes

    p = np.asarray(probs, np.float32)
    masked = script_classes()
    if p.ndim != 3 or p.shape[-1] != masked.shape[1]:
        return p
    allowed = ~masked  # (scripts, classes)
    exclusive = masked.sum(axis=0) > 0  # classes of some script
    own = allowed & exclusive  # each script's own letters
    mass = np.einsum("btc,sc->bs", p, own.astype(np.float32))
    pick = np.argmax(mass, axis=1)
    keep = np.where(mass.max(axis=1, keepdims=True) > 0, allowed[pick], True)
    out = p * keep[:, None, :]
    return out / np.maximum(out.sum(axis=-1, keepdims=True), 1e-12)


def decode(
    probs: np.ndarray,
    strategy: str = "greedy",
    beam_width: int = 10,
    script: bool = False,
) -> list[tuple[str, float]]:
    """Reads the reader's output with ``keras.ops.ctc_decode``.

    Args:
        probs: ``(batch, timesteps, n_classes)`` probabilities, blank at 0.
        strategy: ``"greedy"`` (the most likely class at each timestep) or
            ``"beam_search"``.
        beam_width: Beams of the beam search.
        script: Read each crop in one script (:func:`one_script`) first.

    Returns:
        One ``(text, confidence)`` per crop: the text without separators (a
        two-row plate's rows one after the other) and the probability of the
        path (greedy) or of the text (beam search), in 0..1.

    Raises:
        ValueError: If ``probs`` is not 3-D or ``strategy`` is unknown.

    Example:
        >>> from plate_unet.model.reader import decode
        >>> probs = np.full((1, 6, 4), 0.01, "float32")  # classes: blank, 0, 1, 2
        >>> probs[0, range(6), [1, 0, 1, 2, 2, 0]] = 0.97  # 0 _ 0 1 1 _
        >>> [(text, round(conf, 2)) for text, conf in decode(probs)]
        [('001', 0.83)]
    """
    p = np.asarray(probs, np.float32)
    if p.ndim != 3:
        raise ValueError(f"probs has shape {p.shape}: use (batch, timesteps, classes)")
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"strategy {strategy!r}: use 'greedy' or 'beam_search'")
    if p.shape[0] == 0:
        return []
    if script:
        p = one_script(p)
    logp = np.log(np.clip(p, 1e-12, 1.0))
    lengths = np.full(p.shape[0], p.shape[1], np.int32)
    paths, scores = keras.ops.ctc_decode(
        logp, lengths, strategy=strategy, beam_width=beam_width, mask_index=0
    )
    paths = keras.ops.convert_to_numpy(paths)[0]
    scores = keras.ops.convert_to_numpy(scores)[:, 0]
    # greedy: the negative sum of the best log-probabilities; beam: log P(text)
    conf = np.exp(-scores if strategy == "greedy" else scores)
    return [
        (decode_labels(path), float(np.clip(c, 0.0, 1.0)))
        for path, c in zip(paths, conf, strict=True)
    ]
