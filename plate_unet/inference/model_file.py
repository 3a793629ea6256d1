"""Model files: where the pretrained checkpoint is, and loading one safely.

:func:`check_model_file` checks a path without loading Keras (the command line
calls it before TensorFlow loads); :func:`load_model` loads a ``.keras`` file
with ``safe_mode=True`` and checks that it is a segmentation model (one input
``(N, H, W, 1 or 3)``, one output ``(N, H, W, 1)``); every problem is a
:class:`~plate_unet.errors.ModelFileError` naming the file.
:func:`default_model_path` is the committed checkpoint. It imports no other
prediction module.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from plate_unet.errors import ModelFileError

if TYPE_CHECKING:
    import keras

_MODEL_SUFFIXES = (".keras", ".h5")


def default_model_path() -> Path:
    """Returns the committed checkpoint, ``inference/pretrained/teaching.keras``.

    Example:
        >>> from plate_unet.inference import default_model_path
        >>> default_model_path().name
        'teaching.keras'
    """
    return Path(__file__).resolve().parent / "pretrained" / "teaching.keras"


def _check_architecture(model, path: Path) -> None:
    expected = (
        "expected a plate-unet segmentation model: one input (N, H, W, 1 or 3) "
        "and one output (N, H, W, 1)"
    )
    inputs = getattr(model, "inputs", None) or []
    outputs = getattr(model, "outputs", None) or []
    if len(inputs) != 1 or len(outputs) != 1:
        raise ModelFileError(
            f"{path} has {len(inputs)} input(s) and {len(outputs)} output(s): "
            f"{expected}."
        )
    in_shape = tuple(inputs[0].shape)
    out_shape = tuple(outputs[0].shape)
    ok = (
        len(in_shape) == 4
        and in_shape[-1] in (1, 3)
        and len(out_shape) == 4
        and out_shape[-1] == 1
        and all(
            a is None or b is None or a == b
            for a, b in zip(in_shape[1:3], out_shape[1:3], strict=True)
        )
    )
    if not ok:
        raise ModelFileError(
            f"{path} maps input shape {in_shape} to output shape {out_shape}: "
            f"{expected}."
        )


def check_model_file(path: str | os.PathLike[str] | None = None) -> Path:
    """Checks, without loading Keras, that ``path`` can be a model file.

    Args:
        path: The model file; ``None`` uses :func:`default_model_path`.

    Returns:
        The path, as a :class:`~pathlib.Path`.

    Raises:
        ModelFileError: Naming the file when it is missing, has another suffix
            than ``.keras`` or ``.h5``, or is a ``.keras`` file that is not a
            zip archive.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference.model_file import check_model_file
        >>> check_model_file().name
        'teaching.keras'
        >>> tmp = Path(tempfile.mkdtemp())
        >>> (tmp / "notes.keras").write_text("not a model")
        11
        >>> check_model_file(tmp / "notes.keras")
        Traceback (most recent call last):
        ...
        plate_unet.errors.ModelFileError: .../notes.keras is not a Keras ...
    """
    if path is None:
        path = default_model_path()
        if not path.is_file():
            raise ModelFileError(
                f"no pretrained model at {path}: make it with `make pretrained`, "
                "or pass --model PATH to a .keras file from `plate-unet train`."
            )
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            f"model file {path} not found: expected a .keras file saved by "
            "`plate-unet train` (e.g. runs/<name>/best.keras)."
        )
    if path.suffix.lower() not in _MODEL_SUFFIXES:
        raise ModelFileError(
            f"{path} is not a Keras model file: expected a .keras file "
            "(a SavedModel or .tflite export cannot be loaded back for prediction)."
        )
    if path.suffix.lower() == ".keras" and not zipfile.is_zipfile(path):
        raise ModelFileError(
            f"{path} is not a Keras .keras archive (a zip file): expected a model "
            "saved by `plate-unet train` or model.save(); the file may be cut short "
            "or be another kind of file renamed."
        )
    return path


def load_model(path: str | os.PathLike[str] | None = None) -> keras.Model:
    """Loads a ``.keras`` U-Net safely and checks that it segments images.

    Args:
        path: The model file; ``None`` uses :func:`default_model_path`.

    Returns:
        The Keras model (not compiled: prediction needs no loss).

    Raises:
        ModelFileError: Naming the file when it is missing, not a zip archive
            (``.keras``), an archive Keras cannot load, or of another
            architecture (output not ``(N, H, W, 1)`` or input channels not 1
            or 3).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference import load_model
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> tmp = Path(tempfile.mkdtemp())
        >>> model_file = tmp / "small.keras"
        >>> build_unet(UNetConfig(64, 64, base_filters=2, depth=3)).save(model_file)
        >>> load_model(model_file).input_shape  # a file saved by model.save
        (None, 64, 64, 1)
        >>> load_model().input_shape  # the pretrained teaching checkpoint
        (None, 256, 160, 1)
        >>> load_model(tmp / "missing.keras")
        Traceback (most recent call last):
        ...
        plate_unet.errors.ModelFileError: model file .../missing.keras not found: ...
    """
    from plate_unet.quiet_tensorflow import import_tensorflow

    import_tensorflow()  # no CUDA probe lines on a machine without a GPU
    import keras

    path = check_model_file(path)
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        kind = "a zip archive" if path.suffix.lower() == ".keras" else "a file"
        raise ModelFileError(
            f"{path} is {kind} that Keras cannot load as a plate-unet model "
            f"({type(exc).__name__}: {reason[:200]}): expected a Keras 3 .keras "
            "file saved by `plate-unet train` or model.save()."
        ) from exc
    _check_architecture(model, path)
    return model
