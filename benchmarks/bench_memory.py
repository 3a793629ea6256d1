"""Training memory: peak RSS on CPU per batch size, and an estimate for GPUs.

Each (size, batch) runs in its own subprocess
(:func:`plate_unet.training.memory_probe.training_peak`): build the model, note
the peak RSS (``resource.getrusage(...).ru_maxrss``), run a few ``fit`` steps
(one at the seed size, where each step is slow on a CPU), note the peak again.
The difference is what training adds on top of TensorFlow, the model and the
data.

The GPU estimate comes from :func:`plate_unet.model.memory.activation_memory`
(every layer output and every dropout mask kept for the backward pass, plus
float32 weights, their gradients and Adam's two moments) for float32 (4 bytes
per activation value) and mixed precision (2 bytes). The CPU table's "estimate
GiB" column is the same estimate in float32, to show how far it is from a real
peak: at the reference size, "training adds" grows per image by about the estimate's
growth per image (1.07 GiB); at the teaching size fixed costs dominate.

Run: ``python benchmarks/bench_memory.py`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import machine_info, machine_line, model_configs, print_table, write_json

from plate_unet.errors import PlateUnetError
from plate_unet.training.memory_probe import training_peak

GIB = 2**30


def _estimate(model, batch: int, dtype_bytes: int) -> int:
    """Training bytes estimated from layer shapes (plate_unet.model.memory)."""
    from plate_unet.model.memory import activation_memory

    return activation_memory(model, [batch], dtype_bytes=dtype_bytes)[0].total


def available_bytes() -> int:
    """MemAvailable from /proc/meminfo (bytes)."""
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_rows(sizes, batches) -> list[dict]:
    """Measures every (size, batch) in a subprocess; skips what cannot fit."""
    import keras

    from plate_unet.model.unet import build_unet

    configs = model_configs()
    rows = []
    for name in sizes:
        config = configs[name][0]
        model = build_unet(config)
        for batch in batches:
            estimate = _estimate(model, batch, 4)
            row = {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "batch": batch,
                "estimate GiB": estimate / GIB,
            }
            if estimate > 0.6 * available_bytes():
                row["note"] = "skipped: estimate > 60 % of available memory"
                rows.append(row)
                continue
            steps = 1 if name == "reference" else 3
            try:
                r = training_peak(config, batch, steps, timeout=280)
            except (PlateUnetError, subprocess.TimeoutExpired) as exc:
                row["note"] = f"failed: {str(exc).splitlines()[0]}"
                print(exc, file=sys.stderr)
            else:
                row.update(
                    {
                        "steps": steps,
                        "peak RSS GiB": r["peak"] / GIB,
                        "before fit GiB": r["before"] / GIB,
                        "training adds GiB": r["adds"] / GIB,
                        "adds / estimate": r["adds"] / estimate,
                        "fit s": r["seconds"],
                    }
                )
            rows.append(row)
            print_table("so far", rows[-1:])
        del model
        keras.backend.clear_session()
    return rows


def gpu_rows(sizes, batches) -> list[dict]:
    """The estimate for float32 and mixed precision at larger batch sizes."""
    import keras

    from plate_unet.model.unet import build_unet

    rows = []
    configs = model_configs()
    for name in sizes:
        config = configs[name][0]
        model = build_unet(config)
        for batch in batches:
            rows.append(
                {
                    "model": name,
                    "input": f"{config.height}x{config.width}",
                    "batch": batch,
                    "float32 GiB": _estimate(model, batch, 4) / GIB,
                    "mixed_float16 GiB": _estimate(model, batch, 2) / GIB,
                }
            )
        del model
        keras.backend.clear_session()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-reference", action="store_true", help="teaching size only"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    sizes = ["teaching"] if args.skip_reference else ["teaching", "reference"]
    cpu = cpu_rows(sizes, (1, 2, 4))
    columns = [
        "model",
        "input",
        "batch",
        "steps",
        "peak RSS GiB",
        "training adds GiB",
        "estimate GiB",
        "adds / estimate",
        "note",
    ]
    print_table(
        "Peak RSS of training on CPU (float32, one subprocess each)", cpu, columns
    )
    gpu = gpu_rows(["teaching", "slim", "reference"], (1, 4, 8, 16, 32))
    print_table(
        "Estimated training memory on a GPU (activations, weights and Adam)", gpu
    )
    write_json(
        "memory",
        {
            "table": cpu,
            "columns": columns,
            "gpu_estimate": gpu,
            "seconds": time.perf_counter() - start,
        },
        info,
    )


if __name__ == "__main__":
    main()
