"""Files that are never half-written: write beside the target, then rename.

A power cut or ``kill -9`` in the middle of a write leaves a truncated file
(a ``.keras`` zip, a ``.tflite`` buffer, a CSV) that no longer loads. Models,
checkpoints, exports, the training state and log, and the labels CSV therefore go
through :func:`atomic_save`: it writes to
a temporary name in a hidden ``.partial-XXXX`` folder beside the target (same
disk) and renames the finished file or folder over the target with
:func:`os.replace`, which the operating system performs atomically. On disk
there is always either the old, complete file or the new, complete one.

A base module: anything in the package may import it; it imports nothing of
the package.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "PARTIAL_PREFIX",
    "atomic_save",
    "atomic_write_bytes",
    "atomic_write_text",
    "remove_partial",
]

#: Name prefix of the hidden folders that hold files while they are written.
PARTIAL_PREFIX = ".partial-"


def _discard(tmp: Path) -> None:
    if tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.unlink(missing_ok=True)
    try:
        tmp.parent.rmdir()
    except OSError:
        pass


def atomic_save(save: Callable[[str], object], path: str | os.PathLike) -> Path:
    """Calls ``save(tmp)`` and renames the file or folder it wrote over ``path``.

    ``tmp`` keeps ``path``'s name (Keras checks the extension) inside a new
    hidden folder ``.partial-XXXX`` beside ``path``, so a half-written file
    never carries the target's name where a user or a loader looks for one.

    Args:
        save: Writes a file (or a folder, e.g. a SavedModel) at the path given.
        path: The target; its folder is created.

    Returns:
        ``path`` as a ``Path``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet._files import atomic_save
        >>> tmp = Path(tempfile.mkdtemp())
        >>> path = atomic_save(lambda t: Path(t).write_text("42"), tmp / "n.txt")
        >>> path.name, path.read_text()
        ('n.txt', '42')
        >>> list(tmp.glob(".partial-*"))  # nothing left beside it
        []
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=path.parent)) / path.name
    try:
        save(str(tmp))
        os.replace(tmp, path)
    finally:
        _discard(tmp)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Writes ``data`` to ``path`` atomically, synced to disk before the rename.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet._files import atomic_write_bytes
        >>> tmp = Path(tempfile.mkdtemp())
        >>> atomic_write_bytes(tmp / "b.bin", b"\\x00\\x01").read_bytes()
        b'\\x00\\x01'
    """

    def save(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    return atomic_save(save, path)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Writes ``text`` (UTF-8, line ends as given) to ``path`` atomically.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet._files import atomic_write_text
        >>> tmp = Path(tempfile.mkdtemp())
        >>> path = atomic_write_text(tmp / "state.json", '{"epoch": 2}')
        >>> path.name, path.read_text()
        ('state.json', '{"epoch": 2}')
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def remove_partial(folder: str | os.PathLike) -> int:
    """Deletes ``.partial-*`` leftovers of saves a crash interrupted.

    Args:
        folder: A folder the atomic writers write into.

    Returns:
        How many leftovers were removed.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet._files import remove_partial
        >>> tmp = Path(tempfile.mkdtemp())
        >>> (tmp / "run" / ".partial-1a2b").mkdir(parents=True)  # a crash's leftover
        >>> remove_partial(tmp / "run"), remove_partial(tmp / "run")
        (1, 0)
    """
    found = list(Path(folder).glob(f"{PARTIAL_PREFIX}*"))
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return len(found)
