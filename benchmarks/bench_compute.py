"""Compute ceiling: the float32 matmul rate and the model's FLOPs per image.

The matmul rate (a large ``tf.linalg.matmul``, median of repeats, this process)
is the ceiling the other benchmarks divide by: a convolution cannot beat a big
dense matrix product per FLOP. The FLOPs come from :mod:`plate_unet.model.flops`
(multiply-add = 2 FLOPs, convolutions only; see that module).

Run: ``python benchmarks/bench_compute.py`` (about 30 s).
"""

from __future__ import annotations

import time

import keras
from common import (
    machine_info,
    machine_line,
    matmul_gflops,
    model_configs,
    print_table,
    write_json,
)

from plate_unet.model.flops import flops_by_layer
from plate_unet.model.unet import build_unet


def matmul_table() -> list[dict]:
    """The matmul rate at three sizes (2048 is the reference)."""
    rows = []
    for n, repeats in ((1024, 15), (2048, 7), (4096, 3)):
        rate = matmul_gflops(n, repeats=repeats)
        rows.append({"matmul": f"{n}x{n} float32", "GFLOP/s": rate})
    return rows


def model_table() -> list[dict]:
    """Forward/training FLOPs per image and parameters of each configuration."""
    reference_flops = None
    rows = []
    for name, (config, source) in model_configs().items():
        model = build_unet(config)
        per_layer = flops_by_layer(model)
        flops = sum(f for _, _, f in per_layer)
        reference_flops = reference_flops or flops
        level1 = sum(f for n, _, f in per_layer if n[3:4] == "1" or n == "output")
        tconv = sum(f for _, t, f in per_layer if t == "Conv2DTranspose")
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}x{config.channels}",
                "filters": f"{config.base_filters}..{config.max_filters}",
                "separable": config.separable,
                "params": f"{model.count_params():,}",
                "fwd GFLOP/img": flops / 1e9,
                "train GFLOP/img (3x)": 3 * flops / 1e9,
                "x fewer than reference": reference_flops / flops,
                "% in level 1": 100 * level1 / flops,
                "% in Conv2DTranspose": 100 * tconv / flops,
                "source": source,
            }
        )
        del model
        keras.backend.clear_session()
    return rows


def main() -> None:
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    mm = matmul_table()
    print_table("float32 matmul rate (median, this process)", mm)
    models = model_table()
    print_table("Model FLOPs per image (multiply-add = 2 FLOPs)", models)
    reference = next(r["GFLOP/s"] for r in mm if r["matmul"].startswith("2048"))
    write_json(
        "compute",
        {
            "matmul_gflops_2048": reference,
            "table": models,
            "matmul": mm,
            "seconds": time.perf_counter() - start,
        },
        info,
    )


if __name__ == "__main__":
    main()
