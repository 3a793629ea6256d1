"""Pascal VOC XML: each ``<object>`` box becomes a plate of 4 corners.

:func:`read_voc_file` reads one ``.xml`` file, :func:`read_voc` a folder of them
(or its ``Annotations/``).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Collection
from pathlib import Path

from plate_unet.data.records import Sample
from plate_unet.data.validate import OnError, Problems, make_sample, resolve_image
from plate_unet.errors import AnnotationError


def _voc_number(node, tag: str, where: str) -> float:
    text = node.findtext(tag)
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise AnnotationError(f"{where}: <{tag}> is {text!r}, not a number") from None
    if not math.isfinite(value):
        raise AnnotationError(f"{where}: <{tag}> is {text!r}, not a finite number")
    return value


def read_voc_file(
    xml_path: str | Path,
    image_dir: str | Path | None = None,
    labels: Collection[str] | None = None,
) -> Sample:
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
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import read_voc_file
        >>> tmp = Path(tempfile.mkdtemp())
        >>> xml = (
        ...     "<annotation><filename>00000.jpg</filename><object><name>plate"
        ...     "</name><bndbox><xmin>66</xmin><ymin>414</ymin><xmax>96</xmax>"
        ...     "<ymax>429</ymax></bndbox></object></annotation>"
        ... )
        >>> _ = (tmp / "00000.xml").write_text(xml)
        >>> sample = read_voc_file(tmp / "00000.xml", "data/sample/images")
        >>> sample.plates[0].tolist()  # TL, TR, BR, BL
        [[66.0, 414.0], [96.0, 414.0], [96.0, 429.0], [66.0, 429.0]]
        >>> sample.height, sample.width  # no <size>: read from the image
        (580, 360)
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
    plates: list = []
    texts: list[str] = []
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
        texts.append(voc_text(obj))
    size = root.find("size")
    hw = None
    if size is not None and size.findtext("width") and size.findtext("height"):
        hw = (
            int(_voc_number(size, "height", "<size>")),
            int(_voc_number(size, "width", "<size>")),
        )
        if hw[0] <= 0 or hw[1] <= 0:
            hw = None  # some tools write 0: trust the image
    known = texts if any(texts) else []
    return make_sample(resolve_image(folder, name), plates, hw, texts=known)


#: ``<attribute>`` names (CVAT's VOC export) that hold a plate's text.
TEXT_ATTRIBUTES = ("text", "plate", "plate_number", "number", "registration")


def voc_text(obj: ET.Element) -> str:
    """The plate text of one VOC ``<object>``, or ``""`` when it tells none.

    Looked for, in order: a ``<text>`` child; an ``<attributes><attribute>``
    whose ``<name>`` is one of :data:`TEXT_ATTRIBUTES` (its ``<value>``); the
    object's ``<name>`` itself when it holds a digit and no lower-case letter
    (``AB 123 CD``, as some data sets label plates, unlike ``plate``).

    Example:
        >>> import xml.etree.ElementTree as ET
        >>> from plate_unet.data.formats.voc import voc_text
        >>> voc_text(ET.fromstring("<object><name>KA 01 AB 1234</name></object>"))
        'KA 01 AB 1234'
        >>> voc_text(ET.fromstring("<object><name>licence_plate_2</name></object>"))
        ''
    """
    text = (obj.findtext("text") or "").strip()
    if text:
        return text
    for attribute in obj.iter("attribute"):
        if (attribute.findtext("name") or "").strip().lower() in TEXT_ATTRIBUTES:
            value = (attribute.findtext("value") or "").strip()
            if value:
                return value
    name = (obj.findtext("name") or "").strip()
    if any(c.isdigit() for c in name) and not any(c.islower() for c in name):
        return name
    return ""


def read_voc(
    folder: str | Path,
    image_dir: str | Path | None = None,
    on_error: OnError = "raise",
    labels: Collection[str] | None = None,
) -> list[Sample]:
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
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.data import read_voc
        >>> tmp = Path(tempfile.mkdtemp())
        >>> (tmp / "VOC" / "Annotations").mkdir(parents=True)
        >>> for k, box in enumerate(["66 414 96 429", "44 356 61 362"]):
        ...     x0, y0, x1, y1 = box.split()
        ...     _ = (tmp / "VOC" / "Annotations" / f"{k:05d}.xml").write_text(
        ...         f"<annotation><filename>{k:05d}.jpg</filename><object>"
        ...         f"<bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax>"
        ...         f"<ymax>{y1}</ymax></bndbox></object></annotation>"
        ...     )
        >>> samples = read_voc(tmp / "VOC", image_dir="data/sample/images")
        >>> [(s.image_path.name, len(s.plates)) for s in samples]
        [('00000.jpg', 1), ('00001.jpg', 1)]
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
