"""The names of :mod:`plate_unet.data.formats`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .ccpd import parse_ccpd_name as parse_ccpd_name
from .ccpd import read_ccpd as read_ccpd
from .mask_pairs import read_mask_pairs as read_mask_pairs
from .reference_csv import REFERENCE_HEADER as REFERENCE_HEADER
from .reference_csv import read_reference_csv as read_reference_csv
from .reference_csv import write_reference_csv as write_reference_csv
from .voc import read_voc as read_voc
from .voc import read_voc_file as read_voc_file

__all__ = [
    "REFERENCE_HEADER",
    "read_reference_csv",
    "write_reference_csv",
    "parse_ccpd_name",
    "read_ccpd",
    "read_voc",
    "read_voc_file",
    "read_mask_pairs",
]
