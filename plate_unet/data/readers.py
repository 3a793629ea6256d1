"""Readers for annotation formats users bring, all returning :class:`Sample` lists.

Formats (see ``data/README.md`` for examples):

- the seed's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y`` (several rows with
  one name = several plates; a row whose 8 corner fields are empty = no plate);
- CCPD file names (the corners are encoded in the name);
- Pascal VOC XML (each box becomes 4 corners);
- image + mask pairs (``images/`` and ``masks/``; one plate per mask blob).

Every problem (missing image, truncated JPEG, bad row, corners outside the image,
zero-area polygon, a name escaping the data folder) is reported with the file and
row. With ``on_error="raise"`` all problems are listed in one
:class:`~plate_unet.errors.AnnotationError`; with ``on_error="skip"`` each is logged
as a warning, the image is left out, and a summary count is logged at the end.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from plate_unet.data.masks import mask_to_quads
from plate_unet.data.records import Sample, as_plate
from plate_unet.data.validate import (
    MIN_PLATE_AREA,
    TOLERANCE_PX,
    Problems,
    check_plate,
    image_size,
    make_sample,
    resolve_image,
)
from plate_unet.errors import AnnotationError

__all__ = [
    "MIN_PLATE_AREA",
    "SEED_HEADER",
    "TOLERANCE_PX",
    "check_plate",
    "detect_format",
    "image_size",
    "load_annotations",
    "parse_ccpd_name",
    "read_ccpd",
    "read_mask_pairs",
    "read_seed_csv",
    "read_voc",
    "read_voc_file",
    "resolve_image",
    "write_seed_csv",
]

log = logging.getLogger(__name__)

SEED_HEADER = ("name", "BR_x", "BR_y", "BL_x", "BL_y", "TL_x", "TL_y", "TR_x", "TR_y")
# Column pairs of the seed CSV (BR, BL, TL, TR) → our order TL, TR, BR, BL.
_SEED_TO_TLTRBRBL = (2, 3, 0, 1)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


# --- seed CSV ---------------------------------------------------------------------
def _parse_corners(values: list[str], column_names) -> np.ndarray | None:
    if all(not v.strip() for v in values):
        return None  # an image with no plate
    numbers = []
    for col, v in zip(column_names, values, strict=True):
        try:
            x = float(v)
        except ValueError:
            raise AnnotationError(f"{col}={v!r} is not a number") from None
        if not math.isfinite(x):
            raise AnnotationError(f"{col}={v!r} is not a finite number")
        numbers.append(x)
    pairs = np.array(numbers, np.float32).reshape(4, 2)  # BR, BL, TL, TR
    return pairs[list(_SEED_TO_TLTRBRBL)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_header(row: list[str]) -> bool:
    """A first row is a header if it starts with "name" or has no number at all."""
    if row and row[0].strip().lower() == "name":
        return True
    cells = [c.strip() for c in row[1:] if c.strip()]
    return bool(cells) and not any(_is_number(c) for c in cells)


def _guess_image_dir(csv_path: Path, names: list[str]) -> Path:
    parent = csv_path.parent
    candidates = [parent, parent / f"{csv_path.stem}_images", parent / "images"]
    candidates += [d for d in sorted(parent.glob("*_images")) if d not in candidates]
    probe = names[:20]

    def hits(d: Path) -> int:
        return sum((d / n).is_file() for n in probe if n and not os.path.isabs(n))

    best = max(candidates, key=hits)
    return best if hits(best) else parent


def read_seed_csv(csv_path, image_dir=None, on_error: str = "raise") -> list[Sample]:
    """Reads the seed's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.

    Corners come in the order BR, BL, TL, TR and are returned as TL, TR, BR, BL.
    Several rows with one name give one sample with several plates; a row whose 8
    corner fields are empty is an image with no plate.

    Args:
        csv_path: The CSV file.
        image_dir: Folder the names are relative to. By default the CSV's folder,
            or a sibling ``<stem>_images/`` or ``images/`` folder holding the files.
        on_error: ``"raise"`` (one error listing every problem) or ``"skip"``.

    Returns:
        One :class:`Sample` per image, in the order of first appearance.

    Raises:
        AnnotationError: On bad rows or images (file and row named), when
            ``on_error="raise"``; on an unreadable header in any case.

    Example:
        >>> samples = read_seed_csv("train.csv", on_error="skip")  # doctest: +SKIP
        >>> samples[0].plates[0].shape
        (4, 2)
    """
    csv_path = Path(csv_path)
    problems = Problems(csv_path, on_error)
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        rows = [(i + 1, r) for i, r in enumerate(csv.reader(f))]
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    columns = list(SEED_HEADER)
    if rows and _is_header(rows[0][1]):
        header = [c.strip() for c in rows.pop(0)[1]]
        if sorted(header) != sorted(SEED_HEADER):
            raise AnnotationError(
                f"{csv_path}: header {','.join(header)!r} is not the seed format "
                f"{','.join(SEED_HEADER)!r}"
            )
        columns = header
    order = [columns.index(c) for c in SEED_HEADER]
    groups: dict[str, list[tuple[int, np.ndarray | None]]] = {}
    bad_names: set[str] = set()
    for line, row in rows:
        where = f"{csv_path.name} line {line}"
        if len(row) != len(SEED_HEADER):
            name = row[order[0]].strip() if len(row) > order[0] else ""
            bad_names.add(name)
            problems.add(
                where,
                f"expected {len(SEED_HEADER)} columns ({','.join(SEED_HEADER)}), "
                f"got {len(row)}: {','.join(row)!r}",
            )
            continue
        cells = [row[j] for j in order]
        name = cells[0].strip()
        try:
            plate = _parse_corners(cells[1:], SEED_HEADER[1:])
        except AnnotationError as exc:
            bad_names.add(name)
            problems.add(f"{where} ({name})", str(exc))
            continue
        groups.setdefault(name, []).append((line, plate))
    if not groups and not problems.items:
        raise AnnotationError(f"{csv_path}: no annotation rows")
    root = (
        Path(image_dir)
        if image_dir is not None
        else _guess_image_dir(csv_path, list(groups))
    )
    samples = []
    for name, entries in groups.items():
        lines = ",".join(str(n) for n, _ in entries)
        where = (
            f"{csv_path.name} line{'s' if len(entries) > 1 else ''} {lines} ({name})"
        )
        if name in bad_names:
            problems.add(where, "left out because another row for it is invalid")
            continue
        try:
            path = resolve_image(root, name)
            samples.append(make_sample(path, [p for _, p in entries if p is not None]))
        except AnnotationError as exc:
            problems.add(where, str(exc))
    return problems.finish(samples, len(groups))


def _fmt(v) -> str:
    return np.format_float_positional(np.float32(v), trim="-")


def write_seed_csv(samples: Iterable[Sample], path, image_dir=None) -> Path:
    """Writes samples as the seed's CSV (one row per plate, BR, BL, TL, TR).

    An image with no plate gets one row with 8 empty corner fields.

    Args:
        samples: The samples to write.
        path: The CSV file to write.
        image_dir: Folder the written names are relative to (default: the CSV's
            folder). Every image must lie inside it.

    Returns:
        ``path``, as a Path.

    Raises:
        ValueError: If an image lies outside ``image_dir``.

    Example:
        >>> write_seed_csv(read_seed_csv("in.csv"), "out.csv")  # doctest: +SKIP
        PosixPath('out.csv')
    """
    path = Path(path)
    root = Path(os.path.abspath(image_dir if image_dir is not None else path.parent))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(SEED_HEADER)
        for s in samples:
            full = Path(os.path.abspath(s.image_path))
            if root not in full.parents:
                raise ValueError(f"image {s.image_path} is not inside {root}")
            name = full.relative_to(root).as_posix()
            if not s.plates:
                writer.writerow([name] + [""] * 8)
            for p in s.plates:
                br, bl, tl, tr = p[2], p[3], p[0], p[1]
                writer.writerow([name] + [_fmt(v) for q in (br, bl, tl, tr) for v in q])
    return path


# --- CCPD -------------------------------------------------------------------------
def parse_ccpd_name(name: str) -> np.ndarray:
    """Returns the plate corners (TL, TR, BR, BL) encoded in a CCPD file name.

    Args:
        name: e.g. ``025-95_113-154&383_386&473-386&473_177&454_154&383_363&402-...``
            (7 fields separated by ``-``; the 4th holds BR, BL, TL, TR as ``x&y``).

    Returns:
        float32 ``(4, 2)`` corners.

    Raises:
        AnnotationError: If the name does not follow the CCPD pattern.

    Example:
        >>> parse_ccpd_name("1-2_3-0&0_9&9-9&9_0&9_0&0_9&0-0_0-1-2.jpg")[0].tolist()
        [0.0, 0.0]
    """
    fields = Path(name).stem.split("-")
    try:
        if len(fields) != 7:
            raise ValueError(f"{len(fields)} fields")
        pts = [[float(c) for c in v.split("&")] for v in fields[3].split("_")]
        plate = as_plate(pts)  # BR, BL, TL, TR
    except ValueError as exc:
        raise AnnotationError(
            f"{name!r} is not a CCPD name (area-tilt-box-BR_BL_TL_TR-chars-"
            f"brightness-blur, vertices as x&y): {exc}"
        ) from None
    return plate[list(_SEED_TO_TLTRBRBL)]


def _image_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )


def read_ccpd(folder, on_error: str = "raise") -> list[Sample]:
    """Reads a folder of CCPD images, the plate corners taken from each file name.

    Args:
        folder: Folder of ``*.jpg`` files with CCPD names.
        on_error: ``"raise"`` or ``"skip"``.

    Returns:
        One :class:`Sample` (one plate) per image, sorted by name.

    Raises:
        AnnotationError: On a name that does not parse or a bad image.

    Example:
        >>> len(read_ccpd("../shared/data/ccpd"))  # doctest: +SKIP
        16
    """
    folder = Path(folder)
    problems = Problems(folder, on_error)
    files = _image_files(folder)
    samples = []
    for path in files:
        try:
            samples.append(make_sample(path, [parse_ccpd_name(path.name)]))
        except AnnotationError as exc:
            problems.add(path.name, str(exc))
    return problems.finish(samples, len(files))


# --- Pascal VOC -------------------------------------------------------------------
def _voc_number(node, tag: str, where: str) -> float:
    text = node.findtext(tag)
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise AnnotationError(f"{where}: <{tag}> is {text!r}, not a number") from None
    if not math.isfinite(value):
        raise AnnotationError(f"{where}: <{tag}> is {text!r}, not a finite number")
    return value


def read_voc_file(xml_path, image_dir=None, labels=None) -> Sample:
    """Reads one Pascal VOC XML file; each ``<object>`` box becomes a plate.

    Args:
        xml_path: The ``.xml`` file.
        image_dir: Folder of the images (default: the XML's folder, else a sibling
            ``JPEGImages/`` as in the VOC layout).
        labels: Object names to keep (default: every object).

    Returns:
        The :class:`Sample`; box ``(xmin, ymin, xmax, ymax)`` → TL, TR, BR, BL.

    Raises:
        AnnotationError: On malformed XML, a bad box, or a bad image.

    Example:
        >>> read_voc_file("Annotations/0001.xml").plates  # doctest: +SKIP
    """
    xml_path = Path(xml_path)
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise AnnotationError(f"malformed XML: {exc}") from None
    name = (root.findtext("filename") or "").strip()
    if not name:
        raise AnnotationError("no <filename> element")
    if image_dir is not None:
        folder = Path(image_dir)
    elif (xml_path.parent / name).exists() or not (
        xml_path.parent.parent / "JPEGImages"
    ).is_dir():
        folder = xml_path.parent
    else:
        folder = xml_path.parent.parent / "JPEGImages"
    plates = []
    for k, obj in enumerate(root.iter("object")):
        if labels is not None and (obj.findtext("name") or "").strip() not in labels:
            continue
        box = obj.find("bndbox")
        where = f"<object> {k + 1}"
        if box is None:
            raise AnnotationError(f"{where} has no <bndbox>")
        x0, y0, x1, y1 = (
            _voc_number(box, t, where) for t in ("xmin", "ymin", "xmax", "ymax")
        )
        plates.append([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    size = root.find("size")
    wh = None
    if size is not None and size.findtext("width") and size.findtext("height"):
        wh = (
            int(_voc_number(size, "width", "<size>")),
            int(_voc_number(size, "height", "<size>")),
        )
        if wh[0] <= 0 or wh[1] <= 0:
            wh = None  # some tools write 0: trust the image
    return make_sample(resolve_image(folder, name), plates, wh)


def read_voc(folder, image_dir=None, on_error: str = "raise", labels=None):
    """Reads a folder of Pascal VOC ``.xml`` files (or its ``Annotations/``).

    Args:
        folder: Folder holding ``*.xml`` (or a VOC root with ``Annotations/``).
        image_dir: Folder of the images (see :func:`read_voc_file`).
        on_error: ``"raise"`` or ``"skip"``.
        labels: Object names to keep (default: every object).

    Returns:
        One :class:`Sample` per XML file, sorted by file name.

    Raises:
        AnnotationError: On problems, naming the XML file.

    Example:
        >>> samples = read_voc("VOC/Annotations")  # doctest: +SKIP
    """
    folder = Path(folder)
    if not list(folder.glob("*.xml")) and (folder / "Annotations").is_dir():
        folder = folder / "Annotations"
    problems = Problems(folder, on_error)
    files = sorted(folder.glob("*.xml"))
    samples = []
    for xml_path in files:
        try:
            samples.append(read_voc_file(xml_path, image_dir, labels))
        except AnnotationError as exc:
            problems.add(xml_path.name, str(exc))
    return problems.finish(samples, len(files))


# --- image + mask pairs -----------------------------------------------------------
def read_mask_pairs(folder, on_error: str = "raise", min_area: int = 16):
    """Reads ``folder/images/*`` with masks ``folder/masks/<same stem>.png``.

    Each connected blob of non-zero mask pixels becomes one quadrilateral plate
    (see :func:`plate_unet.data.masks.mask_to_quads`).

    Args:
        folder: Folder holding ``images/`` and ``masks/``.
        on_error: ``"raise"`` or ``"skip"``.
        min_area: Blobs with fewer pixels are ignored as noise.

    Returns:
        One :class:`Sample` per image, sorted by name.

    Raises:
        AnnotationError: On a missing/unreadable mask or one of another size.

    Example:
        >>> samples = read_mask_pairs("my_plates")  # doctest: +SKIP
    """
    folder = Path(folder)
    problems = Problems(folder, on_error)
    files = _image_files(folder / "images")
    samples = []
    for path in files:
        mask_path = folder / "masks" / f"{path.stem}.png"
        try:
            if not mask_path.is_file():
                raise AnnotationError(f"mask not found: {mask_path}")
            mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
            if mask is None:
                raise AnnotationError(f"unreadable mask {mask_path}")
            if mask.ndim == 3:
                mask = mask.max(axis=2)
            h, w = mask.shape
            quads = mask_to_quads(mask > 0, min_area=min_area)
            samples.append(make_sample(path, quads, size=(w, h)))
        except AnnotationError as exc:
            problems.add(path.name, str(exc))
    return problems.finish(samples, len(files))


# --- format detection ---------------------------------------------------------------
def detect_format(path) -> str:
    """Names the annotation format at ``path``: csv, ccpd, voc or masks.

    Args:
        path: A ``.csv`` file, a ``.xml`` file or a folder.

    Returns:
        ``"csv"``, ``"ccpd"``, ``"voc"`` or ``"masks"``.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        AnnotationError: On an empty folder or an unknown format.

    Example:
        >>> detect_format("../shared/data/ccpd")  # doctest: +SKIP
        'ccpd'
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"annotation path not found: {path}")
    supported = (
        "a seed-format .csv, a folder of CCPD-named .jpg, a folder of Pascal VOC "
        ".xml (or with Annotations/), or a folder with images/ and masks/"
    )
    if path.is_file():
        if path.suffix.lower() == ".csv":
            return "csv"
        if path.suffix.lower() == ".xml":
            return "voc"
        raise AnnotationError(f"unknown annotation format {path}; expected {supported}")
    entries = [p for p in path.iterdir() if not p.name.startswith(".")]
    if not entries:
        raise AnnotationError(f"empty folder {path}; expected {supported}")
    if (path / "images").is_dir() and (path / "masks").is_dir():
        return "masks"
    if list(path.glob("*.xml")) or (path / "Annotations").is_dir():
        return "voc"
    csvs = sorted(path.glob("*.csv"))
    if len(csvs) == 1:
        return "csv"
    if len(csvs) > 1:
        raise AnnotationError(
            f"{path} holds several CSV files ({', '.join(p.name for p in csvs)}); "
            "pass the one to read"
        )
    images = _image_files(path)
    for p in images:
        try:
            parse_ccpd_name(p.name)
            return "ccpd"
        except AnnotationError:
            continue
    found = (
        f"{len(images)} image(s) without CCPD names"
        if images
        else (
            f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} "
            f"such as {entries[0].name}"
        )
    )
    raise AnnotationError(
        f"unknown annotation format in {path} ({found}); expected {supported}"
    )


def load_annotations(path, on_error: str = "raise", image_dir=None) -> list[Sample]:
    """Reads annotations in any supported format, detected from ``path``.

    Args:
        path: A seed ``.csv``, a VOC ``.xml``, or a folder (CCPD images, VOC XMLs,
            ``images/`` + ``masks/``, or one ``.csv``).
        on_error: ``"raise"``: one :class:`AnnotationError` listing every bad item
            (file and row). ``"skip"``: log a warning per bad item, leave it out,
            and log how many were skipped.
        image_dir: Folder of the images, for CSV and VOC (default: found beside).

    Returns:
        A list of :class:`Sample`, corners TL, TR, BR, BL in image pixels.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        AnnotationError: On unknown formats, empty folders and (with
            ``on_error="raise"``) bad items.

    Example:
        >>> samples = load_annotations("data/sample")
        >>> samples[0].plates[0].shape
        (4, 2)
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "csv":
        csv_path = path if path.is_file() else next(path.glob("*.csv"))
        samples = read_seed_csv(csv_path, image_dir, on_error)
    elif fmt == "voc" and path.is_file():
        problems = Problems(path, on_error)
        try:
            samples = [read_voc_file(path, image_dir)]
        except AnnotationError as exc:
            problems.add(path.name, str(exc))
            samples = []
        samples = problems.finish(samples, 1)
    elif fmt == "voc":
        samples = read_voc(path, image_dir, on_error)
    elif fmt == "ccpd":
        samples = read_ccpd(path, on_error)
    else:
        samples = read_mask_pairs(path, on_error)
    log.info(
        "%s: %d image(s), %d plate(s) (%s)",
        path,
        len(samples),
        sum(len(s.plates) for s in samples),
        fmt,
    )
    return samples
