"""Find plates in new images: load a model safely, letterbox, predict, write results.

For every image of a folder, :func:`predict_folder` writes to ``OUT/``

* ``<stem>.json``: ``{"image": "...", "width": W, "height": H, "plates":
  [{"quad": [[x, y] ×4], "box": [x0, y0, x1, y1], "score": s}]}`` in the
  ORIGINAL image's pixels (the stable interface for scripts);
* ``<stem>_mask.png``: the predicted mask, 0/255 at the original size (as the
  seed's ROI images);
* ``<stem>_overlay.png``: the image with the mask tinted and the plates outlined;
* ``<stem>_plate<k>.png``: each plate warped flat (240×80), ``k`` from 1.

An image of any size is letterboxed to the model's fixed input size, or, for a
model that accepts any size, padded up to the next multiple of ``2**(depth-1)``.
Models load with ``safe_mode=True`` and are checked to be segmentation models;
an image that cannot be read is skipped with a logged warning.
"""

from __future__ import annotations

import json
import logging
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from plate_unet.data.masks import Letterbox
from plate_unet.errors import ModelFileError, PlateUnetError
from plate_unet.geometry import Plate, find_plates, rectify

__all__ = [
    "IMAGE_SUFFIXES",
    "PredictSummary",
    "default_model_path",
    "list_images",
    "load_model",
    "model_input_size",
    "predict_folder",
    "predict_image",
    "predict_probability",
    "prepare_input",
    "read_image",
]

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
_MODEL_SUFFIXES = (".keras", ".h5")


def default_model_path() -> Path:
    """Returns the pretrained checkpoint ``plate_unet/pretrained/teaching.keras``.

    Example:
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


def load_model(path=None):
    """Loads a ``.keras`` U-Net safely and checks that it segments images.

    Args:
        path: The model file; ``None`` uses :func:`default_model_path`.

    Returns:
        The Keras model (not compiled: prediction needs no loss).

    Raises:
        ModelFileError: Naming the file when it is missing, corrupt, not a
            Keras archive, or of another architecture (output not
            ``(N, H, W, 1)`` or input channels not 1 or 3).

    Example:
        >>> model = load_model("runs/teaching/best.keras")  # doctest: +SKIP
        >>> model.input_shape  # doctest: +SKIP
        (None, 256, 160, 1)
    """
    import keras

    import plate_unet.losses  # noqa: F401  (registers the custom objects)
    import plate_unet.metrics  # noqa: F401

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
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ModelFileError(
            f"cannot load model file {path} ({type(exc).__name__}: {reason[:200]}): "
            "expected a Keras 3 .keras archive saved by plate-unet."
        ) from exc
    _check_architecture(model, path)
    return model


def _model_depth(model) -> int:
    """Encoder levels of a plate-unet model, from its ``enc{l}_conv1`` layers."""
    levels = [
        int(m.group(1))
        for layer in model.layers
        if (m := re.fullmatch(r"enc(\d+)_conv1", layer.name))
    ]
    return max(levels) if levels else 6


def model_input_size(model, height: int, width: int) -> tuple[int, int]:
    """Returns the ``(H, W)`` an image of ``height × width`` is letterboxed to.

    Args:
        model: A plate-unet model.
        height: Image height.
        width: Image width.

    Returns:
        The model's fixed input size, or, when it accepts any size, the image
        size rounded up to a multiple of ``2**(depth-1)``.

    Example:
        >>> model = build_unet(UNetConfig(None, None, depth=3))  # doctest: +SKIP
        >>> model_input_size(model, 50, 70)  # doctest: +SKIP
        (52, 72)
    """
    _, h, w, _ = model.input_shape
    if h is not None and w is not None:
        return int(h), int(w)
    multiple = 2 ** (_model_depth(model) - 1)
    h = h or -(-int(height) // multiple) * multiple
    w = w or -(-int(width) // multiple) * multiple
    return int(h), int(w)


def read_image(path) -> np.ndarray:
    """Reads an image file as uint8 RGB ``(H, W, 3)``, ignoring EXIF rotation.

    Args:
        path: Image file.

    Returns:
        The image, RGB channel order.

    Raises:
        PlateUnetError: If the file is missing or not a readable image.

    Example:
        >>> read_image("data/sample/images/00000.jpg").shape  # doctest: +SKIP
        (580, 360, 3)
    """
    path = Path(path)
    data = np.fromfile(path, np.uint8) if path.is_file() else None
    image = None
    if data is not None and data.size:
        # Keep the stored pixel grid (as TF's decoder and the annotations do):
        # cv2 would otherwise turn the image by its EXIF orientation tag.
        flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
        image = cv2.imdecode(data, flags)
    if image is None:
        reason = "file not found" if data is None else "not a readable image"
        raise PlateUnetError(f"{path.name}: {reason}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _with_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """RGB or grey image → ``(H, W, channels)``, same dtype (grey as JPEG's luma)."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if channels == 1 and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    elif channels == 3 and image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    return image if image.ndim == 3 else image[..., None]


def prepare_input(model, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
    """Turns one image into the model's input, as the training pipeline does.

    The uint8 image is converted to the model's channels, letterboxed with
    :class:`~plate_unet.data.masks.Letterbox` and scaled to [0, 1].

    Args:
        model: A plate-unet model (its input shape decides size and channels).
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).

    Returns:
        ``(x, letterbox)``: float32 ``(h, w, C)`` input and the letterbox used.

    Example:
        >>> x, lb = prepare_input(model, read_image("car.jpg"))  # doctest: +SKIP
    """
    height, width = image.shape[:2]
    dst_h, dst_w = model_input_size(model, height, width)
    letterbox = Letterbox(height, width, dst_h, dst_w)
    x = letterbox.apply(_with_channels(image, int(model.input_shape[-1])))
    x = x.astype(np.float32) / (255.0 if np.issubdtype(x.dtype, np.integer) else 1.0)
    return x, letterbox


def predict_probability(model, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
    """Runs the model on one image of any size.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image (or float in [0, 1]).

    Returns:
        ``(prob, letterbox)``: the float32 probability map ``(h, w)`` at the
        model's input size and the :class:`Letterbox` that maps it back.

    Example:
        >>> image = read_image("car.jpg")  # doctest: +SKIP
        >>> prob, lb = predict_probability(model, image)  # doctest: +SKIP
    """
    x, letterbox = prepare_input(model, image)
    prob = forward(model)(x[None])
    return np.asarray(prob, dtype=np.float32)[0, ..., 0], letterbox


_FORWARD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def forward(model):
    """Returns ``model``'s inference pass as a traced ``tf.function`` (cached).

    A traced graph runs 3-6× faster on a CPU than calling the model eagerly one
    image at a time (``benchmarks/bench_inference.py``); XLA is left off because
    it was slower there.

    Args:
        model: A Keras model.

    Returns:
        A callable mapping a float32 batch to probabilities.

    Example:
        >>> probs = forward(model)(batch)  # doctest: +SKIP
    """
    fn = _FORWARD.get(model)
    if fn is None:
        import tensorflow as tf

        fn = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
        _FORWARD[model] = fn
    return fn


def predict_image(
    model, image: np.ndarray, threshold: float = 0.5, min_area: float | None = None
) -> tuple[list[Plate], np.ndarray]:
    """Finds the plates in one image.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image.
        threshold: Probability above which a pixel is plate.
        min_area: Smallest plate in model pixels (see :func:`find_plates`).

    Returns:
        ``(plates, mask)``: plates in the image's own pixels, and the uint8
        ``(H, W)`` mask of {0, 1} at the image's size.

    Example:
        >>> plates, mask = predict_image(model, read_image("car.jpg"))  # doctest: +SKIP
        >>> [p.to_dict() for p in plates]  # doctest: +SKIP
    """
    prob, letterbox = predict_probability(model, image)
    plates = find_plates(prob, threshold, letterbox=letterbox, min_area=min_area)
    mask = (letterbox.invert_mask(prob) > threshold).astype(np.uint8)
    return plates, mask


def list_images(folder) -> list[Path]:
    """Returns the image files of a folder (or the one file given), sorted.

    Args:
        folder: A folder of images, or one image file.

    Returns:
        Paths with a suffix in :data:`IMAGE_SUFFIXES`.

    Raises:
        PlateUnetError: If the folder is missing or holds no image.

    Example:
        >>> list_images("data/sample/images")[:1]  # doctest: +SKIP
        [PosixPath('data/sample/images/00000.jpg')]
    """
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise PlateUnetError(f"image folder {folder} not found.")
    images = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )
    if not images:
        raise PlateUnetError(
            f"no images in {folder}: expected files ending in "
            f"{', '.join(IMAGE_SUFFIXES)}."
        )
    return images


def draw_overlay(
    image: np.ndarray, mask: np.ndarray, plates: list[Plate]
) -> np.ndarray:
    """Returns ``image`` (RGB) with the mask tinted green and plates outlined red.

    Args:
        image: uint8 RGB ``(H, W, 3)``.
        mask: ``(H, W)`` {0, 1} mask.
        plates: Plates in the image's pixels.

    Returns:
        A new uint8 RGB image.

    Example:
        >>> overlay = draw_overlay(image, mask, plates)  # doctest: +SKIP
    """
    out = image.copy()
    tint = np.zeros_like(out)
    tint[..., 1] = 255
    on = mask.astype(bool)
    out[on] = (0.6 * out[on] + 0.4 * tint[on]).astype(np.uint8)
    thick = max(1, round(max(image.shape[:2]) / 400))
    for k, plate in enumerate(plates, start=1):
        pts = np.round(plate.quad * 16).astype(np.int32)
        cv2.polylines(out, [pts], True, (255, 0, 0), thick, cv2.LINE_AA, shift=4)
        x, y = int(plate.box[0]), max(12, int(plate.box[1]) - 4)
        cv2.putText(
            out, f"{k}: {plate.score:.2f}", (x, y), cv2.FONT_HERSHEY_SIMPLEX,
            0.4 * thick, (255, 0, 0), thick, cv2.LINE_AA,
        )  # fmt: skip
    return out


def _write_png(path: Path, image: np.ndarray) -> None:
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise PlateUnetError(f"cannot encode {path.name} as PNG")
    path.write_bytes(buf.tobytes())


def _dumps(record: dict) -> str:
    """JSON text with one line per key and one line per plate (easy to diff)."""
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in record.items()]
    plates = record["plates"]
    if plates:
        rows = ",\n".join(f"    {json.dumps(p)}" for p in plates)
        lines[-1] = f'  "plates": [\n{rows}\n  ]'
    return "{\n" + ",\n".join(lines) + "\n}\n"


@dataclass
class PredictSummary:
    """What :func:`predict_folder` did.

    Attributes:
        out_dir: The output folder.
        written: The JSON file of each processed image.
        skipped: ``(image name, reason)`` of each image that could not be read.
        n_plates: Plates found over all images.
    """

    out_dir: Path
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    n_plates: int = 0


def predict_folder(
    model,
    images,
    out_dir,
    threshold: float = 0.5,
    min_area: float | None = None,
    crop_size: tuple[int, int] = (240, 80),
) -> PredictSummary:
    """Predicts every image of a folder and writes JSON, mask, overlay and crops.

    Args:
        model: A Keras model, or a model path (``None``: the pretrained one).
        images: Folder of images (or one image file).
        out_dir: Output folder (created).
        threshold: Probability above which a pixel is plate.
        min_area: Smallest plate in model pixels (see :func:`find_plates`).
        crop_size: ``(width, height)`` of each rectified plate crop.

    Returns:
        A :class:`PredictSummary`; unreadable images are listed in ``skipped``
        and reported with one logged warning.

    Raises:
        PlateUnetError: If the folder holds no image, or no image could be read.
        ModelFileError: If ``model`` is a path that cannot be loaded.

    Example:
        >>> summary = predict_folder("best.keras", "photos/", "out/")  # doctest: +SKIP
        >>> summary.written[0].name  # doctest: +SKIP
        'car1.json'
    """
    if model is None or isinstance(model, (str, Path)):
        model = load_model(model)
    paths = list_images(images)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = PredictSummary(out_dir=out_dir)
    for path in paths:
        try:
            image = read_image(path)
        except PlateUnetError as exc:
            summary.skipped.append((path.name, str(exc).split(": ", 1)[-1]))
            continue
        plates, mask = predict_image(model, image, threshold, min_area)
        stem = path.stem
        record = {
            "image": path.name,
            "width": int(image.shape[1]),
            "height": int(image.shape[0]),
            "plates": [p.to_dict() for p in plates],
        }
        json_path = out_dir / f"{stem}.json"
        json_path.write_text(_dumps(record))
        _write_png(out_dir / f"{stem}_mask.png", mask * np.uint8(255))
        _write_png(out_dir / f"{stem}_overlay.png", draw_overlay(image, mask, plates))
        for k, plate in enumerate(plates, start=1):
            _write_png(
                out_dir / f"{stem}_plate{k}.png", rectify(image, plate.quad, crop_size)
            )
        summary.written.append(json_path)
        summary.n_plates += len(plates)
        log.debug("%s: %d plate(s)", path.name, len(plates))
    if summary.skipped:
        detail = "; ".join(f"{name}: {why}" for name, why in summary.skipped)
        log.warning(
            "skipped %d of %d images: %s", len(summary.skipped), len(paths), detail
        )
    if not summary.written:
        raise PlateUnetError(
            f"none of the {len(paths)} images in {images} is readable."
        )
    return summary
