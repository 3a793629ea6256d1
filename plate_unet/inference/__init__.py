"""Inference: a trained model on new images, its plates, its files and its scores.

* :mod:`~plate_unet.inference.model_file` - :func:`load_model` (safe mode,
  checked to be a segmentation model) and the committed checkpoint;
* :mod:`~plate_unet.inference.image` - prediction on one image
  (:func:`predict_probability`, :func:`predict_image`), prepared by
  :func:`plate_unet.data.preprocess` exactly as in training;
* :mod:`~plate_unet.inference.postprocess` - probability map → plates
  (:func:`find_plates`), box and quadrilateral IoU, :func:`rectify`;
* :mod:`~plate_unet.inference.folder` - prediction on a folder of images → JSON, masks,
  overlays and flat plate crops (:func:`predict_folder`);
* :mod:`~plate_unet.inference.reading` - the plate reader on crops and on found
  plates (:func:`load_reader`, :func:`read_crops`, :func:`read_plates`);
* :mod:`~plate_unet.inference.evaluate` - pixel IoU, plate recall and precision
  (:func:`evaluate_model`), and reading scores
  (:mod:`~plate_unet.inference.text_scores`);
* :mod:`~plate_unet.inference.export` - TFLite, ONNX and SavedModel.

Uses :mod:`plate_unet.data` and :mod:`plate_unet.model`; a model is loaded
uncompiled (prediction needs no loss), so nothing here imports the training code.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
