"""The reference's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.

Several rows with one name are several plates; a row whose 8 corner fields are
empty is an image with no plate. :func:`read_reference_csv` reads it,
:func:`write_reference_csv` writes it.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from plate_unet._files import atomic_write_text
from plate_unet.data.records import (
    REFERENCE_CORNER_ORDER,
    Sample,
    from_reference_order,
    to_reference_order,
)
from plate_unet.data.validate import OnError, Problems, make_sample, resolve_image
from plate_unet.errors import AnnotationError

#: ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.
REFERENCE_HEADER = ("name", *(f"{c}_{a}" for c in REFERENCE_CORNER_ORDER for a in "xy"))


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
    return from_reference_order(numbers)


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


def read_reference_csv(
    csv_path: str | Path,
    image_dir: str | Path | None = None,
    on_error: OnError = "raise",
) -> list[Sample]:
    """Reads the reference's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.

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
        >>> from plate_unet.data import read_reference_csv
        >>> samples = read_reference_csv("data/sample/labels.csv", on_error="skip")
        >>> len(samples), sum(len(s.plates) for s in samples)
        (32, 50)
        >>> samples[0].image_path.as_posix(), samples[0].plates[0].shape
        ('data/sample/images/00000.jpg', (4, 2))
    """
    csv_path = Path(csv_path)
    problems = Problems(csv_path, on_error)
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        rows = [(i + 1, r) for i, r in enumerate(csv.reader(f))]
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    columns = list(REFERENCE_HEADER)
    if rows and _is_header(rows[0][1]):
        header = [c.strip() for c in rows.pop(0)[1]]
        if sorted(header) != sorted(REFERENCE_HEADER):
            raise AnnotationError(
                f"{csv_path}: header {','.join(header)!r} is not the reference format "
                f"{','.join(REFERENCE_HEADER)!r}"
            )
        columns = header
    order = [columns.index(c) for c in REFERENCE_HEADER]
    groups: dict[str, list[tuple[int, np.ndarray | None]]] = {}
    bad_names: set[str] = set()
    for line, row in rows:
        where = f"{csv_path.name} line {line}"
        if len(row) != len(REFERENCE_HEADER):
            name = row[order[0]].strip() if len(row) > order[0] else ""
            bad_names.add(name)
            problems.add(
                where,
                f"expected {len(REFERENCE_HEADER)} columns "
                f"({','.join(REFERENCE_HEADER)}), "
                f"got {len(row)}: {','.join(row)!r}",
            )
            continue
        cells = [row[j] for j in order]
        name = cells[0].strip()
        try:
            plate = _parse_corners(cells[1:], REFERENCE_HEADER[1:])
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


def write_reference_csv(
    samples: Iterable[Sample],
    path: str | Path,
    image_dir: str | Path | None = None,
    decimals: int | None = None,
) -> Path:
    """Writes samples as the reference's CSV (one row per plate, BR, BL, TL, TR).

    An image with no plate gets one row with 8 empty corner fields. The file is
    written atomically: a crash leaves the old file or the new one, whole.

    Args:
        samples: The samples to write.
        path: The CSV file to write.
        image_dir: Folder the written names are relative to (default: the CSV's
            folder). Every image must lie inside it.
        decimals: Write every coordinate with this many decimals (``166.0``);
            ``None``: the shortest text that reads back the same float32
            (``166``).

    Returns:
        ``path``, as a Path.

    Raises:
        ValueError: If an image lies outside ``image_dir`` (nothing is written).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import read_reference_csv, write_reference_csv
        >>> tmp = Path(tempfile.mkdtemp())
        >>> samples = read_reference_csv("data/sample/labels.csv")
        >>> out = write_reference_csv(samples, tmp / "out.csv", image_dir="data/sample")
        >>> out.name
        'out.csv'
        >>> out.read_text().splitlines()[:2]
        ['name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y',
         'images/00000.jpg,258.1,371.7,192.1,374.2,190.1,309.9,256,308.3']
        >>> write_reference_csv(samples, tmp / "all.csv")  # default: the CSV's folder
        Traceback (most recent call last):
            ...
        ValueError: image data/sample/images/00000.jpg is not inside ...
    """
    path = Path(path)
    root = Path(os.path.abspath(image_dir if image_dir is not None else path.parent))
    fmt = _fmt if decimals is None else f"{{:.{int(decimals)}f}}".format
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(REFERENCE_HEADER)
    for s in samples:  # every name is checked before the file is touched
        full = Path(os.path.abspath(s.image_path))
        if root not in full.parents:
            raise ValueError(f"image {s.image_path} is not inside {root}")
        name = full.relative_to(root).as_posix()
        if not s.plates:
            writer.writerow([name] + [""] * 8)
        for p in s.plates:
            writer.writerow([name, *(fmt(v) for v in to_reference_order(p).flat)])
    return atomic_write_text(path, buf.getvalue())
