"""The names of :mod:`plate_unet.training`: this stub is their one list.

Each line names a public name and the module that defines it;
``lazy_loader.attach_stub`` reads it, so a name's module is imported on
first use, and type checkers and editors read it as it stands.
"""

# Deliberate parallel: every face's stub has this shape, one
# `from .module import name as name` line per name (lazy_loader's stub format).

from .callbacks import AtomicBackupAndRestore as AtomicBackupAndRestore
from .callbacks import AtomicModelCheckpoint as AtomicModelCheckpoint
from .devices import choose_strategy as choose_strategy
from .devices import describe_devices as describe_devices
from .devices import set_precision as set_precision
from .fit import TrainResult as TrainResult
from .fit import read_log as read_log
from .fit import split_samples as split_samples
from .fit import train as train
from .fit import train_synthetic as train_synthetic
from .losses import BCEDiceLoss as BCEDiceLoss
from .losses import DiceLoss as DiceLoss
from .losses import get_loss as get_loss
from .losses import make_focal_loss as make_focal_loss
from .losses import reference_loss as reference_loss
from .metrics import DiceScore as DiceScore
from .metrics import IoUScore as IoUScore
from .metrics import MeanIoUOverThresholds as MeanIoUOverThresholds
from .presets import PRESETS as PRESETS
from .presets import VAL_SEED_OFFSET as VAL_SEED_OFFSET
from .presets import Preset as Preset
from .presets import get_preset as get_preset
from .presets import pick_preset as pick_preset
from .reader import fit_reader as fit_reader
from .reader import reader_dataset as reader_dataset

__all__ = [
    "BCEDiceLoss",
    "DiceLoss",
    "get_loss",
    "make_focal_loss",
    "reference_loss",
    "DiceScore",
    "IoUScore",
    "MeanIoUOverThresholds",
    "choose_strategy",
    "describe_devices",
    "set_precision",
    "AtomicBackupAndRestore",
    "AtomicModelCheckpoint",
    "PRESETS",
    "VAL_SEED_OFFSET",
    "Preset",
    "get_preset",
    "pick_preset",
    "TrainResult",
    "read_log",
    "split_samples",
    "train",
    "train_synthetic",
    "fit_reader",
    "reader_dataset",
]
