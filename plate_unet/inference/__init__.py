"""Inference: a trained model on new images, its plates, its files and its scores.

* :mod:`~plate_unet.inference.model_file` - :func:`load_model` (safe mode,
  checked to be a segmentation model) and the committed checkpoint;
* :mod:`~plate_unet.inference.one_image` - one image through the model
  (:func:`predict_probability`, :func:`predict_image`), prepared by
  :func:`plate_unet.data.preprocess` exactly as in training;
* :mod:`~plate_unet.inference.postprocess` - probability map → plates
  (:func:`find_plates`), box and quadrilateral IoU, :func:`rectify`;
* :mod:`~plate_unet.inference.predict` - a folder of images → JSON, masks,
  overlays and flat plate crops (:func:`predict_folder`);
* :mod:`~plate_unet.inference.evaluate` - pixel IoU, plate recall and precision
  (:func:`evaluate_model`);
* :mod:`~plate_unet.inference.export` - TFLite, ONNX and SavedModel.

Uses :mod:`plate_unet.data` and :mod:`plate_unet.model`; a model is loaded
uncompiled (prediction needs no loss), so nothing here imports the training code.
"""

from plate_unet._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "model_file": ["default_model_path", "load_model"],
        "one_image": [
            "any_size",
            "forward",
            "model_input_size",
            "predict_image",
            "predict_probability",
            "prepare_input",
        ],
        "postprocess": ["Plate", "box_iou", "find_plates", "quad_iou", "rectify"],
        "predict": ["draw_overlay", "predict_folder"],
        "evaluate": ["EvalReport", "evaluate_model", "match_plates", "pixel_scores"],
        "export": ["export_model", "to_tflite"],
    },
)
