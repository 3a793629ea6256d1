"""Which parts of the synthetic generator help on real photos? Short ablations.

Each variant leaves one part of today's generator out (or, for ``carparts``,
adds one), draws its own training set, trains briefly (default 2,000 scenes × 3
epochs, about 6 minutes on 2 CPU cores) the committed checkpoint's model (the
teaching model with group normalisation; ``--recipe teaching``: notebook 05's,
with batch normalisation, as the earlier ablations did) and scores it on every
real set beside the checkout at one scale (box IoU 0.5, the committed region
filter). Variants:

* ``base``: the generator as it is;
* ``nodistract``: no distractors, no watermarks, no words painted on vans;
* ``olddistract``: only generator 2's distractors (signs, badges, bright
  boxes): no van panels, shop signs, posters, stickers or painted words;
* ``alldistract``: distractors in every scene (as generator 5 drew them;
  version 6 draws them in half, ``generate.DISTRACTOR_SHARE``);
* ``noframed``: no text framed like a plate (signs, shop signs, stickers):
  van panels, posters and painted words stay;
* ``oldcam``: no infrared, night, over-exposure or defocus;
* ``bareplates``: a third of the plates with no vehicle drawn around them (the
  plate on the background alone), so that a plate cannot be told by its car;
* ``carparts``: cars also carry what the short models take for plates on real
  photos: a chrome strip or boot handle above the plate, a rear camera, and a
  maker's emblem (rings, an oval or a diamond);
* ``dejavu``: every registration in DejaVu Sans Bold, as generator 6 drew it
  (version 7 draws a font per plate, ``plate_styles.REGISTRATION_FONTS``);
* ``thinfonts``: registrations also in regular-weight condensed fonts (Barlow
  Condensed Medium, Roboto Condensed, Oswald), as version 7 first drew them
  (version 7 keeps to bold fonts: ``boldfonts`` in the first ablation).

The real photos only measure: nothing trains on them and no threshold is chosen
on them. One short run moves by a few plates, so run each variant with two
seeds.

Run: ``python benchmarks/ablate_generator.py base nodistract --seeds 0 1``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

#: What each variant leaves out (see the module docstring).
VARIANTS = ("base", "nodistract", "olddistract", "alldistract", "noframed", "oldcam",
            "bareplates", "carparts", "dejavu", "thinfonts")  # fmt: skip
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = [("eu", "openalpr_eu/labels.csv"), ("web", "mixed_web/labels.csv"),
        ("ccpd", "ccpd")]  # fmt: skip


def patch(variant: str) -> None:
    """Changes the generator in this process (and its forked workers)."""
    import plate_unet.data.synthetic.camera as camera
    import plate_unet.data.synthetic.generate as generate
    import plate_unet.data.synthetic.vehicles as vehicles
    from plate_unet.data.synthetic import distractors, plate_styles

    if variant == "nodistract":
        generate._distractors = lambda rng, img, boxes: None
        vehicles._painted_words = lambda p, rng, box, ink: None
    elif variant == "olddistract":
        for name in ("van_panel", "shop_sign", "poster", "sticker"):
            distractors.DISTRACTORS.pop(name, None)
        vehicles._painted_words = lambda p, rng, box, ink: None
    elif variant == "noframed":
        for name in ("sign", "shop_sign", "sticker"):
            distractors.DISTRACTORS.pop(name, None)
    elif variant == "bareplates":
        draw = generate.draw_vehicle

        def some(p, rng, *args, **kwargs):
            if rng.random() >= 1 / 3:
                draw(p, rng, *args, **kwargs)

        generate.draw_vehicle = some
    elif variant == "carparts":
        words = vehicles._draw_car_words

        def with_parts(p, rng, car, rear):
            words(p, rng, car, rear)
            _car_parts(p, rng, car, rear)

        vehicles._draw_car_words = with_parts
    elif variant == "dejavu":
        plate_styles.REGISTRATION_FONTS = {"sans-bold": 1.0}
    elif variant == "thinfonts":
        plate_styles.REGISTRATION_FONTS = {
            "sans-bold": 0.3, "condensed-semibold": 0.25, "condensed-medium": 0.1,
            "condensed": 0.1, "narrow": 0.15, "mono-bold": 0.1,
        }  # fmt: skip
    elif variant == "alldistract":
        generate.DISTRACTOR_SHARE = 1.0
    elif variant == "oldcam":
        camera._infrared = camera._night = camera._overexpose = lambda rng, out: out
        camera._defocus = lambda rng, out, scale: out
    elif variant != "base":
        raise SystemExit(f"unknown variant {variant!r}: use one of {VARIANTS}")


def _car_parts(p, rng, car, rear: bool) -> None:
    """Chrome strip or handle above the plate, rear camera, maker's emblem."""
    import numpy as np

    from plate_unet.data.synthetic.paint import rounded_rect

    ha = car.half_plate
    chrome = np.full(3, rng.uniform(150, 235))
    if rng.random() < 0.5:  # a chrome strip or boot handle above the plate
        v, w = -ha - rng.uniform(0.12, 0.35), rng.uniform(0.3, 0.9)
        p.fill(
            rounded_rect(-w / 2, v - rng.uniform(0.03, 0.07), w / 2, v, 0.02), chrome
        )
    if rear and rng.random() < 0.4:  # a rear camera: a dark disc with a glint
        v, r = -ha - rng.uniform(0.05, 0.2), rng.uniform(0.03, 0.06)
        p.fill(rounded_rect(-r, v - r, r, v + r, r), np.full(3, 15.0))
        p.fill(
            rounded_rect(-r / 3, v - r / 3, r / 3, v + r / 3, r / 3), np.full(3, 90.0)
        )
    if rng.random() < 0.6:  # a maker's emblem above the plate
        v, s = -ha - rng.uniform(0.4, 1.0), rng.uniform(0.06, 0.14)
        kind = int(rng.integers(3))
        if kind == 0:  # four interlocking rings
            for k in range(4):
                u = (k - 1.5) * s * 1.5
                p.fill(rounded_rect(u - s, v - s, u + s, v + s, s), chrome)
                p.fill(rounded_rect(u - s * 0.7, v - s * 0.7, u + s * 0.7, v + s * 0.7,
                                    s * 0.7), car.colour)  # fmt: skip
        elif kind == 1:  # an oval with a letter-like bar
            p.fill(rounded_rect(-2 * s, v - s, 2 * s, v + s, s), chrome)
            p.fill(rounded_rect(-1.6 * s, v - 0.7 * s, 1.6 * s, v + 0.7 * s, 0.7 * s),
                   car.dark)  # fmt: skip
            p.fill(rounded_rect(-s, v - 0.15 * s, s, v + 0.15 * s, 0.1 * s), chrome)
        else:  # a diamond
            p.fill(
                np.array([(0, v - 1.3 * s), (s, v), (0, v + 1.3 * s), (-s, v)]), chrome
            )


def run(
    variant: str, seed: int, n: int, epochs: int, out: Path, recipe: str = "pretrained"
) -> dict:
    """Draws, trains and scores one variant; returns its row.

    ``recipe`` is ``"pretrained"`` (the committed checkpoint's model: group
    normalisation) or ``"teaching"`` (notebook 05's: batch normalisation)."""
    import plate_unet.data.synthetic.generate as generate
    from plate_unet.training.presets import VAL_SEED_OFFSET

    patch(variant)
    folder = out / f"{variant}-{recipe}-{n}x{epochs}-s{seed}"
    started = time.perf_counter()
    parts = (("train", n, seed), ("val", 48, seed + VAL_SEED_OFFSET))
    for part, count, part_seed in parts:
        data = folder / "data" / f"ablation-{part}-{part_seed}"
        if not (data / "labels.csv").exists():  # drawn before TensorFlow: fork
            generate.generate_dataset(data, count, seed=part_seed, size=(580, 360))
    from plate_unet.data import load_annotations
    from plate_unet.inference import load_model
    from plate_unet.inference.evaluate import evaluate_model
    from plate_unet.training.fit import train_synthetic
    from plate_unet.training.presets import PRESETS, PRETRAINED

    base = PRETRAINED if recipe == "pretrained" else PRESETS["teaching"]
    preset = base.replace(name="ablation", n_train=n, epochs=epochs)
    result = train_synthetic(preset, folder, seed=seed, verbose=0)
    model = load_model(result.best_path)
    row: dict = {"variant": variant, "recipe": recipe, "seed": seed}
    for name, rel in SETS:
        if (SHARED / rel).exists():
            report = evaluate_model(
                model, load_annotations(SHARED / rel), iou_threshold=0.5,
                multiscale=False,
            )  # fmt: skip
            t = report.totals
            row[f"{name} recall"] = round(t["recall"], 3)
            row[f"{name} precision"] = round(t["precision"], 3)
    row["minutes"] = round((time.perf_counter() - started) / 60, 1)
    (folder / "row.json").write_text(json.dumps(row))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", choices=VARIANTS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--scenes", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--recipe", choices=("pretrained", "teaching"), default="pretrained",
        help="the committed model (group norm) or notebook 05's (batch norm)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("runs/ablations"))
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child: one variant, one seed, its row on the last line
        row = run(args.variants[0], args.seeds[0], args.scenes, args.epochs, args.out,
                  args.recipe)  # fmt: skip
        print(json.dumps(row), flush=True)
        return
    import subprocess
    import sys

    rows = []
    for variant in args.variants:
        for seed in args.seeds:
            # each variant patches the generator: a fresh process for each
            argv = [sys.executable, __file__, variant, "--one", "--seeds", str(seed),
                    "--scenes", str(args.scenes), "--epochs", str(args.epochs),
                    "--out", str(args.out), "--recipe", args.recipe]  # fmt: skip
            done = subprocess.run(argv, check=True, capture_output=True, text=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    from common import print_table

    print_table("Generator ablations, one scale, box IoU 0.5", rows)


if __name__ == "__main__":
    main()
