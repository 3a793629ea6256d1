"""Drawing on images: tint a mask onto an image, encode a PNG.

Plain NumPy/OpenCV, shared by the overlays ``plate-unet predict`` writes
(:func:`plate_unet.inference.folder.draw_overlay`) and the notebooks' widgets
(:mod:`plate_unet.viz.widgets`). The colours are in :mod:`plate_unet.colours`.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.colours import PLATE_COLOUR


def to_rgb8(image: ArrayLike) -> np.ndarray:
    """Returns an image as uint8 RGB ``(H, W, 3)`` (grey repeated, floats × 255).

    Args:
        image: ``(H, W)``, ``(H, W, 1)`` or ``(H, W, 3)``, uint8 or float in
            [0, 1].

    Raises:
        ValueError: If the shape is none of those.

    Example:
        >>> from plate_unet.data import to_rgb8
        >>> to_rgb8(np.full((1, 2), 0.5)).tolist()
        [[[128, 128, 128], [128, 128, 128]]]
    """
    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = (np.clip(img.astype(np.float32), 0.0, 1.0) * 255).round().astype(np.uint8)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=-1)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(
            f"expected an (H, W), (H, W, 1) or (H, W, 3) image, got shape {img.shape}"
        )
    return np.ascontiguousarray(img)


def overlay_mask(
    image: np.ndarray,
    mask: np.ndarray,
    alpha: float = 0.45,
    colour: tuple[int, int, int] = PLATE_COLOUR,
) -> np.ndarray:
    """Tints the mask's pixels of an image and outlines each plate.

    Args:
        image: ``(H, W)``, ``(H, W, 1)`` or ``(H, W, 3)`` image, uint8 or float in
            [0, 1].
        mask: ``(H, W)`` or ``(H, W, 1)`` mask; non-zero pixels are plate.
        alpha: Opacity of the tint, 0 (none) to 1 (solid).
        colour: RGB colour of the tint and the outline.

    Returns:
        uint8 RGB array ``(H, W, 3)``.

    Raises:
        ValueError: If the image and mask sizes differ or ``alpha`` is outside
            [0, 1].

    Example:
        >>> from plate_unet.data import overlay_mask
        >>> overlay_mask(np.zeros((4, 6)), np.ones((4, 6)))[0, 0].tolist()
        [255, 0, 255]
    """
    rgb = to_rgb8(image)
    m = np.asarray(mask)
    m = (m[..., 0] if m.ndim == 3 else m) > 0
    if m.shape != rgb.shape[:2]:
        raise ValueError(
            f"mask is {m.shape[0]}×{m.shape[1]} (H×W) but the image is "
            f"{rgb.shape[0]}×{rgb.shape[1]} (H×W); they must have the same size"
        )
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    out = rgb.astype(np.float32)
    out[m] = (1 - alpha) * out[m] + alpha * np.asarray(colour, np.float32)
    out = out.round().astype(np.uint8)
    contours, _ = cv2.findContours(
        m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    cv2.drawContours(out, contours, -1, tuple(int(c) for c in colour), 1)
    return out


def png_bytes(image: np.ndarray) -> bytes:
    """Encodes a uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` array as PNG bytes.

    Raises:
        ValueError: If the array cannot be encoded.

    Example:
        >>> from plate_unet.data import png_bytes
        >>> png_bytes(np.zeros((2, 2, 3), np.uint8))[:4]
        b'\\x89PNG'
    """
    image = np.asarray(image)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ValueError(f"could not encode an image of shape {image.shape} as PNG")
    return buf.tobytes()
