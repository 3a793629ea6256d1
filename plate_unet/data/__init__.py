"""Data: annotations in, images to model inputs, masks, synthetic scenes, batches.

The modules, in the order data flows through them:

* :mod:`~plate_unet.data.records` - :class:`Sample`, the record every reader
  returns (an image path and its plates' corners, TL, TR, BR, BL).
* :mod:`~plate_unet.data.formats` - one module per annotation format (the reference's
  CSV, CCPD file names, Pascal VOC XML, image + mask pairs);
  :mod:`~plate_unet.data.readers` detects the format
  (:func:`load_annotations`) and :mod:`~plate_unet.data.validate` holds the
  checks every reader shares.
* :mod:`~plate_unet.data.images` - the one path from an image file to the
  model's input (:func:`read_image`, :func:`preprocess`), shared by training,
  prediction, evaluation and the widgets.
* :mod:`~plate_unet.data.drawing` - a mask tinted onto an image
  (:func:`overlay_mask`) and PNG bytes, for overlays and widgets.
* :mod:`~plate_unet.data.letterbox` - :class:`Letterbox`, the resize with the
  aspect ratio kept, and plates in model pixels (:func:`letterbox_plates`).
* :mod:`~plate_unet.data.masks` - plates to masks (:func:`rasterize`);
  :mod:`~plate_unet.data.quads` - masks back to plates (:func:`mask_to_quads`),
  the one quadrilateral fitter, and :func:`rectify`, a plate warped flat.
* :mod:`~plate_unet.data.augment` - paired augmentation of image and mask.
* :mod:`~plate_unet.data.pipeline` - the tf.data pipeline (:func:`make_dataset`).
* :mod:`~plate_unet.data.synthetic` - synthetic plate scenes, the offline
  default data (:func:`generate_dataset`), each plate with its text, and
  plate crops for a reader.
* :mod:`~plate_unet.data.alphabet` - the characters a plate reader reads
  (:data:`ALPHABET`) and texts as CTC labels (:func:`encode_text`).

Only ``augment`` and ``pipeline`` import TensorFlow, and only when one of their
names is used: ``from plate_unet.data import load_annotations`` stays light, and
so does ``from plate_unet.data import *``, which leaves their names out. The
names and their modules are listed once, in ``__init__.pyi``.
"""

import lazy_loader as _lazy

__getattr__, __dir__, _names = _lazy.attach_stub(__name__, __file__)
#: The names of ``augment`` and ``pipeline`` import TensorFlow, so
#: ``from plate_unet.data import *`` leaves them out (as ``__all__`` in
#: ``__init__.pyi`` does); import them by name.
_NEED_TENSORFLOW = {
    "AUGMENTATIONS",
    "AugmentConfig",
    "apply_augmentation",
    "load_example",
    "make_dataset",
}
__all__ = [name for name in _names if name not in _NEED_TENSORFLOW]
