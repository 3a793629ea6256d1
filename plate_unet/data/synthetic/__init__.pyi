"""The names of :mod:`plate_unet.data.synthetic`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .crops import generate_crop as generate_crop
from .crops import generate_crops as generate_crops
from .crops import load_crops as load_crops
from .crops import plate_crops as plate_crops
from .generate import ScenePlate as ScenePlate
from .generate import generate_dataset as generate_dataset
from .generate import generate_scene as generate_scene
from .generate import scene_plates as scene_plates
from .generate import scene_seed as scene_seed

__all__ = [
    "ScenePlate",
    "generate_crop",
    "generate_crops",
    "load_crops",
    "plate_crops",
    "generate_dataset",
    "generate_scene",
    "scene_plates",
    "scene_seed",
]
