"""The slim variant: FLOPs, parameters, CPU inference time and (optionally) IoU.

Candidates mix three levers: depthwise-separable convolutions
(``UNetConfig(separable=True)``), fewer filters and a lower input scale. The
table shows, for each, the forward GFLOP per image, how many times fewer than
the reference model, the parameters, and the inference time per image on this CPU
(``tf.function``, batch 4, timed round-robin so all candidates share the load).

Accuracy needs training, which takes far longer than a benchmark may: run
``python benchmarks/bench_slim.py --train 10`` once (about 6 minutes per model
on 2 cores). It trains the teaching model, the slim preset and the candidates
named by ``--names`` on the teaching preset's data and seed (the slim preset
with its own batch size; a candidate with the teaching recipe) via
:func:`plate_unet.training.fit.train_synthetic`, scores each on the 64 held-out scenes
of ``make demo`` (:func:`plate_unet.demo.run.heldout_set`) and stores the best
validation IoU and the held-out pixel IoU in
``benchmarks/results/slim_accuracy.json``; later runs read that file to fill
the IoU columns. Without it the columns say "not run".

Run: ``python benchmarks/bench_slim.py`` (about 1 minute on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import time

import keras
import numpy as np
import tensorflow as tf
from common import (
    RESULTS_DIR,
    machine_info,
    machine_line,
    model_configs,
    print_table,
    time_interleaved,
    write_json,
)

from plate_unet.model import UNetConfig, build_unet
from plate_unet.model.flops import forward_flops
from plate_unet.training.presets import PRESETS

ACCURACY_FILE = RESULTS_DIR / "slim_accuracy.json"


def candidates() -> dict[str, UNetConfig]:
    """The seed, the teaching model, the slim model and other candidates, by name."""
    configs = model_configs()
    seed, teaching = configs["reference"][0], configs["teaching"][0]
    return {
        "reference": seed,
        "seed, separable": seed.replace(separable=True),
        "teaching": teaching,
        "slim": configs["slim"][0],
        "teaching, separable": teaching.replace(separable=True),
        "teaching, base 6": teaching.replace(base_filters=6),
        "teaching, base 4": teaching.replace(base_filters=4),
        "teaching, 1.5x scale, separable": teaching.replace(
            height=teaching.height * 3 // 2,
            width=teaching.width * 3 // 2,
            separable=True,
        ),
        "half reference scale, base 8, separable": UNetConfig(
            576, 352, base_filters=8, separable=True
        ),
    }


def _valid(config: UNetConfig) -> UNetConfig:
    """Rounds height and width down to the nearest valid multiple."""
    m = config.multiple
    return config.replace(
        height=max(m, config.height // m * m), width=max(m, config.width // m * m)
    )


def timing_rows(configs: dict[str, UNetConfig], repeats: int) -> list[dict]:
    """FLOPs, params and s/img (tf.function, batch 4) for every candidate."""
    reference_flops = None
    rows, fns, models = [], {}, []
    for name, config in configs.items():
        model = build_unet(config)
        models.append(model)
        flops = forward_flops(model)
        reference_flops = reference_flops or flops
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "filters": f"{config.base_filters}..{config.max_filters}",
                "depth": config.depth,
                "separable": config.separable,
                "GFLOP/img": flops / 1e9,
                "x fewer than reference": reference_flops / flops,
                "params": model.count_params(),
            }
        )
        if name.startswith("reference"):
            continue  # seconds per image; bench_inference times the reference
        x = tf.constant(
            np.random.default_rng(0).random(
                (4, config.height, config.width, config.channels), dtype=np.float32
            )
        )
        fn = tf.function(lambda t, model=model: model(t, training=False))
        fns[name] = lambda fn=fn, x=x: fn(x).numpy()
    timings = time_interleaved(fns, warmup=1, repeats=repeats)
    for row in rows:
        if row["model"] in timings:
            row["ms/img (CPU, b4)"] = timings[row["model"]].median / 4 * 1e3
    del models
    keras.backend.clear_session()
    return rows


def train_accuracy(
    configs: dict[str, UNetConfig], epochs: int, names=("teaching", "slim")
) -> dict:
    """Trains ``names`` on the teaching data; returns (and stores) their IoUs."""
    from plate_unet.demo.heldout import heldout_set
    from plate_unet.inference.evaluate import evaluate_model
    from plate_unet.inference.model_file import load_model
    from plate_unet.training.fit import train_synthetic

    results = json.loads(ACCURACY_FILE.read_text()) if ACCURACY_FILE.exists() else {}
    data_dir = RESULTS_DIR / "slim_data"
    for name in names:
        # A preset keeps its own recipe (the slim preset trains at batch 4);
        # a candidate uses the teaching recipe. Named "teaching" either way, so
        # every run reads the same synthetic data folders.
        base = PRESETS[name] if name in PRESETS else PRESETS["teaching"]
        preset = base.replace(name="teaching", unet=configs[name])
        out = RESULTS_DIR / "slim_runs" / name.replace(" ", "_").replace(",", "")
        t0 = time.perf_counter()
        result = train_synthetic(
            preset, out, data_dir=data_dir, epochs=epochs, resume=False, verbose=0
        )
        seconds = time.perf_counter() - t0
        _, test = heldout_set(preset, data_dir, 64, seed=0)
        report = evaluate_model(load_model(result.best_path), test)
        results[name] = {
            "config": repr(configs[name]),
            "batch_size": preset.batch_size,
            "epochs": epochs,
            "best_val_iou": result.best_val_iou,
            "heldout_iou": report.totals["pixel_iou"],
            "seconds": seconds,
        }
        ACCURACY_FILE.parent.mkdir(parents=True, exist_ok=True)
        ACCURACY_FILE.write_text(json.dumps(results, indent=2) + "\n")
        print(f"{name}: {results[name]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--train",
        type=int,
        metavar="EPOCHS",
        help="also train every candidate for EPOCHS epochs (slow: minutes each)",
    )
    parser.add_argument(
        "--names",
        default="teaching,slim",
        help="comma-separated candidates to train with --train (default: %(default)s)",
    )
    args = parser.parse_args()
    # One tf.function per layer/model is intended here: no retracing warnings.
    tf.get_logger().setLevel("ERROR")
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    configs = {name: _valid(c) for name, c in candidates().items()}
    rows = timing_rows(configs, args.repeats)
    if args.train:
        names = [n.strip() for n in args.names.split(",") if n.strip()]
        unknown = sorted(set(names) - set(configs))
        if unknown:
            parser.error(f"unknown --names {unknown}; choose from {sorted(configs)}")
        train_accuracy(configs, args.train, names)
    accuracy = json.loads(ACCURACY_FILE.read_text()) if ACCURACY_FILE.exists() else {}
    teaching_iou = accuracy.get("teaching", {}).get("heldout_iou")
    for row in rows:
        run = accuracy.get(row["model"], {})
        row["val IoU"] = run.get("best_val_iou", "not run")
        iou = run.get("heldout_iou")
        row["held-out IoU"] = "not run" if iou is None else iou
        if iou is not None and teaching_iou is not None:
            row["IoU - teaching"] = iou - teaching_iou
        if "seconds" in run:
            row["train min"] = run["seconds"] / 60
    columns = [
        "model",
        "input",
        "filters",
        "separable",
        "GFLOP/img",
        "x fewer than reference",
        "params",
        "ms/img (CPU, b4)",
        "train min",
        "val IoU",
        "held-out IoU",
        "IoU - teaching",
    ]
    print_table("Slim candidates: speed and accuracy", rows, columns)
    notes = [
        "slim: " + repr(configs["slim"]) + f", batch {PRESETS['slim'].batch_size}",
        "val IoU: best validation IoU (48 scenes, at the model's size); held-out "
        "IoU: pixel IoU on make demo's 64 held-out scenes at their own size; both "
        "after training on the teaching preset's data and seed; 'not run': run "
        "`python benchmarks/bench_slim.py --train 10` (10 = the teaching epochs).",
        "target: >= 10x fewer FLOPs than the reference and held-out IoU within 0.02 of "
        "teaching.",
    ]
    for name, run in accuracy.items():
        notes.append(
            f"{name}: batch {run.get('batch_size', '?')}, {run['epochs']} epochs, "
            f"{run['seconds'] / 60:.1f} min of training, seed 0."
        )
    print("\n".join(notes))
    write_json(
        "slim",
        {
            "table": rows,
            "columns": columns,
            "notes": notes,
            "seconds": time.perf_counter() - start,
        },
        info,
    )


if __name__ == "__main__":
    main()
