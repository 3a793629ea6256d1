"""The names of :mod:`plate_unet.viz.widgets`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .augmentation import AugmentationPlayground as AugmentationPlayground
from .augmentation import augmentation_playground as augmentation_playground
from .augmentation import render_augmentation as render_augmentation
from .features import BAR_WIDTH as BAR_WIDTH
from .features import FEATURE_LAYER_PATTERN as FEATURE_LAYER_PATTERN
from .features import FeatureMapExplorer as FeatureMapExplorer
from .features import colour_bar as colour_bar
from .features import feature_layers as feature_layers
from .features import feature_maps as feature_maps
from .features import render_feature_map as render_feature_map
from .prediction import VIEWS as VIEWS
from .prediction import PredictionExplorer as PredictionExplorer
from .prediction import PredictionGallery as PredictionGallery
from .prediction import decode_upload as decode_upload
from .prediction import pixel_iou as pixel_iou
from .prediction import predict_at_image_size as predict_at_image_size
from .prediction import render_prediction as render_prediction
from .reading import CornerReader as CornerReader
from .reading import moved_quad as moved_quad
from .reading import render_reading as render_reading
from .static import snapshot as snapshot

__all__ = [
    "AugmentationPlayground",
    "augmentation_playground",
    "render_augmentation",
    "VIEWS",
    "PredictionExplorer",
    "PredictionGallery",
    "decode_upload",
    "pixel_iou",
    "predict_at_image_size",
    "render_prediction",
    "CornerReader",
    "moved_quad",
    "render_reading",
    "snapshot",
    "BAR_WIDTH",
    "FEATURE_LAYER_PATTERN",
    "FeatureMapExplorer",
    "colour_bar",
    "feature_layers",
    "feature_maps",
    "render_feature_map",
]
