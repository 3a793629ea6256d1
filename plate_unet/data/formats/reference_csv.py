"""The reference's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.

Several rows with one name are several plates; a row whose 8 corner fields are
empty is an image with no plate. :func:`read_reference_csv` reads it,
:func:`write_reference_csv` writes it.

The plates' texts may come with it, either as a 10th column ``text`` or in a
second CSV ``name,text`` (:func:`read_texts_csv`; ``texts.csv`` beside the
annotations, as :func:`~plate_unet.data.synthetic.generate.generate_dataset`
writes it) with one row per plate, in the order of the annotation rows.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from plate_unet._files import atomic_write_text
from plate_unet.data.alphabet import unknown_characters
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
#: The optional column of the plate's text (after the corners, or anywhere
#: with a header).
TEXT_COLUMN = "text"
log = logging.getLogger(__name__)


def _warn_unknown(where: str, text: str) -> None:
    """Logs the characters of ``text`` a reader cannot read (the row is kept)."""
    unknown = unknown_characters(text)
    if unknown:
        listed = ", ".join(f"{c!r} at {i + 1}" for i, c in unknown)
        log.warning(
            "%s: text %r has characters outside the reader's alphabet (%s): "
            "a reader can never read it right",
            where,
            text,
            listed,
        )


def read_texts_csv(path: str | Path) -> dict[str, list[tuple[int, str]]]:
    """Reads a ``name,text`` CSV: each name's texts with their line numbers.

    A name with several plates has several rows, in the order of the
    annotation rows. Texts with characters outside the reader's alphabet
    (:data:`~plate_unet.data.alphabet.ALPHABET`) are kept and logged with
    their line.

    Raises:
        AnnotationError: If the header is not ``name,text`` or a row has not
            two fields (file and line named).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data.formats.reference_csv import read_texts_csv
        >>> path = Path(tempfile.mkdtemp()) / "texts.csv"
        >>> _ = path.write_text("name,text\\na.jpg,AB 123\\na.jpg,XY 9\\n")
        >>> read_texts_csv(path)
        {'a.jpg': [(2, 'AB 123'), (3, 'XY 9')]}
    """
    path = Path(path)
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows or [c.strip().lower() for c in rows[0]] != ["name", TEXT_COLUMN]:
        head = ",".join(rows[0]) if rows else "nothing"
        raise AnnotationError(
            f"{path}: the header is {head!r}; a texts CSV starts with 'name,text'"
        )
    texts: dict[str, list[tuple[int, str]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            raise AnnotationError(
                f"{path.name} line {line}: expected 2 fields (name,text), "
                f"got {len(row)}: {','.join(row)!r}"
            )
        _warn_unknown(f"{path.name} line {line}", row[1])
        texts.setdefault(row[0].strip(), []).append((line, row[1]))
    return texts


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
    texts_csv: str | Path | None = None,
) -> list[Sample]:
    """Reads the reference's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``.

    Corners come in the order BR, BL, TL, TR and are returned as TL, TR, BR, BL.
    Several rows with one name give one sample with several plates; a row whose 8
    corner fields are empty is an image with no plate. A ``text`` column (10th,
    or named in the header), or ``texts_csv``, gives each plate's text
    (``Sample.texts``).

    Args:
        csv_path: The CSV file.
        image_dir: Folder the names are relative to. By default the CSV's folder,
            or a sibling ``<stem>_images/`` or ``images/`` folder holding the files.
        on_error: ``"raise"`` (one error listing every problem) or ``"skip"``.
        texts_csv: A ``name,text`` CSV (:func:`read_texts_csv`) with one row per
            plate, in the order of this CSV's rows for that name.

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
        if sorted(c for c in header if c != TEXT_COLUMN) != sorted(REFERENCE_HEADER):
            raise AnnotationError(
                f"{csv_path}: header {','.join(header)!r} is not the reference format "
                f"{','.join(REFERENCE_HEADER)!r} (optionally with a 'text' column)"
            )
        columns = header
    elif rows and len(rows[0][1]) == len(REFERENCE_HEADER) + 1:
        columns = [*REFERENCE_HEADER, TEXT_COLUMN]
    order = [columns.index(c) for c in REFERENCE_HEADER]
    text_at = columns.index(TEXT_COLUMN) if TEXT_COLUMN in columns else None
    side_texts = read_texts_csv(texts_csv) if texts_csv is not None else None
    groups: dict[str, list[tuple[int, np.ndarray | None]]] = {}
    row_texts: dict[str, list[str]] = {}
    bad_names: set[str] = set()
    for line, row in rows:
        where = f"{csv_path.name} line {line}"
        if len(row) != len(columns):
            name = row[order[0]].strip() if len(row) > order[0] else ""
            bad_names.add(name)
            problems.add(
                where,
                f"expected {len(columns)} columns ({','.join(columns)}), "
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
        if text_at is not None and plate is not None:
            _warn_unknown(f"{where} ({name})", row[text_at])
            row_texts.setdefault(name, []).append(row[text_at])
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
        plates = [p for _, p in entries if p is not None]
        try:
            texts = _texts_of(name, len(plates), row_texts, side_texts, texts_csv)
            path = resolve_image(root, name)
            samples.append(make_sample(path, plates, texts=texts))
        except AnnotationError as exc:
            problems.add(where, str(exc))
    return problems.finish(samples, len(groups))


def _texts_of(name, n_plates, row_texts, side_texts, texts_csv) -> list[str]:
    """The texts of one image's ``n_plates`` plates: from the ``text`` column,
    else from the texts CSV (empty rows of an image without plates ignored)."""
    if name in row_texts:
        return row_texts[name]
    if side_texts is None:
        return []
    entries = [(n, t) for n, t in side_texts.get(name, []) if n_plates or t.strip()]
    if len(entries) != n_plates:
        lines = ",".join(str(n) for n, _ in entries) or "none"
        raise AnnotationError(
            f"{Path(texts_csv).name} has {len(entries)} text(s) for {n_plates} "
            f"plate(s) (its lines: {lines}); give one row per plate, in order"
        )
    return [t for _, t in entries]


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
