"""Input pipeline throughput: 720×1160 JPEG + corners → 1152×704 training batches.

Rows (images per second, same files, same run):

- ``reference (PIL, loop, float64)``: an honest re-creation of the reference's
  generator:
  open each JPEG with PIL, convert to grey, crop to 704×1152, float64 arrays,
  batches built in a Python loop (masks: float64 zeros, as its fill was commented
  out, so this row even does less work than ours);
- ``ours, cold``: ``make_dataset`` built and read once (decode, letterbox,
  rasterise the masks in parallel);
- ``ours, cached``: later epochs of ``make_dataset(cache=True)`` (decoded once);
- ``ours, cached, float32 masks``: the same with ``mask_dtype="float32"`` (the
  default for callers that want float masks; training asks for uint8 masks, as
  every other "ours" row here does, since its losses cast them);
- ``ours, cached + shuffle + augment``: training mode with the default
  augmentation (for reference; augmentation costs real compute);
- ``ceiling: grey JPEG decode``: only ``read_file`` + ``decode_jpeg`` to grey on
  all cores, the most a cold pipeline can do.

Photos: ``../shared/data`` (seed_sample + ccpd) repeated; without them, synthetic
720×1160 JPEGs written with cv2 to a temporary folder.

The rows run in interleaved rounds and each keeps its best round, so a busy
neighbour slows a round rather than one row. ``cpu ms/img`` is this process's
CPU time per image (all threads); ``img/s if idle`` = threads / that, what the
same work gives on idle cores (the reference's loop uses one thread).

Run: ``python benchmarks/bench_pipeline.py [--quick]`` (≤ 5 min; --quick ≈ 1 min).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import tensorflow as tf
from common import machine_info, machine_line, print_table, write_json
from PIL import Image

from plate_unet.data.pipeline import make_dataset
from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample
from plate_unet.training.memory_tuning import keep_freed_memory

HEIGHT, WIDTH, BATCH = 1152, 704, 8
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def real_samples() -> list[Sample]:
    """The real 720×1160 photos with plates, or [] when they are absent."""
    samples: list[Sample] = []
    logging.getLogger("plate_unet").setLevel(logging.ERROR)
    if (SHARED / "seed_sample" / "train.csv").is_file():
        samples += load_annotations(SHARED / "seed_sample" / "train.csv", "skip")
    if (SHARED / "ccpd").is_dir():
        samples += load_annotations(SHARED / "ccpd", "skip")
    return samples


def synthetic_samples(folder: Path, n: int = 16) -> list[Sample]:
    """Writes ``n`` textured 720×1160 JPEGs with one plate-like box each."""
    rng = np.random.default_rng(0)
    samples = []
    for i in range(n):
        img = cv2.GaussianBlur(
            rng.integers(0, 256, (1160, 720, 3), np.uint8), (0, 0), 3
        )
        x, y = int(rng.integers(50, 450)), int(rng.integers(300, 800))
        cv2.rectangle(img, (x, y), (x + 220, y + 70), (200, 120, 30), -1)
        path = folder / f"{i:04d}.jpg"
        cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        plate = [[x, y], [x + 220, y], [x + 220, y + 70], [x, y + 70]]
        samples.append(
            Sample(path, (np.array(plate, np.float32),), height=1160, width=720)
        )
    return samples


def reference_way(paths: list[str]) -> None:
    """The reference's generator, re-created: PIL, a Python loop, float64."""
    for start in range(0, len(paths), BATCH):
        chunk = paths[start : start + BATCH]
        x = np.zeros((len(chunk), HEIGHT, WIDTH, 1), dtype=np.float64)
        y = np.zeros((len(chunk), HEIGHT, WIDTH, 1), dtype=np.float64)
        for i, path in enumerate(chunk):
            img = Image.open(path).convert("L")
            arr = np.array(img, dtype=np.float64) / 255.0
            x[i, :, :, 0] = arr[:HEIGHT, :WIDTH]
            # the reference's cv2.fillPoly(y[i], ...) was commented out: y stays zero
        del x, y


def consume(ds: tf.data.Dataset) -> int:
    """Reads every batch; returns the number of images."""
    n = 0
    for images, _ in ds:
        n += int(images.shape[0])
    return n


def measure(fn) -> tuple[float, float]:
    """Runs ``fn()``; returns (wall seconds, CPU seconds of this process)."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def decode_ceiling(paths: list[str]) -> None:
    ds = tf.data.Dataset.from_tensor_slices(paths).map(
        lambda p: tf.io.decode_jpeg(tf.io.read_file(p), 1, dct_method="INTEGER_FAST"),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    for _ in ds.batch(BATCH).prefetch(tf.data.AUTOTUNE):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer images (≈1 min)")
    args = parser.parse_args()
    n_cold = 96 if args.quick else 320
    n_seed = 48 if args.quick else 120
    n_cached, epochs = (160, 2) if args.quick else (320, 3)
    rounds = 2 if args.quick else 3

    tuned = keep_freed_memory()  # process-wide, so every row gets it (as in the CLI)
    info = machine_info()
    print(machine_line(info), flush=True)
    tmp = tempfile.TemporaryDirectory()
    base = real_samples()
    source = f"{len(base)} real 720x1160 photos from {SHARED}"
    if not base:
        base = synthetic_samples(Path(tmp.name))
        source = f"{len(base)} synthetic 720x1160 JPEGs (real photos absent)"
    print(f"images: {source}, repeated", flush=True)

    def repeated(n: int) -> list[Sample]:
        return [base[i % len(base)] for i in range(n)]

    cores = info["cores_usable"]
    paths = [str(s.image_path) for s in repeated(n_cold)]
    consume(make_dataset(base, HEIGHT, WIDTH, batch_size=BATCH))  # warm caches
    decode_ceiling(paths[:BATCH])
    build_s = []

    def cold_run():
        t0 = time.perf_counter()
        ds = make_dataset(
            repeated(n_cold), HEIGHT, WIDTH, batch_size=BATCH, mask_dtype="uint8"
        )
        build_s.append(time.perf_counter() - t0)
        return lambda: consume(ds)

    def cached_run(n, mask_dtype="uint8", **kwargs):
        ds = make_dataset(repeated(n), HEIGHT, WIDTH, batch_size=BATCH, cache=True,
                          mask_dtype=mask_dtype, **kwargs)  # fmt: skip
        consume(ds)  # the first epoch fills the cache
        return lambda: [consume(ds) for _ in range(epochs)]

    # (label, set-up returning the timed function, images per run, threads used)
    ways = [
        ("reference (PIL, loop, float64)",
         lambda: lambda: reference_way(paths[:n_seed]), n_seed, 1),
        ("ours, cold (decode+letterbox+mask)", cold_run, n_cold, cores),
        ("ours, cached", lambda: cached_run(n_cached), n_cached * epochs, cores),
        ("ours, cached, float32 masks",
         lambda: cached_run(n_cached, mask_dtype="float32"), n_cached * epochs,
         cores),
        ("ours, cached + shuffle + augment",
         lambda: cached_run(n_cached // 4, training=True, augment="default"),
         n_cached // 4 * epochs, cores),
        ("ceiling: grey JPEG decode, all cores",
         lambda: lambda: decode_ceiling(paths), n_cold, cores),
    ]  # fmt: skip
    best: dict[str, dict] = {}
    # Interleaved rounds, best of each: a noisy neighbour slows a whole round, not
    # one row, and the best round is the closest to an idle machine.
    for _ in range(rounds):
        for label, setup, n, threads in ways:
            wall, cpu = measure(setup())
            row = best.setdefault(label, {"way": label, "images": n, "seconds": wall,
                                          "cpu ms/img": 1e3 * cpu / n})  # fmt: skip
            row["seconds"] = min(row["seconds"], wall)
            row["cpu ms/img"] = min(row["cpu ms/img"], 1e3 * cpu / n)
            row["threads"] = threads
    rows = list(best.values())
    for row in rows:
        row["img/s"] = row["images"] / row["seconds"]
        # what the same CPU work per image gives on `threads` idle cores
        row["img/s if idle"] = 1e3 * row.pop("threads") / row["cpu ms/img"]
    reference_rate, ceil_rate = rows[0]["img/s"], rows[-1]["img/s"]
    for row in rows:
        row["x reference"] = row["img/s"] / reference_rate
        row["of ceiling"] = f"{100 * row['img/s'] / ceil_rate:.0f} %"
    build_s = min(build_s)
    title = (f"Pipeline: 720x1160 JPEG + corners -> {WIDTH}x{HEIGHT} batches of "
             f"{BATCH} (grey), images/s")  # fmt: skip
    print_table(
        title,
        rows,
        ["way", "images", "seconds", "img/s", "x reference", "of ceiling", "cpu ms/img",
         "img/s if idle"],
    )  # fmt: skip
    notes = [
        f"images: {source}",
        f"glibc keep_freed_memory() applied: {tuned} (all rows, process-wide);",
        f"cold = make_dataset read once (building it, with the mask guard and "
        f"tracing, took {build_s:.2f} s more);",
        "cached = epochs after the first of make_dataset(cache=True);",
        "the reference row builds all-zero masks, as the reference did.",
        "img/s = best of interleaved rounds (wall clock, this shared machine); "
        "'img/s if idle' = threads / CPU time per image (the reference uses 1 thread).",
        "1000 img/s target on 2 cores: "
        + ("met" if max(r["img/s"] for r in rows[1:3]) >= 1000 else "NOT met")
        + f" in wall clock (best of ours: {max(r['img/s'] for r in rows[1:3]):,.0f}"
        + f" img/s; from CPU time: {max(r['img/s if idle'] for r in rows[1:3]):,.0f})",
    ]
    print("\n".join(notes))
    write_json("pipeline", {"table": rows, "notes": notes, "quick": args.quick}, info)
    tmp.cleanup()


if __name__ == "__main__":
    main()
