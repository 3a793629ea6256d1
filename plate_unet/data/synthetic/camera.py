"""The camera step of the synthetic scenes: light, colour, blur, noise and JPEG.

Real parking-lot photos (CCPD) are soft, often over-exposed or tinted, noisy and
heavily compressed. :func:`photograph` applies those effects to a drawn scene,
mostly with uint8 OpenCV operations (lookup tables, box/Gaussian filters, a cached
noise bank) so that a 720×1160 scene costs a few milliseconds.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from plate_unet.data.synthetic.paint import smooth_noise


@lru_cache(maxsize=1)
def noise_bank() -> np.ndarray:
    """Returns a fixed bank of Gaussian noise, uint8 (1400, 1400, 3) centred at 128.

    Scenes take random windows of it instead of drawing millions of normals each.
    """
    rng = np.random.default_rng(20240601)
    luma = rng.normal(0, 30, (1400, 1400, 1)).astype(np.float32)
    chroma = rng.normal(0, 12, (1400, 1400, 3)).astype(np.float32)
    bank = np.clip(128 + luma + chroma, 0, 255).astype(np.uint8)
    bank.setflags(write=False)
    return bank


def _noise(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    bank = noise_bank()
    if h > bank.shape[0] or w > bank.shape[1]:
        bank = np.tile(bank, (h // bank.shape[0] + 1, w // bank.shape[1] + 1, 1))
    y = int(rng.integers(0, bank.shape[0] - h + 1))
    x = int(rng.integers(0, bank.shape[1] - w + 1))
    return bank[y : y + h, x : x + w]


def _tone_lut(rng: np.random.Generator) -> np.ndarray:
    """Lookup table for exposure, contrast and gamma (the same for all channels)."""
    x = np.arange(256, dtype=np.float32) / 255
    gamma = np.exp(rng.normal(0, 0.22))
    contrast = rng.uniform(0.75, 1.2)
    y = ((x**gamma - 0.5) * contrast + 0.5) * np.exp(rng.normal(0, 0.22))
    return np.clip(y * 255, 0, 255).astype(np.uint8)


def _glare(rng: np.random.Generator, out: np.ndarray) -> None:
    """Adds (in place) a bright soft blob, a lens flare's streak beside it."""
    h, w = out.shape[:2]
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    r = rng.uniform(0.05, 0.3) * min(h, w)
    small = np.zeros((max(h // 8, 4), max(w // 8, 4)), np.float32)
    cv2.circle(small, (int(cx / 8), int(cy / 8)), max(int(r / 8), 1), 1.0, -1)
    small = cv2.GaussianBlur(small, (0, 0), max(r / 16, 1))
    blob = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    add = (blob * rng.uniform(80, 200))[..., None].astype(np.float32)
    out[:] = np.clip(out + add, 0, 255).astype(np.uint8)


def photograph(
    img: np.ndarray, gain: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Turns a drawn scene into a photo-like image.

    Args:
        img: uint8 (H, W, 3) RGB scene (not modified).
        gain: float32 low-resolution shading map from the drawing step.
        rng: Random generator.

    Returns:
        uint8 (H, W, 3) RGB: shaded and unevenly lit, colour-cast, tone-mapped,
        sometimes dim (low light) or with glare, possibly down-sampled, blurred
        (defocus or motion), noisy and JPEG-compressed.
    """
    h, w = img.shape[:2]
    gh, gw = gain.shape
    light = 1 + rng.uniform(0.05, 0.25) * smooth_noise(rng, gh, gw, 3)
    light *= 1 + 0.06 * smooth_noise(rng, gh, gw, 14)  # reflections, dirt
    yy, xx = np.mgrid[-1 : 1 : gh * 1j, -1 : 1 : gw * 1j]
    light *= (
        1 - rng.uniform(0, 0.35) * (xx**2 + yy**2).astype(np.float32) / 2
    )  # vignette
    if rng.random() < 0.2:  # a hard shadow edge (building, tree) across the scene
        pts = rng.uniform(0, 1, (4, 2)) * (gw, gh)
        cv2.fillPoly(light, [pts.astype(np.int32)], rng.uniform(0.45, 0.8))
    g = cv2.GaussianBlur(gain * light.astype(np.float32), (0, 0), 1.2)
    cast = np.exp(rng.normal(0, 0.06, 3))
    if rng.random() < 0.15:  # the strong green/cyan casts of some CCPD photos
        cast = cast * np.array([0.85, 1.12, 0.95])
    g3 = np.clip(g[..., None] * cast * 128, 0, 255).astype(np.uint8)
    g3 = cv2.resize(g3, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.LUT(cv2.multiply(img, g3, scale=1 / 128), _tone_lut(rng))
    dark = rng.random() < 0.12
    if dark:  # low light: a dim, flat exposure (more noise below)
        out = cv2.convertScaleAbs(
            out, alpha=rng.uniform(0.3, 0.6), beta=rng.uniform(0, 12)
        )
    if rng.random() < 0.15:  # glare: the sun or a lamp washing out a soft patch
        _glare(rng, out)
    scale = min(w, h) / 720
    if rng.random() < 0.4:  # lost resolution: small sensor, digital zoom
        f = rng.uniform(0.35, 0.8)
        small = cv2.resize(
            out,
            (max(int(w * f), 8), max(int(h * f), 8)),
            interpolation=cv2.INTER_LINEAR,
        )
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    r = rng.random()
    if r < 0.4:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.6) * scale)
    elif r < 0.65:  # motion blur along a random axis
        k = max(int(rng.uniform(3, 13) * scale), 2)
        ksize = [(k, 1), (1, k), (k, max(k // 3, 1))][int(rng.integers(3))]
        out = cv2.blur(out, ksize)
    sigma = rng.uniform(0.02, 0.15) * (1.8 if dark else 1.0)
    out = cv2.addWeighted(out, 1.0, _noise(rng, h, w), sigma, -128 * sigma)
    if rng.random() < 0.5:
        q = int(rng.uniform(20, 85))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out
