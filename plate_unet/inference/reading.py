"""Reading plates: flat crops → text, with the CTC reader.

The reader (:func:`~plate_unet.model.reader.build_reader`) reads a grey crop of
a fixed size; :func:`read_crops` brings crops of any size and colour to it,
runs the reader through a traced graph and decodes the output with
``keras.ops.ctc_decode`` (:func:`~plate_unet.model.reader.decode`). The reader
reads columns left to right, so it cannot read a top row before a bottom row
that shares its columns: a crop that may hold two rows (narrower than
:data:`TWO_ROW_ASPECT` times its height) is read both whole and as a top and a
bottom band, and the likelier reading wins.
:func:`read_plates` cuts each found plate out of a photo with
:func:`~plate_unet.data.quads.rectify` and reads it, so a prediction carries
each plate's text. Crops that cannot hold characters (empty, a few pixels,
flat) are not read: they give an empty text, score 0 and the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from plate_unet.data.quads import rectify
from plate_unet.errors import ModelFileError

if TYPE_CHECKING:
    import keras

    from plate_unet.inference.postprocess import Plate

#: Crops narrower or lower than this (pixels) are not read.
MIN_CROP_PX = 4
#: Crops whose grey levels spread less than this (standard deviation) hold no
#: characters: a flat patch, a blank wall.
MIN_CONTRAST = 2.0
#: Crops narrower than this many times their height may hold two rows of
#: characters (square, Japanese and many motorcycle plates; one-row plates are
#: 2 to 5 times as wide as tall): they are also read as two bands.
TWO_ROW_ASPECT = 2.6
#: Regions at least this wide (pixels in the photo, the mean of the top and
#: bottom edges) are wide enough to read: the reader's training crops start
#: there (``plate_unet.data.synthetic.crops.MIN_WIDTH_PX``).
READABLE_PX = 40.0
#: A region wide enough to read (:data:`READABLE_PX`) in which the reader reads
#: fewer characters than this is not a plate: a badge, a lamp, a wheel
#: (:func:`has_plate_text`). 0 keeps every region. ``benchmarks/
#: tune_postprocess.py --reader`` chooses it on synthetic validation scenes.
MIN_PLATE_CHARS = 0
#: A two-row crop is cut at its quietest pixel row between these shares of its
#: height (:func:`row_split`); each band keeps this share of the height past
#: the cut, as the reader's training crops keep a margin round each row.
ROW_SEARCH = (0.25, 0.7)
ROW_OVERLAP = 0.06


def row_split(grey: np.ndarray) -> int:
    """Where to cut a crop of two character rows: the pixel row with the least
    change along it (the gap between the rows), searched between
    :data:`ROW_SEARCH` of the height. Rows of unequal height (a small line
    over a large one) are cut at their gap, not in the middle.

    Args:
        grey: uint8 ``(H, W)`` crop.

    Returns:
        The first pixel row of the bottom band.

    Example:
        >>> from plate_unet.inference.reading import row_split
        >>> crop = np.full((40, 80), 220, np.uint8)
        >>> crop[4:12, 10:70:8] = 0  # a small top row
        >>> crop[17:36, 5:75:10] = 0  # a large bottom row
        >>> 12 <= row_split(crop) <= 17
        True
    """
    g = np.abs(np.diff(grey.astype(np.float32), axis=1)).mean(axis=1)
    g = np.convolve(g, np.ones(3) / 3, mode="same")
    h = grey.shape[0]
    lo = int(ROW_SEARCH[0] * h)
    hi = max(int(ROW_SEARCH[1] * h), lo + 1)
    return lo + int(np.argmin(g[lo:hi]))


@dataclass(frozen=True)
class Reading:
    """What the reader made of one crop.

    Attributes:
        text: The characters read, without separators (a two-row plate's top
            row, then its bottom row); ``""`` when nothing was read.
        score: The reader's confidence in 0..1 (the probability of the best
            path); 0 for an empty text.
        reason: Why the crop was not read (``""`` when it was).
    """

    text: str
    score: float
    reason: str = ""


def default_reader_path() -> Path:
    """The committed reader, ``inference/pretrained/reader/reader.keras``."""
    return Path(__file__).resolve().parent / "pretrained" / "reader" / "reader.keras"


def load_reader(path: str | Path | None = None) -> keras.Model:
    """Loads a plate reader (the committed one by default), safely.

    Raises:
        ModelFileError: If the file is missing, cannot be loaded, or is not a
            reader (a model whose output ``probs`` has one row of class
            probabilities per timestep).
    """
    import keras

    path = Path(path) if path is not None else default_reader_path()
    if not path.is_file():
        hint = (
            "make it with `make reader`"
            if path == default_reader_path()
            else "give the path of a .keras file made by `make reader`"
        )
        raise ModelFileError(f"no reader at {path}: {hint}")
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds on a bad file
        raise ModelFileError(f"{path} cannot be loaded as a reader: {exc}") from None
    names = {layer.name for layer in model.layers}
    if (
        "probs" not in names
        or len(model.input_shape) != 4
        or model.input_shape[-1] != 1
    ):
        raise ModelFileError(
            f"{path} is not a plate reader: expected a grey (H, W, 1) input and a "
            "'probs' output, as build_reader makes"
        )
    return model


def _why_unreadable(crop: np.ndarray | None) -> str:
    if crop is None or np.size(crop) == 0:
        return "empty crop"
    h, w = np.shape(crop)[:2]
    if min(h, w) < MIN_CROP_PX:
        return f"crop of {h}×{w} (H×W) is below {MIN_CROP_PX} pixels a side"
    if float(np.std(_grey(crop).astype(np.float32))) < MIN_CONTRAST:
        return "crop is flat: no characters"
    return ""


def _grey(crop: np.ndarray) -> np.ndarray:
    crop = np.asarray(crop)
    if crop.dtype != np.uint8:
        scale = 255.0 if crop.dtype.kind == "f" and crop.max() <= 1.0 else 1.0
        crop = np.clip(crop.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    if crop.ndim == 3 and crop.shape[2] == 1:
        crop = crop[..., 0]
    elif crop.ndim == 3:
        crop = cv2.cvtColor(crop[..., :3], cv2.COLOR_RGB2GRAY)
    return crop


def reader_size(reader: keras.Model) -> tuple[int, int]:
    """The ``(height, width)`` of the crops ``reader`` reads."""
    return int(reader.input_shape[1]), int(reader.input_shape[2])


def read_crops(
    reader: keras.Model,
    crops: Sequence[np.ndarray | None],
    strategy: str = "greedy",
    beam_width: int = 10,
    rows: int | str = "auto",
    script: bool = True,
) -> list[Reading]:
    """Reads plate crops of any size, grey or RGB.

    Each crop is made grey and resized to the reader's size. A crop that is
    empty, below :data:`MIN_CROP_PX` pixels a side or flat is not read.

    Args:
        reader: A model of :func:`~plate_unet.model.reader.build_reader`.
        crops: uint8 (or float in 0..1) ``(H, W)``, ``(H, W, 1)`` or
            ``(H, W, 3)`` RGB crops, one plate each, at the plate's own aspect.
        strategy: ``"greedy"`` or ``"beam_search"`` (see
            :func:`~plate_unet.model.reader.decode`).
        beam_width: Beams of the beam search.
        rows: ``1``: read each crop whole; ``2``: as a top and a bottom band,
            cut at the gap between them (:func:`row_split`), the top row's
            text first; ``"auto"``: whole, and also as two bands
            when the crop is narrower than :data:`TWO_ROW_ASPECT` times its
            height, keeping the likelier reading (the product of the bands'
            confidences against the whole crop's).
        script: Read each crop (each band) in one script, its likeliest
            (:func:`~plate_unet.model.reader.one_script`): a row of a plate
            does not mix Latin, Cyrillic and Arabic letters. Chosen on
            synthetic crops (held-out accuracy up by about a point).

    Returns:
        One :class:`Reading` per crop, in order.

    Example:
        >>> from plate_unet.inference.reading import read_crops
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> reader = build_reader(ReaderConfig(filters=(4, 8), hidden=8))
        >>> (reading,) = read_crops(reader, [np.zeros((2, 2), "uint8")])
        >>> reading.text, reading.score, reading.reason
        ('', 0.0, 'crop of 2×2 (H×W) is below 4 pixels a side')
    """
    from plate_unet.inference.image import traced_inference
    from plate_unet.model.reader import decode

    if rows not in (1, 2, "auto"):
        raise ValueError(f"rows={rows!r}: use 1, 2 or 'auto'")
    h, w = reader_size(reader)
    readings: list[Reading | None] = []
    pieces: list[np.ndarray] = []
    plans: list[list[list[int]]] = []  # per crop: its readings, each a piece list
    for crop in crops:
        why = _why_unreadable(crop)
        if why:
            readings.append(Reading("", 0.0, why))
            continue
        grey = _grey(np.asarray(crop))
        gh, gw = grey.shape
        ways: list[list[np.ndarray]] = []
        if rows in (1, "auto"):
            ways.append([grey])
        if rows == 2 or (rows == "auto" and gw < TWO_ROW_ASPECT * gh and gh >= 8):
            cut, pad = row_split(grey), max(1, round(ROW_OVERLAP * gh))
            ways.append([grey[: cut + pad], grey[max(cut - pad, 0) :]])
        plan = []
        for way in ways:
            plan.append(list(range(len(pieces), len(pieces) + len(way))))
            for piece in way:
                down = piece.shape[0] > h or piece.shape[1] > w
                inter = cv2.INTER_AREA if down else cv2.INTER_LINEAR
                pieces.append(cv2.resize(piece, (w, h), interpolation=inter))
        plans.append(plan)
        readings.append(None)
    if pieces:
        x = np.stack(pieces).astype(np.float32)[..., None]
        probs = np.asarray(traced_inference(reader)(x))
        decoded = decode(probs, strategy, beam_width, script=script)
        plan_of = iter(plans)
        for i, r in enumerate(readings):
            if r is None:
                best = Reading("", 0.0)
                for ids in next(plan_of):
                    text = "".join(decoded[k][0] for k in ids)
                    score = float(np.prod([decoded[k][1] for k in ids]))
                    if text and all(decoded[k][0] for k in ids) and score > best.score:
                        best = Reading(text, score)
                readings[i] = best
    return [r for r in readings if r is not None]


def plate_crop(reader: keras.Model, image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The flat grey crop of the plate at ``quad``, at the plate's own aspect
    (width over height, 0.8 to 8) and twice the reader's width, so that
    :func:`read_crops` can tell one row from two."""
    q = np.asarray(quad, np.float32)
    width = plate_width(q)
    height = float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    aspect = min(max(width / max(height, 1e-6), 0.8), 8.0)
    out_w = 2 * reader_size(reader)[1]
    return rectify(_grey(image), q, (max(2, round(out_w / aspect)), out_w))


def plate_width(quad: np.ndarray) -> float:
    """A plate's width in pixels: the mean of its top and bottom edges."""
    q = np.asarray(quad, np.float64).reshape(4, 2)
    return float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2


def has_plate_text(
    plate: Plate, min_chars: int = MIN_PLATE_CHARS, readable_px: float = READABLE_PX
) -> bool:
    """Whether a read region may be a plate: it holds at least ``min_chars``
    characters, or it is too narrow to read (under ``readable_px`` pixels
    wide), or it was not read.

    Args:
        plate: A plate of :func:`read_plates`.
        min_chars: Fewest characters (separators not counted) a plate holds.
        readable_px: Regions narrower than this are kept unread.

    Returns:
        ``False`` for a region wide enough to read in which fewer than
        ``min_chars`` characters were read.

    Example:
        >>> from plate_unet.inference import Plate
        >>> from plate_unet.inference.reading import has_plate_text
        >>> quad = np.float32([[0, 0], [120, 0], [120, 30], [0, 30]])
        >>> badge = Plate(quad, (0, 0, 120, 30), 0.9, text="", text_score=0.0)
        >>> has_plate_text(badge, min_chars=2)
        False
        >>> has_plate_text(Plate(quad / 4, (0, 0, 30, 8), 0.9, text=""), 2)
        True
    """
    if plate.text is None or min_chars <= 0:
        return True
    if plate_width(plate.quad) < readable_px:
        return True
    from plate_unet.data.alphabet import normalize_text

    return len(normalize_text(plate.text)) >= min_chars


def read_plates(
    reader: keras.Model,
    image: np.ndarray,
    plates: Sequence[Plate],
    strategy: str = "greedy",
) -> list[Plate]:
    """Reads every plate of ``image``: the same plates with ``text`` and
    ``text_score`` filled in.

    Example:
        >>> from plate_unet.inference import Plate
        >>> from plate_unet.inference.reading import read_plates
        >>> from plate_unet.model.reader import ReaderConfig, build_reader
        >>> reader = build_reader(ReaderConfig(filters=(4, 8), hidden=8))
        >>> quad = np.float32([[1, 1], [3, 1], [3, 2], [1, 2]])  # 2×1 pixels
        >>> (read,) = read_plates(reader, np.zeros((8, 8, 3), "uint8"),
        ...                       [Plate(quad, (1, 1, 3, 2), 0.9)])
        >>> read.text, read.text_score
        ('', 0.0)
    """
    crops = []
    for plate in plates:
        x0, y0, x1, y1 = plate.box
        if min(x1 - x0, y1 - y0) + 1 < MIN_CROP_PX:  # too few pixels to read
            crops.append(np.zeros((0, 0), np.uint8))
        else:
            crops.append(plate_crop(reader, image, plate.quad))
    readings = read_crops(reader, crops, strategy)
    return [
        dataclasses.replace(p, text=r.text, text_score=round(r.score, 4))
        for p, r in zip(plates, readings, strict=True)
    ]
