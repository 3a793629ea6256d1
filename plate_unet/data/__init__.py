"""Data: annotations in, synthetic scenes, and tf.data batches for the U-Net.

* :mod:`~plate_unet.data.records` - :class:`~plate_unet.data.records.Sample`, the
  one record every reader returns (an image path and its plates' corners, TL, TR,
  BR, BL), and corner-order helpers.
* :mod:`~plate_unet.data.readers` - :func:`~plate_unet.data.readers.load_annotations`
  detects a format and loads it; the formats themselves (the seed's CSV, CCPD file
  names, Pascal VOC XML, image + mask pairs) live in
  :mod:`plate_unet.data.formats`, one module each, and are re-exported by
  ``readers``.
* :mod:`~plate_unet.data.validate` - the checks every reader shares (image files,
  names, corners) and :class:`~plate_unet.data.validate.Problems`, which raises
  or logs them.
* :mod:`~plate_unet.data.masks` - plates to masks and back: fill polygons,
  letterbox to the model size and back, and check that every plate still covers
  a pixel.
* :mod:`~plate_unet.data.pipeline` - the tf.data pipeline: image files and corners
  to batches (:func:`~plate_unet.data.pipeline.make_dataset`).
* :mod:`~plate_unet.data.augment` - paired augmentation of image and mask (one
  homography for both, photometric changes on the image only).
* :mod:`~plate_unet.data.synthetic` - synthetic plate scenes, the offline default
  data (:func:`~plate_unet.data.synthetic.generate_dataset`), drawn with
  :mod:`~plate_unet.data.scene` (backgrounds, cars, distractors),
  :mod:`~plate_unet.data.plate_styles` (plates in several real styles),
  :mod:`~plate_unet.data.glyphs` (character masks) and
  :mod:`~plate_unet.data.camera` (light, blur, noise and JPEG).

This package imports none of its modules; import them by name, e.g.
``from plate_unet.data.readers import load_annotations``.
"""
