"""What several annotation formats share: image suffixes, the seed's corner order.

Used by :mod:`plate_unet.data.formats.seed_csv`, :mod:`~plate_unet.data.formats.ccpd`,
:mod:`~plate_unet.data.formats.mask_pairs` and :mod:`plate_unet.data.readers`;
imports no other reader module.
"""

from __future__ import annotations

from pathlib import Path

# Column pairs of the seed CSV (BR, BL, TL, TR) → our order TL, TR, BR, BL.
_SEED_TO_TLTRBRBL = (2, 3, 0, 1)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def _image_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )
