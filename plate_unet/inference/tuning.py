"""Choose the :class:`~plate_unet.inference.postprocess.PlateShape` thresholds.

A model's thresholded map holds plates and other regions. :func:`region_table`
predicts a set of annotated scenes once and records, for every region, what
:class:`PlateShape` tests (mean probability, fill, aspect, size) and whether it
matched an annotated plate (box IoU above ``iou``, one-to-one).
:func:`choose_plate_shape` then tries a grid of thresholds on that table and
keeps the one with the best F1 (the loosest one among equals).
:func:`choose_grow` picks the lower threshold regions grow into
(:data:`~plate_unet.inference.postprocess.GROW`) by F1 at box IoU 0.7: the
value whose boxes hold whole plates most often. :func:`choose_min_chars` picks
how many characters a region wide enough to read must hold
(:data:`~plate_unet.inference.reading.MIN_PLATE_CHARS`).

Choose on synthetic validation scenes (``benchmarks/tune_postprocess.py``);
real photos only compare the designs afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from plate_unet.data.images import read_image
from plate_unet.inference.evaluate import match_plates
from plate_unet.inference.image import predict_probability
from plate_unet.inference.postprocess import GROW, PlateShape, find_plates

if TYPE_CHECKING:
    import keras

#: Thresholds tried, loosest first (a tie keeps the looser).
GRID = {
    "min_score": (0.0, 0.6, 0.7, 0.8, 0.85, 0.9),
    "min_fill": (0.0, 0.5, 0.6, 0.7, 0.8),
    "min_aspect": (0.0, 0.8, 1.0, 1.3, 1.6, 2.0),
    "max_aspect": (float("inf"), 12.0, 9.0, 7.0),
    "min_size": (0.0, 1e-4, 3e-4, 1e-3),
}


#: Lower thresholds :func:`choose_grow` tries (``None``: no growing).
GROWS = (None, 0.4, 0.3, 0.2, 0.1, 0.05)


def _predicted(model: keras.Model, samples: Sequence) -> Iterator:
    """``(sample, probability map, letterbox)`` for each sample, in order."""
    for sample in samples:
        yield (sample, *predict_probability(model, read_image(sample.image_path)))


def region_table(
    model: keras.Model,
    samples: Sequence,
    threshold: float = 0.5,
    iou: float = 0.5,
    grow: float | None = GROW,
) -> dict[str, np.ndarray | np.int64]:
    """Every predicted region of ``samples`` with its features and its label.

    Args:
        model: A plate-unet model.
        samples: Annotated samples.
        threshold: Probability above which a pixel is plate.
        iou: A region matches a plate when their boxes' IoU exceeds this.
        grow: The lower threshold regions grow into (see :func:`find_plates`).

    Returns:
        ``{"score", "fill", "aspect", "size", "matched"}`` arrays (one entry
        per region) and ``"plates"``: the number of annotated plates.

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference import load_model
        >>> from plate_unet.inference.tuning import region_table
        >>> samples = load_annotations("data/sample")
        >>> pretrained = load_model()  # the teaching checkpoint
        >>> table = region_table(pretrained, samples[:4])
        >>> sorted(table), int(table["plates"])
        (['aspect', 'fill', 'matched', 'plates', 'score', 'size'], 6)
    """
    rows, plates = [], 0
    for sample, prob, letterbox in _predicted(model, samples):
        found = find_plates(prob, threshold, letterbox=letterbox, grow=grow)
        hits = {j for _, j, v in match_plates(sample.plates, [p.quad for p in found])
                if v > iou}  # fmt: skip
        plates += len(sample.plates)
        for j, p in enumerate(found):
            rows.append((p.score, p.fill, p.aspect, p.size, j in hits))
    table = np.array(rows, np.float64).reshape(-1, 5)
    names = ("score", "fill", "aspect", "size", "matched")
    out: dict[str, np.ndarray | np.int64] = {
        n: table[:, k] for k, n in enumerate(names)
    }
    out["matched"] = out["matched"].astype(bool)
    out["plates"] = np.int64(plates)
    return out


def _f1(found: int, predicted: int, plates: int) -> float:
    return 2.0 * found / (plates + predicted) if plates + predicted else 1.0


def choose_plate_shape(table: dict) -> tuple[PlateShape, dict]:
    """The grid point of :data:`GRID` with the best F1 on ``table``.

    Args:
        table: From :func:`region_table`.

    Returns:
        ``(shape, stats)``: the chosen :class:`PlateShape`, and the found,
        predicted and F1 counts with it and with no filter.

    Example:
        >>> from plate_unet.inference.tuning import choose_plate_shape
        >>> table = {"score": np.array([0.9, 0.55]), "fill": np.array([0.9, 0.9]),
        ...          "aspect": np.array([3.0, 3.0]), "size": np.array([0.01, 0.01]),
        ...          "matched": np.array([True, False]), "plates": 1}
        >>> choose_plate_shape(table)[0].min_score
        0.6
    """
    plates = int(table["plates"])
    matched = np.asarray(table["matched"], bool)
    best, best_f1 = PlateShape(), -1.0
    for values in itertools.product(*GRID.values()):
        kw = dict(zip(GRID, values, strict=True))
        if kw["min_aspect"] >= kw["max_aspect"]:
            continue
        keep = (
            (table["score"] >= kw["min_score"])
            & (table["fill"] >= kw["min_fill"])
            & (table["aspect"] >= kw["min_aspect"])
            & (table["aspect"] <= kw["max_aspect"])
            & (table["size"] >= kw["min_size"])
        )
        f1 = _f1(int((keep & matched).sum()), int(keep.sum()), plates)
        if f1 > best_f1 + 1e-12:
            best, best_f1 = PlateShape(**kw), f1
    stats = {
        "plates": plates,
        "unfiltered": {
            "found": int(matched.sum()),
            "predicted": len(matched),
            "f1": _f1(int(matched.sum()), len(matched), plates),
        },
        "chosen": {"f1": best_f1},
    }
    return best, stats


def choose_grow(
    model: keras.Model,
    samples: Sequence,
    shape: PlateShape,
    threshold: float = 0.5,
    iou: float = 0.7,
    grows: Sequence[float | None] = GROWS,
    margin: float = 0.02,
) -> tuple[float | None, dict]:
    """The lower threshold of :data:`GROWS` whose plates match best at ``iou``.

    Each sample is predicted once; every candidate then finds its regions in
    the same maps, keeps those that pass ``shape``, and is scored by F1 with
    plates matched one-to-one above box IoU ``iou`` (0.7: the box holds the
    whole plate, not only its characters). The first candidate (by default
    no growing) stays unless another beats it by ``margin``: a smaller gain is
    within what another set of scenes moves. Among the others a tie keeps the
    earlier one.

    Args:
        model: A plate-unet model.
        samples: Annotated samples (synthetic validation scenes).
        shape: The region filter (see :func:`choose_plate_shape`).
        threshold: Probability above which a pixel is plate.
        iou: Box IoU a region needs to count as a plate.
        grows: The candidates, the default first.
        margin: F1 a candidate must gain over the first one to replace it.

    Returns:
        ``(grow, scores)``: the chosen value, and F1 for each candidate.

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference import load_model
        >>> from plate_unet.inference.postprocess import PLAUSIBLE
        >>> from plate_unet.inference.tuning import choose_grow
        >>> scenes, pretrained = load_annotations("data/sample")[:4], load_model()
        >>> grow, scores = choose_grow(pretrained, scenes, PLAUSIBLE, grows=(None, 0.2))
        >>> sorted(scores, key=str)
        ['0.2', 'None']
    """
    counts = {str(g): [0, 0] for g in grows}  # found, predicted
    plates = 0
    for sample, prob, letterbox in _predicted(model, samples):
        plates += len(sample.plates)
        for g in grows:
            found = find_plates(prob, threshold, letterbox, shape=shape, grow=g)
            quads = [p.quad for p in found]
            hits = [v for _, _, v in match_plates(sample.plates, quads) if v > iou]
            counts[str(g)][0] += len(hits)
            counts[str(g)][1] += len(found)
    scores = {k: _f1(f, n, plates) for k, (f, n) in counts.items()}
    best = max(grows, key=lambda g: (scores[str(g)], -grows.index(g)))
    if scores[str(best)] < scores[str(grows[0])] + margin:
        best = grows[0]
    return best, scores


#: Fewest characters :func:`choose_min_chars` tries (0: keep every region).
MIN_CHARS = (0, 1, 2, 3)


def choose_min_chars(
    model: keras.Model,
    reader: keras.Model,
    samples: Sequence,
    shape: PlateShape | None,
    candidates: Sequence[int] = MIN_CHARS,
    iou: float = 0.5,
    margin: float = 0.005,
) -> tuple[int, dict]:
    """The fewest characters a readable region must hold to stay a plate
    (:func:`~plate_unet.inference.reading.has_plate_text`), by F1 at box IoU
    ``iou``.

    Each sample is predicted and read once (two scales, as
    :func:`~plate_unet.inference.image.predict_image` does); each candidate
    then keeps the regions it passes. The first candidate (0: no rule) stays
    unless another beats it by ``margin``.

    Args:
        model: A plate-unet model.
        reader: A plate reader.
        samples: Annotated samples (synthetic validation scenes).
        shape: The region filter.
        candidates: The values tried, the default first.
        iou: Box IoU a region needs to count as a plate.
        margin: F1 a candidate must gain over the first one to replace it.

    Returns:
        ``(min_chars, scores)``: the chosen value and F1 for each candidate.

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference import load_model
        >>> from plate_unet.inference.reading import load_reader
        >>> from plate_unet.inference.tuning import choose_min_chars
        >>> scenes = load_annotations("data/sample")[:2]
        >>> chosen, scores = choose_min_chars(load_model(), load_reader(), scenes,
        ...                                   None, candidates=(0, 2))
        >>> sorted(scores)
        [0, 2]
    """
    from plate_unet.inference.image import predict_image
    from plate_unet.inference.reading import has_plate_text

    counts = {k: [0, 0] for k in candidates}  # found, predicted
    plates = 0
    for sample in samples:
        image = read_image(sample.image_path)
        found, _ = predict_image(model, image, shape=shape, reader=reader, min_chars=0)
        plates += len(sample.plates)
        for k in candidates:
            kept = [p.quad for p in found if has_plate_text(p, k)]
            hits = [v for _, _, v in match_plates(sample.plates, kept) if v > iou]
            counts[k][0] += len(hits)
            counts[k][1] += len(kept)
    scores = {k: _f1(f, n, plates) for k, (f, n) in counts.items()}
    best = max(candidates, key=lambda k: (scores[k], -list(candidates).index(k)))
    if scores[best] < scores[candidates[0]] + margin:
        best = candidates[0]
    return best, scores
