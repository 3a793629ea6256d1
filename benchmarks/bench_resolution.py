"""How much pixel IoU the input resolution alone costs, before any model error.

For each model input size, every true mask is drawn at that size (as for
training), taken back to the image's size the way predictions are (linear
resize, threshold 0.5) and compared with the mask drawn at the image's size:
:func:`plate_unet.inference.evaluate.resolution_ceiling`. A perfect model at that input
size scores exactly this; a real one scores less.

Scenes: the ``make demo`` held-out set (64 synthetic scenes at the teaching
preset's 360×580, test seed 2,000,003), drawn in memory; plus the real CCPD
photos of ``../shared/data/ccpd`` when they are there.

Run: ``python benchmarks/bench_resolution.py`` (about 10 s).
"""

from __future__ import annotations

import logging
from pathlib import Path

from common import machine_info, machine_line, print_table, write_json

from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample
from plate_unet.data.synthetic.generate import generate_scene, scene_seed
from plate_unet.demo.heldout import TEST_SEED_OFFSET
from plate_unet.inference.evaluate import resolution_ceiling
from plate_unet.model.flops import config_flops
from plate_unet.training.presets import PRESETS

CCPD = Path(__file__).resolve().parents[2] / "shared" / "data" / "ccpd"
TEACHING = PRESETS["teaching"]
TEST_SEED = TEST_SEED_OFFSET  # make demo's held-out scenes, run seed 0
SCENE = TEACHING.scene_size  # (height, width)
#: (label, height, width): the reference's input down to below the teaching one.
SIZES = [
    ("reference", 1152, 704),
    ("", 576, 352),
    ("", 384, 224),
    ("", 320, 192),
    ("teaching", TEACHING.unet.height, TEACHING.unet.width),
    ("", 192, 128),
    ("", 128, 96),
]


def heldout_scenes(n: int = 64) -> list[Sample]:
    """The demo's held-out synthetic scenes, in memory (images not kept)."""
    samples = []
    for i in range(n):
        _, plates = generate_scene(scene_seed(TEST_SEED, i), *SCENE)
        samples.append(
            Sample(f"scene-{i:05d}.jpg", tuple(plates), height=SCENE[0], width=SCENE[1])
        )
    return samples


def main() -> None:
    info = machine_info()
    print(machine_line(info), flush=True)
    sets = {"synthetic held-out (64)": heldout_scenes()}
    if CCPD.is_dir():
        logging.getLogger("plate_unet").setLevel(logging.ERROR)
        photos = load_annotations(CCPD, on_error="skip")
        if photos:
            sets[f"CCPD photos ({len(photos)})"] = photos
    teaching_flops = config_flops(TEACHING.unet)
    rows = []
    for label, height, width in SIZES:
        row = {"input": f"{height}x{width}", "preset": label}
        row["pixels x teaching"] = (
            height * width / (TEACHING.unet.height * TEACHING.unet.width)
        )
        for name, samples in sets.items():
            row[f"ceiling IoU, {name}"] = resolution_ceiling(samples, height, width)
        rows.append(row)
    print_table("Pixel IoU a perfect model could reach at each input size", rows)
    notes = [
        "ceiling = true masks drawn at the input size, resized back (linear, "
        "threshold 0.5) and compared at the image's size",
        f"a model's compute grows with its pixels: the teaching network is "
        f"{teaching_flops / 1e9:.2f} GFLOP/img at "
        f"{TEACHING.unet.height}x{TEACHING.unet.width}",
    ]
    print("\n".join(notes))
    write_json("resolution", {"table": rows, "notes": notes}, info)


if __name__ == "__main__":
    main()
