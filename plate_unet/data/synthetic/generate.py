"""Synthetic plate scenes: the project's offline default data.

:func:`generate_scene` draws one photo-like scene from a seed, portrait or
landscape: a background (walls, foliage, buildings; asphalt, paving, gravel or
leaves, painted road words), cars (front or rear) with plates in the styles of
China, Europe, the USA, Mercosul and India tilted in 3-D, words and badges that
are not plates (model badges, stickers, wheels, dealers' names under the
plate, signs, watermarks), then camera effects (uneven light, low light, glare,
blur, noise, JPEG). About half the scenes imitate the CCPD photos (one close
car, its plate mostly 15–35 % of the image's shorter side, sometimes 10–45 %,
and in 6 % of them a close-up of 45–80 %); others show cars at mid range, far
away, a street camera's row of small plates, or no plate at all.
:func:`generate_dataset` writes a set of them as JPEGs plus a ``labels.csv`` in
the reference's format, in parallel and reproducibly.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plate_unet._files import atomic_write_text
from plate_unet.data.formats.reference_csv import write_reference_csv
from plate_unet.data.readers import TEXTS_CSV
from plate_unet.data.records import Sample
from plate_unet.data.synthetic.background import background
from plate_unet.data.synthetic.camera import photograph
from plate_unet.data.synthetic.distractors import (
    DISTRACTORS,
    distractor_box,
    pick_distractor,
)
from plate_unet.data.synthetic.paint import Painter, paste_texture
from plate_unet.data.synthetic.plate_styles import PLATE_STYLES, render_plate
from plate_unet.data.synthetic.text import draw_watermark
from plate_unet.data.synthetic.vehicles import EXTENTS, draw_vehicle, pick_vehicle

log = logging.getLogger(__name__)

#: Scene kinds and how often each is drawn: one close car (the CCPD view), one
#: or two cars at mid range, a few far cars, a street camera's row of small
#: plates, and no plate at all.
KINDS = {"close": 0.52, "mid": 0.17, "far": 0.1, "street": 0.12, "none": 0.09}
#: The stages of a scene, in drawing order; each draws from its own child random
#: stream (:func:`scene_streams`), so a new plate style or distractor changes
#: only the plates or distractors, not the backgrounds, vehicles or camera.
STAGES = ("background", "vehicles", "plates", "distractors", "camera")


#: Bumped whenever a seed's scene changes, so that sets painted by an older
#: generator are painted again (:func:`is_current`) instead of trained on.
GENERATOR_VERSION = 7
#: The share of scenes that draw distractors (text that is not a plate, signs,
#: badges). The rest show the plate as the only text. Short ablations on two
#: seeds (``benchmarks/ablate_generator.py``) found more real plates this way
#: than with distractors in every scene, or in none.
DISTRACTOR_SHARE = 0.5
#: Written last by :func:`generate_dataset`: what the set is and which generator
#: painted it.
STAMP = "generator.json"
#: Written by :func:`generate_dataset` beside ``labels.csv``: the plates' texts.
TEXTS = TEXTS_CSV


def scene_seed(seed: int, index: int) -> int:
    """Returns the seed of scene ``index`` of a set made with ``seed``."""
    return int(np.random.SeedSequence((int(seed), int(index))).generate_state(1)[0])


def scene_streams(seed: int) -> dict[str, np.random.Generator]:
    """Returns one independent random generator per stage of :data:`STAGES`,
    spawned from ``seed``.

    Example:
        >>> from plate_unet.data.synthetic.generate import scene_streams
        >>> streams = scene_streams(7)
        >>> list(streams)
        ['background', 'vehicles', 'plates', 'distractors', 'camera']
        >>> bool(streams["plates"].random() == scene_streams(7)["plates"].random())
        True
    """
    children = np.random.SeedSequence(int(seed)).spawn(len(STAGES))
    return {
        name: np.random.default_rng(child)
        for name, child in zip(STAGES, children, strict=True)
    }


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ rx @ ry


def plane_homography(
    rng: np.random.Generator, cx: float, cy: float, width_px: float, aspect: float
) -> np.ndarray:
    """Returns the 3×3 homography from a car's plane (plate widths, plate centre at
    the origin) to image pixels, for a random 3-D tilt, such that the plate's
    projected x-extent is ``width_px`` and its centre lands on (cx, cy)."""
    big = rng.random() < 0.12
    yaw = float(np.clip(rng.normal(0, 30 if big else 13), -50, 50))
    pitch = float(np.clip(rng.normal(0, 18 if big else 9), -35, 35))
    roll = float(np.clip(rng.normal(0, 3.5), -12, 12))
    rot = _rotation(yaw, pitch, roll)
    m = np.column_stack([rot[:, 0], rot[:, 1], [0, 0, rng.uniform(4, 12)]])
    corners = np.array(
        [(-0.5, -aspect / 2), (0.5, -aspect / 2), (0.5, aspect / 2), (-0.5, aspect / 2)]
    )
    q = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), m).reshape(-1, 2)
    s = width_px / np.ptp(q[:, 0])
    return np.array([[s, 0, cx], [0, s, cy], [0, 0, 1]]) @ m


def _boxes_overlap(a, b, pad: float = 0.0) -> bool:
    return not (
        a[2] + pad < b[0] or b[2] + pad < a[0] or a[3] + pad < b[1] or b[3] + pad < a[1]
    )


def _bbox(q: np.ndarray) -> tuple:
    return (*q.min(0), *q.max(0))


def _car_layout(rng, kind: str, w: int, h: int) -> list[tuple]:
    """Returns (cx, cy, plate width px, has_plate) per car, far (small) ones first.

    Plate widths are fractions of the image's shorter side, so a landscape scene
    holds the same plates as a portrait one, with more room around them.
    """
    m = min(w, h)
    if kind == "close":
        r = rng.random()
        f = (
            rng.uniform(0.15, 0.35)
            if r < 0.72
            else rng.uniform(0.1, 0.45)
            if r < 0.94
            else rng.uniform(0.45, 0.8)  # a close-up of the plate itself
        )
        cars = [(rng.uniform(0.28, 0.72) * w, rng.uniform(0.35, 0.65) * h, f * m, True)]
        if rng.random() < 0.35:  # a neighbour at the edge, usually cut off
            side = rng.choice([-0.15, 1.15])
            fn = f * rng.uniform(0.5, 0.9)
            cars.insert(
                0,
                (
                    side * w + rng.normal(0, 0.1) * w,
                    rng.uniform(0.5, 0.85) * h,
                    fn * m,
                    True,
                ),
            )
        return cars
    if kind in ("mid", "far", "street"):
        lo, hi, n_lo, n_hi, y_lo = {
            "mid": (0.08, 0.18, 1, 3, 0.4),
            "far": (0.04, 0.09, 2, 5, 0.45),
            "street": (0.03, 0.07, 3, 8, 0.3),
        }[kind]
        n = int(rng.integers(n_lo, n_hi))
        xs = (np.arange(n) + rng.uniform(0.3, 0.7, n)) / n
        ys = rng.uniform(y_lo, 0.85, n)
        order = np.argsort(ys)  # the farther (higher) ones first
        return [
            (xs[i] * w, ys[i] * h, rng.uniform(lo, hi) * m * (0.6 + ys[i]), True)
            for i in order
        ]
    if rng.random() < 0.6:  # "none": a car without a plate, or only background
        return [
            (
                rng.uniform(0.3, 0.7) * w,
                rng.uniform(0.35, 0.65) * h,
                rng.uniform(0.12, 0.35) * m,
                False,
            )
        ]
    return []


def generate_scene(
    seed: int, height: int = 1160, width: int = 720
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Draws one synthetic plate scene.

    Args:
        seed: Any non-negative integer; the same seed gives the same scene.
        height: Image height in pixels (>= 32).
        width: Image width in pixels (>= 32).

    Returns:
        ``(image, plates)``: uint8 (height, width, 3) RGB image and a list of
        float32 (4, 2) arrays, the (x, y) plate corners in the order TL, TR, BR,
        BL, in image pixels. The list may be empty (no plate).

    Raises:
        ValueError: If ``seed`` is negative or a size is below 32.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> image, plates = generate_scene(0, 290, 180)
        >>> image.shape, all(p.shape == (4, 2) for p in plates)
        ((290, 180, 3), True)
    """
    image, plates = scene_plates(seed, height, width)
    return image, [p.quad for p in plates]


@dataclass(frozen=True)
class ScenePlate:
    """One plate of a scene drawn by :func:`scene_plates`.

    Attributes:
        quad: float32 (4, 2) corners (x, y), TL, TR, BR, BL, in image pixels.
        text: The registration as drawn (see
            :func:`~plate_unet.data.synthetic.plate_styles.render_plate`): rows
            top to bottom joined by ``"\\n"``, separators kept; ``""`` when the
            style does not tell it.
        style: The plate style's name.
        rows: The box round each row of characters, ``(left, top, right,
            bottom)`` as shares of the plate's width (from its TL-BL edge) and
            height (from its TL-TR edge), top row first; ``()`` without a text.
    """

    quad: np.ndarray
    text: str
    style: str
    rows: tuple[tuple[float, float, float, float], ...] = ()


def scene_plates(
    seed: int, height: int = 1160, width: int = 720
) -> tuple[np.ndarray, list[ScenePlate]]:
    """Draws the scene of :func:`generate_scene` and tells each plate's text.

    The image and the corners are exactly those of ``generate_scene(seed,
    height, width)``.

    Args:
        seed: Any non-negative integer; the same seed gives the same scene.
        height: Image height in pixels (>= 32).
        width: Image width in pixels (>= 32).

    Returns:
        ``(image, plates)``: the uint8 RGB image and one :class:`ScenePlate`
        per plate, in the order of ``generate_scene``'s corners.

    Raises:
        ValueError: If ``seed`` is negative or a size is below 32.

    Example:
        >>> from plate_unet.data.synthetic.generate import scene_plates
        >>> image, plates = scene_plates(1, 290, 180)
        >>> [(p.style, p.text) for p in plates]
        [('india', 'UP 63 G 7466')]
    """
    if int(seed) < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    w, h = int(width), int(height)
    if w < 32 or h < 32:
        raise ValueError(
            f"scene size must be at least 32 pixels high and wide, got {h}×{w} (H×W)"
        )
    r = scene_streams(int(seed))
    img = background(r["background"], h, w)
    gain = np.ones((max(h // 8, 4), max(w // 8, 4)), np.float32)
    vehicles = r["vehicles"]
    kind = str(vehicles.choice(list(KINDS), p=list(KINDS.values())))
    plates: list[ScenePlate] = []
    boxes: list[tuple] = []
    for cx, cy, pw, has_plate in _car_layout(vehicles, kind, w, h):
        plate = _vehicle_with_plate(r, img, gain, (cx, cy, pw), has_plate, boxes)
        if plate is not None:
            plates.append(plate)
            boxes.append(_bbox(plate.quad))
    _distractors(r["distractors"], img, boxes)
    return photograph(img, gain, r["camera"]), plates


def _vehicle_with_plate(
    r: dict, img, gain, where, has_plate: bool, boxes: list
) -> ScenePlate | None:
    """Draws one vehicle at ``where`` = (cx, cy, plate width) and, maybe, its plate,
    the plate from the ``plates`` stream of ``r`` and the rest from ``vehicles``.

    Returns:
        The plate (its float32 (4, 2) corners, text and style), or ``None`` when
        the vehicle was left
        out (it would hide a plate already drawn), has no plate, or its plate
        would leave the image.
    """
    h, w = img.shape[:2]
    rng = r["vehicles"]
    cx, cy, pw = where
    pw = float(np.clip(pw, 0.025 * min(w, h), 0.8 * min(w, h)))
    rgb, alpha, style, text, rows = render_plate(r["plates"], pw * 1.25)
    aspect = alpha.shape[0] / alpha.shape[1]
    hom = plane_homography(rng, cx, cy, pw, aspect)
    vehicle = pick_vehicle(rng, aspect)
    u0, v0, u1, v1 = EXTENTS[vehicle]
    corners = np.array([(u0, v0), (u1, v0), (u1, v1), (u0, v1)], np.float64)
    extent = _bbox(
        cv2.perspectiveTransform(corners.reshape(-1, 1, 2), hom).reshape(-1, 2)
    )
    if any(_boxes_overlap(extent, b, 4) for b in boxes):
        return None  # this vehicle would hide a plate already drawn
    draw_vehicle(Painter(img, gain, hom), rng, vehicle, aspect, rear=rng.random() < 0.4)
    tex = np.array(
        [
            [1 / alpha.shape[1], 0, -0.5],
            [0, 1 / alpha.shape[1], -aspect / 2],
            [0, 0, 1],
        ]
    )
    th, tw = alpha.shape
    quad = cv2.perspectiveTransform(
        np.array([[(0, 0)], [(tw, 0)], [(tw, th)], [(0, th)]], np.float64),
        hom @ tex,
    ).reshape(-1, 2)
    inside = (
        quad.min() >= 1 and (quad[:, 0] <= w - 2).all() and (quad[:, 1] <= h - 2).all()
    )
    if not (has_plate and inside):
        return None
    paste_texture(img, rgb, alpha, hom @ tex)
    return ScenePlate(quad.astype(np.float32), text, style, rows)


def _distractors(rng, img, boxes: list) -> None:
    """A watermark, then up to four entries of the distractor registry
    (:data:`~plate_unet.data.synthetic.distractors.DISTRACTORS`), away from the
    plates, in :data:`DISTRACTOR_SHARE` of the scenes."""
    if rng.random() >= DISTRACTOR_SHARE:
        return
    h, w = img.shape[:2]
    if rng.random() < 0.15:
        draw_watermark(img, rng)
    for _ in range(int(rng.integers(0, 5))):
        entry = pick_distractor(rng)
        x, y, bw, bh = distractor_box(entry, rng, h, w)
        if any(_boxes_overlap((x, y, x + bw, y + bh), b, 6) for b in boxes):
            continue
        entry.draw(img, rng, x, y, bw, bh)


def _entries_outside_package() -> list[str]:
    """Plate styles and distractors registered by code outside the package."""
    modules = {name: s.draw.__module__ for name, s in PLATE_STYLES.items()}
    modules |= {name: d.draw.__module__ for name, d in DISTRACTORS.items()}
    return [n for n, m in modules.items() if not m.startswith("plate_unet.")]


def worker_processes(workers: int) -> tuple[int, mp.context.BaseContext]:
    """How many processes may draw scenes, and how to start them.

    Fork is fast but unsafe once TensorFlow's threads exist: then spawn, whose
    fresh workers know only the package's own registry entries, so with a style
    or distractor registered from outside the package drawing stays in one
    process (logged).

    Returns:
        ``(workers, context)``: ``workers`` or 1, and the multiprocessing context.
    """
    safe_fork = sys.platform == "linux" and "tensorflow" not in sys.modules
    added = _entries_outside_package()
    if workers > 1 and not safe_fork and added:
        log.info(
            "generating in one process: worker processes started after TensorFlow "
            "would not know the registered %s",
            ", ".join(added),
        )
        workers = 1
    return workers, mp.get_context("fork" if safe_fork else "spawn")


def _write_one(job: tuple) -> tuple[int, list, list[str]]:
    out_dir, index, seed, h, w, digits = job
    cv2.setNumThreads(1)
    image, found = scene_plates(scene_seed(seed, index), h, w)
    plates = [p.quad for p in found]
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90]
    )
    (Path(out_dir) / "images" / f"{index:0{digits}d}.jpg").write_bytes(buf.tobytes())
    quads = [np.asarray(q, np.float64).round(1).tolist() for q in plates]
    return index, quads, [p.text for p in found]


def generate_dataset(
    out_dir: str | os.PathLike,
    n: int,
    seed: int = 0,
    size: tuple[int, int] = (1160, 720),
    progress: bool = True,
    workers: int | None = None,
    texts: bool = True,
) -> Path:
    """Writes ``n`` synthetic scenes as JPEGs and a reference-format ``labels.csv``.

    Scene ``i`` is drawn from :func:`scene_seed` ``(seed, i)``, so a set is the same
    whatever the number of workers, and the same arguments give byte-identical files.
    ``generator.json``, written last, records the arguments and
    :data:`GENERATOR_VERSION` (see :func:`is_current`).
    ``labels.csv`` has the header ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``,
    one row per plate (names like ``images/00000.jpg``, relative to the CSV), and
    one row with 8 empty fields for an image without a plate.
    ``texts.csv`` (with ``texts``) has the header ``name,text`` and one row per
    row of ``labels.csv``, in the same order: each plate's registration (rows
    joined by a newline, so the field is quoted; see :func:`scene_plates`), and
    an empty text on an image's row without a plate.

    Args:
        out_dir: Folder to write (created if missing; existing files are replaced).
        n: Number of scenes (>= 1).
        seed: Non-negative seed of the whole set.
        size: ``(height, width)`` of every image, each >= 32.
        progress: Print a progress line to stderr.
        workers: Processes to use; None uses every core (one process for small sets).
        texts: Also write ``texts.csv``, the plates' texts.

    Returns:
        The path of ``labels.csv``.

    Raises:
        ValueError: If ``n``, ``seed``, ``size`` or ``workers`` is out of range.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import generate_dataset, load_annotations
        >>> tmp = Path(tempfile.mkdtemp())
        >>> csv_path = generate_dataset(tmp / "tiny", 4, size=(290, 180))
        >>> csv_path.name
        'labels.csv'
        >>> [(s.image_path.name, s.height, s.width) for s in load_annotations(csv_path)]
        [('00000.jpg', 290, 180), ('00001.jpg', 290, 180), ('00002.jpg', 290, 180),
         ('00003.jpg', 290, 180)]
    """
    n, seed = int(n), int(seed)
    if n < 1:
        raise ValueError(f"n must be >= 1 scenes, got {n}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    h, w = (int(v) for v in size)
    if w < 32 or h < 32:
        raise ValueError(
            f"size must be at least 32 pixels high and wide, got {h}×{w} (H×W)"
        )
    if workers is None:
        workers = 1 if n < 64 else min(os.cpu_count() or 1, 16)
    if int(workers) < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    out = Path(out_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    digits = max(5, len(str(n - 1)))
    jobs = [(str(out), i, seed, h, w, digits) for i in range(n)]
    results: dict[int, list] = {}
    plate_texts: dict[int, list[str]] = {}
    t0 = time.perf_counter()

    def report(done: int) -> None:
        if progress:
            rate = done / max(time.perf_counter() - t0, 1e-9)
            end = "\n" if done == n else ""
            print(
                f"\rgenerate: {done}/{n} scenes ({rate:.1f}/s)",
                end=end,
                file=sys.stderr,
                flush=True,
            )

    workers, ctx = worker_processes(int(workers))
    if workers == 1:
        for job in jobs:
            i, plates, words = _write_one(job)
            results[i], plate_texts[i] = plates, words
            if progress and (len(results) % 10 == 0 or len(results) == n):
                report(len(results))
    else:
        with ctx.Pool(workers) as pool:
            for i, plates, words in pool.imap_unordered(_write_one, jobs, chunksize=8):
                results[i], plate_texts[i] = plates, words
                if progress and (len(results) % 10 == 0 or len(results) == n):
                    report(len(results))
    samples = [
        Sample(out / "images" / f"{i:0{digits}d}.jpg", tuple(results[i]))
        for i in range(n)
    ]
    path = write_reference_csv(samples, out / "labels.csv", decimals=1)
    if texts:
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\n")
        writer.writerow(["name", "text"])
        for i in range(n):
            for text in plate_texts[i] or [""]:
                writer.writerow([f"images/{i:0{digits}d}.jpg", text])
        atomic_write_text(out / TEXTS, rows.getvalue())
    atomic_write_text(out / STAMP, json.dumps(_stamp(n, seed, (h, w))) + "\n")
    return path


def _stamp(n: int, seed: int, size: tuple[int, int]) -> dict:
    h, w = (int(v) for v in size)
    return {
        "version": GENERATOR_VERSION,
        "n": int(n),
        "seed": int(seed),
        "size": [h, w],
    }


def is_current(
    out_dir: str | os.PathLike, n: int, seed: int, size: tuple[int, int]
) -> bool:
    """True when ``out_dir`` holds, complete, the set that
    ``generate_dataset(out_dir, n, seed, size)`` would paint with this version
    of the generator; False for a missing, partial or older set.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import generate_dataset
        >>> from plate_unet.data.synthetic.generate import is_current
        >>> tmp = Path(tempfile.mkdtemp())
        >>> folder = tmp / "set"
        >>> is_current(folder, 2, 0, (64, 40))
        False
        >>> _ = generate_dataset(folder, 2, seed=0, size=(64, 40), progress=False)
        >>> is_current(folder, 2, 0, (64, 40)), is_current(folder, 3, 0, (64, 40))
        (True, False)
    """
    folder = Path(out_dir)
    try:
        stamp = json.loads((folder / STAMP).read_text())
    except (OSError, ValueError):
        return False
    return stamp == _stamp(n, seed, size) and (folder / "labels.csv").is_file()
