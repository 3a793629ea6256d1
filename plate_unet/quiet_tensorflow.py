"""Import TensorFlow without its CUDA probe's noise on a machine with no GPU.

On a machine without NVIDIA drivers, TensorFlow's pip build writes lines such
as ``Could not find cuda drivers on your machine`` and ``failed call to
cuInit`` straight to the process's stderr (file descriptor 2, so
``TF_CPP_MIN_LOG_LEVEL`` hides only some of them, and notebooks store them).
:func:`import_tensorflow` imports TensorFlow and lists its devices once with
that descriptor pointed at ``/dev/null``, only when the machine has no NVIDIA
device; on a GPU machine every line is left as it is. The CLI and the
notebooks' set-up cells call it before anything imports Keras.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType


def has_nvidia_device() -> bool:
    """True when the machine shows an NVIDIA device node (a GPU may be usable).

    Example:
        >>> import os
        >>> from plate_unet.quiet_tensorflow import has_nvidia_device
        >>> nodes = ("/dev/nvidiactl", "/dev/dxg")  # Linux, WSL
        >>> has_nvidia_device() == any(map(os.path.exists, nodes))
        True
    """
    return Path("/dev/nvidiactl").exists() or Path("/dev/dxg").exists()


@contextlib.contextmanager
def _stderr_to_devnull():
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


@contextlib.contextmanager
def stderr_without(*prefixes: str) -> Iterator[None]:
    """Runs the block with file descriptor 2 captured, then writes back every
    line that does not start with one of ``prefixes`` (native libraries' info
    lines, which ``TF_CPP_MIN_LOG_LEVEL`` does not reach); errors still show.

    Example:
        >>> import os
        >>> from plate_unet.quiet_tensorflow import stderr_without
        >>> with stderr_without("INFO: "):  # nothing reaches the terminal
        ...     _ = os.write(2, b"INFO: a delegate was created\\n")
    """
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = [line for line in lines if not line.startswith(prefixes)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def import_tensorflow() -> ModuleType:
    """Imports TensorFlow (once) and returns it, quietly on a CPU-only machine.

    Sets ``TF_CPP_MIN_LOG_LEVEL=2`` unless it is set already (TensorFlow's
    info and warning lines off, errors on).

    Returns:
        The ``tensorflow`` module.

    Example:
        >>> from plate_unet.quiet_tensorflow import import_tensorflow
        >>> tf = import_tensorflow()
        >>> tf.__name__
        'tensorflow'
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if has_nvidia_device():
        import tensorflow as tf

        return tf
    with _stderr_to_devnull():
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")  # the CUDA probe runs here, once
    return tf
