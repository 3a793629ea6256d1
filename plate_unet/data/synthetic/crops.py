"""Synthetic plate crops and their texts: the training data of a plate reader.

A crop is cut from a scene of :func:`~plate_unet.data.synthetic.generate.scene_plates`
the way prediction cuts one from a photo: the plate's corners, moved as a
detector's would be (:func:`jitter_quad`: each corner off by a few pixels, the
quadrilateral a little too large, or a little too small but never so much as
to cut a character off), are warped to a flat grey rectangle by
:func:`~plate_unet.data.quads.rectify`. The plate keeps its size in
the photo, so a small plate gives a blurry crop, and the scene's camera effects
(light, blur, noise, JPEG). A plate of several rows is cut into one band
per row (where its style drew that row, with a margin), each with that
row's text: a reader that reads
columns left to right cannot put a top row before a bottom row that shares
its columns (measured: a reader trained on whole two-row crops read none of
them right), so it reads each band, as
:func:`~plate_unet.inference.reading.read_crops` does.
:func:`plate_crops` cuts every plate of one scene,
:func:`generate_crop` one crop from a random seed, and :func:`generate_crops`
writes a folder of PNGs with a ``labels.csv`` (``name,text``).

Texts are the rows' texts as drawn (separators kept);
:func:`~plate_unet.data.alphabet.encode_text` turns one into a label.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from plate_unet._files import atomic_write_text
from plate_unet.data.quads import rectify
from plate_unet.data.synthetic.generate import (
    scene_plates,
    scene_seed,
    worker_processes,
)

#: A crop's default ``(height, width)``.
CROP_SIZE = (32, 128)
#: The ``(height, width)`` of the scenes crops are cut from: plates 10 to 290
#: pixels wide, most 30 to 120, as in a phone photo seen by the detector.
SCENE_SIZE = (580, 360)
#: Plates narrower than this, in scene pixels, are not cropped: their
#: characters are a pixel or two wide, unreadable (a reader trained on them
#: learns noise; measured: the loss stalls).
MIN_WIDTH_PX = 40.0
#: Crops whose mean step between neighbouring pixels along a row, after a
#: Gaussian blur of one pixel that evens out sensor noise, is below this (grey
#: levels) are left out: blur or darkness wiped their characters out.
MIN_DETAIL = 5.0
#: Each row of a plate of several rows is cut with this share of its height
#: added above and below.
ROW_MARGIN = 0.2
_STREAM = 0xC209  # the crops' own random stream, apart from the scene's
#: Bumped whenever the crops of a seed change (2: rows cut apart, plates under
#: 40 px and unreadable crops left out; 3: each row cut where it was drawn,
#: the corners' jitter shrinks less, the detail bar raised from 3 to 5), so that
#: sets cut before are cut again.
CROPS_VERSION = 3


def jitter_quad(
    rng: np.random.Generator,
    quad: np.ndarray,
    shift: float = 0.06,
    scale: tuple[float, float] = (0.12, 0.15),
    shrink: tuple[float, float] = (0.02, 0.05),
) -> np.ndarray:
    """Moves a plate's corners as a detector's errors would.

    Each corner moves by a normal offset of ``shift`` times the plate's height
    (at least half a pixel, at most twice that), and the quadrilateral grows by
    up to ``scale`` or shrinks by up to ``shrink`` about its centre, each
    (along its width, along its height), e.g. 0.12 = 12 %. Shrinking stays
    within a plate's margins: a crop that cuts off a character its text still
    holds teaches the reader to make characters up.

    Args:
        rng: The random generator.
        quad: float (4, 2) corners TL, TR, BR, BL.
        shift: Standard deviation of a corner's offset, in plate heights.
        scale: Largest relative growth of (width, height).
        shrink: Largest relative shrinking of (width, height).

    Returns:
        float32 (4, 2) corners, TL, TR, BR, BL.

    Example:
        >>> from plate_unet.data.synthetic.crops import jitter_quad
        >>> quad = np.float32([[10, 10], [110, 10], [110, 40], [10, 40]])
        >>> moved = jitter_quad(np.random.default_rng(0), quad)
        >>> moved.shape, bool(np.abs(moved - quad).max() < 10)
        ((4, 2), True)
    """
    q = np.asarray(quad, np.float64).reshape(4, 2)
    across = ((q[1] - q[0]) + (q[2] - q[3])) / 2  # along the width
    down = ((q[3] - q[0]) + (q[2] - q[1])) / 2  # along the height
    sx = 1 + rng.uniform(-shrink[0], scale[0])
    sy = 1 + rng.uniform(-shrink[1], scale[1])
    dx, dy = (sx - 1) / 2 * across, (sy - 1) / 2 * down
    q = q + np.array([-dx - dy, dx - dy, dx + dy, -dx + dy])
    sigma = max(shift * float(np.hypot(*down)), 0.5)
    q += np.clip(rng.normal(0, sigma, (4, 2)), -2 * sigma, 2 * sigma)
    return q.astype(np.float32)


def row_quad(quad: np.ndarray, top: float, bottom: float) -> np.ndarray:
    """The band of a plate between two shares of its height, as a quadrilateral.

    Args:
        quad: float (4, 2) corners TL, TR, BR, BL.
        top: Share of the height, from the top edge, where the band starts.
        bottom: Share where it ends (may pass 0 and 1: a margin).

    Returns:
        float32 (4, 2) corners TL, TR, BR, BL of the band.

    Example:
        >>> from plate_unet.data.synthetic.crops import row_quad
        >>> quad = np.float32([[0, 0], [100, 0], [100, 40], [0, 40]])
        >>> row_quad(quad, 0.5, 1.0)[:, 1].tolist()
        [20.0, 20.0, 40.0, 40.0]
    """
    q = np.asarray(quad, np.float64).reshape(4, 2)
    left = (q[0] + top * (q[3] - q[0]), q[0] + bottom * (q[3] - q[0]))
    right = (q[1] + top * (q[2] - q[1]), q[1] + bottom * (q[2] - q[1]))
    return np.array([left[0], right[0], right[1], left[1]], np.float32)


def plate_crops(
    seed: int,
    size: tuple[int, int] = CROP_SIZE,
    scene_size: tuple[int, int] = SCENE_SIZE,
    min_width: float = MIN_WIDTH_PX,
    min_detail: float = MIN_DETAIL,
) -> list[tuple[np.ndarray, str]]:
    """Cuts every readable plate of scene ``seed`` to a grey crop.

    Args:
        seed: The scene's seed (see :func:`scene_plates`).
        size: The crops' ``(height, width)``.
        scene_size: The scene's ``(height, width)``.
        min_width: Plates narrower than this (scene pixels) are left out, and so
            are plates whose style does not tell its text.
        min_detail: Crops with less detail (:data:`MIN_DETAIL`) are left out.

    Returns:
        ``(crop, text)`` pairs in the scene's plate order: uint8 ``size`` crops.

    Example:
        >>> from plate_unet.data.synthetic.crops import plate_crops
        >>> [(crop.shape, text) for crop, text in plate_crops(1, min_detail=0)]
        [((32, 128), 'UP 63 G 7466')]
    """
    image, plates = scene_plates(seed, *scene_size)
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    rng = np.random.default_rng(np.random.SeedSequence((int(seed), _STREAM)))
    out = []
    for plate in plates:
        quad = jitter_quad(rng, plate.quad)  # drawn for every plate: reproducible
        width = float(np.ptp(plate.quad[:, 0]))
        if not plate.text or width < min_width:
            continue
        rows = plate.text.split("\n")
        if len(rows) == 1:
            crops = [rectify(grey, quad, size)]
        else:  # a band round each row (its characters and a margin that may
            # show a little of the next row, as read_crops' cut at the gap does)
            n = len(rows)
            bands = [(b[1], b[3]) for b in plate.rows]
            if len(bands) != n:  # a style that drew no character cells
                bands = [(k / n, (k + 1) / n) for k in range(n)]
            crops = []
            for top, bottom in bands:
                pad = ROW_MARGIN * (bottom - top)
                band = row_quad(quad, top - pad, bottom + pad)
                crops.append(rectify(grey, band, size))
        for crop, row in zip(crops, rows, strict=True):
            smooth = cv2.GaussianBlur(crop.astype(np.float32), (0, 0), 1.0)
            if row.strip() and np.abs(np.diff(smooth, axis=1)).mean() >= min_detail:
                out.append((crop, row))
    return out


def generate_crop(
    seed: int, height: int = CROP_SIZE[0], width: int = CROP_SIZE[1]
) -> tuple[np.ndarray, str]:
    """One synthetic plate crop and its text, the same for the same seed.

    Draws scenes ``scene_seed(seed, 0)``, ``scene_seed(seed, 1)``, … until one
    has a readable plate (:func:`plate_crops`), and picks one of its plates.

    Args:
        seed: Any non-negative integer.
        height: Crop height in pixels (>= 2).
        width: Crop width in pixels (>= 2).

    Returns:
        ``(crop, text)``: uint8 ``(height, width)`` grey crop and the plate's
        text (rows joined by ``"\\n"``).

    Raises:
        ValueError: If ``seed`` is negative or a size is below 2.

    Example:
        >>> from plate_unet.data.synthetic.crops import generate_crop
        >>> crop, text = generate_crop(3)
        >>> crop.shape, crop.dtype, text
        ((32, 128), dtype('uint8'), '03E5U3E')
    """
    if int(seed) < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if int(height) < 2 or int(width) < 2:
        raise ValueError(f"crop size must be >= 2, got {height}×{width} (H×W)")
    for k in range(1000):
        crops = plate_crops(scene_seed(int(seed), k), (int(height), int(width)))
        if crops:
            pick = np.random.default_rng(np.random.SeedSequence((int(seed), _STREAM)))
            return crops[int(pick.integers(len(crops)))]
    raise RuntimeError(f"no readable plate in 1000 scenes of seed {seed}")


def _crops_of_scene(job: tuple) -> list[tuple[bytes, str]]:
    seed, index, size = job
    cv2.setNumThreads(1)
    out = []
    for crop, text in plate_crops(scene_seed(seed, index), size):
        ok, buf = cv2.imencode(".png", crop)
        out.append((buf.tobytes(), text))
    return out


def generate_crops(
    out_dir: str | os.PathLike,
    n: int,
    seed: int = 0,
    size: tuple[int, int] = CROP_SIZE,
    workers: int | None = None,
    progress: bool = True,
) -> Path:
    """Writes ``n`` synthetic plate crops as PNGs and a ``labels.csv``.

    The crops are those of :func:`plate_crops` for scenes
    ``scene_seed(seed, 0)``, ``scene_seed(seed, 1)``, … in order, so the same
    arguments give the same files whatever the number of workers.
    ``labels.csv`` has the header ``name,text`` and one row per crop (names
    like ``images/000000.png``, relative to the CSV; a two-row plate's text
    holds a newline, so its field is quoted).

    Args:
        out_dir: Folder to write (created if missing).
        n: Number of crops (>= 1).
        seed: Non-negative seed of the set.
        size: The crops' ``(height, width)``, each >= 2.
        workers: Processes to use; None uses every core (one for small sets).
        progress: Print a progress line to stderr.

    Returns:
        The path of ``labels.csv``.

    Raises:
        ValueError: If ``n``, ``seed``, ``size`` or ``workers`` is out of range.

    Example:
        >>> import csv, tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data.synthetic.crops import generate_crops
        >>> tmp = Path(tempfile.mkdtemp())
        >>> path = generate_crops(tmp / "crops", 3, progress=False)
        >>> with open(path, newline="", encoding="utf-8") as f:
        ...     rows = list(csv.reader(f))
        >>> rows[0], len(rows), (tmp / "crops" / rows[1][0]).is_file()
        (['name', 'text'], 4, True)
    """
    n, seed = int(n), int(seed)
    h, w = (int(v) for v in size)
    if n < 1 or seed < 0 or h < 2 or w < 2:
        raise ValueError(
            f"need n >= 1, seed >= 0 and a size of at least 2×2; got n={n}, "
            f"seed={seed}, size={h}×{w} (H×W)"
        )
    if workers is None:
        workers = 1 if n < 256 else min(os.cpu_count() or 1, 16)
    if int(workers) < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    out = Path(out_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["name", "text"])
    done, scene, t0 = 0, 0, time.perf_counter()
    batch = 8 * int(workers)
    workers, ctx = worker_processes(int(workers))
    pool = ctx.Pool(workers) if workers > 1 else None
    try:
        while done < n:
            jobs = [(seed, scene + k, (h, w)) for k in range(batch)]
            scene += batch
            results = (
                pool.map(_crops_of_scene, jobs)
                if pool
                else [_crops_of_scene(j) for j in jobs]
            )
            for png, text in (c for r in results for c in r):
                if done == n:
                    break
                name = f"images/{done:06d}.png"
                (out / name).write_bytes(png)
                writer.writerow([name, text])
                done += 1
            if progress:
                rate = done / max(time.perf_counter() - t0, 1e-9)
                end = "\n" if done == n else ""
                print(f"\rcrops: {done}/{n} ({rate:.0f}/s)", end=end, file=sys.stderr)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return atomic_write_text(out / "labels.csv", rows.getvalue())


def load_crops(labels_csv: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """Reads a folder written by :func:`generate_crops` (or any ``name,text``
    CSV of grey crops of one size).

    Returns:
        ``(crops, texts)``: uint8 ``(n, height, width)`` and the texts.

    Raises:
        ValueError: If an image is missing, unreadable or of another size
            (the message names its row).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data.synthetic.crops import generate_crops, load_crops
        >>> path = generate_crops(Path(tempfile.mkdtemp()), 2, progress=False)
        >>> crops, texts = load_crops(path)
        >>> crops.shape, len(texts)
        ((2, 32, 128), 2)
    """
    path = Path(labels_csv)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][:2] != ["name", "text"]:
        raise ValueError(f"{path}: the header must be name,text")
    crops: list[np.ndarray] = []
    texts: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        image = cv2.imread(str(path.parent / row[0]), cv2.IMREAD_GRAYSCALE)
        if image is None or (crops and image.shape != crops[0].shape):
            found = "unreadable or missing" if image is None else f"{image.shape}"
            raise ValueError(f"{path} row {number}: image {row[0]} is {found}")
        crops.append(image)
        texts.append(row[1])
    if not crops:
        raise ValueError(f"{path} lists no crop")
    return np.stack(crops), texts
