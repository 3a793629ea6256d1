"""What several annotation formats share: the reference's corner order, image listing.

Used by :mod:`~plate_unet.data.formats.reference_csv`,
:mod:`~plate_unet.data.formats.ccpd`, :mod:`~plate_unet.data.formats.mask_pairs` and
:mod:`plate_unet.data.readers`; it imports no other reader module.
"""

from __future__ import annotations

from pathlib import Path

from plate_unet.data.images import is_image_file

# Column pairs of the reference CSV (BR, BL, TL, TR) → our order TL, TR, BR, BL.
_REFERENCE_TO_TLTRBRBL = (2, 3, 0, 1)


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if is_image_file(p))
