"""The slim variant: FLOPs, parameters, CPU inference time and (optionally) IoU.

Candidates mix three levers: depthwise-separable convolutions
(``UNetConfig(separable=True)``), fewer filters and a lower input scale. The
table shows, for each, the forward GFLOP per image, how many times fewer than
the seed model, the parameters, and the inference time per image on this CPU
(``tf.function``, batch 4, timed round-robin so all candidates share the load).

Accuracy needs training, which takes far longer than a benchmark may: run
``python benchmarks/bench_slim.py --train 10`` once (it trains the teaching
model and the slim model with the teaching preset's data, schedule and seed via
:func:`plate_unet.train.train_synthetic` and stores the best held-out
synthetic IoU in ``benchmarks/results/slim_accuracy.json``); later runs read
that file to fill the IoU column. Without it the column says "not run".

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

from plate_unet.flops import forward_flops
from plate_unet.model import UNetConfig, build_unet

ACCURACY_FILE = RESULTS_DIR / "slim_accuracy.json"


def candidates() -> dict[str, UNetConfig]:
    """The seed, the teaching model, the slim model and other candidates, by name."""
    configs = model_configs()
    seed, teaching = configs["seed"][0], configs["teaching"][0]
    return {
        "seed": seed,
        "seed, separable": seed.replace(separable=True),
        "teaching": teaching,
        "slim": configs["slim"][0],
        "teaching, base 4": teaching.replace(base_filters=4),
        "teaching, 1.5x scale, separable": teaching.replace(
            height=teaching.height * 3 // 2,
            width=teaching.width * 3 // 2,
            separable=True,
        ),
        "half seed scale, base 8, separable": UNetConfig(
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
    seed_flops = None
    rows, fns, models = [], {}, []
    for name, config in configs.items():
        model = build_unet(config)
        models.append(model)
        flops = forward_flops(model)
        seed_flops = seed_flops or flops
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "filters": f"{config.base_filters}..{config.max_filters}",
                "depth": config.depth,
                "separable": config.separable,
                "GFLOP/img": flops / 1e9,
                "x fewer than seed": seed_flops / flops,
                "params": model.count_params(),
            }
        )
        if name.startswith("seed"):
            continue  # seconds per image; bench_inference times the seed
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
    """Trains ``names`` like the teaching preset; returns (and stores) their IoUs."""
    from plate_unet.train import PRESETS, train_synthetic

    base = PRESETS["teaching"]
    results = json.loads(ACCURACY_FILE.read_text()) if ACCURACY_FILE.exists() else {}
    data_dir = RESULTS_DIR / "slim_data"
    for name, config in configs.items():
        if name not in names:
            continue
        # Same name → same synthetic data folders; only the network changes.
        preset = base.replace(unet=config)
        out = RESULTS_DIR / "slim_runs" / name.replace(" ", "_").replace(",", "")
        t0 = time.perf_counter()
        result = train_synthetic(
            preset, out, data_dir=data_dir, epochs=epochs, resume=False, verbose=0
        )
        results[name] = {
            "config": repr(config),
            "epochs": epochs,
            "best_val_iou": result.best_val_iou,
            "seconds": time.perf_counter() - t0,
        }
        ACCURACY_FILE.parent.mkdir(parents=True, exist_ok=True)
        ACCURACY_FILE.write_text(json.dumps(results, indent=2) + "\n")
        print(f"{name}: best val IoU {result.best_val_iou}", flush=True)
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
    args = parser.parse_args()
    # One tf.function per layer/model is intended here: no retracing warnings.
    tf.get_logger().setLevel("ERROR")
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    configs = {name: _valid(c) for name, c in candidates().items()}
    rows = timing_rows(configs, args.repeats)
    if args.train:
        train_accuracy(configs, args.train)
    accuracy = json.loads(ACCURACY_FILE.read_text()) if ACCURACY_FILE.exists() else {}
    teaching_iou = accuracy.get("teaching", {}).get("best_val_iou")
    for row in rows:
        iou = accuracy.get(row["model"], {}).get("best_val_iou")
        row["val IoU"] = "not run" if iou is None else iou
        if iou is not None and teaching_iou is not None:
            row["IoU - teaching"] = iou - teaching_iou
    columns = [
        "model",
        "input",
        "filters",
        "separable",
        "GFLOP/img",
        "x fewer than seed",
        "params",
        "ms/img (CPU, b4)",
        "val IoU",
        "IoU - teaching",
    ]
    print_table("Slim candidates: speed and accuracy", rows, columns)
    notes = [
        "slim: " + repr(configs["slim"]),
        "val IoU: best held-out synthetic IoU with the teaching preset's data and "
        "schedule; 'not run': run `python benchmarks/bench_slim.py --train 10` "
        "(10 = the teaching preset's epochs).",
    ]
    for name, run in accuracy.items():
        notes.append(
            f"{name}: best val IoU {run['best_val_iou']:.3f} after a "
            f"{run['epochs']}-epoch run ({run['seconds'] / 60:.0f} min, seed 0)."
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
