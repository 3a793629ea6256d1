"""The names of :mod:`plate_unet.data`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .alphabet import ALPHABET as ALPHABET
from .alphabet import decode_labels as decode_labels
from .alphabet import encode_text as encode_text
from .alphabet import normalize_text as normalize_text
from .alphabet import unknown_characters as unknown_characters
from .augment import AUGMENTATIONS as AUGMENTATIONS
from .augment import AugmentConfig as AugmentConfig
from .augment import apply_augmentation as apply_augmentation
from .drawing import overlay_mask as overlay_mask
from .drawing import png_bytes as png_bytes
from .drawing import to_rgb8 as to_rgb8
from .formats import REFERENCE_HEADER as REFERENCE_HEADER
from .formats import parse_ccpd_name as parse_ccpd_name
from .formats import read_ccpd as read_ccpd
from .formats import read_mask_pairs as read_mask_pairs
from .formats import read_reference_csv as read_reference_csv
from .formats import read_voc as read_voc
from .formats import read_voc_file as read_voc_file
from .formats import write_reference_csv as write_reference_csv
from .images import IMAGE_SUFFIXES as IMAGE_SUFFIXES
from .images import check_channels as check_channels
from .images import decode_image as decode_image
from .images import fit_to_model as fit_to_model
from .images import list_images as list_images
from .images import preprocess as preprocess
from .images import read_image as read_image
from .images import to_channels as to_channels
from .images import to_unit_range as to_unit_range
from .letterbox import Letterbox as Letterbox
from .letterbox import letterbox_plates as letterbox_plates
from .masks import check_masks as check_masks
from .masks import rasterize as rasterize
from .pipeline import load_example as load_example
from .pipeline import make_dataset as make_dataset
from .quads import fit_quad as fit_quad
from .quads import mask_components as mask_components
from .quads import mask_to_quads as mask_to_quads
from .quads import rectify as rectify
from .readers import detect_format as detect_format
from .readers import load_annotations as load_annotations
from .records import CORNER_ORDER as CORNER_ORDER
from .records import Sample as Sample
from .records import as_plate as as_plate
from .records import order_corners as order_corners
from .synthetic import generate_dataset as generate_dataset
from .synthetic import generate_scene as generate_scene
from .synthetic import scene_plates as scene_plates
from .synthetic import scene_seed as scene_seed
from .validate import image_size as image_size

# `from plate_unet.data import *` gives the names that need no TensorFlow:
# those of `augment` and `pipeline` are imported by name.
__all__ = [
    "CORNER_ORDER",
    "Sample",
    "as_plate",
    "order_corners",
    "detect_format",
    "load_annotations",
    "REFERENCE_HEADER",
    "parse_ccpd_name",
    "read_ccpd",
    "read_mask_pairs",
    "read_reference_csv",
    "read_voc",
    "read_voc_file",
    "write_reference_csv",
    "image_size",
    "overlay_mask",
    "png_bytes",
    "to_rgb8",
    "IMAGE_SUFFIXES",
    "check_channels",
    "decode_image",
    "fit_to_model",
    "list_images",
    "preprocess",
    "read_image",
    "to_channels",
    "to_unit_range",
    "Letterbox",
    "letterbox_plates",
    "check_masks",
    "rasterize",
    "fit_quad",
    "mask_components",
    "mask_to_quads",
    "rectify",
    "generate_dataset",
    "generate_scene",
    "scene_plates",
    "scene_seed",
    "ALPHABET",
    "decode_labels",
    "encode_text",
    "normalize_text",
    "unknown_characters",
]
