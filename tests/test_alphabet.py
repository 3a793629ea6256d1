"""The reader's alphabet covers every synthetic plate and keeps look-alikes apart."""

import numpy as np
import pytest

from plate_unet.data.alphabet import (
    ALPHABET,
    SEPARATORS,
    decode_labels,
    encode_text,
    normalize_text,
    unknown_characters,
)
from plate_unet.data.synthetic import plate_styles
from plate_unet.data.synthetic.plate_styles import render_plate


def test_the_alphabet_has_each_character_once_and_o_0_i_1_apart():
    assert len(set(ALPHABET)) == len(ALPHABET)
    index = {c: i for i, c in enumerate(ALPHABET)}
    assert len({index["O"], index["0"], index["I"], index["1"]}) == 4
    assert not set(SEPARATORS + "\n") & set(ALPHABET)


def test_the_alphabet_covers_every_character_set_of_the_styles():
    sets = [*plate_styles.CHARSETS.values(), plate_styles.CN_CHARS]
    sets += [plate_styles.KANA, plate_styles.ARABIC_LETTERS]
    for chars in sets:
        assert set(chars) <= set(ALPHABET), set(chars) - set(ALPHABET)


def test_the_alphabet_covers_every_text_of_300_generated_plates():
    styles = set()
    for seed in range(300):
        plate = render_plate(np.random.default_rng(seed), 60)
        styles.add(plate.style)
        assert plate.text and unknown_characters(plate.text) == [], plate
        assert 1 <= len(encode_text(plate.text)) <= 27
    assert styles == set(plate_styles.PLATE_STYLES)


def test_normalize_drops_separators_and_rows_and_can_merge_o_and_0():
    assert normalize_text("ab 12-cd\n3.4·5") == "AB12CD345"
    assert normalize_text("OO 00") == "OO00"
    assert normalize_text("OO 00", o_is_zero=True) == "0000"


def test_unknown_characters_are_reported_with_their_positions():
    assert unknown_characters("皖A·12345\n$") == [(0, "皖"), (9, "$")]
    with pytest.raises(ValueError, match=r"'\$' at 3"):
        encode_text("AB $")


def test_encode_and_decode_round_trip_every_character():
    labels = encode_text(ALPHABET)
    assert labels.dtype == np.int32
    assert labels.tolist() == list(range(1, len(ALPHABET) + 1))  # 0 is the blank
    assert decode_labels(labels) == ALPHABET
    assert decode_labels([*encode_text("X 7\n8"), 0, -1]) == "X78"
    with pytest.raises(ValueError, match="outside"):
        decode_labels([len(ALPHABET) + 1])
