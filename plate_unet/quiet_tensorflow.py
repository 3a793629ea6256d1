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
import logging
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


class _DropRetracing(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def drop_retracing_warnings() -> None:
    """Silences TensorFlow's warning that a ``tf.function`` was traced again.

    Prediction traces its inference function once per input shape: the
    model's own size, the turned landscape size, the second scale's size, and
    each batch size of plate crops for the reader. A folder of photos meets a
    handful of these shapes, and TensorFlow then warns, at every run of
    ``plate-unet predict``, that "5 out of the last 9 calls ... triggered
    tf.function retracing": expected here, and no help to a user. Only that
    warning is dropped; every other record of the ``tensorflow`` logger passes.
    Calling it again adds nothing.

    Example:
        >>> import logging
        >>> from plate_unet.quiet_tensorflow import drop_retracing_warnings
        >>> tf_log = logging.getLogger("tensorflow")
        >>> drop_retracing_warnings(); n = len(tf_log.filters)
        >>> drop_retracing_warnings(); len(tf_log.filters) == n  # added once
        True
        >>> def record(msg):
        ...     return logging.LogRecord("tensorflow", 30, "", 0, msg, None, None)
        >>> bool(tf_log.filter(record("5 out of the last 9 calls to <f> "
        ...                           "triggered tf.function retracing.")))
        False
        >>> bool(tf_log.filter(record("something else")))
        True
    """
    tf_log = logging.getLogger("tensorflow")
    if not any(isinstance(f, _DropRetracing) for f in tf_log.filters):
        tf_log.addFilter(_DropRetracing())
