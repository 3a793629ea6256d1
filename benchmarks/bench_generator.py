"""Synthetic scene generator throughput at 720×1160 (target: >= 50 scenes/s on 2 cores).

Rows (scenes per second):

- ``generate_scene, 1 process``: drawing only (image in memory), one process;
- ``generate_dataset, 1 worker``: drawing + JPEG encoding + file writes + CSV;
- ``generate_dataset, N workers``: the same on every usable core (spawned
  processes; start-up included).

Run: ``python benchmarks/bench_generator.py [--quick]`` (about 30 s; --quick ~10 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import cv2
from common import machine_info, machine_line, print_table, write_json

from plate_unet.data.synthetic.generate import (
    generate_dataset,
    generate_scene,
    scene_seed,
)

SIZE = (1160, 720)  # (height, width)


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer scenes")
    args = parser.parse_args()
    # TF only for its version: imported here, not at the top, because spawned
    # workers re-import this module and must not pay for TensorFlow.
    import tensorflow as tf

    n_single, n_set = (30, 60) if args.quick else (100, 300)
    info = machine_info()
    cores = info["cores_usable"]
    generate_scene(0, *SIZE)  # warm-up: fonts, glyph and noise caches
    cv2.setNumThreads(1)
    t0 = time.perf_counter()
    for i in range(n_single):
        generate_scene(scene_seed(0, i), *SIZE)
    rows = [
        {
            "what": "generate_scene, 1 process",
            "scenes": n_single,
            "scenes/s": _rate(n_single, time.perf_counter() - t0),
        }
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for workers in sorted({1, cores}):
            t0 = time.perf_counter()
            out = os.path.join(tmp, f"w{workers}")
            generate_dataset(
                out, n_set, seed=1, size=SIZE, progress=False, workers=workers
            )
            rows.append(
                {
                    "what": f"generate_dataset, {workers} worker(s)",
                    "scenes": n_set,
                    "scenes/s": _rate(n_set, time.perf_counter() - t0),
                }
            )
    title = f"Synthetic scenes at {SIZE[1]}x{SIZE[0]} — {machine_line(info)}"
    print_table(title, rows)
    print(
        f"TF {tf.__version__}, numpy {info['numpy']}, cv2 {info['cv2']}, cores {cores}"
    )
    path = write_json(
        "generator",
        {
            "size": SIZE,
            "table": rows,
            "notes": [
                "target: >= 50 scenes/s at 720x1160 on 2 cores (generate_dataset)",
                "the machine may be shared: see loadavg in the machine info",
            ],
        },
        info,
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
