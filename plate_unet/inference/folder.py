"""Find plates in new images: load a model safely, letterbox, predict, write results.

For every image of a folder, :func:`predict_folder` writes to ``OUT/``

* ``<stem>.json``: ``{"image": "...", "width": W, "height": H, "plates":
  [{"quad": [[x, y] ×4], "box": [x0, y0, x1, y1], "score": s}]}`` in the
  ORIGINAL image's pixels (the stable interface for scripts);
* ``<stem>_mask.png``: the predicted mask, 0/255 at the original size (as the
  reference's ROI images);
* ``<stem>_overlay.png``: the image with the mask tinted and the plates outlined;
* ``<stem>_plate<k>.png``: each plate warped flat (80×240, height × width),
  ``k`` from 1.

An image of any size is letterboxed to the model's fixed input size, or, for a
model that accepts any size, padded up to the next multiple of ``2**(depth-1)``.
Models load with ``safe_mode=True`` and are checked to be segmentation models;
an image that cannot be read is skipped with a logged warning.

This module writes the results (:func:`predict_folder`, :func:`draw_overlay`);
loading a model lives in :mod:`plate_unet.inference.model_file` and predicting
one image in :mod:`plate_unet.inference.image`; neither imports this module.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from plate_unet._files import atomic_write_bytes, atomic_write_text
from plate_unet.colours import PREDICTED
from plate_unet.data.drawing import overlay_mask, png_bytes
from plate_unet.data.images import list_images, read_image
from plate_unet.errors import ImageReadError, PlateUnetError
from plate_unet.inference.image import predict_image
from plate_unet.inference.model_file import load_model
from plate_unet.inference.postprocess import PLAUSIBLE, Plate, PlateShape, rectify

if TYPE_CHECKING:
    import keras

log = logging.getLogger(__name__)


def draw_overlay(
    image: np.ndarray, mask: np.ndarray, plates: list[Plate]
) -> np.ndarray:
    """Returns ``image`` (RGB) with the mask tinted and the plates outlined in orange,
    each labelled with its number, score and, when read, its text.

    Orange is the course's colour for what the model predicts
    (:data:`plate_unet.colours.PREDICTED`): it stands apart from the truth's
    blue for colour-blind readers too. The tint is
    :func:`plate_unet.data.drawing.overlay_mask`'s, as in the notebooks.

    Args:
        image: uint8 RGB ``(H, W, 3)``.
        mask: ``(H, W)`` {0, 1} mask.
        plates: Plates in the image's pixels.

    Returns:
        A new uint8 RGB image.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import draw_overlay, load_model, predict_image
        >>> image, plates = generate_scene(1, 290, 180)
        >>> pretrained = load_model()  # the teaching checkpoint
        >>> found, pred_mask = predict_image(pretrained, image)
        >>> overlay = draw_overlay(image, pred_mask, found)
        >>> overlay.shape, overlay.dtype, np.array_equal(overlay, image)
        ((290, 180, 3), dtype('uint8'), False)
    """
    out = overlay_mask(image, mask, colour=PREDICTED)
    thick = max(1, round(max(image.shape[:2]) / 400))
    for k, plate in enumerate(plates, start=1):
        pts = np.round(plate.quad * 16).astype(np.int32)
        cv2.polylines(out, [pts], True, PREDICTED, thick, cv2.LINE_AA, shift=4)
        x, y = int(plate.box[0]), max(12, int(plate.box[1]) - 4)
        label = f"{k}: {plate.score:.2f}"
        if plate.text:  # Hershey fonts draw ASCII only: other scripts as "?"
            ascii_text = "".join(c if c.isascii() else "?" for c in plate.text)
            label += f" {ascii_text} ({plate.text_score:.2f})"
        cv2.putText(
            out, label, (x, y), cv2.FONT_HERSHEY_SIMPLEX,
            0.4 * thick, PREDICTED, thick, cv2.LINE_AA,
        )  # fmt: skip
    return out


def _dumps(record: dict) -> str:
    """JSON text with one line per key and one line per plate (easy to diff)."""
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in record.items()]
    plates = record["plates"]
    if plates:
        rows = ",\n".join(f"    {json.dumps(p)}" for p in plates)
        lines[-1] = f'  "plates": [\n{rows}\n  ]'
    return "{\n" + ",\n".join(lines) + "\n}\n"


@dataclass
class PredictSummary:
    """What :func:`predict_folder` did.

    Attributes:
        out_dir: The output folder.
        written: The JSON file of each processed image.
        skipped: ``(image name, reason)`` of each image that could not be read.
        n_plates: Plates found over all images.
    """

    out_dir: Path
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    n_plates: int = 0


def predict_folder(
    model: keras.Model | str | Path | None,
    images: str | Path,
    out_dir: str | Path,
    threshold: float = 0.5,
    min_area: float | None = None,
    crop_size: tuple[int, int] = (80, 240),
    shape: PlateShape | None = PLAUSIBLE,
    multiscale: bool = True,
    reader: keras.Model | None = None,
    min_chars: int | None = None,
) -> PredictSummary:
    """Predicts every image of a folder and writes JSON, mask, overlay and crops.

    Args:
        model: A Keras model, or a model path (``None``: the pretrained one).
        images: Folder of images (or one image file).
        out_dir: Output folder (created).
        threshold: Probability above which a pixel is plate.
        min_area: Smallest plate in model pixels (see :func:`find_plates`).
        crop_size: ``(height, width)`` of each rectified plate crop.
        shape: What a region must look like to be a plate (``None``: keep all).
        multiscale: Two scales for large images (see
            :func:`~plate_unet.inference.image.predict_image`); ``False``: one.
        reader: A plate reader: each plate's JSON gets ``"text"`` and
            ``"text_score"``, and the overlay the text. ``None``: not read.
        min_chars: With a reader, regions wide enough to read that hold fewer
            characters are dropped (see
            :func:`~plate_unet.inference.image.predict_image`).

    Returns:
        A :class:`PredictSummary`; unreadable images are listed in ``skipped``
        and reported with one logged warning.

    Raises:
        PlateUnetError: If the folder holds no image, or no image could be read.
        ModelFileError: If ``model`` is a path that cannot be loaded.

    Example:
        >>> import json
        >>> import shutil
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference import predict_folder
        >>> tmp = Path(tempfile.mkdtemp())
        >>> photos = tmp / "photos"  # three sample images; 00002 has no plate
        >>> photos.mkdir()
        >>> for k in range(3):
        ...     _ = shutil.copy(f"data/sample/images/{k:05d}.jpg", photos)
        >>> summary = predict_folder(None, photos, tmp / "out")  # None: teaching.keras
        >>> [p.name for p in summary.written], summary.skipped
        (['00000.json', '00001.json', '00002.json'], [])
        >>> names = sorted(p.name for p in (tmp / "out").glob("00000*"))
        >>> names[:3]  # then one 00000_plate<k>.png per plate found
        ['00000.json', '00000_mask.png', '00000_overlay.png']
        >>> record = json.loads(summary.written[0].read_text())
        >>> record["image"], record["width"], record["height"]
        ('00000.jpg', 360, 580)
        >>> len(names) == 3 + len(record["plates"])
        True
        >>> summary.n_plates == sum(
        ...     len(json.loads(p.read_text())["plates"]) for p in summary.written)
        True
    """
    if model is None or isinstance(model, (str, Path)):
        model = load_model(model)
    paths = list_images(images)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = PredictSummary(out_dir=out_dir)
    for path in paths:
        try:
            image = read_image(path)
        except ImageReadError as exc:
            summary.skipped.append((path.name, exc.reason))
            continue
        plates, mask = predict_image(
            model, image, threshold, min_area, shape, multiscale, reader, min_chars
        )
        stem = path.stem
        record = {
            "image": path.name,
            "width": int(image.shape[1]),
            "height": int(image.shape[0]),
            "plates": [p.to_dict() for p in plates],
        }
        pictures = {
            "mask": mask * np.uint8(255),
            "overlay": draw_overlay(image, mask, plates),
            **{
                f"plate{k}": rectify(image, plate.quad, crop_size)
                for k, plate in enumerate(plates, start=1)
            },
        }
        for what, picture in pictures.items():
            atomic_write_bytes(out_dir / f"{stem}_{what}.png", png_bytes(picture))
        json_path = out_dir / f"{stem}.json"  # last: its pictures are all there
        atomic_write_text(json_path, _dumps(record))
        summary.written.append(json_path)
        summary.n_plates += len(plates)
        log.debug("%s: %d plate(s)", path.name, len(plates))
    if summary.skipped:
        detail = "; ".join(f"{name}: {why}" for name, why in summary.skipped)
        log.warning(
            "skipped %d of %d images: %s", len(summary.skipped), len(paths), detail
        )
    if not summary.written:
        raise PlateUnetError(
            f"none of the {len(paths)} images in {images} is readable."
        )
    return summary
