"""Letterboxing: resize keeping the aspect ratio, pad to the model size, and back.

:class:`Letterbox` maps an image, its plates' corners and a predicted mask between
an image's own size and the model's input size; :func:`letterbox_plates` gives a
sample's plates in model pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import ArrayLike

from plate_unet.data.records import Sample, as_plate


@dataclass(frozen=True)
class Letterbox:
    """Aspect-preserving resize + centred zero padding from one size to another.

    Points use pixel-centre coordinates, matching ``cv2.resize`` and
    ``tf.image.resize`` (half-pixel centres), so a transformed plate lies on the
    resized image exactly.

    Attributes:
        src_h: Original height.
        src_w: Original width.
        dst_h: Model input height.
        dst_w: Model input width.

    Example:
        >>> from plate_unet.data import Letterbox
        >>> lb = Letterbox(1160, 720, 1152, 704)
        >>> lb.new_h, lb.new_w, lb.pad_y, lb.pad_x
        (1134, 704, 9, 0)
    """

    src_h: int
    src_w: int
    dst_h: int
    dst_w: int

    def __post_init__(self) -> None:
        for name in ("src_h", "src_w", "dst_h", "dst_w"):
            value = getattr(self, name)
            if int(value) != value or value <= 0:
                raise ValueError(
                    f"Letterbox {name} must be a positive int, got {value}"
                )
            object.__setattr__(self, name, int(value))

    @property
    def scale(self) -> float:
        """Resize factor (the same on both axes up to rounding)."""
        return min(self.dst_h / self.src_h, self.dst_w / self.src_w)

    @property
    def new_h(self) -> int:
        """Height of the resized image inside the padding."""
        return max(1, min(self.dst_h, round(self.src_h * self.scale)))

    @property
    def new_w(self) -> int:
        """Width of the resized image inside the padding."""
        return max(1, min(self.dst_w, round(self.src_w * self.scale)))

    @property
    def pad_y(self) -> int:
        """Rows of padding above the image."""
        return (self.dst_h - self.new_h) // 2

    @property
    def pad_x(self) -> int:
        """Columns of padding left of the image."""
        return (self.dst_w - self.new_w) // 2

    def _affine(self) -> tuple[np.ndarray, np.ndarray]:
        s = np.array([self.new_w / self.src_w, self.new_h / self.src_h])
        return s, np.array([self.pad_x, self.pad_y]) + 0.5 * s - 0.5

    def forward(self, points: ArrayLike) -> np.ndarray:
        """Maps ``(..., 2)`` points from original to model pixels.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(100, 200, 100, 100).forward([[0, 0]]).round(2).tolist()
            [[-0.25, 24.75]]
        """
        s, t = self._affine()
        return (np.asarray(points, np.float64) * s + t).astype(np.float32)

    def inverse(self, points: ArrayLike) -> np.ndarray:
        """Maps ``(..., 2)`` points from model to original pixels.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> lb = Letterbox(100, 200, 100, 100)
            >>> lb.inverse(lb.forward([[3, 7]])).round(3).tolist()
            [[3.0, 7.0]]
        """
        s, t = self._affine()
        return ((np.asarray(points, np.float64) - t) / s).astype(np.float32)

    def apply(self, image: np.ndarray, interpolation: int | None = None) -> np.ndarray:
        """Resizes and pads an ``(H, W)`` or ``(H, W, C)`` image to the model size.

        Args:
            image: Original-size image.
            interpolation: cv2 flag (default: area when shrinking below 2/3,
                else linear, which is 9x faster for the usual mild resize).

        Returns:
            ``(dst_h, dst_w[, C])`` image of the same dtype, padding = 0.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(4, 8, 8, 8).apply(np.ones((4, 8), np.uint8)).sum()
            np.uint64(32)
        """
        if image.shape[:2] != (self.src_h, self.src_w):
            raise ValueError(
                f"image is {image.shape[0]}×{image.shape[1]} (H×W), Letterbox "
                f"expects {self.src_h}×{self.src_w} (H×W)"
            )
        if interpolation is None:
            interpolation = cv2.INTER_AREA if self.scale < 2 / 3 else cv2.INTER_LINEAR
        resized = cv2.resize(
            image, (self.new_w, self.new_h), interpolation=interpolation
        )
        if image.ndim == 3 and resized.ndim == 2:
            resized = resized[..., None]
        out = np.zeros((self.dst_h, self.dst_w) + image.shape[2:], image.dtype)
        out[
            self.pad_y : self.pad_y + self.new_h, self.pad_x : self.pad_x + self.new_w
        ] = resized
        return out

    def invert_mask(self, mask: np.ndarray) -> np.ndarray:
        """Maps a model-size mask or probability map back to the original size.

        Integer/bool masks use nearest-neighbour, float maps bilinear resizing.

        Args:
            mask: ``(dst_h, dst_w)`` or ``(dst_h, dst_w, 1)`` map.

        Returns:
            ``(src_h, src_w)`` map of the same dtype.

        Example:
            >>> from plate_unet.data import Letterbox
            >>> Letterbox(4, 8, 8, 8).invert_mask(np.ones((8, 8), np.float32)).shape
            (4, 8)
        """
        m = np.asarray(mask)
        if m.ndim == 3 and m.shape[-1] == 1:
            m = m[..., 0]
        if m.shape != (self.dst_h, self.dst_w):
            raise ValueError(
                f"mask shape {m.shape} is not the model size ({self.dst_h}, "
                f"{self.dst_w})"
            )
        crop = m[
            self.pad_y : self.pad_y + self.new_h, self.pad_x : self.pad_x + self.new_w
        ]
        dtype = m.dtype
        is_float = np.issubdtype(dtype, np.floating)
        work = crop.astype(np.float32 if is_float else np.uint8)
        flag = cv2.INTER_LINEAR if is_float else cv2.INTER_NEAREST
        out = cv2.resize(work, (self.src_w, self.src_h), interpolation=flag)
        return out.astype(dtype)


def letterbox_plates(sample: Sample, height: int, width: int) -> list[np.ndarray]:
    """Returns a sample's plates in model pixels (letterboxed to ``height × width``).

    Args:
        sample: A sample with ``width``/``height`` set (readers set them).
        height: Model input height.
        width: Model input width.

    Returns:
        float32 ``(4, 2)`` arrays in model pixels.

    Raises:
        ValueError: If the sample's image size is unknown.

    Example:
        >>> from plate_unet.data import letterbox_plates, load_annotations
        >>> samples = load_annotations("data/sample")
        >>> samples[0].height, samples[0].width, len(samples[0].plates)
        (580, 360, 1)
        >>> quads = letterbox_plates(samples[0], 1152, 704)  # scale 704 / 360
        >>> quads[0].dtype, quads[0].astype(float).round(1).tolist()
        (dtype('float32'),
         [[372.2, 615.4], [501.1, 612.3], [505.2, 736.2], [376.1, 741.1]])
    """
    if not sample.width or not sample.height:
        raise ValueError(f"{sample.image_path}: image size unknown; use a reader")
    lb = Letterbox(sample.height, sample.width, height, width)
    return [lb.forward(as_plate(p)) for p in sample.plates]
