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
* :mod:`~plate_unet.data.masks` - plates to masks (:func:`rasterize`) and
  :class:`Letterbox`; :mod:`~plate_unet.data.quads` - masks back to plates
  (:func:`mask_to_quads`), the one quadrilateral fitter.
* :mod:`~plate_unet.data.augment` - paired augmentation of image and mask.
* :mod:`~plate_unet.data.pipeline` - the tf.data pipeline (:func:`make_dataset`).
* :mod:`~plate_unet.data.synthetic` - synthetic plate scenes, the offline
  default data (:func:`generate_dataset`).

Only ``augment`` and ``pipeline`` import TensorFlow, and only when one of their
names is used: ``from plate_unet.data import load_annotations`` stays light.
"""

from plate_unet._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "records": ["Sample", "CORNER_ORDER", "as_plate", "order_corners"],
        "readers": ["load_annotations", "detect_format"],
        "formats.reference_csv": [
            "read_reference_csv",
            "write_reference_csv",
            "REFERENCE_HEADER",
        ],
        "formats.ccpd": ["read_ccpd", "parse_ccpd_name"],
        "formats.voc": ["read_voc", "read_voc_file"],
        "formats.mask_pairs": ["read_mask_pairs"],
        "validate": ["image_size"],
        "images": [
            "IMAGE_SUFFIXES",
            "check_channels",
            "decode_image",
            "fit_to_model",
            "list_images",
            "preprocess",
            "read_image",
            "to_channels",
            "to_unit_range",
        ],
        "drawing": ["overlay_mask", "png_bytes", "to_rgb8"],
        "masks": ["Letterbox", "check_masks", "letterbox_plates", "rasterize"],
        "quads": ["fit_quad", "mask_components", "mask_to_quads"],
        "augment": ["AUGMENTATIONS", "AugmentConfig", "apply_augmentation"],
        "pipeline": ["load_example", "make_dataset", "keep_freed_memory"],
        "synthetic.generate": ["generate_dataset", "generate_scene", "scene_seed"],
    },
)
