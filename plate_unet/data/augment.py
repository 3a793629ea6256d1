"""Paired augmentation inside tf.data: the same geometry for image and mask.

Geometry (flip, rotation, scale, shift, perspective) is composed into ONE
homography and applied with ``cv2.warpPerspective`` to the image (bilinear) and
to the mask (nearest), so they cannot drift apart. Photometric
changes (brightness, contrast, gamma, blur, noise, JPEG quality) touch the image
only. Every random draw is a stateless op keyed by a per-element seed, so a run is
reproducible.

Example:
    >>> from plate_unet.data import apply_augmentation, generate_scene, rasterize
    >>> image, plates = generate_scene(1, 290, 180)
    >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
    >>> img, m = apply_augmentation(image, mask, "rotate", 0.5, seed=1)
    >>> img.shape, img.dtype, m.shape, m.dtype
    ((290, 180, 3), dtype('float32'), (290, 180), dtype('uint8'))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import tensorflow as tf

AUGMENTATIONS = (
    "flip",
    "rotate",
    "scale",
    "shift",
    "perspective",
    "brightness",
    "contrast",
    "gamma",
    "blur",
    "noise",
    "jpeg",
)
# Magnitude of each augmentation at strength 1.0 (apply_augmentation).
MAX_STRENGTH = {
    "flip": 1.0,  # flipped when strength > 0
    "rotate": 30.0,  # degrees
    "scale": 0.5,  # ±50 %
    "shift": 0.25,  # fraction of the size
    "perspective": 0.3,  # corner displacement, fraction of half the size
    "brightness": 0.5,  # added to [0, 1] pixels
    "contrast": 0.8,  # ± factor around the mean
    "gamma": 1.0,  # ± log(gamma)
    "blur": 4.0,  # Gaussian sigma in pixels
    "noise": 0.2,  # noise std on [0, 1] pixels
    "jpeg": 95.0,  # quality = 100 - strength * 95
}


@dataclass(frozen=True)
class AugmentConfig:
    """Strengths of the random training augmentation (0 turns one off).

    Attributes:
        flip: Probability of a horizontal flip.
        rotation: Largest rotation, degrees (uniform in ±rotation).
        scale: Largest relative zoom (uniform in log-space, 1 ± scale).
        shift: Largest translation, fraction of width/height.
        perspective: Largest perspective tilt, fraction of half the size.
        brightness: Largest added brightness on [0, 1] pixels.
        contrast: Largest contrast change (factor 1 ± contrast).
        gamma: Largest |log gamma|.
        blur: Largest Gaussian blur sigma (pixels); applied with ``blur_prob``.
        blur_prob: Probability of blurring.
        noise: Largest noise std (uniform noise); applied with ``noise_prob``.
        noise_prob: Probability of adding noise.
        jpeg_quality: Lowest JPEG quality (re-encode); applied with ``jpeg_prob``.
        jpeg_prob: Probability of a JPEG re-encode.

    Example:
        >>> from plate_unet.data import AugmentConfig
        >>> AugmentConfig(rotation=0.0).flip
        0.5
    """

    flip: float = 0.5
    rotation: float = 8.0
    scale: float = 0.15
    shift: float = 0.05
    perspective: float = 0.08
    brightness: float = 0.15
    contrast: float = 0.25
    gamma: float = 0.25
    blur: float = 1.5
    blur_prob: float = 0.3
    noise: float = 0.04
    noise_prob: float = 0.3
    jpeg_quality: int = 35
    jpeg_prob: float = 0.25

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"AugmentConfig.{name} must be >= 0, got {value!r}")
        for name in ("flip", "blur_prob", "noise_prob", "jpeg_prob"):
            if getattr(self, name) > 1:
                raise ValueError(
                    f"AugmentConfig.{name} is a probability, got "
                    f"{getattr(self, name)!r}"
                )
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be in 1..100, got {self.jpeg_quality}")

    @property
    def has_geometry(self) -> bool:
        """True when any geometric augmentation is on."""
        return any((self.flip, self.rotation, self.scale, self.shift, self.perspective))


# --- geometry -----------------------------------------------------------------------
def geometry_matrix(
    height: int,
    width: int,
    flip: float = 0.0,
    angle: float = 0.0,
    scale: float = 1.0,
    shift: tuple[float, float] = (0.0, 0.0),
    perspective: tuple[float, float] = (0.0, 0.0),
) -> tf.Tensor:
    """Builds the 3×3 homography (input → output pixels) of one augmentation.

    The flip mirrors ``x → width - 1 - x``; rotation (degrees, clockwise on
    screen), scale and perspective act about the image centre; shift is a
    fraction of the size.

    Args:
        height: Image height.
        width: Image width.
        flip: 1.0 to mirror horizontally, 0.0 not to.
        angle: Rotation in degrees.
        scale: Zoom factor.
        shift: ``(dx, dy)`` as fractions of width and height.
        perspective: ``(px, py)`` tilt, fractions of half the width/height.

    Returns:
        float32 tensor ``(3, 3)``.

    Example:
        >>> from plate_unet.data.augment import geometry_matrix
        >>> geometry_matrix(10, 20, flip=1.0).numpy()[0].tolist()
        [-1.0, 0.0, 19.0]
    """
    f32 = tf.float32
    h, w = tf.cast(height, f32), tf.cast(width, f32)
    flip, angle, scale = (tf.cast(v, f32) for v in (flip, angle, scale))
    shift, perspective = tf.cast(shift, f32), tf.cast(perspective, f32)
    one, zero = tf.ones([], f32), tf.zeros([], f32)
    cx, cy = (w - 1) / 2, (h - 1) / 2

    def mat(rows):
        return tf.stack([tf.stack(r) for r in rows])

    mirror = mat([[1 - 2 * flip, zero, flip * (w - 1)], [zero, one, zero],
                  [zero, zero, one]])  # fmt: skip
    rad = angle * (math.pi / 180.0)
    c, s = scale * tf.cos(rad), scale * tf.sin(rad)
    rotate = mat([[c, -s, zero], [s, c, zero], [zero, zero, one]])
    tilt = mat([[one, zero, zero], [zero, one, zero],
                [2 * perspective[0] / w, 2 * perspective[1] / h, one]])  # fmt: skip
    to_centre = mat([[one, zero, -cx], [zero, one, -cy], [zero, zero, one]])
    back = mat([[one, zero, cx + shift[0] * w], [zero, one, cy + shift[1] * h],
                [zero, zero, one]])  # fmt: skip
    return back @ rotate @ tilt @ to_centre @ mirror


def _cv2_warp(image: np.ndarray, mask: np.ndarray, matrix: np.ndarray):
    h, w = image.shape[:2]
    kw = {"dsize": (w, h), "borderMode": cv2.BORDER_CONSTANT, "borderValue": 0}
    img = cv2.warpPerspective(image, matrix, flags=cv2.INTER_LINEAR, **kw)
    m = cv2.warpPerspective(mask, matrix, flags=cv2.INTER_NEAREST, **kw)
    return img.reshape(image.shape), m.reshape(mask.shape)


def warp_pair(
    image: tf.Tensor, mask: tf.Tensor, matrix: tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor]:
    """Applies one homography to an image (bilinear) and its mask (nearest).

    Uses ``cv2.warpPerspective`` (10x faster on CPU than TensorFlow's
    ``ImageProjectiveTransformV3``; it releases the GIL) through
    ``tf.numpy_function``, so it runs inside ``Dataset.map``.

    Args:
        image: ``(H, W, C)`` uint8 or float32 image.
        mask: ``(H, W, 1)`` uint8 or float32 mask.
        matrix: ``(3, 3)`` homography mapping input to output pixels.

    Returns:
        ``(image, mask)``, same shapes and dtypes; uncovered pixels are 0.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.data.augment import geometry_matrix, warp_pair
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> matrix = geometry_matrix(*image.shape[:2], angle=10.0)
        >>> img, m = warp_pair(image, mask[..., None], matrix)
        >>> tuple(img.shape), img.dtype.name, tuple(m.shape), m.dtype.name
        ((290, 180, 3), 'uint8', (290, 180, 1), 'uint8')
        >>> sorted(np.unique(m.numpy()).tolist())  # nearest: still 0 or 1
        [0, 1]
    """
    image, mask = tf.convert_to_tensor(image), tf.convert_to_tensor(mask)
    matrix = tf.cast(matrix, tf.float64)
    img, m = tf.numpy_function(
        _cv2_warp, [image, mask, matrix], [image.dtype, mask.dtype], stateful=False
    )
    return tf.ensure_shape(img, image.shape), tf.ensure_shape(m, mask.shape)


# --- photometric ----------------------------------------------------------------------
def _gaussian_blur(image: tf.Tensor, sigma) -> tf.Tensor:
    """Gaussian blur of a float32 ``(H, W, C)`` image (cv2, reflected borders)."""

    def blur(x: np.ndarray, s: np.float32) -> np.ndarray:
        if s < 0.05:
            return x
        return cv2.GaussianBlur(x, (0, 0), float(s)).reshape(x.shape)

    out = tf.numpy_function(
        blur, [image, tf.cast(sigma, tf.float32)], tf.float32, stateful=False
    )
    return tf.ensure_shape(out, image.shape)


def _tone_lut(image, brightness, contrast, gamma) -> np.ndarray:
    levels = np.linspace(0.0, 1.0, 256) ** float(gamma)
    mean = np.bincount(image.ravel(), minlength=256) @ levels / image.size
    table = ((levels - mean) * contrast + mean + brightness).astype(np.float32)
    return cv2.LUT(image, table).reshape(image.shape)


def _tone(image: tf.Tensor, brightness, contrast, log_gamma) -> tf.Tensor:
    """Gamma, then contrast about the mean, then brightness; float32 result.

    A uint8 image goes through a 256-entry float lookup table (``cv2.LUT``, 50x
    faster than a pow over every pixel); a float image is computed directly.
    """
    gamma = tf.exp(tf.cast(log_gamma, tf.float32))
    brightness, contrast = (
        tf.cast(brightness, tf.float32),
        tf.cast(contrast, tf.float32),
    )
    if image.dtype == tf.uint8:
        out = tf.numpy_function(
            _tone_lut, [image, brightness, contrast, gamma], tf.float32, stateful=False
        )
        return tf.ensure_shape(out, image.shape)
    x = tf.pow(tf.clip_by_value(tf.cast(image, tf.float32), 0.0, 1.0), gamma)
    mean = tf.reduce_mean(x)
    return (x - mean) * contrast + mean + brightness


def _jpeg(image: tf.Tensor, quality: tf.Tensor) -> tf.Tensor:
    q = tf.cast(tf.clip_by_value(tf.round(quality), 1, 100), tf.int32)
    return tf.ensure_shape(tf.image.adjust_jpeg_quality(image, q), image.shape)


def _noise(image: tf.Tensor, std, key) -> tf.Tensor:
    """Adds zero-mean noise of standard deviation ``std`` (uniform: 2.5x cheaper
    to draw than Gaussian, and the network cannot tell at these levels)."""
    half_width = tf.cast(std, tf.float32) * math.sqrt(3.0)
    return (
        image
        + tf.random.stateless_uniform(tf.shape(image), key, -1.0, 1.0) * half_width
    )


def _to_float(image: tf.Tensor) -> tf.Tensor:
    if image.dtype == tf.uint8:
        return tf.cast(image, tf.float32) * (1.0 / 255.0)
    return tf.cast(image, tf.float32)


def augment_pair(
    image: tf.Tensor,
    mask: tf.Tensor,
    seed: tf.Tensor,
    config: AugmentConfig = AugmentConfig(),  # noqa: B008
) -> tuple[tf.Tensor, tf.Tensor]:
    """Randomly augments one image + mask (call inside ``Dataset.map``).

    Args:
        image: ``(H, W, C)`` uint8 or float32 image (float in [0, 1]); uint8 is
            faster (photometric changes become one lookup table).
        mask: ``(H, W, 1)`` uint8 or float32 mask (dtype kept).
        seed: int ``(2,)`` tensor, one per element (stateless random ops).
        config: The strengths.

    Returns:
        ``(image float32 in [0, 1], mask)``.

    Example:
        >>> import tensorflow as tf
        >>> from plate_unet.data import AugmentConfig, generate_scene, rasterize
        >>> from plate_unet.data.augment import augment_pair
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> seed = tf.constant([1, 2])
        >>> img, m = augment_pair(image, mask[..., None], seed, AugmentConfig())
        >>> tuple(img.shape), img.dtype.name, tuple(m.shape), m.dtype.name
        ((290, 180, 3), 'float32', (290, 180, 1), 'uint8')
        >>> 0.0 <= float(tf.reduce_min(img)) <= float(tf.reduce_max(img)) <= 1.0
        True
        >>> again, _ = augment_pair(image, mask[..., None], seed, AugmentConfig())
        >>> bool(tf.reduce_all(again == img))  # same seed, same augmentation
        True
    """
    keys = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 16)

    def u(k, lo=0.0, hi=1.0, shape=()):
        return tf.random.stateless_uniform(shape, keys[k], lo, hi)

    c = config
    if c.has_geometry:
        shape = tf.shape(image)
        log_s = math.log1p(c.scale)
        matrix = geometry_matrix(
            shape[0], shape[1],
            flip=tf.cast(u(0) < c.flip, tf.float32),
            angle=u(1, -c.rotation, c.rotation),
            scale=tf.exp(u(2, -log_s, log_s)),
            shift=u(3, -c.shift, c.shift, [2]),
            perspective=u(4, -c.perspective, c.perspective, [2]),
        )  # fmt: skip
        image, mask = warp_pair(image, mask, matrix)
    if c.brightness or c.contrast or c.gamma or image.dtype == tf.uint8:
        image = _tone(
            image,
            brightness=u(5, -c.brightness, c.brightness),
            contrast=1.0 + u(6, -c.contrast, c.contrast),
            log_gamma=u(7, -c.gamma, c.gamma),
        )
    if c.blur and c.blur_prob:
        image = tf.cond(
            u(8) < c.blur_prob,
            lambda: _gaussian_blur(image, u(9, 0.3, c.blur)),
            lambda: image,
        )
    if c.noise and c.noise_prob:
        image = tf.cond(
            u(10) < c.noise_prob,
            lambda: _noise(image, u(11, 0.0, c.noise), keys[14]),
            lambda: image,
        )
    image = tf.clip_by_value(image, 0.0, 1.0)
    if c.jpeg_prob and c.jpeg_quality < 100:
        image = tf.cond(
            u(12) < c.jpeg_prob,
            lambda: _jpeg(image, u(13, c.jpeg_quality, 95.0)),
            lambda: image,
        )
    return image, mask


def apply_augmentation(
    image: np.ndarray, mask: np.ndarray, name: str, strength: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Applies ONE named augmentation at a given strength (for the playground).

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image, uint8 or float in [0, 1].
        mask: ``(H, W)`` or ``(H, W, 1)`` mask.
        name: One of :data:`AUGMENTATIONS`.
        strength: 0 (no change) to 1 (the :data:`MAX_STRENGTH` magnitude).
        seed: Picks the direction (sign of rotation, shift, ...) and the noise.

    Returns:
        ``(image, mask)`` as numpy arrays shaped like the inputs; the image is
        float32 in [0, 1], the mask keeps its dtype.

    Raises:
        ValueError: On an unknown name or a strength outside [0, 1].

    Example:
        >>> from plate_unet.data import apply_augmentation, generate_scene, rasterize
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> img, m = apply_augmentation(image, mask, "perspective", 0.7, seed=3)
        >>> img.shape == image.shape
        True
    """
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}; choose from {AUGMENTATIONS}")
    if not 0.0 <= float(strength) <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength!r}")
    image, mask = np.asarray(image), np.asarray(mask)
    img = tf.constant(image if image.ndim == 3 else image[..., None])
    m = tf.constant(mask if mask.ndim == 3 else mask[..., None])
    amount = float(strength) * MAX_STRENGTH[name]
    if amount == 0.0:  # exactly the input (a JPEG re-encode at 100 is lossy)
        return _to_float(img).numpy().reshape(image.shape), mask.copy()
    keys = tf.random.experimental.stateless_split(tf.constant([seed, 0], tf.int64), 4)
    sign = 1.0 if tf.random.stateless_uniform([], keys[0]).numpy() < 0.5 else -1.0
    h, w = image.shape[:2]
    if name in ("flip", "rotate", "scale", "shift", "perspective"):
        direction = tf.random.stateless_uniform([2], keys[1], -1.0, 1.0)
        direction = direction / tf.maximum(tf.norm(direction), 1e-6)
        kwargs = {
            "flip": {"flip": float(strength > 0)},
            "rotate": {"angle": sign * amount},
            "scale": {"scale": 1.0 + sign * amount},
            "shift": {"shift": direction * amount},
            "perspective": {"perspective": direction * amount},
        }[name]
        img, m = warp_pair(img, m, geometry_matrix(h, w, **kwargs))
    img = _to_float(img)
    if name == "brightness":
        img = _tone(img, sign * amount, 1.0, 0.0)
    elif name == "contrast":
        img = _tone(img, 0.0, 1.0 + sign * amount, 0.0)
    elif name == "gamma":
        img = _tone(img, 0.0, 1.0, sign * amount)
    elif name == "blur":
        img = _gaussian_blur(img, amount)
    elif name == "noise":
        img = _noise(img, amount, keys[2])
    elif name == "jpeg":
        img = _jpeg(tf.clip_by_value(img, 0.0, 1.0), 100.0 - amount)
    img = tf.clip_by_value(img, 0.0, 1.0).numpy()
    return img.reshape(image.shape), m.numpy().reshape(mask.shape)
