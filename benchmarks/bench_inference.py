"""Inference speed: s/img and achieved GFLOP/s as a fraction of the matmul rate.

Ways of running the same model on the same images, timed round-robin with a
2048² float32 matmul (so the ceiling is measured under the same load):

* ``eager``: ``model(x, training=False)`` op by op;
* ``predict``: ``model.predict(x)`` (Keras's loop, tf.data, numpy out);
* ``tf.function``: the call traced once into a graph (Grappler fuses
  Conv2D + bias + ReLU into one oneDNN kernel);
* ``tf.function jit``: the same with ``jit_compile=True`` (XLA);

at batch 1 and 4 for the teaching size and batch 1 for the reference size, plus the
teaching size with oneDNN switched off (``TF_ENABLE_ONEDNN_OPTS=0``, a
subprocess) and a per-layer breakdown at the reference size that shows where the
time goes. float32, channels-last (TensorFlow's CPU default).

Run: ``python benchmarks/bench_inference.py`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import keras
import numpy as np
import tensorflow as tf
from common import (
    machine_info,
    machine_line,
    matmul_fn,
    model_configs,
    print_table,
    time_call,
    time_interleaved,
    write_json,
)

from plate_unet.model.flops import forward_flops, layer_flops
from plate_unet.model.unet import build_unet


def runners(model: keras.Model, batch: int) -> dict:
    """Returns ``{way: fn}``: each fn runs the model on one batch and blocks."""
    h, w, c = model.input_shape[1:]
    x_np = np.random.default_rng(0).random((batch, h, w, c), dtype=np.float32)
    x = tf.constant(x_np)
    graph = tf.function(lambda t: model(t, training=False))
    xla = tf.function(lambda t: model(t, training=False), jit_compile=True)
    return {
        "eager": lambda: model(x, training=False).numpy(),
        "predict": lambda: model.predict(x_np, batch_size=batch, verbose=0),
        "tf.function": lambda: graph(x).numpy(),
        "tf.function jit": lambda: xla(x).numpy(),
    }


def measure(
    name: str, config, batches, ways, repeats: int, with_matmul: bool = True
) -> list[dict]:
    """Times ``ways`` at each batch size, round-robin with the matmul."""
    model = build_unet(config)
    flops = forward_flops(model)
    fns, meta = {}, {}
    mm, mm_flops = matmul_fn(2048)
    if with_matmul:
        fns["matmul"] = mm
    for batch in batches:
        for way, fn in runners(model, batch).items():
            if way in ways:
                fns[f"{way} b{batch}"] = fn
                meta[f"{way} b{batch}"] = (way, batch)
    first = {}
    for key, fn in fns.items():  # the first call traces / compiles
        t0 = time.perf_counter()
        fn()
        first[key] = time.perf_counter() - t0
    timings = time_interleaved(fns, warmup=0, repeats=repeats)
    ceiling = mm_flops / timings["matmul"].median / 1e9 if with_matmul else None
    rows = []
    for key, (way, batch) in meta.items():
        t = timings[key]
        rate = flops * batch / t.median / 1e9
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "way": way,
                "batch": batch,
                "s/img": t.median / batch,
                "GFLOP/s": rate,
                "% of matmul": 100 * rate / ceiling if ceiling else None,
                "matmul GFLOP/s": ceiling,
                "first call s": first[key],
            }
        )
    del model
    keras.backend.clear_session()
    return rows


def layer_breakdown(config, repeats: int = 3) -> list[dict]:
    """Times each counted layer alone (tf.function, batch 1) at ``config``'s size."""
    model = build_unet(config)
    rows = []
    for layer in model.layers:
        flops = layer_flops(layer)
        if not flops:
            continue
        x = tf.random.uniform((1, *layer.input.shape[1:]))
        fn = tf.function(lambda t, layer=layer: layer(t))
        t = time_call(lambda fn=fn, x=x: fn(x).numpy(), warmup=1, repeats=repeats)
        rows.append(
            {
                "layer": layer.name,
                "type": type(layer).__name__,
                "in": "x".join(str(d) for d in layer.input.shape[1:]),
                "GFLOP": flops / 1e9,
                "ms": t.median * 1e3,
                "GFLOP/s": flops / t.median / 1e9,
            }
        )
    del model
    keras.backend.clear_session()
    return rows


def group_breakdown(rows: list[dict]) -> list[dict]:
    """Sums the per-layer rows into level 1, transposed convolutions and the rest."""

    def group(row):
        if row["layer"][3:4] == "1" or row["layer"] == "output":
            return "level 1 (full resolution, 1-32 channels)"
        if row["type"] == "Conv2DTranspose":
            return "Conv2DTranspose, levels 2-5"
        return "other Conv2D, levels 2-6"

    total_ms = sum(r["ms"] for r in rows)
    out: dict[str, dict] = {}
    for row in rows:
        g = out.setdefault(group(row), {"part": group(row), "GFLOP": 0.0, "ms": 0.0})
        g["GFLOP"] += row["GFLOP"]
        g["ms"] += row["ms"]
    for g in out.values():
        g["% of time"] = 100 * g["ms"] / total_ms
        g["GFLOP/s"] = g["GFLOP"] / g["ms"] * 1e3
    return list(out.values())


def onednn_off_rows(repeats: int) -> list[dict]:
    """Runs the teaching-size tf.function rows in a subprocess with oneDNN off."""
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0")
    cmd = [sys.executable, __file__, "--child-onednn-off", "--repeats", str(repeats)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    if out.returncode:
        print(out.stderr[-2000:], file=sys.stderr)
        return []
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    for row in rows:
        row["way"] += " (oneDNN off)"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--skip-reference", action="store_true", help="teaching size only"
    )
    parser.add_argument(
        "--child-onednn-off", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    # One tf.function per layer/model is intended here: no retracing warnings.
    tf.get_logger().setLevel("ERROR")
    configs = model_configs()
    teaching = configs["teaching"][0]
    if args.child_onednn_off:
        rows = measure("teaching", teaching, (4,), ("tf.function",), args.repeats)
        print(json.dumps(rows))
        return

    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    ways = ("eager", "predict", "tf.function", "tf.function jit")
    rows = measure("teaching", teaching, (1, 4), ways, args.repeats)
    rows += onednn_off_rows(args.repeats)
    breakdown = []
    if not args.skip_reference:
        seed = configs["reference"][0]
        reference_ways = ("predict", "tf.function", "tf.function jit")
        rows += measure(
            "reference", seed, (1,), reference_ways, max(2, args.repeats - 2)
        )
        breakdown = layer_breakdown(seed, repeats=2)
    columns = ["model", "input", "way", "batch", "s/img", "GFLOP/s", "% of matmul"]
    print_table(
        "Inference (float32, channels-last, median; matmul 2048²)", rows, columns
    )
    groups = group_breakdown(breakdown) if breakdown else []
    if groups:
        print_table(
            "Where the time goes: reference model, batch 1, layer by layer", groups
        )
    best = max(rows, key=lambda r: r["% of matmul"] or 0)
    notes = [
        f"fastest way: {best['way']} at batch {best['batch']} on the {best['model']} "
        f"model, {best['% of matmul']:.0f} % of the matmul rate (target 90 %)."
    ]
    print("\n".join(notes))
    write_json(
        "inference",
        {
            "table": rows,
            "columns": columns,
            "layer_groups": groups,
            "layers": breakdown,
            "notes": notes,
            "seconds": time.perf_counter() - start,
        },
        info,
    )


if __name__ == "__main__":
    main()
