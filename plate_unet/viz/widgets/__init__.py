"""ipywidgets apps for the notebooks; their callbacks are plain functions with
unit tests that drive them.

The apps live in one module each; their names are at this package's face
(``from plate_unet.viz import widgets; widgets.render_prediction(...)``):

* :mod:`plate_unet.viz.widgets.augmentation` - notebook 01's augmentation playground:
  :func:`render_augmentation`, :class:`AugmentationPlayground`,
  :func:`augmentation_playground`.
* :mod:`plate_unet.viz.widgets.prediction` - notebook 06's prediction explorer and
  image chooser: ``VIEWS``, :func:`pixel_iou`, :func:`render_prediction`,
  :class:`PredictionExplorer`, :func:`decode_upload`,
  :func:`predict_at_image_size`, :class:`PredictionGallery`.
* :mod:`plate_unet.viz.widgets.features` - notebook 06's feature-map explorer:
  ``FEATURE_LAYER_PATTERN``, :func:`feature_layers`, :func:`feature_maps`,
  :func:`render_feature_map` (with :func:`colour_bar`), :class:`FeatureMapExplorer`.
* :mod:`plate_unet.viz.widgets.reading` - notebook 08's corner reader:
  :func:`moved_quad`, :func:`render_reading`, :class:`CornerReader`.
* :mod:`plate_unet.viz.widgets.static` - :func:`snapshot`: any of them as a
  picture, which a notebook stores under the live widget.

Imports go one way: no app imports another. They draw with
:mod:`plate_unet.data.drawing` (``overlay_mask``, ``png_bytes``), which the
overlays of ``plate-unet predict`` use too; ``prediction`` also imports
:mod:`plate_unet.inference.evaluate` for :func:`pixel_iou` and
:mod:`plate_unet.colours` for the error map's colours.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
