"""Two scales against one: time per photo, and how the merging rules were chosen.

1. **Time per photo** at 960×1280 and 3000×4000 (H×W), a synthetic scene held
   in memory: ``predict_image`` with ``multiscale=False`` (the model's own
   size) and with the default two scales, in one process, interleaved.
   Targets on 2 cores: under 0.5 s and 2 s.
2. **The rules** of :mod:`plate_unet.inference.multiscale`, chosen here on
   synthetic scenes only: 150 landscape scenes of 960×1280 (H×W) and 150
   portrait scenes of 1280×960, from two random seeds, scored by recall and
   precision of plates matched one-to-one at box IoU > 0.5 (and > 0.7). The
   row with the best F1 over both sets becomes ``DEFAULT_MULTISCALE``; rows
   within 0.005 of it (a region or two on these scenes) are ties, and the
   default keeps the looser rule among them. The real photos are scored by
   ``bench_real.py``, never used here.

Run: ``python benchmarks/bench_multiscale.py [--model PATH] [--n 150]`` (about
5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from common import machine_info, machine_line, print_table, time_interleaved, write_json

from plate_unet.data import generate_dataset, generate_scene, load_annotations
from plate_unet.data.images import read_image
from plate_unet.inference import box_iou, load_model, predict_image
from plate_unet.inference.multiscale import (
    DEFAULT_MULTISCALE,
    SINGLE_SCALE,
    MultiScale,
    predict_multiscale,
)

#: (name, (height, width), random seed) of the synthetic sets for the rules.
SETS = [("landscape", (960, 1280), 77), ("portrait", (1280, 960), 78)]
#: The candidate rules: one change at a time from the default.
CANDIDATES: dict[str, MultiScale] = {
    "single scale": SINGLE_SCALE,
    "default (x2, support>=0.1, overlap<=0.5)": DEFAULT_MULTISCALE,
    "zooms 1, 2, 3": replace(DEFAULT_MULTISCALE, zooms=(1.0, 2.0, 3.0)),
    "width <= 32": replace(DEFAULT_MULTISCALE, max_width=32.0),
    "width <= 64": replace(DEFAULT_MULTISCALE, max_width=64.0),
    "support >= 0.5": replace(DEFAULT_MULTISCALE, min_support=0.5),
    "no support needed": replace(DEFAULT_MULTISCALE, min_support=0.0),
    "overlap <= 0.3": replace(DEFAULT_MULTISCALE, max_overlap=0.3),
    "no overlap rule": replace(DEFAULT_MULTISCALE, max_overlap=1.0),
}


def timing_rows(model) -> list[dict]:
    """Seconds per photo, one and two scales, at two photo sizes."""
    rows = []
    for height, width in ((960, 1280), (3000, 4000)):
        image, _ = generate_scene(5, height, width)
        timings = time_interleaved(
            {
                "single": lambda im=image: predict_image(model, im, multiscale=False),
                "multi": lambda im=image: predict_image(model, im),
            },
            repeats=5,
        )
        single, multi = timings["single"], timings["multi"]
        rows.append({"photo (H×W)": f"{height}×{width}", "single s": single.median,
                     "two scales s": multi.median,
                     "ratio": multi.median / single.median})  # fmt: skip
    return rows


def match(found, truths) -> list[float]:
    """IoUs of the one-to-one box matches, best pair first."""
    boxes = [tuple(map(float, (*q.min(0), *q.max(0)))) for q in truths]
    pairs = sorted(
        (box_iou(p.box, t), i, j)
        for i, p in enumerate(found)
        for j, t in enumerate(boxes)
    )[::-1]
    used_p, used_t, ious = set(), set(), []
    for iou, i, j in pairs:
        if iou > 0 and i not in used_p and j not in used_t:
            used_p.add(i), used_t.add(j), ious.append(iou)
    return ious


def rule_rows(model, n: int) -> list[dict]:
    """Recall, precision and F1 of every candidate on the synthetic sets."""
    scenes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, size, seed in SETS:
            folder = generate_dataset(Path(tmp) / name, n, seed=seed, size=size,
                                      progress=False).parent  # fmt: skip
            for sample in load_annotations(folder):
                scenes.append((read_image(sample.image_path), sample.plates))
    rows = []
    for label, config in CANDIDATES.items():
        n_true = n_pred = found5 = found7 = 0
        for image, truths in scenes:
            plates, _ = predict_multiscale(model, image, config=config)
            ious = match(plates, truths)
            n_true, n_pred = n_true + len(truths), n_pred + len(plates)
            found5 += sum(i > 0.5 for i in ious)
            found7 += sum(i > 0.7 for i in ious)
        recall, precision = found5 / max(n_true, 1), found5 / max(n_pred, 1)
        rows.append({"rules": label, "recall@0.5": recall, "precision@0.5": precision,
                     "F1@0.5": 2 * recall * precision / max(recall + precision, 1e-9),
                     "recall@0.7": found7 / max(n_true, 1)})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a .keras model (default: ours)")
    parser.add_argument("--n", type=int, default=150, help="scenes per synthetic set")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    info = machine_info()
    model = load_model(args.model)
    timing = print_table(f"Time per photo — {machine_line(info)}", timing_rows(model))
    rows = rule_rows(model, args.n)
    sets = ", ".join(f"{name} {h}×{w} (H×W)" for name, (h, w), _ in SETS)
    title = f"Merging rules on synthetic scenes ({args.n} each: {sets})"
    rules = print_table(title, rows)
    notes = ["Chosen on synthetic scenes only; bench_real.py scores the real photos."]
    write_json("multiscale", {"table": rows, "text": timing + "\n" + rules,
                              "notes": notes}, info)  # fmt: skip


if __name__ == "__main__":
    main()
