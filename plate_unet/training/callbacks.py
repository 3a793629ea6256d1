"""Crash-safe training callbacks: checkpoints that are never half-written.

Keras' ``ModelCheckpoint`` and ``BackupAndRestore`` write straight into their
target file. A power cut or ``kill -9`` in the middle of that write leaves a
truncated ``.keras`` zip or ``.h5`` file that no longer loads, and the run cannot
resume. The callbacks here write every file to a temporary name in the same
folder and then rename it over the old one with :func:`os.replace`, which the
operating system performs atomically: on disk there is always either the old,
complete file or the new, complete file.

* :class:`AtomicModelCheckpoint` - ``ModelCheckpoint`` with atomic saves.
* :class:`AtomicBackupAndRestore` - ``BackupAndRestore`` whose weights file
  carries its epoch number and whose small JSON record (written last) names the
  weights file to resume from, so weights and epoch counter always agree.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import keras

__all__ = [
    "AtomicBackupAndRestore",
    "AtomicModelCheckpoint",
    "atomic_write_text",
    "remove_partial",
]


PARTIAL_PREFIX = ".partial-"


def _temp_path(target: Path) -> Path:
    """A fresh path beside ``target`` (same disk) whose folder says "partial".

    The file keeps ``target``'s name (Keras checks the extension) inside a new
    hidden folder ``.partial-XXXX``, so a half-written file never carries a
    checkpoint's name where a user or a loader looks for one.
    """
    folder = tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=target.parent)
    return Path(folder) / target.name


def _discard(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    try:
        tmp.parent.rmdir()
    except OSError:
        pass


def remove_partial(folder: str | os.PathLike) -> int:
    """Deletes ``.partial-*`` leftovers of saves a crash interrupted.

    Args:
        folder: A folder the callbacks here write into.

    Returns:
        How many leftovers were removed.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training.callbacks import remove_partial
        >>> tmp = Path(tempfile.mkdtemp())
        >>> (tmp / "run" / ".partial-1a2b").mkdir(parents=True)  # a crash's leftover
        >>> remove_partial(tmp / "run"), remove_partial(tmp / "run")
        (1, 0)
    """
    found = list(Path(folder).glob(f"{PARTIAL_PREFIX}*"))
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return len(found)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Writes ``text`` to ``path`` atomically (temporary file, then rename).

    Args:
        path: Destination file; its folder must exist.
        text: The content.

    Returns:
        ``path`` as a ``Path``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.training.callbacks import atomic_write_text
        >>> tmp = Path(tempfile.mkdtemp())
        >>> path = atomic_write_text(tmp / "state.json", '{"epoch": 2}')
        >>> path.name, path.read_text()
        ('state.json', '{"epoch": 2}')
        >>> list(tmp.glob(".partial-*"))  # nothing left beside it
        []
    """
    path = Path(path)
    tmp = _temp_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        _discard(tmp)
    return path


def _atomic_save(save, path: Path) -> None:
    """Calls ``save(tmp)`` then renames ``tmp`` over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    try:
        save(str(tmp))
        os.replace(tmp, path)
    finally:
        _discard(tmp)


class AtomicModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """``keras.callbacks.ModelCheckpoint`` whose files are never half-written.

    Takes the same arguments as Keras' callback. The model is saved to a hidden
    temporary file beside the target and renamed over it only once complete.

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

    def _save_model(self, epoch, batch, logs):
        filepath = Path(self._get_file_path(epoch, batch, logs))
        if not self._should_save_model(epoch, batch, logs, str(filepath)):
            return
        if self.save_weights_only:
            _atomic_save(self.model.save_weights, filepath)
        else:
            _atomic_save(self.model.save, filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saved the model to {filepath}")


class AtomicBackupAndRestore(keras.callbacks.BackupAndRestore):
    """``keras.callbacks.BackupAndRestore`` that survives ``kill -9`` mid-write.

    At the end of each epoch it writes ``epoch-NNNN.weights.h5`` (model and
    optimizer state) atomically, then atomically replaces ``state.json`` which
    names that file and the number of finished epochs, then deletes older
    weights. A new ``fit`` with the same callback restores both and continues
    with the next epoch. When ``fit`` ends normally the folder is deleted.

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

    def __init__(self, backup_dir, delete_checkpoint: bool = True):
        super().__init__(
            backup_dir, save_freq="epoch", delete_checkpoint=delete_checkpoint
        )
        self.state_path = Path(backup_dir) / "state.json"

    @staticmethod
    def read_state(backup_dir: str | os.PathLike) -> dict | None:
        """Returns the saved ``{"epoch": n, "weights": name}``, or ``None``.

        Example:
            >>> import tempfile
            >>> from pathlib import Path
            >>> from plate_unet.model import UNetConfig, build_unet
            >>> from plate_unet.training import AtomicBackupAndRestore
            >>> from plate_unet.training.callbacks import atomic_write_text
            >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
            >>> folder = Path(tempfile.mkdtemp())  # an empty folder
            >>> AtomicBackupAndRestore.read_state(folder) is None  # nothing saved
            True
            >>> model.save_weights(folder / "epoch-0002.weights.h5")
            >>> state = '{"epoch": 2, "weights": "epoch-0002.weights.h5"}'
            >>> _ = atomic_write_text(folder / "state.json", state)
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

    def _load_model(self):
        if os.path.isdir(self.backup_dir):
            remove_partial(self.backup_dir)
        state = self.read_state(self.backup_dir)
        if state is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(str(Path(self.backup_dir) / state["weights"]))
        self.model._initial_epoch = int(state["epoch"])

    def _save_model(self):
        folder = Path(self.backup_dir)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{self._current_epoch:04d}.weights.h5"
        _atomic_save(self.model.save_weights, folder / name)
        state = {"epoch": self._current_epoch, "weights": name}
        atomic_write_text(self.state_path, json.dumps(state))
        for old in folder.glob("epoch-*.weights.h5"):
            if old.name != name:
                old.unlink(missing_ok=True)
