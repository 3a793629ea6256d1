"""Evaluate a plate segmenter: pixels, plates, CCPD-style matching, corner errors.

Two views of the same prediction:

* **pixels**: IoU and Dice of the thresholded mask against the annotated
  polygons, at the ORIGINAL image size;
* **plates**: the quadrilaterals from
  :func:`plate_unet.inference.postprocess.find_plates` are matched one-to-one
  to the annotated plates, greedily by IoU (the best
  pair first). A plate is *found*, CCPD-style, when its IoU is
  above 0.7; precision = found / predicted, recall = found / annotated. For
  matched pairs you also get the box IoU, the quadrilateral IoU and the mean
  distance between corresponding corners in pixels.

Totals add pixel counts and plate counts over all images (so a large image
weighs more than a small one), and average the per-pair numbers over matched
pairs. When there is nothing to find and nothing is predicted, every score is 1.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from plate_unet.data.letterbox import Letterbox, letterbox_plates
from plate_unet.data.masks import rasterize
from plate_unet.errors import ImageReadError, PlateUnetError
from plate_unet.inference.postprocess import (
    PLAUSIBLE,
    Plate,
    PlateShape,
    box_iou,
    quad_box,
    quad_iou,
)

if TYPE_CHECKING:
    import keras
    from numpy.typing import ArrayLike

log = logging.getLogger(__name__)

#: How a predicted plate is matched to a true one: by bounding box or by quadrilateral.
MatchOn = Literal["box", "quad"]

#: CCPD-style matching: a plate is found when its IoU with the truth exceeds this.
CCPD_IOU = 0.7


def pixel_scores(true_mask: np.ndarray, pred_mask: np.ndarray) -> tuple[float, float]:
    """IoU and Dice of two binary masks (non-zero = plate).

    Args:
        true_mask: Annotated mask, any shape.
        pred_mask: Predicted mask, the same shape.

    Returns:
        ``(iou, dice)``; both 1.0 when neither mask has a plate pixel.

    Raises:
        ValueError: If the shapes differ.

    Example:
        >>> from plate_unet.inference import pixel_scores
        >>> pixel_scores([[1, 1, 0, 0]], [[0, 1, 1, 0]])
        (0.3333333333333333, 0.5)
    """
    t, p = np.asarray(true_mask) > 0, np.asarray(pred_mask) > 0
    if t.shape != p.shape:
        raise ValueError(f"mask shapes differ: true {t.shape}, predicted {p.shape}.")
    inter, total = int((t & p).sum()), int(t.sum() + p.sum())
    if total == 0:
        return 1.0, 1.0
    return inter / (total - inter), 2 * inter / total


def resolution_ceiling(samples: Sequence, height: int, width: int) -> float:
    """The best pixel IoU any model of input ``height × width`` can score.

    Each sample's true mask is drawn at the model's size (as for training),
    taken back to the image's size the way predictions are (linear resize,
    threshold 0.5), and compared with the mask drawn at the image's size. What
    is lost is lost to the resolution alone, before any model makes a mistake.

    Args:
        samples: Samples with plates and image sizes (as readers return them).
        height: Model input height.
        width: Model input width.

    Returns:
        Pixel IoU over all samples (intersections and unions summed).

    Example:
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference.evaluate import resolution_ceiling
        >>> samples = load_annotations("data/sample")
        >>> round(resolution_ceiling(samples, 256, 160), 2)
        0.96
    """
    inter = union = 0
    for sample in samples:
        truth = rasterize(sample.plates, sample.height, sample.width) > 0
        small = rasterize(letterbox_plates(sample, height, width), height, width)
        box = Letterbox(sample.height, sample.width, height, width)
        back = box.invert_mask(small.astype(np.float32)) > 0.5
        inter += int((truth & back).sum())
        union += int((truth | back).sum())
    return _ratio(inter, union)


def corner_error(a: ArrayLike, b: ArrayLike) -> float:
    """Mean distance in pixels between corresponding corners of two quads.

    Args:
        a: Corners TL, TR, BR, BL, shape ``(4, 2)``.
        b: Corners in the same order.

    Returns:
        The mean Euclidean distance of the four corner pairs.

    Example:
        >>> from plate_unet.inference.evaluate import corner_error
        >>> a = [[0, 0], [4, 0], [4, 2], [0, 2]]
        >>> corner_error(a, [[3, 4], [4, 0], [4, 2], [0, 2]])
        1.25
    """
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    return float(np.linalg.norm(d, axis=1).mean())


def match_plates(
    true_quads: Iterable[ArrayLike],
    pred_quads: Iterable[ArrayLike],
    on: MatchOn = "box",
) -> list[tuple[int, int, float]]:
    """Matches predicted to annotated plates one-to-one, greedily by IoU.

    The pair with the highest IoU is matched first, then the best pair among
    the rest, and so on; pairs that do not overlap are never matched.

    Args:
        true_quads: Annotated ``(4, 2)`` quads.
        pred_quads: Predicted ``(4, 2)`` quads.
        on: ``"box"`` (axis-aligned boxes, as CCPD) or ``"quad"`` (polygons).

    Returns:
        ``(true index, predicted index, IoU)`` per match, best first.

    Raises:
        ValueError: If ``on`` is neither ``"box"`` nor ``"quad"``.

    Example:
        >>> from plate_unet.inference import match_plates
        >>> sq = [[0, 0], [2, 0], [2, 2], [0, 2]]
        >>> match_plates([sq], [sq, [[1, 0], [3, 0], [3, 2], [1, 2]]])
        [(0, 0, 1.0)]
    """
    if on not in ("box", "quad"):
        raise ValueError(f"on={on!r} is invalid: use 'box' or 'quad'.")
    true_quads, pred_quads = list(true_quads), list(pred_quads)
    iou = np.zeros((len(true_quads), len(pred_quads)))
    for i, t in enumerate(true_quads):
        for j, p in enumerate(pred_quads):
            iou[i, j] = (
                box_iou(quad_box(t), quad_box(p)) if on == "box" else quad_iou(t, p)
            )
    matches = []
    while iou.size and iou.max() > 0:
        ti, pj = (int(k) for k in np.unravel_index(int(np.argmax(iou)), iou.shape))
        matches.append((ti, pj, float(iou[ti, pj])))
        iou[ti, :] = -1
        iou[:, pj] = -1
    return matches


#: Bin edges of :meth:`EvalReport.by_plate_size`: plate widths in model pixels.
PLATE_WIDTH_EDGES = (0, 10, 20, 40, 80)


@dataclass
class PlateMatch:
    """One annotated plate matched to one predicted plate."""

    true_index: int
    pred_index: int
    box_iou: float
    quad_iou: float
    corner_error: float
    found: bool


@dataclass
class ImageResult:
    """The scores of one image (a row of the report).

    Attributes:
        image: Image path.
        width: Image width. height: Image height.
        pixel_iou: Mask IoU at the original size. dice: Mask Dice.
        intersection, union, true_pixels, pred_pixels: Pixel counts for totals.
        true_quads: Annotated corners; pred_quads / pred_scores: predicted plates.
        matches: Matched pairs; ``found`` when IoU > the protocol's threshold.
        true_texts: Annotated texts, one per true quad (empty when the
            annotation tells none); read_texts: what the reader read on the
            true quads; pred_texts: what it read on the predicted plates.
    """

    image: str
    width: int
    height: int
    pixel_iou: float
    dice: float
    intersection: int
    union: int
    true_pixels: int
    pred_pixels: int
    true_quads: list = field(default_factory=list)
    pred_quads: list = field(default_factory=list)
    pred_scores: list = field(default_factory=list)
    matches: list[PlateMatch] = field(default_factory=list)
    true_texts: list[str] = field(default_factory=list)
    read_texts: list[str] = field(default_factory=list)
    pred_texts: list[str] = field(default_factory=list)

    @property
    def n_true(self) -> int:
        """Annotated plates."""
        return len(self.true_quads)

    @property
    def n_pred(self) -> int:
        """Predicted plates."""
        return len(self.pred_quads)

    @property
    def n_found(self) -> int:
        """Annotated plates found under the protocol."""
        return sum(m.found for m in self.matches)


def evaluate_image(
    image: str,
    true_quads: Sequence,
    plates: Sequence[Plate],
    true_mask: np.ndarray,
    pred_mask: np.ndarray,
    iou_threshold: float = CCPD_IOU,
    match_on: MatchOn = "box",
) -> ImageResult:
    """Scores one image's prediction against its annotation.

    Args:
        image: Image path or name (for the report).
        true_quads: Annotated ``(4, 2)`` quads, TL, TR, BR, BL.
        plates: Predicted plates, in the same pixels.
        true_mask: Annotated ``(H, W)`` mask (e.g. ``rasterize(true_quads, H, W)``).
        pred_mask: Predicted ``(H, W)`` mask.
        iou_threshold: A match counts as found when its IoU is above this.
        match_on: ``"box"`` (CCPD) or ``"quad"``: the IoU used to match and count.

    Returns:
        An :class:`ImageResult`.

    Raises:
        ValueError: If the masks' shapes differ or ``match_on`` is invalid.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.inference import find_plates
        >>> from plate_unet.inference.evaluate import evaluate_image
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> probs = np.where(mask == 1, 0.95, 0.05).astype("float32")
        >>> found = find_plates(probs)
        >>> row = evaluate_image("scene.png", plates, found, mask, probs > 0.5)
        >>> row.n_true, row.n_pred, row.n_found, row.pixel_iou
        (1, 1, 1, 1.0)
        >>> round(row.matches[0].box_iou, 2)  # the fitted corners are not exact
        0.89
    """
    t, p = np.asarray(true_mask) > 0, np.asarray(pred_mask) > 0
    iou, dice = pixel_scores(t, p)
    inter = int((t & p).sum())
    true_quads = [np.asarray(q, np.float32) for q in true_quads]
    pred_quads = [pl.quad for pl in plates]
    matches = []
    for i, j, iou_ij in match_plates(true_quads, pred_quads, on=match_on):
        tq, pq = true_quads[i], pred_quads[j]
        matches.append(
            PlateMatch(
                true_index=i,
                pred_index=j,
                box_iou=box_iou(quad_box(tq), quad_box(pq)),
                quad_iou=quad_iou(tq, pq),
                corner_error=corner_error(tq, pq),
                found=iou_ij > iou_threshold,
            )
        )
    return ImageResult(
        image=str(image),
        width=int(t.shape[1]),
        height=int(t.shape[0]),
        pixel_iou=iou,
        dice=dice,
        intersection=inter,
        union=int((t | p).sum()),
        true_pixels=int(t.sum()),
        pred_pixels=int(p.sum()),
        true_quads=[q.round(2).tolist() for q in true_quads],
        pred_quads=[np.asarray(q).round(2).tolist() for q in pred_quads],
        pred_scores=[round(float(pl.score), 4) for pl in plates],
        matches=matches,
    )


def _ratio(num: float, den: float, empty: float = 1.0) -> float:
    return num / den if den else empty


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(np.mean(values)) if values else None


@dataclass
class EvalReport:
    """Per-image rows and totals of an evaluation.

    Attributes:
        rows: One :class:`ImageResult` per image.
        threshold: Probability threshold of the masks.
        iou_threshold: The protocol's IoU (0.7 for CCPD).
        match_on: ``"box"`` or ``"quad"``.
        skipped: ``(image, reason)`` of images that could not be read.
        o_is_zero: Texts were scored with the letter O and the digit 0 as one
            symbol.

    With texts (a reader and annotated texts), ``totals`` also holds
    ``read_plates``, ``read_accuracy`` and ``read_cer`` (the reader on crops
    of the true corners), ``read_confusions`` (look-alike substitutions,
    :data:`~plate_unet.inference.text_scores.CONFUSABLE`) and ``end_to_end``:
    the share of plates with a text that were found at box IoU 0.5 and read
    right from the photo.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.inference import EvalReport, find_plates
        >>> from plate_unet.inference.evaluate import evaluate_image
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> probs = np.where(mask == 1, 0.95, 0.05).astype("float32")
        >>> found = find_plates(probs)
        >>> report = EvalReport([evaluate_image("scene.png", plates, found, mask,
        ...                                     probs > 0.5)])
        >>> report.totals["recall"], report.totals["pixel_iou"]
        (1.0, 1.0)
        >>> print(report.table())
        image                           IoU   Dice true pred found boxIoU quadIoU ...
        ------------------------------------------------------------------------...
        scene.png                     1.000  1.000    1    1     1  ...
        ------------------------------------------------------------------------...
        images 1, plates 1, predicted 1, found 1 (IoU box > 0.7)
        precision 1.000  recall 1.000  pixel IoU 1.000  Dice 1.000
        matched plates: box IoU ...  quad IoU ...  corner error ... px
    """

    rows: list[ImageResult]
    threshold: float = 0.5
    iou_threshold: float = CCPD_IOU
    match_on: MatchOn = "box"
    skipped: list[tuple[str, str]] = field(default_factory=list)
    o_is_zero: bool = False

    @property
    def totals(self) -> dict[str, Any]:
        """Scores over all images (pixel counts and plate counts are summed)."""
        rows = self.rows
        inter = sum(r.intersection for r in rows)
        union = sum(r.union for r in rows)
        pixels = sum(r.true_pixels + r.pred_pixels for r in rows)
        n_true = sum(r.n_true for r in rows)
        n_pred = sum(r.n_pred for r in rows)
        found = sum(r.n_found for r in rows)
        matches = [m for r in rows for m in r.matches]
        return {
            "images": len(rows),
            "plates": n_true,
            "predicted": n_pred,
            "found": found,
            "precision": _ratio(found, n_pred, 1.0 if n_true == 0 else 0.0),
            "recall": _ratio(found, n_true),
            "pixel_iou": _ratio(inter, union),
            "dice": _ratio(2 * inter, pixels),
            "mean_image_iou": _mean(r.pixel_iou for r in rows),
            "mean_box_iou": _mean(m.box_iou for m in matches),
            "mean_quad_iou": _mean(m.quad_iou for m in matches),
            "mean_corner_error": _mean(m.corner_error for m in matches),
        } | self.reading_totals()

    def reading_totals(self, clean: Callable[[str, str], str] | None = None) -> dict:
        """Plate accuracy and CER on the true corners, and end to end.

        Args:
            clean: Optional ``clean(read, truth) -> read`` applied to every
                reading before it is scored, e.g. to drop a character the truth
                never holds (a CCPD province no installed font draws).

        Returns:
            ``{}`` when no row carries reads; otherwise ``read_plates``,
            ``read_accuracy``, ``read_cer`` and ``read_confusions`` (reading the
            true corners) and ``end_to_end``: the share of annotated plates
            found at box IoU 0.5 and read right.

        Example:
            >>> from plate_unet.inference.evaluate import (
            ...     EvalReport, ImageResult, PlateMatch)
            >>> row = ImageResult("a.png", 9, 9, 1.0, 1.0, 1, 1, 1, 1)
            >>> row.true_texts, row.read_texts = ["AB1"], ["AB1"]
            >>> row.pred_texts = ["XAB1"]  # the plate found, read with an extra X
            >>> row.matches = [PlateMatch(0, 0, 0.8, 0.8, 1.0, True)]
            >>> report = EvalReport([row])
            >>> report.reading_totals()["end_to_end"]
            0.0
            >>> report.reading_totals(lambda read, truth: read[-3:])["end_to_end"]
            1.0
        """
        from plate_unet.data.alphabet import normalize_text
        from plate_unet.inference.text_scores import score_texts

        def cleaned(read: str, truth: str) -> str:
            return clean(read, truth) if clean is not None else read

        rows = [r for r in self.rows if r.read_texts]
        if not rows:
            return {}
        pairs = [
            (t, cleaned(x, t))
            for r in rows
            for t, x in zip(r.true_texts, r.read_texts, strict=True)
        ]
        scores = score_texts(
            [t for t, _ in pairs], [x for _, x in pairs], self.o_is_zero
        )
        right = 0
        for r in rows:
            for m in r.matches:
                raw = r.true_texts[m.true_index]
                truth = normalize_text(raw, self.o_is_zero)
                read = normalize_text(
                    cleaned(r.pred_texts[m.pred_index], raw), self.o_is_zero
                )
                right += bool(truth) and m.box_iou >= 0.5 and truth == read
        return {
            "read_plates": scores.plates,
            "read_accuracy": scores.accuracy,
            "read_cer": scores.cer,
            "read_confusions": dict(scores.confusions),
            "end_to_end": _ratio(right, scores.plates, 0.0),
        }

    def at_bars(self, bars: Sequence[float] = (0.5, 0.7)) -> dict[str, float | None]:
        """Recall and precision with a plate found at each box-IoU bar.

        The plates are matched once (one-to-one, best pair first); each bar then
        counts the matches above it, so the two bars' scores come from one report.

        Returns:
            ``{"recall@<bar>": ..., "precision@<bar>": ...}`` per bar (``None``
            when there is no annotated, or no predicted, plate).

        Example:
            >>> from plate_unet.inference.evaluate import (
            ...     EvalReport, ImageResult, PlateMatch)
            >>> row = ImageResult("a.png", 9, 9, 1.0, 1.0, 1, 1, 1, 1,
            ...                   true_quads=[0, 1], pred_quads=[0, 1])
            >>> row.matches = [PlateMatch(0, 0, 0.9, 0.9, 1.0, True),
            ...                PlateMatch(1, 1, 0.6, 0.6, 4.0, False)]
            >>> scores = EvalReport([row]).at_bars()
            >>> scores["recall@0.5"], scores["recall@0.7"], scores["precision@0.7"]
            (1.0, 0.5, 0.5)
        """
        ious = [m.box_iou for row in self.rows for m in row.matches]
        n_true = sum(r.n_true for r in self.rows)
        n_pred = sum(r.n_pred for r in self.rows)
        out: dict[str, float | None] = {}
        for bar in bars:
            found = sum(v > bar for v in ious)
            out[f"recall@{bar}"] = found / n_true if n_true else None
            out[f"precision@{bar}"] = found / n_pred if n_pred else None
        return out

    def by_plate_size(
        self,
        model_size: tuple[int, int],
        edges: Sequence[float] = PLATE_WIDTH_EDGES,
        bars: Sequence[float] = (0.5, 0.7),
    ) -> list[dict]:
        """Recall and box IoU by how wide each true plate is in the model's input.

        A plate's width in model pixels is its box width in the photo times the
        letterbox's scale to ``model_size`` (the model's own pass: a second,
        zoomed pass sees it twice as wide).

        Args:
            model_size: The model's ``(height, width)`` input.
            edges: Bin edges in model pixels; the last bin is open.
            bars: Box-IoU bars for recall.

        Returns:
            One dict per bin with plates: ``"from"``, ``"to"`` (``None``: open),
            ``"plates"``, ``"recall@<bar>"`` per bar, and ``"box_iou"``, the mean
            box IoU of the bin's plates (0 for a plate with no match).

        Example:
            >>> from plate_unet.inference.evaluate import EvalReport, ImageResult
            >>> quad = np.float32([[0, 0], [40, 0], [40, 10], [0, 10]])
            >>> row = ImageResult("a.png", 100, 100, 1.0, 1.0, 1, 1, 1, 1,
            ...                   true_quads=[quad, quad * 4])
            >>> rows = EvalReport([row]).by_plate_size((50, 50))  # scale 0.5
            >>> [(b["from"], b["to"], b["plates"], b["recall@0.5"]) for b in rows]
            [(20, 40, 1, 0.0), (80, None, 1, 0.0)]
        """
        bins: dict[int, list[float]] = {}
        for row in self.rows:
            scale = Letterbox(row.height, row.width, *model_size).scale
            best = {m.true_index: m.box_iou for m in row.matches}
            for i, quad in enumerate(row.true_quads):
                xs = np.asarray(quad, np.float32)[:, 0]
                width = float(xs.max() - xs.min()) * scale
                k = int(np.searchsorted(edges, width, side="right")) - 1
                bins.setdefault(max(k, 0), []).append(best.get(i, 0.0))
        out = []
        for k in sorted(bins):
            ious = np.asarray(bins[k])
            hi = edges[k + 1] if k + 1 < len(edges) else None
            out.append({"from": edges[k], "to": hi, "plates": len(ious)}
                       | {f"recall@{b}": float((ious > b).mean()) for b in bars}
                       | {"box_iou": float(ious.mean())})  # fmt: skip
        return out

    def worst(self, k: int = 4) -> list[ImageResult]:
        """The ``k`` images with the lowest pixel IoU (misses first)."""
        return sorted(self.rows, key=lambda r: (r.pixel_iou, -r.n_true))[:k]

    def table(self, max_rows: int = 20) -> str:
        """Returns a plain-text report: per-image rows, then the totals.

        Args:
            max_rows: Show at most this many images (the worst ones).

        Returns:
            The table as one string, ready to print.
        """

        def num(v, fmt="{:.3f}"):
            return "-" if v is None else fmt.format(v)

        head = f"{'image':<28} {'IoU':>6} {'Dice':>6} {'true':>4} {'pred':>4} "
        head += f"{'found':>5} {'boxIoU':>6} {'quadIoU':>7} {'corner px':>9}"
        lines = [head, "-" * len(head)]
        shown = self.worst(max_rows) if len(self.rows) > max_rows else self.rows
        for r in shown:
            name = Path(r.image).name
            name = name if len(name) <= 28 else "…" + name[-27:]
            lines.append(
                f"{name:<28} {r.pixel_iou:>6.3f} {r.dice:>6.3f} {r.n_true:>4} "
                f"{r.n_pred:>4} {r.n_found:>5} "
                f"{num(_mean(m.box_iou for m in r.matches)):>6} "
                f"{num(_mean(m.quad_iou for m in r.matches)):>7} "
                f"{num(_mean(m.corner_error for m in r.matches), '{:.1f}'):>9}"
            )
        if len(self.rows) > max_rows:
            lines.append(f"({len(self.rows) - max_rows} better images not shown)")
        t = self.totals
        lines += [
            "-" * len(head),
            f"images {t['images']}, plates {t['plates']}, predicted {t['predicted']}, "
            f"found {t['found']} (IoU {self.match_on} > {self.iou_threshold:g})",
            f"precision {t['precision']:.3f}  recall {t['recall']:.3f}  "
            f"pixel IoU {t['pixel_iou']:.3f}  Dice {t['dice']:.3f}",
            f"matched plates: box IoU {num(t['mean_box_iou'])}  quad IoU "
            f"{num(t['mean_quad_iou'])}  corner error "
            f"{num(t['mean_corner_error'], '{:.2f}')} px",
        ]
        if "read_accuracy" in t:
            confused = ", ".join(f"{k} {v}" for k, v in t["read_confusions"].items())
            lines.append(
                f"reading {t['read_plates']} plates (true corners): accuracy "
                f"{num(t['read_accuracy'])}  CER {num(t['read_cer'])}"
                f"{'  (O = 0)' if self.o_is_zero else ''}; end to end (found at "
                f"box IoU 0.5 and read right) {t['end_to_end']:.3f}"
                + (f"; look-alikes: {confused}" if confused else "")
            )
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} unreadable image(s)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Returns the report as plain data (totals, settings, rows)."""
        rows = []
        for r in self.rows:
            d = asdict(r)
            d.update(n_true=r.n_true, n_pred=r.n_pred, n_found=r.n_found)
            rows.append(d)
        return {
            "threshold": self.threshold,
            "iou_threshold": self.iou_threshold,
            "match_on": self.match_on,
            "o_is_zero": self.o_is_zero,
            "totals": self.totals,
            "skipped": [list(s) for s in self.skipped],
            "rows": rows,
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """Returns the report as JSON text, and writes it to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text)
        return text


def _read_true(reader, image, sample) -> list:
    """The reader on crops of the sample's true corners."""
    from plate_unet.inference.reading import plate_crop, read_crops

    return read_crops(reader, [plate_crop(reader, image, q) for q in sample.plates])


def evaluate_model(
    model: keras.Model,
    samples: Sequence,
    threshold: float = 0.5,
    iou_threshold: float = CCPD_IOU,
    match_on: MatchOn = "box",
    min_area: float | None = None,
    shape: PlateShape | None = PLAUSIBLE,
    multiscale: bool = True,
    reader: keras.Model | None = None,
    o_is_zero: bool = False,
    min_chars: int | None = None,
) -> EvalReport:
    """Predicts every sample's image and scores it against the annotation.

    Images are predicted as by :func:`plate_unet.inference.image.predict_image`
    (at two scales when large); masks and plates are
    compared at the ORIGINAL image size.

    Args:
        model: A Keras model, or the path of a ``.keras`` file.
        samples: :class:`~plate_unet.data.records.Sample` objects (from
            :func:`~plate_unet.data.readers.load_annotations`).
        threshold: Probability above which a pixel is plate.
        iou_threshold: A plate is found when its IoU exceeds this (CCPD: 0.7).
        match_on: ``"box"`` (CCPD) or ``"quad"``.
        min_area: Smallest predicted plate in model pixels (see ``find_plates``).
        shape: A :class:`~plate_unet.inference.postprocess.PlateShape` every
            predicted plate must pass (``None``: keep every region).
        multiscale: Two scales for large images; ``False``: the model's size only.
        reader: A plate reader: where samples carry texts (``Sample.texts``),
            the report scores reading too (see :class:`EvalReport`).
        o_is_zero: Score the letter O and the digit 0 as one symbol.
        min_chars: With a reader, regions wide enough to read that hold fewer
            characters are not plates (see
            :func:`~plate_unet.inference.image.predict_image`; ``None``:
            :data:`~plate_unet.inference.reading.MIN_PLATE_CHARS`).

    Returns:
        An :class:`EvalReport`; unreadable images are skipped with a warning.

    Raises:
        PlateUnetError: If ``samples`` is empty or no image could be read.
        ModelFileError: If ``model`` is a path that cannot be loaded.

    Example:
        >>> from pathlib import Path
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference import evaluate_model, load_model
        >>> pretrained = load_model()  # the teaching checkpoint
        >>> samples = load_annotations("data/sample")[:4]
        >>> report = evaluate_model(pretrained, samples)
        >>> t = report.totals
        >>> t["images"], t["plates"]  # annotated plates in the 4 images
        (4, 6)
        >>> t["recall"] == t["found"] / t["plates"]
        True
        >>> [Path(r.image).name for r in report.rows]
        ['00000.jpg', '00001.jpg', '00002.jpg', '00003.jpg']
    """
    from plate_unet.data.images import read_image
    from plate_unet.inference.image import predict_image
    from plate_unet.inference.model_file import load_model

    if match_on not in ("box", "quad"):
        raise ValueError(f"match_on={match_on!r} is invalid: use 'box' or 'quad'.")
    samples = list(samples)
    if not samples:
        raise PlateUnetError("no samples to evaluate: the annotation set is empty.")
    if model is None or isinstance(model, (str, Path)):
        model = load_model(model)
    from plate_unet.inference.reading import MIN_PLATE_CHARS

    least = MIN_PLATE_CHARS if min_chars is None else int(min_chars)
    report = EvalReport([], threshold, iou_threshold, match_on, o_is_zero=o_is_zero)
    for sample in samples:
        try:
            image = read_image(sample.image_path)
        except ImageReadError as exc:
            report.skipped.append((sample.image_path.name, exc.reason))
            continue
        height, width = image.shape[:2]
        texts = reader is not None and any(sample.texts)
        plates, pred_mask = predict_image(
            model,
            image,
            threshold,
            min_area,
            shape,
            multiscale,
            reader if texts or least > 0 else None,  # the text rule reads too
            least,
        )
        true_mask = rasterize(sample.plates, height, width)
        row = evaluate_image(
            str(sample.image_path),
            sample.plates,
            plates,
            true_mask,
            pred_mask,
            iou_threshold=iou_threshold,
            match_on=match_on,
        )
        if texts:
            row.true_texts = list(sample.texts)
            row.read_texts = [r.text for r in _read_true(reader, image, sample)]
            row.pred_texts = [p.text or "" for p in plates]
        report.rows.append(row)
    if report.skipped:
        detail = "; ".join(f"{n}: {why}" for n, why in report.skipped)
        log.warning(
            "skipped %d of %d images: %s", len(report.skipped), len(samples), detail
        )
    if not report.rows:
        raise PlateUnetError(f"none of the {len(samples)} images could be read.")
    return report
