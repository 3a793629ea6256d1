"""ipywidgets apps for the notebooks; their callbacks are plain functions with
unit tests that drive them.

The apps live in one module each; this package re-exports their names, so
``from plate_unet import widgets; widgets.overlay_mask(...)`` works as before:

* :mod:`plate_unet.widgets.render` - shared drawing helpers: ``PLATE_COLOUR``,
  :func:`overlay_mask`, :func:`png_bytes`.
* :mod:`plate_unet.widgets.augmentation` - notebook 01's augmentation playground:
  :func:`render_augmentation`, :class:`AugmentationPlayground`,
  :func:`augmentation_playground`.
* :mod:`plate_unet.widgets.prediction` - notebook 06's prediction explorer and
  image chooser: ``VIEWS``, :func:`pixel_iou`, :func:`render_prediction`,
  :class:`PredictionExplorer`, :func:`decode_upload`,
  :func:`predict_at_image_size`, :class:`PredictionGallery`.
* :mod:`plate_unet.widgets.features` - notebook 06's feature-map explorer:
  ``FEATURE_LAYER_PATTERN``, :func:`feature_layers`, :func:`feature_maps`,
  :func:`render_feature_map`, :class:`FeatureMapExplorer`.

Imports go one way: ``render`` imports no other widget module; of the widget
modules the three apps import ``render`` only (``prediction`` also imports
:mod:`plate_unet.evaluate` for :func:`pixel_iou`); this package imports all
four.
"""

from __future__ import annotations

from plate_unet.widgets.augmentation import (
    AugmentationPlayground,
    augmentation_playground,
    render_augmentation,
)
from plate_unet.widgets.features import (
    FEATURE_LAYER_PATTERN,
    FeatureMapExplorer,
    feature_layers,
    feature_maps,
    render_feature_map,
)
from plate_unet.widgets.prediction import (
    VIEWS,
    PredictionExplorer,
    PredictionGallery,
    decode_upload,
    pixel_iou,
    predict_at_image_size,
    render_prediction,
)
from plate_unet.widgets.render import (
    PLATE_COLOUR,
    overlay_mask,
    png_bytes,
)

__all__ = [
    "FEATURE_LAYER_PATTERN",
    "PLATE_COLOUR",
    "VIEWS",
    "AugmentationPlayground",
    "FeatureMapExplorer",
    "PredictionExplorer",
    "PredictionGallery",
    "augmentation_playground",
    "decode_upload",
    "feature_layers",
    "feature_maps",
    "overlay_mask",
    "pixel_iou",
    "png_bytes",
    "predict_at_image_size",
    "render_augmentation",
    "render_feature_map",
    "render_prediction",
]
