"""Crash-safe training callbacks: checkpoints that are never half-written.

Keras' ``ModelCheckpoint`` and ``BackupAndRestore`` write straight into their
target file. A power cut or ``kill -9`` in the middle of that write leaves a
truncated ``.keras`` zip or ``.h5`` file that no longer loads, and the run cannot
resume. The callbacks here use only Keras' public ``Callback`` hooks and write
every file with :func:`plate_unet._files.atomic_save` (a temporary name beside
the target, then an atomic rename): on disk there is always either the old,
complete file or the new, complete file.

* :class:`AtomicModelCheckpoint` - saves the model (or the best one so far) at
  the end of each epoch.
* :class:`AtomicBackupAndRestore` - the last finished epoch, for resuming: a
  weights file that carries its epoch number and a small JSON record (written
  last) that names it, so weights and epoch counter always agree.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import keras

from plate_unet._files import atomic_save, atomic_write_text, remove_partial

__all__ = ["AtomicBackupAndRestore", "AtomicModelCheckpoint"]


class AtomicModelCheckpoint(keras.callbacks.Callback):
    """Saves the model at the end of each epoch; its file is never half-written.

    Args:
        filepath: The ``.keras`` file (``.weights.h5`` with
            ``save_weights_only``).
        monitor: The logged value that decides which epoch is best.
        mode: ``"max"`` or ``"min"``: whether a larger or a smaller value is
            better.
        save_best_only: Save only when ``monitor`` beats the best value so far.
        initial_value_threshold: The best value before the first epoch (e.g.
            from a run being resumed); ``None``: any first value is best.
        save_weights_only: Save the weights only.
        verbose: 1 prints a line per save.

    Raises:
        ValueError: If ``mode`` is neither ``"max"`` nor ``"min"``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training import AtomicModelCheckpoint
        >>> tmp = Path(tempfile.mkdtemp())
        >>> cb = AtomicModelCheckpoint(tmp / "best.keras", monitor="val_iou",
        ...                            mode="max", save_best_only=True)
        >>> cb.monitor, cb.save_best_only
        ('val_iou', True)
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        mode: str = "min",
        save_best_only: bool = False,
        initial_value_threshold: float | None = None,
        save_weights_only: bool = False,
        verbose: int = 0,
    ):
        super().__init__()
        if mode not in ("max", "min"):
            raise ValueError(f"mode={mode!r} is invalid: use 'max' or 'min'.")
        self.filepath = Path(filepath)
        self.monitor = monitor
        self.mode = mode
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.verbose = verbose
        self.best = initial_value_threshold

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return True
        return value > self.best if self.mode == "max" else value < self.best

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_best_only:
            value = (logs or {}).get(self.monitor)
            if value is None or math.isnan(float(value)):
                return
            if not self._improved(float(value)):
                return
            self.best = float(value)
        save = self.model.save_weights if self.save_weights_only else self.model.save
        atomic_save(save, self.filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saved the model to {self.filepath}")


class AtomicBackupAndRestore(keras.callbacks.Callback):
    """The last finished epoch on disk, for a run that ``kill -9`` interrupted.

    At the end of each epoch it writes ``epoch-NNNN.weights.h5`` (model and
    optimizer state) atomically, then atomically replaces ``state.json`` which
    names that file and the number of finished epochs, then deletes older
    weights. When training begins it loads the weights of a backup it finds;
    pass ``initial_epoch=`` the backup's ``"epoch"`` (:meth:`read_state`) to
    ``fit`` so the run continues with the next epoch. When ``fit`` ends
    normally the folder is deleted.

    Args:
        backup_dir: Folder for the backup (used by nothing else).
        delete_checkpoint: Delete the folder when training ends normally.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training import AtomicBackupAndRestore
        >>> tmp = Path(tempfile.mkdtemp())
        >>> cb = AtomicBackupAndRestore(tmp / "backup")
        >>> cb.state_path.name
        'state.json'
    """

    def __init__(self, backup_dir: str | Path, delete_checkpoint: bool = True) -> None:
        super().__init__()
        self.backup_dir = Path(backup_dir)
        self.delete_checkpoint = delete_checkpoint
        self.state_path = self.backup_dir / "state.json"

    @staticmethod
    def read_state(backup_dir: str | os.PathLike) -> dict | None:
        """Returns the saved ``{"epoch": n, "weights": name}``, or ``None``.

        Example:
            >>> import tempfile
            >>> from pathlib import Path
            >>> from plate_unet.model import UNetConfig, build_unet
            >>> from plate_unet.training import AtomicBackupAndRestore
            >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
            >>> folder = Path(tempfile.mkdtemp())  # an empty folder
            >>> AtomicBackupAndRestore.read_state(folder) is None  # nothing saved
            True
            >>> model.save_weights(folder / "epoch-0002.weights.h5")
            >>> state = '{"epoch": 2, "weights": "epoch-0002.weights.h5"}'
            >>> _ = (folder / "state.json").write_text(state)
            >>> AtomicBackupAndRestore.read_state(folder)
            {'epoch': 2, 'weights': 'epoch-0002.weights.h5'}
        """
        path = Path(backup_dir) / "state.json"
        if not path.is_file():
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        if not (Path(backup_dir) / state["weights"]).is_file():
            return None
        return state

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.backup_dir.is_dir():
            remove_partial(self.backup_dir)
        state = self.read_state(self.backup_dir)
        if state is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(str(self.backup_dir / state["weights"]))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        done = epoch + 1
        name = f"epoch-{done:04d}.weights.h5"
        atomic_save(self.model.save_weights, self.backup_dir / name)
        atomic_write_text(self.state_path, json.dumps({"epoch": done, "weights": name}))
        for old in self.backup_dir.glob("epoch-*.weights.h5"):
            if old.name != name:
                old.unlink(missing_ok=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and self.backup_dir.exists():
            shutil.rmtree(self.backup_dir, ignore_errors=True)
