"""The names of :mod:`plate_unet.viz`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .plotting import crop_around as crop_around
from .plotting import plot_curves as plot_curves
from .plotting import plot_feature_maps as plot_feature_maps
from .plotting import plot_image_row as plot_image_row
from .plotting import plot_learning_curves as plot_learning_curves
from .plotting import plot_reading as plot_reading
from .plotting import plot_transposed_conv as plot_transposed_conv
from .plotting import plot_worst_cases as plot_worst_cases
from .plotting import show_scenes as show_scenes

__all__ = [
    "crop_around",
    "plot_curves",
    "plot_feature_maps",
    "plot_image_row",
    "plot_reading",
    "plot_learning_curves",
    "plot_transposed_conv",
    "plot_worst_cases",
    "show_scenes",
]
