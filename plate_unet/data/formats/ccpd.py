"""CCPD: the plate corners are encoded in each image's file name.

:func:`parse_ccpd_name` decodes one name, :func:`read_ccpd` reads a folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plate_unet.data.images import list_images
from plate_unet.data.records import Sample, from_reference_order
from plate_unet.data.validate import OnError, Problems, make_sample
from plate_unet.errors import AnnotationError

#: CCPD's province characters, indexed by the first number of a name's 5th field.
CCPD_PROVINCES = "皖沪津渝冀晋蒙辽吉黑苏浙京闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新警学"
#: CCPD's letters (no I, no O), indexed by the second number.
CCPD_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
#: CCPD's letters and digits, indexed by the third number on.
CCPD_CHARACTERS = CCPD_LETTERS + "0123456789"


def ccpd_text(name: str) -> str:
    """Returns the registration encoded in a CCPD file name (its 5th field).

    The field is ``-``-separated field 5, numbers joined by ``_``: a province
    index into :data:`CCPD_PROVINCES`, a letter index into :data:`CCPD_LETTERS`,
    then indices into :data:`CCPD_CHARACTERS`. CCPD writes an index one past
    the end of a list for "no character" (a green plate's 8th, or a missing
    one): it is left out.

    Raises:
        AnnotationError: If the field is missing or holds an index out of range.

    Example:
        >>> from plate_unet.data.formats.ccpd import ccpd_text
        >>> ccpd_text("0-0_0-0&0_9&9-9&9_0&9_0&0_9&0-0_0_22_10_27_31_29-1-2.jpg")
        '皖AYL375'
    """
    fields = Path(name).stem.split("-")
    tables = (CCPD_PROVINCES, CCPD_LETTERS) + (CCPD_CHARACTERS,) * 6
    try:
        if len(fields) != 7:
            raise ValueError(f"{len(fields)} fields, not 7")
        indices = [int(v) for v in fields[4].split("_")]
        if not 2 <= len(indices) <= len(tables):
            raise ValueError(f"{len(indices)} character indices, not 7 or 8")
        text = ""
        for k, (i, table) in enumerate(zip(indices, tables, strict=False)):
            if not 0 <= i <= len(table):
                raise ValueError(
                    f"character {k + 1} has index {i}, valid 0..{len(table)}"
                )
            text += table[i] if i < len(table) else ""
    except ValueError as exc:
        raise AnnotationError(
            f"{name!r}: no CCPD text (5th field: province_letter_characters, "
            f"indices joined by _): {exc}"
        ) from None
    return text


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
        >>> from plate_unet.data import parse_ccpd_name
        >>> parse_ccpd_name("1-2_3-0&0_9&9-9&9_0&9_0&0_9&0-0_0-1-2.jpg")[0].tolist()
        [0.0, 0.0]
    """
    fields = Path(name).stem.split("-")
    try:
        if len(fields) != 7:
            raise ValueError(f"{len(fields)} fields")
        pts = [[float(c) for c in v.split("&")] for v in fields[3].split("_")]
        plate = from_reference_order(pts)
    except ValueError as exc:
        raise AnnotationError(
            f"{name!r} is not a CCPD name (area-tilt-box-BR_BL_TL_TR-chars-"
            f"brightness-blur, vertices as x&y): {exc}"
        ) from None
    return plate


def read_ccpd(folder: str | Path, on_error: OnError = "raise") -> list[Sample]:
    """Reads a folder of CCPD images, the plate corners taken from each file name.

    Each sample's ``texts`` holds the registration of the name's 5th field
    (:func:`ccpd_text`), or ``""`` where that field holds none.

    Args:
        folder: Folder of ``*.jpg`` files with CCPD names.
        on_error: ``"raise"`` or ``"skip"``.

    Returns:
        One :class:`Sample` (one plate) per image, sorted by name.

    Raises:
        AnnotationError: On a name that does not parse or a bad image.

    Example:
        >>> import shutil
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import read_ccpd
        >>> tmp = Path(tempfile.mkdtemp())
        >>> folder = tmp / "ccpd"
        >>> folder.mkdir()
        >>> name = "0-0_0-66&414_96&429-96&429_66&429_66&414_96&414-0_0-0-0.jpg"
        >>> _ = shutil.copy("data/sample/images/00000.jpg", folder / name)
        >>> samples = read_ccpd(folder)
        >>> len(samples), samples[0].plates[0].tolist()  # TL, TR, BR, BL
        (1, [[66.0, 414.0], [96.0, 414.0], [96.0, 429.0], [66.0, 429.0]])
    """
    folder = Path(folder)
    problems = Problems(folder, on_error)
    files = list_images(folder)
    samples = []
    for path in files:
        try:
            plate = parse_ccpd_name(path.name)
            try:
                text = ccpd_text(path.name)
            except AnnotationError:
                text = ""  # corners without a registration: still a plate
            samples.append(make_sample(path, [plate], texts=[text]))
        except AnnotationError as exc:
            problems.add(path.name, str(exc))
    return problems.finish(samples, len(files))
