"""The plate reader's costs: synthetic crops per second and the time to read one
crop (target: < 5 ms on 2 cores).

Rows:

- ``plate_crops, 1 process``: scenes drawn and their plates cut, one process;
- ``generate_crops, N workers``: the same plus PNG files, on every usable core;
- ``read, <config>``: one 32×128 crop through the reader (a ``tf.function``
  call, batch 1), then ``keras.ops.ctc_decode`` (greedy), and the time per crop
  in batches of 64.

Run: ``python benchmarks/bench_reader.py [--quick]`` (about a minute; --quick ~20 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import cv2
from common import machine_info, machine_line, print_table, time_call, write_json

from plate_unet.data.synthetic.crops import generate_crops, plate_crops
from plate_unet.data.synthetic.generate import scene_seed

CONFIGS = {
    "default (16-32-64, 1-D conv)": {},
    "LSTM (16-32-64, LSTM 48)": {"lstm_units": 48},
    "wider (32-64-96, LSTM 64)": {
        "filters": (32, 64, 96),
        "lstm_units": 64,
        "hidden": 128,
    },
}


def _crop_rows(n_scenes: int, n_set: int, cores: int) -> list[dict]:
    cv2.setNumThreads(1)
    plate_crops(0)  # warm-up: fonts and glyph caches
    t0 = time.perf_counter()
    n = sum(len(plate_crops(scene_seed(0, i))) for i in range(n_scenes))
    rows = [
        {
            "what": "plate_crops, 1 process",
            "crops": n,
            "crops/s": round(n / (time.perf_counter() - t0), 1),
        }
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        generate_crops(os.path.join(tmp, "c"), n_set, workers=cores, progress=False)
        rows.append(
            {
                "what": f"generate_crops, {cores} worker(s)",
                "crops": n_set,
                "crops/s": round(n_set / (time.perf_counter() - t0), 1),
            }
        )
    return rows


def _read_row(name: str, overrides: dict, repeats: int) -> dict:
    import numpy as np
    import tensorflow as tf

    from plate_unet.model.reader import ReaderConfig, build_reader, decode

    model = build_reader(ReaderConfig(**overrides))
    read = tf.function(lambda x: model(x, training=False))
    rng = np.random.default_rng(0)
    one = rng.integers(0, 255, (1, 32, 128, 1)).astype(np.float32)
    batch = rng.integers(0, 255, (64, 32, 128, 1)).astype(np.float32)
    probs = read(one).numpy()
    t_one = time_call(lambda: read(one).numpy(), warmup=3, repeats=repeats)
    t_dec = time_call(lambda: decode(probs), warmup=2, repeats=repeats)
    t_batch = time_call(lambda: read(batch).numpy(), warmup=2, repeats=5)
    return {
        "what": f"read, {name}",
        "params": model.count_params(),
        "model ms": round(t_one.median * 1e3, 2),
        "decode ms": round(t_dec.median * 1e3, 2),
        "ms/crop (64)": round(t_batch.median * 1e3 / 64, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer crops")
    args = parser.parse_args()
    info = machine_info()
    cores = info["cores_usable"]
    crops = _crop_rows(30 if args.quick else 100, 100 if args.quick else 400, cores)
    print_table(f"Synthetic crops — {machine_line(info)}", crops)
    repeats = 20 if args.quick else 100
    reads = [_read_row(n, o, repeats) for n, o in CONFIGS.items()]
    print_table(f"Reading one 32x128 crop — {machine_line(info)}", reads)
    write_json(
        "reader",
        {
            "crops": crops,
            "table": reads,
            "notes": [
                "target: < 5 ms to read one crop on 2 cores (model + decode)",
                "the machine may be shared: see loadavg in the machine info",
            ],
        },
        info,
    )


if __name__ == "__main__":
    main()
