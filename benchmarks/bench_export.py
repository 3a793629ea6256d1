"""Exported models: TFLite float32 and int8 latency vs Keras on the same images.

For the teaching and the slim model (untrained weights: speed does not depend
on them), one image at a time (TFLite models have batch 1):

* ``keras``: ``tf.function`` around the model (the fastest Keras way on a CPU,
  see ``bench_inference.py``);
* ``tflite float32``: :func:`plate_unet.inference.export.to_tflite`;
* ``tflite int8 weights``: the same with dynamic-range quantisation (int8
  weights, float activations; what ``plate-unet export --format tflite-int8``
  writes);
* ``tflite full int8``: int8 weights *and* activations, calibrated on a few
  synthetic scenes (``TFLiteConverter`` with a representative data set), float
  input and output;

each interpreter with 2 threads (XNNPACK), all timed round-robin on the same
synthetic scenes. The table also gives the file size and the largest
difference from the Keras output (probabilities), i.e. what quantising costs.

Run: ``python benchmarks/bench_export.py`` (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import cv2
import keras
import numpy as np
import tensorflow as tf
from common import (
    machine_info,
    machine_line,
    model_configs,
    print_table,
    time_interleaved,
    write_json,
)

from plate_unet.data.synthetic.generate import generate_scene
from plate_unet.inference.export import to_tflite
from plate_unet.model.unet import build_unet


def scenes(config, n: int) -> np.ndarray:
    """``n`` synthetic scenes, grey, resized to the model's input, in [0, 1]."""
    out = []
    for seed in range(n):
        image, _ = generate_scene(seed, width=360, height=580)
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        grey = cv2.resize(grey, (config.width, config.height), cv2.INTER_AREA)
        out.append(grey[..., None].astype(np.float32) / 255.0)
    return np.stack(out)


def convert(model, mode: str, calibration: np.ndarray) -> bytes:
    """TFLite bytes: ``float``, ``dynamic`` (int8 weights) or ``int8`` (full)."""
    if mode == "int8":
        return to_tflite(model, representative=calibration)
    return to_tflite(model, quantize=mode == "dynamic")


def interpreter_fn(data: bytes, images: np.ndarray, threads: int = 2):
    """Returns ``(fn, outputs)``: fn runs every image once; outputs fills up."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interp = tf.lite.Interpreter(model_content=data, num_threads=threads)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]["index"]
    out = interp.get_output_details()[0]["index"]
    outputs = []

    def run():
        outputs.clear()
        for image in images:
            interp.set_tensor(inp, image[None])
            interp.invoke()
            outputs.append(interp.get_tensor(out)[0])

    return run, outputs


def measure(name: str, config, n_images: int, repeats: int) -> list[dict]:
    """Keras vs the three TFLite variants for one configuration."""
    model = build_unet(config)
    images = scenes(config, n_images)
    graph = tf.function(lambda x: model(x, training=False))
    reference = np.stack([graph(img[None]).numpy()[0] for img in images])
    fns = {"keras (tf.function)": lambda: [graph(img[None]).numpy() for img in images]}
    info = {"keras (tf.function)": {"MB": None, "max |diff|": 0.0}}
    outputs = {}
    labels = {
        "float": "tflite float32",
        "dynamic": "tflite int8 weights",
        "int8": "tflite full int8",
    }
    for mode, label in labels.items():
        t0 = time.perf_counter()
        try:
            data = convert(model, mode, images)
        except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
            print(f"{label}: conversion failed: {exc}")
            continue
        fns[label], outputs[label] = interpreter_fn(data, images)
        info[label] = {"MB": len(data) / 1e6, "convert s": time.perf_counter() - t0}
    timings = time_interleaved(fns, warmup=1, repeats=repeats)
    rows = []
    keras_time = timings["keras (tf.function)"].median
    for label, t in timings.items():
        if label in outputs:
            diff = float(np.abs(np.stack(outputs[label]) - reference).max())
            info[label]["max |diff|"] = diff
        rows.append(
            {
                "model": name,
                "input": f"{config.height}x{config.width}",
                "runtime": label,
                "ms/img": t.median / len(images) * 1e3,
                "x Keras speed": keras_time / t.median,
                **info[label],
            }
        )
    keras.backend.clear_session()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    info = machine_info()
    print(machine_line(info), flush=True)
    rows = []
    for name in ("teaching", "slim"):
        config = model_configs()[name][0]
        rows += measure(name, config, args.images, args.repeats)
    columns = ["model", "input", "runtime", "ms/img", "x Keras speed", "MB"]
    columns.append("max |diff|")
    print_table("TFLite vs Keras, batch 1, same synthetic scenes", rows, columns)
    write_json(
        "export",
        {
            "table": rows,
            "columns": columns,
            "tflite_threads": 2,
            "converter": "plate_unet.inference.export.to_tflite",
            "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
            "seconds": time.perf_counter() - start,
        },
        info,
    )


if __name__ == "__main__":
    main()
