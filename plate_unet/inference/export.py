"""Export a trained U-Net: ``.keras``, SavedModel, TFLite float / int8, ONNX.

* ``keras`` (default): the Keras 3 archive; loads back with
  ``keras.saving.load_model(path, safe_mode=True)``.
* ``savedmodel``: a TensorFlow SavedModel folder (``model.export``) for TF Serving;
  its ``serve`` endpoint maps images ``(N, H, W, C)`` to probabilities.
* ``tflite``: a float32 TFLite flat buffer for phones and small boards.
* ``tflite-int8``: dynamic-range quantisation, weights stored as int8 (about 4×
  smaller), activations still float; no calibration images needed.
* ``onnx``: an ONNX graph for onnxruntime and other runtimes (needs the
  ``onnx`` extra: ``pip install -e '.[onnx]'``, which brings tf2onnx).

TFLite and ONNX both go through Keras's own ``model.export`` (formats
``"litert"`` and ``"onnx"``). TFLite wants a fixed input shape: the model's own
``(H, W)`` or ``input_size`` when the model accepts any size; ONNX keeps the
batch size (and an any-size model's height and width) free. :class:`TFLiteModel`
and :class:`OnnxModel` run such files with the same ``predict(x)`` call as a
Keras model, so a parity check is one line.

Every file is written with :func:`plate_unet._files.atomic_save` (a temporary
name beside ``out``, renamed when complete), so a crash never leaves a
half-written model.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from plate_unet._files import atomic_save, atomic_write_bytes
from plate_unet.errors import ModelFileError, UsageError
from plate_unet.quiet_tensorflow import stderr_without

if TYPE_CHECKING:
    import keras

log = logging.getLogger(__name__)

#: The export formats, and the file or folder each writes.
ExportFormat = Literal["keras", "savedmodel", "tflite", "tflite-int8", "onnx"]
FORMATS: dict[ExportFormat, str] = {
    "keras": "a .keras file",
    "savedmodel": "a SavedModel folder",
    "tflite": "a float32 .tflite file",
    "tflite-int8": "a .tflite file with int8 weights (dynamic range)",
    "onnx": "an .onnx file",
}


def _fixed_input_shape(model, input_size) -> tuple[int, int, int]:
    """(H, W, C) the TFLite graph is traced with."""
    _, height, width, channels = model.input_shape
    if input_size is not None and height is not None and width is not None:
        if tuple(int(v) for v in input_size) != (height, width):
            raise UsageError(
                f"model {model.name!r} takes {height}×{width} (H×W) images only; "
                "input_size (--size) is for a model that accepts any size: leave "
                "it out."
            )
    if input_size is not None:
        height, width = (int(v) for v in input_size)
    if height is None or width is None:
        raise UsageError(
            f"model {model.name!r} accepts any image size (input shape "
            f"{model.input_shape}): TFLite needs a fixed one, so pass "
            "input_size=(height, width) (on the command line: --size HxW)."
        )
    return int(height), int(width), int(channels)


def to_tflite(
    model: keras.Model,
    quantize: bool = False,
    input_size: tuple[int, int] | None = None,
    representative: Iterable[ArrayLike] | None = None,
) -> bytes:
    """Converts a Keras model to a TFLite flat buffer with a fixed input shape.

    Args:
        model: A Keras model mapping ``(N, H, W, C)`` to ``(N, H, W, 1)``.
        quantize: Store weights as int8 (dynamic-range quantisation).
        input_size: ``(height, width)`` to trace with; required when the model
            accepts any size, otherwise the model's own size.
        representative: Optional images ``(H, W, C)`` in [0, 1] for full int8
            quantisation (activations too); implies ``quantize``.

    Returns:
        The ``.tflite`` file's bytes (batch size 1).

    Raises:
        UsageError: If the model has no fixed size and ``input_size`` is None.

    Example:
        >>> from plate_unet.inference import to_tflite
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> data = to_tflite(model)
        >>> data[4:8]  # the TFLite file identifier
        b'TFL3'
    """
    import tensorflow as tf

    height, width, channels = _fixed_input_shape(model, input_size)
    spec = tf.TensorSpec((1, height, width, channels), tf.float32, name="image")
    options: dict[str, Any] = {
        "target_spec": {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]}
    }
    if quantize or representative is not None:
        options["optimizations"] = [tf.lite.Optimize.DEFAULT]
    if representative is not None:
        images = [np.asarray(x, np.float32)[None] for x in representative]
        options["representative_dataset"] = lambda: ([x] for x in images)
        ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        options["target_spec"] = {"supported_ops": ops}
    quiet = logging.getLogger("tensorflow")  # "Assets written to ..." at INFO
    level = quiet.level
    with tempfile.TemporaryDirectory(prefix="plate-unet-tflite-") as tmp:
        path = Path(tmp) / "model.tflite"
        quiet.setLevel(max(level, logging.WARNING))
        try:
            model.export(
                str(path),
                format="litert",
                input_signature=[spec],
                verbose=False,
                **options,
            )
        finally:
            quiet.setLevel(level)
        return path.read_bytes()


def to_onnx(model: keras.Model, out: str | Path) -> Path:
    """Writes ``model`` as ONNX with Keras's ``model.export(format="onnx")``.

    The batch size stays free (and the height and width of a model that
    accepts any size); the input is named ``image``.

    Args:
        model: A Keras model mapping ``(N, H, W, C)`` to ``(N, H, W, 1)``.
        out: The ``.onnx`` file to write (replaced atomically).

    Returns:
        The path written.

    Raises:
        ModelFileError: If tf2onnx is not installed.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import onnx
        >>> from plate_unet.inference.export import to_onnx
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> tmp = Path(tempfile.mkdtemp())
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> to_onnx(model, tmp / "plate.onnx").name
        'plate.onnx'
        >>> graph = onnx.load(tmp / "plate.onnx").graph
        >>> graph.input[0].name, len(graph.input[0].type.tensor_type.shape.dim)
        ('image', 4)
    """
    import keras

    try:
        import tf2onnx  # noqa: F401  (Keras's ONNX export runs on it)
    except ImportError:
        raise ModelFileError(
            "ONNX export needs tf2onnx: pip install -e '.[onnx]' (or "
            "pip install 'tf2onnx>=1.17' onnx onnxruntime)."
        ) from None
    out = Path(out)
    _, height, width, channels = model.input_shape
    spec = keras.InputSpec(
        shape=(None, height, width, channels), dtype="float32", name="image"
    )

    def save(tmp: str) -> None:
        model.export(tmp, format="onnx", input_signature=[spec], verbose=False)

    return atomic_save(save, out)


def export_model(
    model: keras.Model,
    out: str | Path,
    format: ExportFormat = "keras",
    input_size: tuple[int, int] | None = None,
) -> Path:
    """Writes ``model`` to ``out`` in one of :data:`FORMATS`.

    Args:
        model: A Keras model, or the path of a ``.keras`` file (loaded safely and
            checked with :func:`plate_unet.inference.model_file.load_model`).
        out: File (``.keras``, ``.tflite``) or folder (SavedModel) to write.
        format: ``"keras"``, ``"savedmodel"``, ``"tflite"``, ``"tflite-int8"``
            or ``"onnx"``.
        input_size: ``(height, width)`` for TFLite when the model accepts any size.

    Returns:
        The path written.

    Raises:
        UsageError: If ``format`` is unknown, a ``.keras`` output lacks the
            suffix, or a SavedModel folder already exists (a ``ValueError``).
        ModelFileError: If ``model`` is a path to a missing or unusable file.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference import export_model
        >>> from plate_unet.inference.export import TFLiteModel
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> tmp = Path(tempfile.mkdtemp())
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> saved = tmp / "model.keras"
        >>> model.save(saved)
        >>> out = export_model(saved, tmp / "export" / "m.tflite", "tflite")
        >>> out.name, TFLiteModel(out).input_shape
        ('m.tflite', (1, 64, 64, 1))
        >>> export_model(model, tmp / "m.keras").name  # format "keras"
        'm.keras'
        >>> export_model(model, tmp / "m.h5")
        Traceback (most recent call last):
        ...
        plate_unet.errors.UsageError: --out .../m.h5 must end in .keras for ...
    """
    if format not in FORMATS:
        raise UsageError(
            f"format={format!r} is unknown: use one of {', '.join(FORMATS)}."
        )
    if isinstance(model, (str, os.PathLike)):
        from plate_unet.inference.model_file import load_model

        model = load_model(model)
    out = Path(out)
    if format == "keras":
        if out.suffix != ".keras":
            raise UsageError(f"--out {out} must end in .keras for format 'keras'.")
        atomic_save(model.save, out)
    elif format == "savedmodel":
        if out.exists():
            raise UsageError(
                f"{out} already exists: remove it or choose another --out for the "
                "SavedModel folder."
            )

        def save(tmp: str) -> None:
            model.export(tmp, format="tf_saved_model", verbose=False)

        atomic_save(save, out)
    elif format == "onnx":
        if out.suffix != ".onnx":
            raise UsageError(f"--out {out} must end in .onnx for format 'onnx'.")
        to_onnx(model, out)
    else:
        data = to_tflite(model, quantize=format == "tflite-int8", input_size=input_size)
        atomic_write_bytes(out, data)
    log.info("exported %s to %s (%s)", model.name, out, FORMATS[format])
    return out


def _make_interpreter(path: str):
    try:  # The LiteRT package, where installed, replaces tf.lite.Interpreter.
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    with warnings.catch_warnings(), stderr_without("INFO: Created TensorFlow Lite"):
        warnings.simplefilter("ignore")  # and the delegate's info line is dropped
        interpreter = Interpreter(model_path=path)
        interpreter.allocate_tensors()  # where the XNNPACK delegate says hello
    return interpreter


class TFLiteModel:
    """Runs a ``.tflite`` segmentation model with a Keras-like ``predict``.

    Args:
        path: The ``.tflite`` file (from :func:`export_model`).

    Raises:
        ModelFileError: If the file is missing or not a TFLite model.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference import export_model
        >>> from plate_unet.inference.export import TFLiteModel
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> batch = np.zeros((2, 64, 64, 1), "float32")
        >>> path = export_model(model, Path(tempfile.mkdtemp()) / "m.tflite", "tflite")
        >>> lite = TFLiteModel(path)  # model, exported as float32 TFLite
        >>> lite.input_shape
        (1, 64, 64, 1)
        >>> out = lite.predict(batch)
        >>> out.shape, out.dtype
        ((2, 64, 64, 1), dtype('float32'))
        >>> float(np.abs(out - model.predict(batch, verbose=0)).max()) < 1e-4
        True
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelFileError(f"TFLite file {self.path} not found.")
        try:
            self._interpreter = _make_interpreter(str(self.path))
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(
                f"{self.path} is not a usable TFLite model ({exc}); expected a "
                "file written by `plate-unet export --format tflite`."
            ) from exc
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The fixed input shape ``(1, H, W, C)``."""
        return tuple(int(v) for v in self._input["shape"])

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Returns probabilities ``(N, H, W, 1)`` for images ``(N, H, W, C)``.

        Args:
            x: float32 images in [0, 1], ``(N, H, W, C)`` or one ``(H, W, C)``.

        Returns:
            float32 probabilities, one image at a time through the interpreter.

        Raises:
            ValueError: If an image's shape differs from the model's input.
        """
        x = np.asarray(x, np.float32)
        if x.ndim == 3:
            x = x[None]
        expected = self.input_shape[1:]
        if x.ndim != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(
                f"input shape {x.shape} does not fit {self.path.name}: use "
                f"(N, {', '.join(map(str, expected))})."
            )
        outputs = []
        for image in x:
            self._interpreter.set_tensor(self._input["index"], image[None])
            self._interpreter.invoke()
            outputs.append(self._interpreter.get_tensor(self._output["index"])[0])
        return np.stack(outputs).astype(np.float32)


class OnnxModel:
    """Runs an ``.onnx`` segmentation model with onnxruntime, Keras-style.

    Args:
        path: The ``.onnx`` file (from :func:`export_model`).

    Raises:
        ModelFileError: If onnxruntime is missing, or the file is missing or
            not an ONNX model.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.inference import export_model
        >>> from plate_unet.inference.export import OnnxModel
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> tmp = Path(tempfile.mkdtemp())
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> batch = np.zeros((2, 64, 64, 1), "float32")
        >>> path = export_model(model, tmp / "model.onnx", "onnx")
        >>> runner = OnnxModel(path)
        >>> out = runner.predict(batch)
        >>> out.shape, out.dtype
        ((2, 64, 64, 1), dtype('float32'))
        >>> float(np.abs(out - model.predict(batch, verbose=0)).max()) < 1e-4
        True
    """

    # Deliberate parallel: TFLiteModel above opens its file the same way.
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelFileError(f"ONNX file {self.path} not found.")
        try:
            import onnxruntime
        except ImportError:
            raise ModelFileError(
                "running an ONNX model needs onnxruntime: pip install -e '.[onnx]'."
            ) from None
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.path), providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own error types
            raise ModelFileError(
                f"{self.path} is not a usable ONNX model ({exc}); expected a file "
                "written by `plate-unet export --format onnx`."
            ) from exc
        self._input = self._session.get_inputs()[0].name

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Probabilities ``(N, H, W, 1)`` for float32 images ``(N, H, W, C)``."""
        x = np.asarray(x, np.float32)
        if x.ndim == 3:
            x = x[None]
        return np.asarray(self._session.run(None, {self._input: x})[0], np.float32)
