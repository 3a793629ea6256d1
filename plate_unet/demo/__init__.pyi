"""The names of :mod:`plate_unet.demo`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .heldout import TEST_SEED_OFFSET as TEST_SEED_OFFSET
from .heldout import heldout_set as heldout_set
from .pretrained import make_pretrained as make_pretrained
from .run import DemoResult as DemoResult
from .run import run_demo as run_demo

__all__ = [
    "TEST_SEED_OFFSET",
    "heldout_set",
    "make_pretrained",
    "DemoResult",
    "run_demo",
]
