"""Readers for annotation formats users bring, all returning :class:`Sample` lists.

Formats (see ``data/README.md`` for examples):

- the reference's CSV ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y`` (several
  rows with one name = several plates; a row whose 8 corner fields are empty = no
  plate);
- CCPD file names (the corners are encoded in the name);
- Pascal VOC XML (each box becomes 4 corners);
- image + mask pairs (``images/`` and ``masks/``; one plate per mask blob).

Every problem (missing image, truncated JPEG, bad row, corners outside the image,
zero-area polygon, a name escaping the data folder) is reported with the file and
row. With ``on_error="raise"`` all problems are listed in one
:class:`~plate_unet.errors.AnnotationError`; with ``on_error="skip"`` each is logged
as a warning, the image is left out, and a summary count is logged at the end.

This module detects the format and loads it (:func:`detect_format`,
:func:`load_annotations`); each format's reader lives in
:mod:`plate_unet.data.formats` (``reference_csv``, ``ccpd``, ``voc``, ``mask_pairs``).
Imports go one way: the format modules never import this one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from plate_unet.data.formats.ccpd import parse_ccpd_name, read_ccpd
from plate_unet.data.formats.mask_pairs import read_mask_pairs
from plate_unet.data.formats.reference_csv import read_reference_csv
from plate_unet.data.formats.voc import read_voc, read_voc_file
from plate_unet.data.images import list_images
from plate_unet.data.records import Sample
from plate_unet.data.validate import OnError, Problems
from plate_unet.errors import AnnotationError, DataPathError, PlateUnetError

log = logging.getLogger(__name__)
#: The plates' texts beside a folder's annotation CSV (``name,text``, one row per
#: row of the annotations): not an annotation CSV itself.
TEXTS_CSV = "texts.csv"


# --- format detection ---------------------------------------------------------------
def detect_format(path: str | Path) -> str:
    """Names the annotation format at ``path``: csv, ccpd, voc or masks.

    Args:
        path: A ``.csv`` file, a ``.xml`` file or a folder.

    Returns:
        ``"csv"``, ``"ccpd"``, ``"voc"`` or ``"masks"``.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        AnnotationError: On an empty folder or an unknown format.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import detect_format
        >>> tmp = Path(tempfile.mkdtemp())
        >>> detect_format("data/sample"), detect_format("data/sample/labels.csv")
        ('csv', 'csv')
        >>> (tmp / "masks_set" / "images").mkdir(parents=True)
        >>> (tmp / "masks_set" / "masks").mkdir()
        >>> detect_format(tmp / "masks_set")
        'masks'
        >>> detect_format("data/sample/images")
        Traceback (most recent call last):
        ...
        plate_unet.errors.AnnotationError: unknown annotation format in ...
    """
    path = Path(path)
    if not path.exists():
        raise DataPathError(f"annotation path not found: {path}")
    supported = (
        "a reference-format .csv, a folder of CCPD-named .jpg, a folder of Pascal VOC "
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
    csvs = _annotation_csvs(path)
    if len(csvs) == 1:
        return "csv"
    if len(csvs) > 1:
        raise AnnotationError(
            f"{path} holds several CSV files ({', '.join(p.name for p in csvs)}); "
            "pass the one to read"
        )
    try:
        images = list_images(path)
    except PlateUnetError:  # no image: the message below says what is there
        images = []
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


def _annotation_csvs(folder: Path) -> list[Path]:
    """The CSV files of ``folder`` but the plates' texts (:data:`TEXTS_CSV`)."""
    return sorted(p for p in folder.glob("*.csv") if p.name != TEXTS_CSV)


def load_annotations(
    path: str | Path, on_error: OnError = "raise", image_dir: str | Path | None = None
) -> list[Sample]:
    """Reads annotations in any supported format, detected from ``path``.

    Args:
        path: A reference ``.csv``, a VOC ``.xml``, or a folder (CCPD images, VOC XMLs,
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
        >>> from plate_unet.data import load_annotations
        >>> samples = load_annotations("data/sample")
        >>> samples[0].plates[0].shape
        (4, 2)
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "csv":
        csv_path = path if path.is_file() else _annotation_csvs(path)[0]
        texts = csv_path.with_name(TEXTS_CSV)
        samples = read_reference_csv(
            csv_path,
            image_dir,
            on_error,
            texts_csv=texts if texts.is_file() and texts != csv_path else None,
        )
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
