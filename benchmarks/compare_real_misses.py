"""Which real plates does one model find and another miss, and how does the other
miss them: not seen at all, or outlined in part?

For every plate of a real set beside the checkout (default ``openalpr_eu``), both
models predict the photo at one scale; a plate is found when a predicted box
overlaps it at IoU > 0.5. For each plate that model A finds and model B does not,
it prints B's largest probability inside the plate and the share of the plate
above 0.5: near 0 means B rejects the plate outright, a high maximum with a small
share means B sees only part of it.

These photos only diagnose: nothing trains on them and no threshold is chosen on
them.

Run: ``python benchmarks/compare_real_misses.py --b runs/pretrained/teaching.keras
[--a MODEL] [--set openalpr_eu]`` (about a minute per 100 photos).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from plate_unet.data import load_annotations
from plate_unet.data.images import read_image
from plate_unet.inference import box_iou, load_model
from plate_unet.inference.multiscale import SINGLE_SCALE, predict_multiscale

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = {
    "ccpd": "ccpd",
    "openalpr_eu": "openalpr_eu/labels.csv",
    "mixed_web": "mixed_web/labels.csv",
}


def plate_rows(model, samples) -> list[tuple]:
    """(image name, plate index, best box IoU, max probability, share > 0.5, width)."""
    rows = []
    for s in samples:
        image = read_image(s.image_path)
        plates, prob = predict_multiscale(model, image, 0.5, None, None, SINGLE_SCALE)
        for k, quad in enumerate(s.plates):
            q = np.asarray(quad)
            inside = np.zeros(prob.shape, np.uint8)
            cv2.fillPoly(inside, [np.round(q).astype(np.int32)], 1)
            p = prob[inside > 0] if inside.any() else np.zeros(1, np.float32)
            box = (*q.min(0), *q.max(0))
            best = max((box_iou(r.box, box) for r in plates), default=0.0)
            share = float((p > 0.5).mean())
            width = round(float(np.ptp(q[:, 0])))
            rows.append((s.image_path.name, k, best, float(p.max()), share, width))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", default=None, help="model A (default: the committed)")
    parser.add_argument("--b", required=True, help="model B, a .keras file")
    parser.add_argument("--set", default="openalpr_eu", choices=sorted(SETS))
    args = parser.parse_args()
    path = SHARED / SETS[args.set]
    if not path.exists():
        print(f"skipping: {path} not found")
        return
    samples = load_annotations(path)
    a = plate_rows(load_model(args.a), samples)
    b = plate_rows(load_model(args.b), samples)
    lost = [(ra, rb) for ra, rb in zip(a, b, strict=True) if ra[2] > 0.5 >= rb[2]]
    print(f"{args.set}: A finds {sum(r[2] > 0.5 for r in a)}, B finds "
          f"{sum(r[2] > 0.5 for r in b)} of {len(a)} plates; B misses {len(lost)} "
          "that A finds:")  # fmt: skip
    print("| image | plate | width px | A box IoU | B box IoU | B max p | B > 0.5 |")
    print("|---|---|---|---|---|---|---|")
    for ra, rb in lost:
        print(f"| {ra[0]} | {ra[1] + 1} | {ra[5]} | {ra[2]:.2f} | {rb[2]:.2f} | "
              f"{rb[3]:.2f} | {rb[4]:.2f} |")  # fmt: skip
    rejected = sum(rb[3] < 0.1 for _, rb in lost)
    print(f"rejected outright (B's max p < 0.1): {rejected} of {len(lost)}")


if __name__ == "__main__":
    main()
