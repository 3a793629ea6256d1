"""Training speed: img/s and achieved GFLOP/s (≈ 3× forward) vs the matmul rate.

``model.fit`` on in-memory random batches (so the input pipeline costs nothing),
Adam and the BCE + Dice loss, float32. Compared: plain ``fit`` (a traced
``tf.function`` step with Grappler/oneDNN fusions), ``jit_compile=True`` (XLA)
and the batch size, at the teaching size and (one batch size) the reference size.
Each step's time is taken between consecutive ``on_train_batch_end`` callbacks,
the first steps (tracing, compiling) left out, the median reported. The 2048²
matmul rate is measured right before and after each variant (median of those),
so each ratio is taken under the load of its own run.

A training step does about 3× the forward FLOPs: the forward pass, the gradient
with respect to each layer's input and the gradient with respect to its weights
(the first layer's input gradient, which is not needed, is counted anyway).

Run: ``python benchmarks/bench_train_step.py`` (about 3 minutes on 2 idle cores;
three times that when the cores are shared).
"""

from __future__ import annotations

import argparse
import statistics
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
    write_json,
)

from plate_unet.model.flops import forward_flops
from plate_unet.model.unet import build_unet
from plate_unet.training.losses import get_loss


class StepTimer(keras.callbacks.Callback):
    """Records the wall time at the end of every training batch."""

    def __init__(self) -> None:
        super().__init__()
        self.ends: list[float] = []

    def on_train_begin(self, logs=None) -> None:
        self.ends = [time.perf_counter()]

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.ends.append(time.perf_counter())


def matmul_rate(repeats: int = 3) -> float:
    fn, flops = matmul_fn(2048)
    return flops / time_call(fn, warmup=1, repeats=repeats).median / 1e9


def time_fit(config, batch: int, jit: bool, steps: int, skip: int) -> dict:
    """Runs ``steps`` training steps and returns the median step time (s)."""
    keras.utils.set_random_seed(0)
    model = build_unet(config)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=get_loss("bce_dice"),
        jit_compile=jit,
    )
    h, w, c = model.input_shape[1:]
    rng = np.random.default_rng(0)
    x = rng.random((batch, h, w, c), dtype=np.float32)
    y = (rng.random((batch, h, w, 1)) > 0.9).astype(np.float32)
    data = tf.data.Dataset.from_tensors((x, y)).repeat()
    timer = StepTimer()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[timer])
    durations = np.diff(timer.ends)
    flops = forward_flops(model)
    del model
    keras.backend.clear_session()
    return {
        "first step s": float(durations[0]),
        "step s": statistics.median(durations[skip:]),
        "fwd flops": flops,
    }


def variants(skip_reference: bool) -> list[tuple[str, object, int, bool, int]]:
    """(model name, config, batch, jit, steps) to run, cheapest first."""
    configs = model_configs()
    teaching, seed = configs["teaching"][0], configs["reference"][0]
    out = [
        ("teaching", teaching, 1, False, 8),
        ("teaching", teaching, 4, False, 6),
        ("teaching", teaching, 8, False, 5),
        ("teaching", teaching, 8, True, 5),
    ]
    if not skip_reference:
        # XLA at the reference size compiles for minutes on 2 cores and was no faster
        # (35 % vs 33 % of the matmul rate, one run), so only plain fit here.
        out += [("reference", seed, 1, False, 3)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-reference", action="store_true", help="teaching size only"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    rows = []
    before = matmul_rate()
    for name, config, batch, jit, steps in variants(args.skip_reference):
        # The first step traces (and compiles); the reference's steps are long enough
        # that one untimed step is enough.
        result = time_fit(
            config, batch, jit, steps, skip=1 if name == "reference" else 2
        )
        after = matmul_rate()
        ceiling = statistics.median([before, after])
        before = after
        train_flops = 3 * result["fwd flops"]
        rate = train_flops * batch / result["step s"] / 1e9
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "fit": "jit_compile=True" if jit else "plain",
                "batch": batch,
                "step s": result["step s"],
                "img/s": batch / result["step s"],
                "GFLOP/s": rate,
                "% of matmul": 100 * rate / ceiling,
                "matmul GFLOP/s": ceiling,
                "first step s": result["first step s"],
            }
        )
        print_table("so far", rows[-1:])
    columns = ["model", "input", "fit", "batch", "img/s", "GFLOP/s", "% of matmul"]
    print_table("Training step (float32, Adam, BCE+Dice; matmul 2048²)", rows, columns)
    best = max(rows, key=lambda r: r["% of matmul"])
    notes = [
        f"fastest: {best['fit']} fit at batch {best['batch']} on the {best['model']} "
        f"model, {best['% of matmul']:.0f} % of the matmul rate (target 60 %)."
    ]
    print("\n".join(notes))
    write_json(
        "train_step",
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
