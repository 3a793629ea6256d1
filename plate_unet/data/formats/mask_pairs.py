"""Image + mask pairs: ``images/`` and ``masks/``, one plate per mask blob.

:func:`read_mask_pairs` reads them.
"""

from __future__ import annotations

from pathlib import Path

import cv2

from plate_unet.data.images import list_images
from plate_unet.data.quads import mask_to_quads
from plate_unet.data.records import Sample
from plate_unet.data.validate import OnError, Problems, make_sample
from plate_unet.errors import AnnotationError


def read_mask_pairs(
    folder: str | Path, on_error: OnError = "raise", min_area: int = 16
) -> list[Sample]:
    """Reads ``folder/images/*`` with masks ``folder/masks/<same stem>.png``.

    Each connected blob of non-zero mask pixels becomes one quadrilateral plate
    (see :func:`plate_unet.data.quads.mask_to_quads`).

    Args:
        folder: Folder holding ``images/`` and ``masks/``.
        on_error: ``"raise"`` or ``"skip"``.
        min_area: Blobs with fewer pixels are ignored as noise.

    Returns:
        One :class:`Sample` per image, sorted by name.

    Raises:
        AnnotationError: On a missing/unreadable mask or one of another size.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import cv2
        >>> from plate_unet.data import generate_scene, rasterize, read_mask_pairs
        >>> tmp = Path(tempfile.mkdtemp())
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> (tmp / "pairs" / "images").mkdir(parents=True)
        >>> (tmp / "pairs" / "masks").mkdir()
        >>> bgr = image[..., ::-1]  # OpenCV writes BGR
        >>> _ = cv2.imwrite(str(tmp / "pairs" / "images" / "car.png"), bgr)
        >>> _ = cv2.imwrite(str(tmp / "pairs" / "masks" / "car.png"), mask * 255)
        >>> samples = read_mask_pairs(tmp / "pairs")
        >>> len(samples), samples[0].image_path.name, len(samples[0].plates)
        (1, 'car.png', 1)
        >>> bool(np.abs(samples[0].plates[0] - plates[0]).max() < 2)  # the plate
        True
    """
    folder = Path(folder)
    problems = Problems(folder, on_error)
    files = list_images(folder / "images")
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
            samples.append(make_sample(path, quads, size=(h, w)))
        except AnnotationError as exc:
            problems.add(path.name, str(exc))
    return problems.finish(samples, len(files))
