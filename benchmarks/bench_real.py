"""How a model does on real photos it never trained on: every real set we have.

For each real set found under ``../shared/data`` (beside the checkout):

* ``ccpd/``: 16 CCPD parking-lot photos, labels in the file names;
* ``openalpr_eu/labels.csv``: 108 European car photos, reference-format CSV;
* ``mixed_web/labels.csv``: 260 web photos from many countries (261 plates),
  reference-format CSV;
* ``seed_sample/train.csv``: the reference's own CSV (8 of its 11 rows name missing
  images: those are skipped with a logged line);

the model (default: the committed teaching checkpoint) predicts every photo,
once at its own size only (``single``) and once at two scales when the photo is
large enough (``multi``, the default of ``predict_image``), and is scored as
``plate-unet evaluate`` scores it: recall and precision of plates matched
one-to-one by box IoU, at IoU > 0.5 and > 0.7 (CCPD's rule), pixel IoU of the
masks at the photos' own size, regions predicted per image, and seconds per image
(reading, predicting and post-processing, on this machine). A set whose folder
is absent is skipped with the reason.

Where a set carries the plates' texts (CCPD's file names, ``openalpr_eu/texts.csv``),
the two-scale row also reads them with the plate reader (default: the committed
one): plate accuracy and character error rate on crops of the true corners, and
end to end, the share of plates found at box IoU 0.5 and read right. The European
texts mix the letter O and the digit 0, so both count as one symbol there. CCPD's
first character, the province, is a Chinese character that no font installed by
the project draws (the generator draws CJK-like stroke patterns instead), so it
is left out of CCPD's texts: the six characters after it are scored.

These photos only measure: nothing trains on them and no threshold is chosen
on them.

Run: ``python benchmarks/bench_real.py [--model PATH] [--reader PATH]`` (4 minutes).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from pathlib import Path

from common import machine_info, machine_line, print_table, write_json

from plate_unet.data import load_annotations
from plate_unet.inference import evaluate_model, load_model, load_reader

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
#: (name, annotation path relative to ``SHARED``, reader's on_error).
SETS = [
    ("ccpd", "ccpd", "raise"),
    ("openalpr_eu", "openalpr_eu/labels.csv", "raise"),
    ("mixed_web", "mixed_web/labels.csv", "raise"),
    ("seed_sample", "seed_sample/train.csv", "skip"),
]
#: Sets whose texts mix the letter O and the digit 0.
O_IS_ZERO = {"openalpr_eu"}


def without_province(samples: list) -> list:
    """CCPD's texts without their first character (the province)."""
    return [
        dataclasses.replace(s, texts=tuple(t[1:] for t in s.texts)) for s in samples
    ]


BARS = (0.5, 0.7)


def score_set(
    model,
    samples,
    multiscale: bool,
    reader=None,
    o_is_zero: bool = False,
    province: bool = False,
) -> dict:
    """One set's row: recall and precision at each bar, pixel IoU, speed, and
    reading scores when ``reader`` is given and the samples carry texts."""
    started = time.perf_counter()
    report = evaluate_model(
        model,
        samples,
        iou_threshold=min(BARS),
        multiscale=multiscale,
        reader=reader,
        o_is_zero=o_is_zero,
    )
    seconds = time.perf_counter() - started
    totals = report.totals
    n_true, n_pred = totals["plates"], totals["predicted"]
    row = {"images": totals["images"], "plates": n_true}
    for key, value in report.at_bars(BARS).items():
        row[key] = None if value is None else round(value, 3)
    row["pixel IoU"] = round(totals["pixel_iou"], 3)
    row["regions/image"] = round(n_pred / max(totals["images"], 1), 2)
    row["s/image"] = round(seconds / max(totals["images"], 1), 3)
    if "read_accuracy" in totals:
        row.update(reading_scores(report, province))
    return row


def reading_scores(report, province: bool = False) -> dict:
    """Plate accuracy and CER on the true corners, and end to end
    (:meth:`~plate_unet.inference.evaluate.EvalReport.reading_totals`).

    With ``province`` (CCPD) the truth is the six characters after the
    province, a Chinese character that no font installed by the project draws:
    what the reader wrote for it (its first character, when it read more than
    six) is dropped. Elsewhere the reader's CJK stand-ins
    (``U+4E00..U+4E1F``), which these sets never hold, are dropped.
    """
    from plate_unet.data.alphabet import HANZI_PLACEHOLDERS, normalize_text

    def clean(read: str, truth: str) -> str:
        if province:
            return read[1:] if len(normalize_text(read)) > len(truth) else read
        return "".join(c for c in read if c not in HANZI_PLACEHOLDERS)

    totals = report.reading_totals(clean)
    return {
        "read acc": round(totals["read_accuracy"] or 0.0, 3),
        "CER": round(totals["read_cer"] or 0.0, 3),
        "end to end": round(totals["end_to_end"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a .keras model (default: ours)")
    parser.add_argument(
        "--reader", default=None, help="a reader .keras file (default: ours)"
    )
    parser.add_argument("--no-read", action="store_true", help="do not read plates")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    info = machine_info()
    model = load_model(args.model)
    reader = None if args.no_read else load_reader(args.reader)
    rows, skipped = [], []
    for name, rel, on_error in SETS:
        path = SHARED / rel
        if not path.exists():
            skipped.append(f"{name}: {path} not found")
            print(f"skipping {name}: {path} not found", flush=True)
            continue
        samples = load_annotations(path, on_error=on_error)
        if name == "ccpd":
            samples = without_province(samples)
        for multiscale in (False, True):
            scales = "multi" if multiscale else "single"
            row = score_set(
                model,
                samples,
                multiscale,
                reader if multiscale else None,
                o_is_zero=name in O_IS_ZERO,
                province=name == "ccpd",
            )
            rows.append({"set": name, "scales": scales, **row})
    model_name = args.model or "the committed teaching checkpoint"
    title = f"Real photos, {model_name} — {machine_line(info)}"
    columns = list(dict.fromkeys(k for r in rows for k in r))  # reading ones too
    table = print_table(title, rows, columns) if rows else "no real set found"
    notes = [
        "Plates are matched one-to-one by box IoU (best pair first); recall = "
        "found / annotated, precision = found / predicted regions.",
        *(f"skipped {s}" for s in skipped),
    ]
    write_json("real", {"table": rows, "text": table, "notes": notes}, info)


if __name__ == "__main__":
    main()
