"""Choose the post-processing thresholds on synthetic validation scenes, then
compare the designs on the real photos.

1. Draw 400 validation scenes of the teaching preset (the seed its training
   validates on, 1,000,003; the first 48 are the very scenes it validated on).
   Fewer give too few false regions to choose a filter on.
2. Predict them with the model (default: the committed checkpoint) and record
   every region's mean probability, fill, aspect and size, and whether it
   matches an annotated plate (box IoU > 0.5):
   :func:`plate_unet.inference.tuning.region_table`.
3. Keep the thresholds with the best F1 on those scenes:
   :func:`~plate_unet.inference.tuning.choose_plate_shape`.
3b. With that filter, keep the lower threshold regions grow into with the best
   F1 at box IoU 0.7 (whole plates): :func:`~plate_unet.inference.tuning.choose_grow`.
3c. With a reader (the committed one by default; ``--no-read`` skips it), keep
   how many characters a region wide enough to read must hold, by F1 at box
   IoU 0.5: :func:`~plate_unet.inference.tuning.choose_min_chars`.
4. Score the real sets beside the checkout with no filter and with the chosen
   one (they compare designs; nothing is chosen on them).

Run: ``python benchmarks/tune_postprocess.py [--model PATH]`` (about 2 minutes).
Put the printed ``PlateShape(...)`` into ``plate_unet.inference.postprocess``
as ``PLAUSIBLE``, the printed grow as ``GROW`` and the printed min_chars as
``plate_unet.inference.reading.MIN_PLATE_CHARS``, when the checkpoint or the
reader changes.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from common import machine_info, machine_line, print_table, write_json

from plate_unet.data import generate_dataset, load_annotations
from plate_unet.inference import evaluate_model, load_model
from plate_unet.inference.postprocess import PlateShape
from plate_unet.inference.reading import default_reader_path, load_reader
from plate_unet.inference.tuning import (
    choose_grow,
    choose_min_chars,
    choose_plate_shape,
    region_table,
)
from plate_unet.training import PRESETS, VAL_SEED_OFFSET

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
VAL_SEED = VAL_SEED_OFFSET  # train_synthetic validates the seed-0 run on this seed
REAL = [
    ("ccpd", "ccpd"),
    ("openalpr_eu", "openalpr_eu/labels.csv"),
    ("mixed_web", "mixed_web/labels.csv"),
]


def real_rows(model, shape: PlateShape | None, label: str) -> list[dict]:
    rows = []
    for name, rel in REAL:
        if not (SHARED / rel).exists():
            continue
        report = evaluate_model(
            model, load_annotations(SHARED / rel), iou_threshold=0.5, shape=shape
        )
        t = report.totals
        rows.append({"set": name, "post-processing": label, "recall@0.5": t["recall"],
                     "precision@0.5": t["precision"], "pixel IoU": t["pixel_iou"],
                     "regions/image": t["predicted"] / t["images"]})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a .keras model (default: ours)")
    parser.add_argument("--n", type=int, default=400, help="validation scenes")
    parser.add_argument("--reader", default=None, help="a reader (default: ours)")
    parser.add_argument("--no-read", action="store_true", help="skip the text rule")
    args = parser.parse_args()
    reader_path = args.reader or default_reader_path()
    if args.no_read or not Path(reader_path).is_file():
        reader_path = None
    logging.basicConfig(level=logging.WARNING)
    info = machine_info()
    model = load_model(args.model)
    preset = PRESETS["teaching"]
    with tempfile.TemporaryDirectory() as tmp:
        labels = generate_dataset(
            tmp, args.n, seed=VAL_SEED, size=preset.scene_size, progress=False
        )
        samples = load_annotations(labels)
        table = region_table(model, samples)
        shape, stats = choose_plate_shape(table)
        grow, grow_f1 = choose_grow(model, samples, shape)
        chars, chars_f1 = (None, {})
        if reader_path is not None:
            chars, chars_f1 = choose_min_chars(
                model, load_reader(reader_path), samples, shape
            )
    print(f"chosen on {args.n} synthetic validation scenes: {shape!r}, grow={grow}")
    print(stats)
    print("F1 at box IoU 0.7 by grow:", {k: round(v, 3) for k, v in grow_f1.items()})
    stats["grow"] = {"chosen": grow, "f1_at_0.7": grow_f1}
    if chars is not None:
        f1s = {k: round(v, 3) for k, v in chars_f1.items()}
        print(f"F1 at box IoU 0.5 by min_chars: {f1s}, chosen: {chars}")
        stats["min_chars"] = {"chosen": chars, "f1": chars_f1}
    rows = real_rows(model, None, "none") + real_rows(model, shape, "chosen")
    text = print_table(f"Post-processing designs — {machine_line(info)}", rows)
    write_json("tune_postprocess", {"table": rows, "text": text, "shape": repr(shape),
                                    "stats": stats}, info)  # fmt: skip


if __name__ == "__main__":
    main()
