"""The names of :mod:`plate_unet.inference`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .evaluate import EvalReport as EvalReport
from .evaluate import evaluate_model as evaluate_model
from .evaluate import match_plates as match_plates
from .evaluate import pixel_scores as pixel_scores
from .export import export_model as export_model
from .export import to_tflite as to_tflite
from .folder import draw_overlay as draw_overlay
from .folder import predict_folder as predict_folder
from .image import any_size_model as any_size_model
from .image import model_input_size as model_input_size
from .image import predict_image as predict_image
from .image import predict_probability as predict_probability
from .image import prepare_input as prepare_input
from .image import traced_inference as traced_inference
from .model_file import default_model_path as default_model_path
from .model_file import load_model as load_model
from .postprocess import Plate as Plate
from .postprocess import box_iou as box_iou
from .postprocess import find_plates as find_plates
from .postprocess import quad_iou as quad_iou
from .postprocess import rectify as rectify
from .reading import Reading as Reading
from .reading import default_reader_path as default_reader_path
from .reading import load_reader as load_reader
from .reading import plate_crop as plate_crop
from .reading import read_crops as read_crops
from .reading import read_plates as read_plates
from .text_scores import score_texts as score_texts

__all__ = [
    "default_model_path",
    "load_model",
    "any_size_model",
    "model_input_size",
    "predict_image",
    "predict_probability",
    "prepare_input",
    "traced_inference",
    "Plate",
    "box_iou",
    "find_plates",
    "quad_iou",
    "rectify",
    "Reading",
    "default_reader_path",
    "load_reader",
    "plate_crop",
    "read_crops",
    "read_plates",
    "score_texts",
    "draw_overlay",
    "predict_folder",
    "EvalReport",
    "evaluate_model",
    "match_plates",
    "pixel_scores",
    "export_model",
    "to_tflite",
]
