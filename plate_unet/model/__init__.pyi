"""The names of :mod:`plate_unet.model`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .config import REFERENCE_CONFIG as REFERENCE_CONFIG
from .config import UNetConfig as UNetConfig
from .config import nearest_valid_sizes as nearest_valid_sizes
from .flops import config_flops as config_flops
from .flops import flops_by_layer as flops_by_layer
from .flops import forward_flops as forward_flops
from .memory import activation_memory as activation_memory
from .reader import ReaderConfig as ReaderConfig
from .reader import build_reader as build_reader
from .reader import decode as decode
from .reader import encode_texts as encode_texts
from .reader import one_script as one_script
from .receptive_field import receptive_fields as receptive_fields
from .reference import REFERENCE_TOTAL_PARAMS as REFERENCE_TOTAL_PARAMS
from .reference import compare_model as compare_model
from .reference import reference_summary_rows as reference_summary_rows
from .unet import build_unet as build_unet
from .unet import conv_block as conv_block
from .unet import decoder_block as decoder_block
from .unet import encoder_block as encoder_block

__all__ = [
    "REFERENCE_CONFIG",
    "UNetConfig",
    "nearest_valid_sizes",
    "build_unet",
    "conv_block",
    "decoder_block",
    "encoder_block",
    "REFERENCE_TOTAL_PARAMS",
    "compare_model",
    "reference_summary_rows",
    "config_flops",
    "flops_by_layer",
    "forward_flops",
    "activation_memory",
    "receptive_fields",
    "ReaderConfig",
    "build_reader",
    "decode",
    "one_script",
    "encode_texts",
]
