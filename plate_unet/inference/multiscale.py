"""Small plates in large photos: the same weights run at two scales, then merged.

A photo is letterboxed to the model's input (the teaching model: 256×160 (H×W),
turned to the photo's orientation). A plate 80 px wide in a 960×1280 (H×W)
photo is then 13 px wide, its characters 2 px tall: too small to find. The
U-Net is fully convolutional, so the same weights also run on the photo at
twice that size (:func:`~plate_unet.inference.image.any_size_model`), where the
plate is 27 px wide. Run alone at that size, the model also fires on text and
texture it never sees at its own size, so the two passes are merged by rules:

1. **Zooms from the photo's size** (:func:`usable_zooms`): the base pass
   always; zoom 2 only when the photo has at least twice the model's
   resolution, so the photo is never enlarged.
2. **The base pass vetoes**: a region found by the zoomed pass is kept only
   where the base pass saw something (its largest probability in the region's
   box is at least ``min_support``). ``max_width`` can also keep the zoomed
   pass to small regions (pixels of the zoomed input); by default it does not.
3. **One plate, one region**: all regions, best score first; a region more
   than ``max_overlap`` inside a kept one (intersection over the smaller box)
   is dropped, so a plate's characters found one by one do not count as more
   plates.
4. **One probability map at the photo's size**: the base pass's, with the
   zoomed pass's inside each plate that pass contributed.

The defaults were chosen on synthetic scenes of 960×1280 and 1280×960 (H×W),
never on real photos (``benchmarks/bench_multiscale.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from plate_unet.data.images import preprocess
from plate_unet.data.letterbox import Letterbox
from plate_unet.inference.image import (
    any_size_model,
    model_depth,
    model_input_size,
    traced_inference,
)
from plate_unet.inference.postprocess import (
    MIN_AREA_FRACTION,
    PLAUSIBLE,
    Plate,
    PlateShape,
    find_plates,
)

if TYPE_CHECKING:
    import keras

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class MultiScale:
    """How the passes are chosen and merged (see the module's rules).

    Attributes:
        zooms: Sizes of the passes, as multiples of the model's input size
            (1 is the base pass); a zoom that would enlarge the photo is skipped.
        max_width: Widest box, in pixels of a zoomed input, that a zoomed pass
            may add (default: no limit).
        min_support: Smallest base-pass probability inside a zoomed pass's box.
        max_overlap: A region more than this inside a kept one is dropped.

    Example:
        >>> from plate_unet.inference.multiscale import MultiScale
        >>> MultiScale().zooms, MultiScale(zooms=(1.0,)).zooms
        ((1.0, 2.0), (1.0,))
    """

    zooms: tuple[float, ...] = (1.0, 2.0)
    max_width: float = float("inf")
    min_support: float = 0.1
    max_overlap: float = 0.5

    def __post_init__(self) -> None:
        if (
            not self.zooms
            or self.zooms[0] != 1.0
            or sorted(self.zooms) != list(self.zooms)
        ):
            raise ValueError(
                f"zooms={self.zooms!r} is invalid: start with 1.0 (the base pass), "
                "then larger zooms in increasing order, e.g. (1.0, 2.0)."
            )


#: The rules :func:`~plate_unet.inference.image.predict_image` uses by default.
DEFAULT_MULTISCALE = MultiScale()
#: The base pass alone (``multiscale=False``, ``--single-scale``).
SINGLE_SCALE = MultiScale(zooms=(1.0,))


def usable_zooms(
    model: keras.Model, height: int, width: int, config: MultiScale = DEFAULT_MULTISCALE
) -> tuple[float, ...]:
    """The zooms a ``height × width`` photo runs at: those that do not enlarge it.

    Args:
        model: A plate-unet model.
        height: Photo height.
        width: Photo width.
        config: The rules; its ``zooms`` are the candidates.

    Returns:
        ``config.zooms`` up to the largest at which the zoomed input is no larger
        than the photo.

    Example:
        >>> from plate_unet.inference.multiscale import usable_zooms
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> model = build_unet(UNetConfig(256, 160, base_filters=2, depth=3))
        >>> usable_zooms(model, 960, 1280), usable_zooms(model, 290, 180)
        ((1.0, 2.0), (1.0,))
    """
    base_h, base_w = model_input_size(model, height, width)
    base = min(base_h / height, base_w / width)
    return tuple(z for z in config.zooms if z == 1.0 or z * base <= 1.0 + 1e-6)


def zoomed_pass(
    model: keras.Model, image: np.ndarray, zoom: float
) -> tuple[np.ndarray, Letterbox]:
    """Runs the model on ``image`` letterboxed to ``zoom`` × its input size.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image.
        zoom: 1 for the model's own size (turned to the image's orientation);
            2 for twice its height and width (rounded to what the U-Net's
            poolings divide).

    Returns:
        ``(prob, letterbox)``: the float32 probability map at the zoomed size
        and the letterbox that maps it back to the image.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference.multiscale import zoomed_pass
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> image, _ = generate_scene(1, 960, 1280)
        >>> model = build_unet(UNetConfig(256, 160, base_filters=2, depth=3))
        >>> [zoomed_pass(model, image, z)[0].shape for z in (1, 2)]  # landscape
        [(160, 256), (320, 512)]
    """
    height, width = np.shape(image)[:2]
    base_h, base_w = model_input_size(model, height, width)
    multiple = 2 ** (model_depth(model) - 1)
    dst_h = max(multiple, round(base_h * zoom / multiple) * multiple)
    dst_w = max(multiple, round(base_w * zoom / multiple) * multiple)
    x, letterbox = preprocess(image, dst_h, dst_w, int(model.input_shape[-1]))
    same = tuple(model.input_shape[1:3]) == (dst_h, dst_w)
    runner = model if same else any_size_model(model)
    prob = np.asarray(traced_inference(runner)(x[None]), dtype=np.float32)
    return prob[0, ..., 0], letterbox


def overlap(a: Box, b: Box) -> float:
    """The share of the smaller of two boxes ``(x0, y0, x1, y1)`` inside the other.

    Example:
        >>> from plate_unet.inference.multiscale import overlap
        >>> overlap((0, 0, 10, 4), (2, 1, 4, 3)), overlap((0, 0, 1, 1), (2, 2, 3, 3))
        (1.0, 0.0)
    """
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / max(smaller, 1e-9)


def _support(prob: np.ndarray, letterbox: Letterbox, box: Box) -> float:
    """The base pass's largest probability inside ``box`` (image pixels)."""
    (x0, y0), (x1, y1) = letterbox.forward([box[:2], box[2:]])
    h, w = prob.shape
    xa, ya = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    xb, yb = min(w, int(np.ceil(x1)) + 1), min(h, int(np.ceil(y1)) + 1)
    window = prob[ya:yb, xa:xb]
    return float(window.max()) if window.size else 0.0


# Deliberate parallel: predict_image (inference/image.py) takes the same arguments
# and passes them here.
def predict_multiscale(
    model: keras.Model,
    image: np.ndarray,
    threshold: float = 0.5,
    min_area: float | None = None,
    shape: PlateShape | None = PLAUSIBLE,
    config: MultiScale = DEFAULT_MULTISCALE,
) -> tuple[list[Plate], np.ndarray]:
    """Finds the plates in one image at every usable zoom and merges them.

    Args:
        model: A plate-unet model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` image.
        threshold: Probability above which a pixel is plate.
        min_area: Smallest region in pixels of the base pass (the same floor
            applies at every zoom); ``None``: 0.05 % of the base input.
        shape: What a region must look like to be a plate; ``None`` keeps all.
        config: The zooms and merging rules.

    Returns:
        ``(plates, prob)``: the merged plates in the image's pixels, largest
        first (as :func:`find_plates` orders them), and the float32 ``(H, W)``
        probability map at the image's size.

    Example:
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.inference import load_model, quad_iou
        >>> from plate_unet.inference.multiscale import predict_multiscale
        >>> image, plates = generate_scene(3, 960, 1280)
        >>> found, prob = predict_multiscale(load_model(), image)
        >>> prob.shape, max(quad_iou(p.quad, plates[0]) for p in found) > 0.5
        ((960, 1280), True)
    """
    height, width = np.shape(image)[:2]
    zooms = usable_zooms(model, height, width, config)
    base_prob, base_lb = zoomed_pass(model, image, 1.0)
    if min_area is None:
        min_area = max(8.0, MIN_AREA_FRACTION * base_prob.size)
    regions = [
        (p, 1.0) for p in find_plates(base_prob, threshold, base_lb, min_area, shape)
    ]
    zoomed = {}
    for zoom in zooms[1:]:
        prob, lb = zoomed_pass(model, image, zoom)
        zoomed[zoom] = (prob, lb)
        for p in find_plates(prob, threshold, lb, min_area, shape):
            small = (p.box[2] - p.box[0]) * lb.scale <= config.max_width
            if small and _support(base_prob, base_lb, p.box) >= config.min_support:
                regions.append((p, zoom))
    regions.sort(key=lambda r: -r[0].score)
    kept: list[tuple[Plate, float]] = []
    for plate, zoom in regions:
        if all(overlap(plate.box, k.box) <= config.max_overlap for k, _ in kept):
            kept.append((plate, zoom))
    merged = base_lb.invert_mask(base_prob)
    for zoom, (prob, lb) in zoomed.items():
        boxes = [p.box for p, z in kept if z == zoom]
        if boxes:
            _paste_max(merged, lb.invert_mask(prob), boxes)
    plates = sorted((p for p, _ in kept), key=_area, reverse=True)
    return plates, merged


def _area(plate: Plate) -> float:
    x0, y0, x1, y1 = plate.box
    return (x1 - x0) * (y1 - y0)


def _paste_max(merged: np.ndarray, prob: np.ndarray, boxes: list[Box]) -> None:
    """``merged = max(merged, prob)`` inside each box, in place."""
    h, w = merged.shape
    for x0, y0, x1, y1 in boxes:
        xa, ya = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        xb, yb = min(w, int(np.ceil(x1)) + 1), min(h, int(np.ceil(y1)) + 1)
        np.maximum(merged[ya:yb, xa:xb], prob[ya:yb, xa:xb], out=merged[ya:yb, xa:xb])
