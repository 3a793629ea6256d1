"""The camera step of the synthetic scenes: light, colour, blur, noise and JPEG.

Real plate photos (CCPD, press photos, street cameras) are soft, often over-
exposed or tinted by the lamps, noisy and heavily compressed; some are taken at
night with bright lamps and headlights, some by infrared cameras that see in
grey, with plates and white paint bright. :func:`photograph` applies those
effects to a drawn scene, each only some of the time (most scenes stay
ordinary daylight photos), mostly with uint8 OpenCV operations (lookup tables,
small-image blurs, a cached noise bank) so that a 720×1160 scene costs about
10 ms (at most ~25 ms) on one core.
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


def _radial(gh: int, gw: int, cx: float, cy: float, r: float) -> np.ndarray:
    """A float32 (gh, gw) Gaussian blob around (cx, cy) (fractions), radius ``r``
    (a fraction of the larger side)."""
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    s = max(gh, gw)
    d2 = ((xx - cx * gw) ** 2 + (yy - cy * gh) ** 2) / (r * s) ** 2
    return np.exp(-d2).astype(np.float32)


def _infrared(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """A grey infrared-like picture: foliage and white paint bright, blue sky dark,
    hard highlights, the illuminator's bright centre and dark corners."""
    h, w = out.shape[:2]
    a_r, a_g = rng.uniform(0.3, 0.6), rng.uniform(0.7, 1.1)
    mix = np.array([[a_r, a_g, 1 - a_r - a_g]], np.float32)  # blue counts negative
    grey = cv2.transform(out, mix)
    x = np.arange(256, dtype=np.float32) / 255
    y = x ** rng.uniform(0.8, 1.15) * rng.uniform(0.95, 1.2)  # bright paint clips
    grey = cv2.LUT(grey, np.clip(y * 255, 0, 255).astype(np.uint8))
    gh, gw = max(h // 16, 4), max(w // 16, 4)
    spot = _radial(
        gh, gw, rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.5, 1.0)
    )
    fall = rng.uniform(0.2, 0.7)
    lit = cv2.resize((1 - fall + fall * spot) * 128, (w, h))
    grey = cv2.multiply(grey, lit.astype(np.uint8), scale=1 / 128)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)


#: Per-channel (R, G, B) multipliers of the lamps that light scenes at night.
LAMPS = {
    "sodium": (1.25, 0.9, 0.45),  # warm orange street lamps
    "led": (0.85, 0.98, 1.2),  # cold white LEDs
    "neutral": (1.0, 1.0, 1.0),
}


def _night(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """A dark, lamp-coloured scene with a pool of light and bright point lights
    (lamps, headlights) that bloom."""
    h, w = out.shape[:2]
    lamp = np.array(list(LAMPS.values())[int(rng.integers(len(LAMPS)))])
    x = np.arange(256, dtype=np.float32)[:, None] / 255
    level = rng.uniform(0.2, 0.45)
    lut = (x ** rng.uniform(1.1, 1.6)) * level * lamp * 255
    out = cv2.LUT(out, np.clip(lut, 0, 255).astype(np.uint8)[:, None, :])
    gh, gw = max(h // 4, 4), max(w // 4, 4)
    if rng.random() < 0.6:  # a pool of light from a lamp or the headlights behind
        pool = _radial(
            gh,
            gw,
            rng.uniform(0.2, 0.8),
            rng.uniform(0.3, 0.8),
            rng.uniform(0.2, 0.5),
        ) * rng.uniform(1.0, 2.5)
        lit = cv2.resize((1 + pool) * 64, (w, h))
        out = cv2.multiply(out, cv2.merge([lit.astype(np.uint8)] * 3), scale=1 / 64)
    lights = []
    for _ in range(int(rng.integers(1, 5))):
        lx, ly = rng.uniform(0, w), rng.uniform(0, h * 0.8)
        lights.append((lx, ly))
        if rng.random() < 0.35:  # a pair of headlights
            lights.append((lx + w * rng.uniform(0.08, 0.25), ly + rng.normal(0, 2)))
    glow = np.zeros((gh, gw, 3), np.float32)
    cores = []
    for lx, ly in lights:
        colour = np.array([1.0, 0.95, 0.85]) if rng.random() < 0.6 else lamp / 1.25
        r = rng.uniform(1.5, 6) * min(w, h) / 720
        cores.append(((int(lx), int(ly)), max(int(round(r)), 1), colour))
        cv2.circle(glow, (int(lx * gw / w), int(ly * gh / h)), 1, tuple(colour), -1)
    halo = cv2.GaussianBlur(glow, (0, 0), max(gw * rng.uniform(0.02, 0.06), 1))
    halo = halo / max(float(halo.max()), 1e-6) * rng.uniform(120, 255)
    out = cv2.add(out, cv2.resize(np.clip(halo, 0, 255).astype(np.uint8), (w, h)))
    for centre, r, colour in cores:  # the lamps themselves, burnt out
        cv2.circle(
            out,
            centre,
            r,
            tuple(float(c) for c in np.minimum(colour * 300, 255)),
            -1,
            cv2.LINE_AA,
        )
    return out


def _overexpose(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """Too much light: a brighter exposure that clips, and highlights that bloom
    (bleed into their surroundings)."""
    h, w = out.shape[:2]
    x = np.arange(256, dtype=np.float32) / 255
    y = x ** rng.uniform(0.7, 0.95) * rng.uniform(1.15, 1.6)
    out = cv2.LUT(out, np.clip(y * 255, 0, 255).astype(np.uint8))
    small = cv2.resize(
        cv2.cvtColor(out, cv2.COLOR_RGB2GRAY),
        (max(w // 4, 4), max(h // 4, 4)),
        interpolation=cv2.INTER_AREA,
    )
    bright = cv2.subtract(small, 240)  # only clipped highlights bloom
    sigma = max(min(w, h) / 4 * rng.uniform(0.01, 0.04), 1)
    halo = cv2.GaussianBlur(bright, (0, 0), sigma)
    halo = cv2.resize(cv2.convertScaleAbs(halo, alpha=rng.uniform(1.5, 4)), (w, h))
    halo = cv2.cvtColor(halo, cv2.COLOR_GRAY2RGB)
    return cv2.add(out, halo)


@lru_cache(maxsize=64)
def _disc(radius10: int) -> np.ndarray:
    """A normalised disc kernel of radius ``radius10 / 10`` pixels (defocus)."""
    r = radius10 / 10
    k = int(np.ceil(r))
    yy, xx = np.mgrid[-k : k + 1, -k : k + 1]
    disc = np.clip(r + 0.5 - np.sqrt(xx**2 + yy**2), 0, 1).astype(np.float32)
    return disc / disc.sum()


def _defocus(rng: np.random.Generator, out: np.ndarray, scale: float) -> np.ndarray:
    """Blur by a disc (an out-of-focus lens), at half size when the disc is big."""
    h, w = out.shape[:2]
    r = rng.uniform(1.2, 4.5) * scale
    if r <= 2.5:
        return cv2.filter2D(out, -1, _disc(int(round(r * 10))))
    half = cv2.resize(
        out, (max(w // 2, 4), max(h // 2, 4)), interpolation=cv2.INTER_AREA
    )
    half = cv2.filter2D(half, -1, _disc(int(round(r * 5))))
    return cv2.resize(half, (w, h), interpolation=cv2.INTER_LINEAR)


def _jpeg(out: np.ndarray, quality: float) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def photograph(
    img: np.ndarray, gain: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Turns a drawn scene into a photo-like image.

    The effects and how often each is drawn (the rest of the time the scene is
    an ordinary daylight photo):

    * uneven light, vignette, a hard shadow edge (20 %), a colour cast: a
      slight random one, plus green/cyan (15 %), warm sodium (8 %) or cold LED
      (7 %) light; exposure, contrast and gamma;
    * one light: infrared-like grey (6 %), night with blooming point lights
      (8 %), low light (10 %) or over-exposure with blooming highlights (8 %);
    * glare (15 %, not at night), lost resolution scaled up (40 %, down to
      20-85 % of the size);
    * blur: Gaussian (32 %), motion (20 %) or a defocus disc (12 %);
    * sensor noise, stronger in low light, at night and in infrared;
    * JPEG: heavy, quality 8-25 (12 %), or quality 25-90 (43 %), compressed
      twice in a quarter of those.

    Args:
        img: uint8 (H, W, 3) RGB scene (not modified).
        gain: float32 low-resolution shading map from the drawing step.
        rng: Random generator.

    Returns:
        uint8 (H, W, 3) RGB, the size of ``img``.
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
    r = rng.random()
    if r < 0.15:  # the strong green/cyan casts of some CCPD photos
        cast = cast * np.array([0.85, 1.12, 0.95])
    elif r < 0.23:  # warm sodium lamps
        cast = cast * np.array([1.15, 0.97, 0.72])
    elif r < 0.3:  # cold LED light
        cast = cast * np.array([0.88, 1.0, 1.15])
    g3 = np.clip(g[..., None] * cast * 128, 0, 255).astype(np.uint8)
    g3 = cv2.resize(g3, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.LUT(cv2.multiply(img, g3, scale=1 / 128), _tone_lut(rng))
    mode = rng.random()
    infrared, night = mode < 0.06, 0.06 <= mode < 0.14
    dark = 0.14 <= mode < 0.24
    if infrared:
        out = _infrared(rng, out)
    elif night:
        out = _night(rng, out)
    elif dark:  # low light: a dim, flat exposure (more noise below)
        out = cv2.convertScaleAbs(
            out, alpha=rng.uniform(0.3, 0.6), beta=rng.uniform(0, 12)
        )
    elif mode < 0.32:
        out = _overexpose(rng, out)
    if not night and rng.random() < 0.15:  # glare: the sun or a lamp
        _glare(rng, out)
    scale = min(w, h) / 720
    if rng.random() < 0.4:  # lost resolution: small sensor, digital zoom
        f = rng.uniform(0.35, 0.85) if rng.random() < 0.7 else rng.uniform(0.2, 0.35)
        down = cv2.INTER_AREA if rng.random() < 0.5 else cv2.INTER_LINEAR
        small = cv2.resize(
            out, (max(int(w * f), 8), max(int(h * f), 8)), interpolation=down
        )
        up = cv2.INTER_CUBIC if rng.random() < 0.3 else cv2.INTER_LINEAR
        out = cv2.resize(small, (w, h), interpolation=up)
    r = rng.random()
    if r < 0.32:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.6) * scale)
    elif r < 0.52:  # motion blur along a random axis
        k = max(int(rng.uniform(3, 13) * scale), 2)
        ksize = [(k, 1), (1, k), (k, max(k // 3, 1))][int(rng.integers(3))]
        out = cv2.blur(out, ksize)
    elif r < 0.64:
        out = _defocus(rng, out, scale)
    boost = 2.5 if night else 1.8 if dark else 1.4 if infrared else 1.0
    sigma = rng.uniform(0.02, 0.15) * boost
    noise = _noise(rng, h, w)
    if infrared:  # a monochrome sensor: grey noise
        noise = cv2.cvtColor(
            cv2.cvtColor(noise, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB
        )
    out = cv2.addWeighted(out, 1.0, noise, sigma, -128 * sigma)
    r = rng.random()
    if r < 0.55:
        q = rng.uniform(8, 25) if r < 0.12 else rng.uniform(25, 90)
        if rng.random() < 0.25:  # saved twice: a camera's JPEG, then a website's
            out = _jpeg(out, rng.uniform(40, 95))
        out = _jpeg(out, q)
    return out
