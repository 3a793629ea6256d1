"""The one path from an image file to the model's input.

Training (:func:`plate_unet.data.make_dataset`), prediction, evaluation and the
widgets all go through these functions, so a model is served on exactly the
pixels it was trained on:

1. :func:`read_image` - decode the file with OpenCV to uint8 RGB
   (:func:`decode_image` for bytes already in memory, such as an upload);
2. :func:`to_channels` - RGB to the model's channels (grey as a JPEG's luma);
3. :class:`~plate_unet.data.letterbox.Letterbox` - aspect-preserving resize and
   centred zero padding to the model size;
4. :func:`to_unit_range` - uint8 → float32 in [0, 1].

:func:`preprocess` runs steps 2-4 on an image in memory; the tf.data pipeline
runs steps 1-3 (:func:`fit_to_model`) and scales whole batches the same way.
Nothing here imports TensorFlow.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from plate_unet.data.letterbox import Letterbox
from plate_unet.errors import DataPathError, ImageReadError, PlateUnetError

#: Every suffix that training, prediction and evaluation accept.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")

# Keep the stored pixel grid, as the annotations do: OpenCV would otherwise
# turn the image by its EXIF orientation tag.
_FLAGS = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION


def check_channels(channels: int) -> None:
    """Raises ``ValueError`` unless ``channels`` is 1 (grey) or 3 (RGB).

    Example:
        >>> from plate_unet.data import check_channels
        >>> check_channels(3)
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (RGB), got {channels!r}")


def is_image_file(path: str | Path) -> bool:
    """True if ``path`` is a file with one of :data:`IMAGE_SUFFIXES`.

    Example:
        >>> from plate_unet.data.images import is_image_file
        >>> is_image_file("data/sample/images/00000.jpg")
        True
    """
    path = Path(path)
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES


def list_images(folder: str | Path) -> list[Path]:
    """Returns the image files of a folder (or the one file given), sorted.

    Args:
        folder: A folder of images, or one image file.

    Returns:
        Paths with a suffix in :data:`IMAGE_SUFFIXES`.

    Raises:
        PlateUnetError: If the folder is missing or holds no image.

    Example:
        >>> from plate_unet.data import list_images
        >>> len(list_images("data/sample/images"))
        32
    """
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise DataPathError(f"image folder {folder} not found.")
    images = sorted(p for p in folder.iterdir() if is_image_file(p))
    if not images:
        raise PlateUnetError(
            f"no images in {folder}: expected files ending in "
            f"{', '.join(IMAGE_SUFFIXES)}."
        )
    return images


def decode_image(data: bytes | np.ndarray, name: str = "image") -> np.ndarray:
    """Decodes an encoded image (the bytes of a file) to uint8 RGB ``(H, W, 3)``.

    JPEG, PNG, BMP, TIFF and WebP are read; alpha is dropped, grey images get
    three equal channels, 16-bit images are scaled to 8 bits, and the EXIF
    orientation tag is ignored (the annotations use the stored pixel grid).

    Args:
        data: The encoded bytes (``bytes``, ``memoryview`` or a uint8 array).
        name: What to call the image in an error message (a file name).

    Returns:
        uint8 array ``(H, W, 3)``, RGB order.

    Raises:
        ImageReadError: If the bytes are not a readable image.

    Example:
        >>> import cv2
        >>> from plate_unet.data import decode_image
        >>> ok, png = cv2.imencode(".png", np.zeros((2, 3), np.uint8))
        >>> decode_image(png.tobytes()).shape
        (2, 3, 3)
    """
    buffer = np.frombuffer(data, np.uint8).reshape(-1)  # bytes, memoryview, array
    image = cv2.imdecode(buffer, _FLAGS) if buffer.size else None
    if image is None:
        raise ImageReadError(name, "not a readable image")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_image(path: str | Path) -> np.ndarray:
    """Reads an image file as uint8 RGB ``(H, W, 3)`` (see :func:`decode_image`).

    Args:
        path: Image file.

    Returns:
        uint8 array ``(H, W, 3)``, RGB order.

    Raises:
        ImageReadError: If the file is missing or not a readable image.

    Example:
        >>> from plate_unet.data import read_image
        >>> read_image("data/sample/images/00000.jpg").shape
        (580, 360, 3)
    """
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(str(path), "file not found")
    return decode_image(np.fromfile(path, np.uint8), str(path))


def to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """An RGB or grey image in memory → ``(H, W, channels)``, same dtype.

    Grey is the luma of ITU-R BT.601, as a JPEG stores it.

    Args:
        image: ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` RGB or ``(H, W, 4)`` RGBA.
        channels: 1 (grey) or 3 (RGB).

    Returns:
        ``(H, W, channels)`` array.

    Example:
        >>> from plate_unet.data import to_channels
        >>> to_channels(np.zeros((4, 6, 3), np.uint8), 1).shape
        (4, 6, 1)
    """
    check_channels(channels)
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 4:
        image = image[..., :3]
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] != 3):
        raise ValueError(
            f"expected an (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) image, "
            f"got shape {image.shape}"
        )
    if channels == 1 and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    elif channels == 3 and image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    return image if image.ndim == 3 else image[..., None]


def to_unit_range(image: np.ndarray) -> np.ndarray:
    """uint8 → float32 in [0, 1], bit for bit as the tf.data pipeline scales.

    A float image is returned as float32 unchanged (taken to be in [0, 1]).

    Raises:
        ValueError: For an integer image that is not uint8 (e.g. 16-bit).

    Example:
        >>> from plate_unet.data import to_unit_range
        >>> to_unit_range(np.array([0, 255], np.uint8)).tolist()
        [0.0, 1.0]
    """
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image.astype(np.float32) * np.float32(1 / 255)
    if not np.issubdtype(image.dtype, np.floating):
        raise ValueError(
            f"expected a uint8 image (or float in [0, 1]), got dtype {image.dtype}: "
            "read files with read_image, which converts 16-bit images to 8 bits"
        )
    return image.astype(np.float32)


def fit_to_model(
    image: np.ndarray, height: int, width: int, channels: int
) -> tuple[np.ndarray, Letterbox]:
    """An image → the model's channels, letterboxed to ``height × width``.

    Steps 2 and 3 of the path, without the scaling: the tf.data pipeline keeps
    images uint8 through its cache and scales whole batches.

    Args:
        image: RGB ``(H, W, 3)`` or grey ``(H, W)``/``(H, W, 1)`` image.
        height: Model input height.
        width: Model input width.
        channels: The model's input channels, 1 or 3.

    Returns:
        ``(image (height, width, channels) of the input's dtype, letterbox)``.

    Example:
        >>> from plate_unet.data import fit_to_model
        >>> x, box = fit_to_model(np.zeros((580, 360, 3), np.uint8), 256, 160, 1)
        >>> x.shape, x.dtype, (box.new_h, box.new_w)
        ((256, 160, 1), dtype('uint8'), (256, 159))
    """
    image = to_channels(image, channels)
    letterbox = Letterbox(image.shape[0], image.shape[1], height, width)
    return letterbox.apply(image), letterbox


def preprocess(
    image: np.ndarray, height: int, width: int, channels: int
) -> tuple[np.ndarray, Letterbox]:
    """An image in memory → the model's float32 input and the letterbox used.

    Args:
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)``/``(H, W, 1)`` image
            (or float in [0, 1]).
        height: Model input height.
        width: Model input width.
        channels: The model's input channels, 1 or 3.

    Returns:
        ``(x, letterbox)``: float32 ``(height, width, channels)`` in [0, 1], and
        the :class:`~plate_unet.data.letterbox.Letterbox` that maps points back.

    Example:
        >>> from plate_unet.data import preprocess
        >>> x, box = preprocess(np.zeros((580, 360, 3), np.uint8), 256, 160, 1)
        >>> x.shape, x.dtype
        ((256, 160, 1), dtype('float32'))
    """
    fitted, letterbox = fit_to_model(image, height, width, channels)
    return to_unit_range(fitted), letterbox
