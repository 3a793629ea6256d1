"""The annotation formats, one module each.

* :mod:`~plate_unet.data.formats.reference_csv` - the reference's CSV
  ``name,BR_x,BR_y,BL_x,BL_y,TL_x,TL_y,TR_x,TR_y``: :func:`read_reference_csv`,
  :func:`write_reference_csv`, ``REFERENCE_HEADER``.
* :mod:`~plate_unet.data.formats.ccpd` - CCPD file names: :func:`parse_ccpd_name`,
  :func:`read_ccpd`.
* :mod:`~plate_unet.data.formats.voc` - Pascal VOC XML: :func:`read_voc_file`,
  :func:`read_voc`.
* :mod:`~plate_unet.data.formats.mask_pairs` - image + mask pairs:
  :func:`read_mask_pairs`.

The reference's corner order is :data:`plate_unet.data.records.REFERENCE_CORNER_ORDER`.
Imports go one way: the format modules import :mod:`plate_unet.data.records`,
:mod:`plate_unet.data.validate` and :mod:`plate_unet.data.images`, never
:mod:`plate_unet.data.readers`, which imports them all and detects the format.
The names a user types import from :mod:`plate_unet.data`:
``from plate_unet.data import read_ccpd``; this face, listed in ``__init__.pyi``,
is where that face finds them.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
