"""The characters a plate reader reads: :data:`ALPHABET`, and texts as labels.

The alphabet covers every character the synthetic generator draws on a plate
(:mod:`~plate_unet.data.synthetic.plate_styles`):

* digits ``0-9`` and the Latin capitals ``A-Z``; the letter O and the digit 0,
  the letter I and the digit 1 are distinct classes (:func:`normalize_text`
  can score O and 0 as one symbol, for texts that mix them);
* the Cyrillic capitals of the generator's plates (``А`` and ``A`` are
  different classes, as their code points are);
* the Arabic-Indic digits ``٠-٩`` and the generator's 15 Arabic letters;
* placeholders for glyphs that are only stroke patterns: ``U+4E00..U+4E1F``
  stand for the 32 hanzi-like patterns of
  :func:`~plate_unet.data.synthetic.glyphs.hanzi` (``U+4E00 + i`` is pattern
  ``i``) and ``U+3042..U+3051`` for the 16 kana-like ones of
  :func:`~plate_unet.data.synthetic.glyphs.kana`. They are the code points
  the generator writes into each plate's text, so a real province character
  (``皖``) is outside the alphabet.

Separators are not read: spaces, hyphens, dots and middle dots
(:data:`SEPARATORS`) are dropped, and so are row breaks. A two-row plate's
label is its top row followed by its bottom row. In a label, class 0 is
CTC's blank (``keras.losses.CTC`` and ``keras.ops.ctc_decode`` take index 0 as
the blank by default, and the padding of ``keras.losses.CTC``'s labels too),
and class ``k >= 1`` is ``ALPHABET[k - 1]``: see :func:`encode_text` and
:func:`decode_labels`.

Nothing here imports more than NumPy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

DIGITS = "0123456789"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CYRILLIC = "АБВГДЕЖЗИКЛМНПРСТУФХЦЧШЭЮЯ"
ARABIC_DIGITS = "".join(chr(0x0660 + i) for i in range(10))
ARABIC_LETTERS = "".join(
    chr(c)
    for c in (0x0627, 0x0628, 0x062D, 0x062F, 0x0631, 0x0633, 0x0635, 0x0637)
    + (0x0639, 0x0642, 0x0643, 0x0644, 0x0645, 0x0646, 0x0647)
)
#: Stand-ins for the 32 hanzi-like stroke patterns (``U+4E00 + i``: pattern i).
HANZI_PLACEHOLDERS = "".join(chr(0x4E00 + i) for i in range(32))
#: Stand-ins for the 16 kana-like stroke patterns.
KANA_PLACEHOLDERS = "".join(chr(0x3042 + i) for i in range(16))

#: Every character a reader reads, one class each; a label's class k >= 1 is
#: ``ALPHABET[k - 1]`` (0 is CTC's blank).
ALPHABET = (
    DIGITS
    + LATIN
    + CYRILLIC
    + ARABIC_DIGITS
    + ARABIC_LETTERS
    + HANZI_PLACEHOLDERS
    + KANA_PLACEHOLDERS
)
#: Letter sets that one row of a plate does not mix: a row is Latin, Cyrillic or
#: Arabic (its letters with Arabic-Indic digits). ASCII digits and the CJK and
#: kana stand-ins go with any of them (a Chinese province before Latin
#: characters, a Japanese syllable before digits).
SCRIPTS = {
    "latin": LATIN,
    "cyrillic": CYRILLIC,
    "arabic": ARABIC_DIGITS + ARABIC_LETTERS,
}
#: Characters a plate shows between groups that a reader drops.
SEPARATORS = " -.·"
#: The label of CTC's blank.
BLANK = 0

_INDEX = {c: i + 1 for i, c in enumerate(ALPHABET)}
_DROPPED = frozenset(SEPARATORS + "\n\r\t")


def normalize_text(text: str, o_is_zero: bool = False) -> str:
    """The text a reader is scored on: upper case, no separators, rows joined.

    Args:
        text: A plate's text, rows separated by ``"\\n"``.
        o_is_zero: Score the letter O and the digit 0 as one symbol (``"0"``).

    Returns:
        The text without :data:`SEPARATORS` and row breaks, in upper case.

    Example:
        >>> from plate_unet.data.alphabet import normalize_text
        >>> normalize_text("mh 12-ab\\nO 7.5")
        'MH12ABO75'
        >>> normalize_text("MH 12\\nO 7", o_is_zero=True)
        'MH1207'
    """
    out = "".join(c for c in str(text).upper() if c not in _DROPPED)
    return out.replace("O", "0") if o_is_zero else out


def unknown_characters(text: str) -> list[tuple[int, str]]:
    """The characters of ``text`` a reader cannot read, with their positions.

    Separators and row breaks are not reported (they are dropped), nor are
    lower-case letters whose capital is in :data:`ALPHABET`.

    Returns:
        ``(position in text, character)`` pairs, in order; empty when every
        character is readable.

    Example:
        >>> from plate_unet.data.alphabet import unknown_characters
        >>> unknown_characters("皖A 12345")
        [(0, '皖')]
        >>> unknown_characters("AB-12 cd")
        []
    """
    return [
        (i, c)
        for i, c in enumerate(str(text))
        if c not in _DROPPED and c.upper() not in _INDEX
    ]


def encode_text(text: str) -> np.ndarray:
    """A plate's text as CTC labels: class ``k`` is ``ALPHABET[k - 1]``.

    Args:
        text: A plate's text (see :func:`normalize_text`).

    Returns:
        int32 labels, one per read character, each in ``1..len(ALPHABET)``.

    Raises:
        ValueError: If a character is outside the alphabet (the message names
            it and its position).

    Example:
        >>> from plate_unet.data.alphabet import decode_labels, encode_text
        >>> encode_text("A0-1")
        array([11,  1,  2], dtype=int32)
        >>> decode_labels(encode_text("BA 12\\n34"))
        'BA1234'
    """
    bad = unknown_characters(text)
    if bad:
        listed = ", ".join(f"{c!r} at {i}" for i, c in bad)
        raise ValueError(
            f"text {text!r} has characters outside the reader's alphabet: {listed}"
        )
    return np.array([_INDEX[c] for c in normalize_text(text)], np.int32)


def script_classes() -> np.ndarray:
    """Which classes each script of :data:`SCRIPTS` may not hold.

    Returns:
        bool ``(len(SCRIPTS), len(ALPHABET) + 1)``: row ``k`` is True on the
        classes of every *other* script (the blank, class 0, is never masked).

    Example:
        >>> from plate_unet.data.alphabet import ALPHABET, SCRIPTS, script_classes
        >>> masked, latin = script_classes(), list(SCRIPTS).index("latin")
        >>> be, b = ALPHABET.index("Б") + 1, ALPHABET.index("B") + 1
        >>> bool(masked[latin, be]), bool(masked[latin, b])
        (True, False)
        >>> bool(masked[:, ALPHABET.index("7") + 1].any())  # digits go with any
        False
    """
    out = np.zeros((len(SCRIPTS), len(ALPHABET) + 1), bool)
    for k, name in enumerate(SCRIPTS):
        for other, chars in SCRIPTS.items():
            if other != name:
                out[k, [_INDEX[c] for c in chars]] = True
    return out


def decode_labels(labels: Iterable[int]) -> str:
    """The text of CTC labels; blanks (0) and padding (negative) are skipped.

    Raises:
        ValueError: If a label is above ``len(ALPHABET)``.

    Example:
        >>> from plate_unet.data.alphabet import decode_labels
        >>> decode_labels([11, 0, 1, -1, -1])
        'A0'
    """
    out = []
    for k in labels:
        k = int(k)
        if k > len(ALPHABET):
            raise ValueError(f"label {k} is outside 0..{len(ALPHABET)}")
        if k > 0:
            out.append(ALPHABET[k - 1])
    return "".join(out)
