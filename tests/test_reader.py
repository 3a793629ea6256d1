"""The plate reader: shapes, CTC labels and decoding, and a training that learns."""

import keras
import numpy as np
import pytest

from plate_unet.data.alphabet import (
    ALPHABET,
    ARABIC_DIGITS,
    encode_text,
    normalize_text,
)
from plate_unet.data.synthetic.crops import generate_crop
from plate_unet.data.synthetic.plate_styles import render_plate
from plate_unet.model.reader import (
    ReaderConfig,
    build_reader,
    decode,
    encode_texts,
    one_script,
)
from plate_unet.training.reader import fit_reader

TINY = ReaderConfig(filters=(8, 16), lstm_units=16, hidden=32)


def _perfect(texts: list[str], config: ReaderConfig, sharp: float) -> np.ndarray:
    """Logits whose best path spells each text: each character, then a blank."""
    logits = np.zeros((len(texts), config.timesteps, config.n_classes), np.float32)
    logits[:, :, 0] = sharp  # the blank everywhere else
    for i, text in enumerate(texts):
        for t, k in enumerate(encode_text(text)):
            logits[i, 2 * t, 0] = 0.0
            logits[i, 2 * t, k] = sharp
    return logits


def test_build_reader_gives_probabilities_per_timestep_with_named_layers():
    model = build_reader(TINY)
    assert model.input_shape == (None, 32, 128, 1)
    assert model.output_shape == (None, TINY.timesteps, len(ALPHABET) + 1)
    names = {layer.name for layer in model.layers}
    assert {"scale", "conv0", "bn1", "collapse", "lstm", "logits", "probs"} <= names
    x = np.random.default_rng(0).integers(0, 255, (2, 32, 128, 1)).astype("float32")
    probs = keras.ops.convert_to_numpy(model(x))
    assert np.allclose(probs.sum(-1), 1, atol=1e-4)
    convs = build_reader(ReaderConfig(filters=(8, 16), lstm_units=0, hidden=16))
    assert "conv1d1" in {layer.name for layer in convs.layers}
    with pytest.raises(ValueError, match="multiple of 4"):
        ReaderConfig(height=30, filters=(8, 16))
    fewer = ReaderConfig(filters=(8, 16), width_pools=2)
    assert fewer.timesteps == 32
    assert build_reader(fewer).output_shape[1] == 32
    with pytest.raises(ValueError, match="width_pools=3"):
        ReaderConfig(filters=(8, 16), width_pools=3)


def test_the_reader_has_timesteps_for_the_longest_generated_text():
    longest = max(
        len(normalize_text(render_plate(np.random.default_rng(s), 60).text))
        for s in range(300)
    )
    assert longest >= 12  # three-row plates are among them
    assert ReaderConfig().timesteps >= 2 * longest + 1
    assert ReaderConfig().timesteps >= 2 * 27 + 1  # the generator's most


def test_decode_reads_back_encoded_texts_greedy_and_beam():
    texts = ["AB 12-OI0", "丑K7K3YA", "٣٨٥ احب\n385 AUT", "AA00", ""]
    probs = keras.ops.convert_to_numpy(
        keras.ops.softmax(_perfect(texts, ReaderConfig(), 12.0))
    )
    for strategy in ("greedy", "beam_search"):
        read = decode(probs, strategy)
        assert [t for t, _ in read] == [normalize_text(t) for t in texts]
        assert all(0.9 < c <= 1.0 for _, c in read), read
    assert encode_texts(["A1", "B"]).tolist() == [[11, 2], [12, 0]]
    with pytest.raises(ValueError, match="classes"):
        decode(probs[0])


def test_ctc_loss_of_a_perfect_prediction_is_near_zero():
    texts = ["MH12AB1234", "X7"]
    config = ReaderConfig()
    labels = encode_texts(texts)
    loss = keras.losses.CTC(reduction=None)
    perfect = keras.ops.convert_to_numpy(loss(labels, _perfect(texts, config, 30.0)))
    assert perfect.shape == (2,) and perfect.max() < 1e-3
    wrong = keras.ops.convert_to_numpy(
        loss(labels[::-1], _perfect(texts, config, 30.0))
    )
    assert wrong.min() > 10


def test_a_smoke_fit_on_32_crops_lowers_the_ctc_loss():
    keras.utils.set_random_seed(0)
    pairs = [generate_crop(s) for s in range(32)]
    crops = np.stack([c for c, _ in pairs])
    texts = [t for _, t in pairs]
    model = build_reader(TINY)
    history = fit_reader(
        model, crops, texts, epochs=4, batch_size=16, learning_rate=3e-3
    )
    loss = history.history["loss"]
    assert len(loss) == 4 and loss[-1] < 0.9 * loss[0], loss
    with pytest.raises(ValueError, match="timesteps"):
        fit_reader(
            build_reader(ReaderConfig(width=16, filters=(8, 16))),
            crops[:1, :, :16],
            ["ABCDEFGHIJ"],
        )


def test_one_script_keeps_the_likeliest_scripts_letters_and_every_digit():
    def probs_of(*columns):
        p = np.full((1, len(columns), len(ALPHABET) + 1), 1e-4, np.float32)
        for t, column in enumerate(columns):
            for char, prob in column.items():
                p[0, t, 0 if char == "" else 1 + ALPHABET.index(char)] = prob
        return p

    arabic = probs_of(
        {ARABIC_DIGITS[3]: 0.9}, {"": 0.9}, {"B": 0.5, "\u0628": 0.4}, {"7": 0.9}
    )
    assert [t for t, _ in decode(arabic)] == [ARABIC_DIGITS[3] + "B7"]
    assert [t for t, _ in decode(arabic, script=True)] == [ARABIC_DIGITS[3] + "\u06287"]
    kept = one_script(arabic)
    assert np.allclose(kept.sum(axis=-1), 1.0)
    digits = probs_of({"1": 0.9}, {"": 0.9}, {"2": 0.9})  # no letters: unchanged
    assert [t for t, _ in decode(digits, script=True)] == ["12"]
    other = np.full((1, 4, 7), 1 / 7, np.float32)  # another alphabet: unchanged
    assert np.array_equal(one_script(other), other)
