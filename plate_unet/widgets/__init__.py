"""ipywidgets apps for the notebooks; their callbacks are plain functions with
unit tests that drive them."""

from __future__ import annotations

# --- augmentation playground: notebook 01 (NOTEBOOK helper 2) -----------------------
import cv2
import ipywidgets as widgets
import numpy as np

from plate_unet.data.augment import AUGMENTATIONS, apply_augmentation

PLATE_COLOUR = (255, 0, 255)  # magenta: stands out on cars, roads and blue plates


def overlay_mask(image, mask, alpha: float = 0.45, colour=PLATE_COLOUR) -> np.ndarray:
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
        >>> overlay_mask(np.zeros((4, 6)), np.ones((4, 6)))[0, 0].tolist()
        [255, 0, 255]
    """
    rgb = _to_rgb8(image)
    m = np.asarray(mask)
    m = (m[..., 0] if m.ndim == 3 else m) > 0
    if m.shape != rgb.shape[:2]:
        raise ValueError(
            f"mask is {m.shape[1]}x{m.shape[0]} but the image is "
            f"{rgb.shape[1]}x{rgb.shape[0]}; they must have the same size"
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


def _to_rgb8(image) -> np.ndarray:
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


def render_augmentation(image, mask, name: str, strength: float, seed: int = 0):
    """Augments an image and its mask together and draws them side by side.

    The left panel is the augmented image, the right panel the same image with
    the augmented mask tinted on top, so you see whether the two still agree.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image, uint8 or float in [0, 1].
        mask: ``(H, W)`` or ``(H, W, 1)`` mask of {0, 1}.
        name: One of :data:`plate_unet.data.augment.AUGMENTATIONS`.
        strength: 0 (unchanged) to 1 (the strongest setting).
        seed: Picks the direction (sign of a rotation, shift, ...) and the noise.

    Returns:
        ``(panel, mask)``: uint8 RGB ``(H, 2 W + 8, 3)`` panel and the
        augmented mask ``(H, W)`` as uint8.

    Raises:
        ValueError: On an unknown augmentation or a strength outside [0, 1].

    Example:
        >>> panel, m = render_augmentation(image, mask, "rotate", 0.5)
        >>> panel.shape[1] == 2 * image.shape[1] + 8
        True
    """
    aug_image, aug_mask = apply_augmentation(image, mask, name, strength, seed=seed)
    aug_mask = np.asarray(aug_mask)
    aug_mask = (aug_mask[..., 0] if aug_mask.ndim == 3 else aug_mask).astype(np.uint8)
    left = _to_rgb8(aug_image)
    gap = np.full((left.shape[0], 8, 3), 255, np.uint8)
    panel = np.concatenate([left, gap, overlay_mask(left, aug_mask)], axis=1)
    return panel, aug_mask


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encodes a uint8 RGB array as PNG bytes (for ``ipywidgets.Image``).

    Example:
        >>> png_bytes(np.zeros((2, 2, 3), np.uint8))[:4]
        b'\\x89PNG'
    """
    ok, buf = cv2.imencode(".png", cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError(f"could not encode an image of shape {np.shape(rgb)} as PNG")
    return buf.tobytes()


class AugmentationPlayground(widgets.VBox):
    """The augmentation playground: controls on top, image and mask below.

    Attributes:
        augmentation: ``Dropdown`` "Augmentation" (the names in ``AUGMENTATIONS``).
        strength: ``FloatSlider`` "Strength", 0 to 1.
        seed: ``IntSlider`` "Seed" (the direction of the change and the noise).
        image: ``Image`` showing :func:`render_augmentation`'s panel as PNG.
        info: ``HTML`` line counting the plate pixels before and after.

    Example:
        >>> app = AugmentationPlayground(image, mask)
        >>> app.strength.value = 0.8  # app.image.value now shows the new panel
    """

    def __init__(
        self,
        image,
        mask,
        name: str = "rotate",
        strength: float = 0.5,
        seed: int = 0,
        names=AUGMENTATIONS,
        width: int = 560,
    ) -> None:
        if name not in names:
            raise ValueError(f"unknown augmentation {name!r}; choose from {names}")
        self.source_image, self.source_mask = np.asarray(image), np.asarray(mask)
        self.augmentation = widgets.Dropdown(
            options=list(names), value=name, description="Augmentation"
        )
        self.strength = widgets.FloatSlider(
            value=strength, min=0.0, max=1.0, step=0.05, description="Strength"
        )
        self.seed = widgets.IntSlider(value=seed, min=0, max=20, description="Seed")
        self.image = widgets.Image(format="png", width=width)
        self.info = widgets.HTML()
        for control in (self.augmentation, self.strength, self.seed):
            control.observe(self.update, names="value")
        controls = widgets.HBox([self.augmentation, self.strength, self.seed])
        super().__init__([controls, self.info, self.image])
        self.update()

    def update(self, change=None) -> None:
        """Redraws the panel and the pixel count from the controls' values."""
        panel, mask = render_augmentation(
            self.source_image,
            self.source_mask,
            self.augmentation.value,
            self.strength.value,
            self.seed.value,
        )
        before = int(np.count_nonzero(self.source_mask))
        self.image.value = png_bytes(panel)
        self.info.value = (
            f"<b>{self.augmentation.value}</b> at strength {self.strength.value:.2f}: "
            f"{int(mask.sum()):,} plate pixels in the mask (before: {before:,})"
        )

    def __repr__(self) -> str:  # short and stable: notebooks show it as text
        return (
            f"AugmentationPlayground(augmentation={self.augmentation.value!r}, "
            f"strength={self.strength.value:.2f}, seed={self.seed.value})"
        )


def augmentation_playground(
    image,
    mask,
    name: str = "rotate",
    strength: float = 0.5,
    seed: int = 0,
    width: int = 560,
) -> AugmentationPlayground:
    """Builds the playground: pick an augmentation and a strength, watch both change.

    Args:
        image: The scene, ``(H, W)`` or ``(H, W, C)``, uint8 or float in [0, 1].
        mask: Its plate mask, ``(H, W)`` or ``(H, W, 1)``.
        name: The augmentation shown first.
        strength: The strength shown first, in [0, 1].
        seed: The seed shown first.
        width: Display width of the panel in pixels.

    Returns:
        The widget (display it as a cell's last line); its controls are the
        attributes ``augmentation``, ``strength`` and ``seed``.

    Raises:
        ValueError: On an unknown augmentation name.

    Example:
        >>> app = augmentation_playground(image, mask, "perspective", 0.6)
        >>> app  # shows the widget
    """
    return AugmentationPlayground(image, mask, name, strength, seed, width=width)


# --- prediction explorer: notebook 06 (NOTEBOOK helper) -----------------------------

VIEWS = ("image", "probability", "mask", "overlay", "error")
_TP, _FP, _FN = (0, 200, 0), (230, 0, 0), (0, 90, 255)  # green, red, blue


def _plane(array, name: str) -> np.ndarray:
    a = np.asarray(array, dtype=np.float32)
    a = a[..., 0] if a.ndim == 3 and a.shape[-1] == 1 else a
    if a.ndim != 2:
        raise ValueError(f"{name} must be (H, W) or (H, W, 1), got shape {a.shape}")
    return a


def pixel_iou(true_mask, pred_mask) -> float:
    """Plate IoU of two binary masks; 1.0 when both are empty.

    Example:
        >>> pixel_iou(np.ones((2, 2)), np.ones((2, 2)))
        1.0
    """
    t, p = np.asarray(true_mask) > 0, np.asarray(pred_mask) > 0
    union = np.logical_or(t, p).sum()
    return 1.0 if union == 0 else float(np.logical_and(t, p).sum() / union)


def render_prediction(
    image, prob, threshold=0.5, alpha=0.45, view="overlay", true_mask=None
):
    """Draws one view of a prediction and scores it against the true mask.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image, uint8 or float in [0, 1].
        prob: ``(H, W)`` or ``(H, W, 1)`` plate probabilities, same size.
        threshold: Probability above which a pixel counts as plate, in [0, 1].
        alpha: Opacity of the overlay, in [0, 1].
        view: One of :data:`VIEWS`: the image, the probability map (viridis), the
            thresholded mask, the mask tinted on the image, or the error map (green
            found, red invented, blue missed; needs ``true_mask``).
        true_mask: Optional ``(H, W)`` mask of {0, 1}.

    Returns:
        ``(rgb, iou)``: a uint8 ``(H, W, 3)`` picture and the IoU of the
        thresholded mask (``None`` without ``true_mask``).

    Raises:
        ValueError: On an unknown view, a value outside [0, 1], sizes that differ,
            or the error view without ``true_mask``.

    Example:
        >>> rgb, iou = render_prediction(image, prob, 0.5, view="error", true_mask=m)
        >>> rgb.shape == (*prob.shape[:2], 3)
        True
    """
    if view not in VIEWS:
        raise ValueError(f"view={view!r} is unknown: choose one of {', '.join(VIEWS)}.")
    for label, value in (("threshold", threshold), ("alpha", alpha)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{label}={value!r} is invalid: use a value in [0, 1].")
    base, p = _to_rgb8(image), _plane(prob, "prob")
    if base.shape[:2] != p.shape:
        raise ValueError(f"image {base.shape[:2]} and prob {p.shape} sizes differ")
    pred = (p > threshold).astype(np.uint8)
    truth = None if true_mask is None else _plane(true_mask, "true_mask") > 0.5
    if truth is not None and truth.shape != p.shape:
        raise ValueError(f"true_mask {truth.shape} and prob {p.shape} sizes differ")
    iou = None if truth is None else pixel_iou(truth, pred)
    if view == "image":
        return base, iou
    if view == "probability":
        grey = (np.clip(p, 0, 1) * 255).astype(np.uint8)
        bgr = cv2.applyColorMap(grey, cv2.COLORMAP_VIRIDIS)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), iou
    if view == "mask":
        return np.repeat(pred[..., None] * 255, 3, axis=-1), iou
    if view == "overlay":
        return overlay_mask(base, pred, alpha), iou
    if truth is None:
        raise ValueError("view='error' needs true_mask: pass the image's plate mask.")
    out = (base * 0.5).astype(np.uint8)
    hit = pred.astype(bool)
    for where, colour in ((hit & truth, _TP), (hit & ~truth, _FP), (~hit & truth, _FN)):
        out[where] = colour
    return out, iou


class PredictionExplorer(widgets.VBox):
    """Threshold, opacity and view controls over one prediction, with live IoU.

    Args:
        image: The photo, ``(H, W)`` or ``(H, W, C)``.
        prob: The model's probability map for it, same size.
        true_mask: Optional plate mask, for the IoU and the error view.
        width: Display width of the picture in pixels.

    Example:
        >>> app = PredictionExplorer(image, prob, true_mask=mask)
        >>> app.threshold.value = 0.8  # the picture and the IoU update
    """

    def __init__(self, image, prob, true_mask=None, width: int = 480):
        self._data = (image, prob, true_mask)
        self.threshold = widgets.FloatSlider(
            0.5, min=0.0, max=1.0, step=0.05, description="threshold"
        )
        self.alpha = widgets.FloatSlider(
            0.45, min=0.0, max=1.0, step=0.05, description="opacity"
        )
        views = VIEWS if true_mask is not None else VIEWS[:-1]
        self.view = widgets.Dropdown(options=views, value="overlay", description="view")
        self.picture = widgets.Image(format="png", width=width)
        self.score = widgets.HTML()
        for control in (self.threshold, self.alpha, self.view):
            control.observe(self._update, names="value")
        controls = widgets.HBox([self.view, self.threshold, self.alpha])
        super().__init__([controls, self.picture, self.score])
        self._update()

    def _update(self, _change=None) -> None:
        image, prob, mask = self._data
        rgb, iou = render_prediction(
            image, prob, self.threshold.value, self.alpha.value, self.view.value, mask
        )
        self.picture.value = png_bytes(rgb)
        self.score.value = "" if iou is None else f"<b>IoU</b> {iou:.3f}"


# --- image chooser and feature-map explorer: notebook 06 (NOTEBOOK helper 3) --------


def decode_upload(upload_value) -> tuple[str, np.ndarray]:
    """Decodes the first file of a ``FileUpload`` value into an RGB image.

    Args:
        upload_value: ``FileUpload.value`` (ipywidgets 8: a tuple of dicts with
            ``"name"`` and ``"content"``), or one such dict.

    Returns:
        ``(name, image)``: the file name and a uint8 RGB ``(H, W, 3)`` array.

    Raises:
        ValueError: If nothing was uploaded or the file is not a readable image.

    Example:
        >>> name, image = decode_upload(app.upload.value)  # doctest: +SKIP
    """
    files = [upload_value] if isinstance(upload_value, dict) else list(upload_value)
    if not files:
        raise ValueError("no file uploaded: choose a .jpg or .png photo first.")
    name, content = str(files[0]["name"]), bytes(files[0]["content"])
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    bgr = cv2.imdecode(np.frombuffer(content, np.uint8), flags) if content else None
    if bgr is None:
        raise ValueError(f"{name} is not a readable image: upload a .jpg or .png.")
    return name, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def predict_at_image_size(model, image, plates=None):
    """Runs the model on one photo; returns the probability map at the photo's size.

    Args:
        model: A plate-unet Keras model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` photo of any size.
        plates: The annotated ``(4, 2)`` corner arrays, or ``None`` when unknown.

    Returns:
        ``(prob, true_mask)``: float32 ``(H, W)`` probabilities (the letterboxed
        prediction mapped back) and the uint8 ``(H, W)`` plate mask, or ``None``
        without ``plates``.

    Example:
        >>> prob, mask = predict_at_image_size(model, image, plates)  # doctest: +SKIP
    """
    from plate_unet.data.masks import rasterize
    from plate_unet.predict import predict_probability

    prob, letterbox = predict_probability(model, image)
    prob = letterbox.invert_mask(prob)
    height, width = np.shape(image)[:2]
    mask = None if plates is None else rasterize(list(plates), height, width)
    return prob, mask


class PredictionGallery(PredictionExplorer):
    """The prediction explorer with an image chooser and a photo upload.

    Each image is predicted once, when it is first shown, and kept.

    Args:
        model: A plate-unet Keras model.
        images: ``{name: (image, plates or None)}``: uint8 RGB photos and their
            annotated ``(4, 2)`` corners (``None``: no annotation, no IoU).
        width: Display width of the picture in pixels.

    Attributes:
        choice: ``Dropdown`` "Image" over the names of ``images``.
        upload: ``FileUpload`` "Upload": adds your photo and shows it.
        threshold, alpha, view, picture, score: As in :class:`PredictionExplorer`.

    Raises:
        ValueError: If ``images`` is empty.

    Example:
        >>> app = PredictionGallery(model, {"scene 1": (image, plates)})
        >>> app.choice.value = "scene 1"  # the picture and the IoU follow
    """

    def __init__(self, model, images: dict, width: int = 360) -> None:
        if not images:
            raise ValueError("images is empty: pass {name: (image, plates or None)}.")
        self.model, self.images, self._cache = model, dict(images), {}
        first = next(iter(self.images))
        super().__init__(*self.prediction(first), width=width)
        self.choice = widgets.Dropdown(
            options=list(self.images), value=first, description="Image"
        )
        self.upload = widgets.FileUpload(
            accept="image/*", multiple=False, description="Upload"
        )
        self.choice.observe(self._choose, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.children = (widgets.HBox([self.choice, self.upload]), *self.children)

    def prediction(self, name: str):
        """Returns ``(image, prob, true_mask)`` of one named image (cached)."""
        if name not in self._cache:
            image, plates = self.images[name]
            self._cache[name] = (
                image,
                *predict_at_image_size(self.model, image, plates),
            )
        return self._cache[name]

    def add_image(self, name: str, image, plates=None) -> None:
        """Adds a photo to the chooser and shows it."""
        self.images[name] = (np.asarray(image), plates)
        self._cache.pop(name, None)
        self.choice.options = list(self.images)
        self.choice.value = name
        self._choose()

    def _choose(self, _change=None) -> None:
        self._data = self.prediction(self.choice.value)
        views = VIEWS if self._data[2] is not None else VIEWS[:-1]
        if tuple(self.view.options) != views:
            keep = self.view.value if self.view.value in views else "overlay"
            self.view.unobserve(self._update, names="value")
            self.view.options, self.view.value = views, keep
            self.view.observe(self._update, names="value")
        self._update()

    def _update(self, _change=None) -> None:
        super()._update()
        if not self.score.value:
            self.score.value = "<b>IoU</b> - (no annotation for this photo)"

    def _uploaded(self, change) -> None:
        if change["new"]:
            name, image = decode_upload(change["new"])
            self.add_image(f"upload: {name}", image)

    def __repr__(self) -> str:  # short and stable: notebooks show it as text
        return (
            f"PredictionGallery(image={self.choice.value!r}, "
            f"threshold={self.threshold.value:.2f}, view={self.view.value!r})"
        )


#: The U-Net levels worth looking at: the last convolution of each block.
FEATURE_LAYER_PATTERN = r"(enc|dec)\d+_conv2"


def feature_layers(model, pattern: str = FEATURE_LAYER_PATTERN) -> list[str]:
    """Names of the layers that output each U-Net block, in model order.

    A block ends with its second convolution ``enc3_conv2``; with batch norm that
    convolution is linear and the block's output is ``enc3_relu2``, which is
    returned instead.

    Args:
        model: A plate-unet Keras model.
        pattern: A regular expression the whole convolution name must match.

    Returns:
        E.g. ``["enc1_conv2", …, "enc5_conv2", "dec4_conv2", …, "dec1_conv2"]``.

    Raises:
        ValueError: If no layer matches.

    Example:
        >>> feature_layers(build_unet(UNetConfig(64, 40, depth=3)))[:2]
        ['enc1_conv2', 'enc2_conv2']
    """
    import re

    known = {layer.name for layer in model.layers}
    names = [
        relu
        if (relu := layer.name.replace("_conv2", "_relu2")) in known
        else layer.name
        for layer in model.layers
        if re.fullmatch(pattern, layer.name)
    ]
    if not names:
        raise ValueError(f"no layer of {model.name!r} matches {pattern!r}.")
    return names


def feature_maps(model, x, layers=None) -> dict[str, np.ndarray]:
    """Runs one input through the model and keeps the named layers' outputs.

    Args:
        model: A plate-unet Keras model.
        x: One model input ``(H, W, C)`` float32 in [0, 1] (see
            :func:`plate_unet.predict.prepare_input`).
        layers: Layer names; ``None``: :func:`feature_layers`.

    Returns:
        ``{layer name: float32 (h, w, channels)}`` in the order of ``layers``.

    Raises:
        ValueError: If a name is not a layer of the model.

    Example:
        >>> maps = feature_maps(model, x, ["enc3_conv2"])  # doctest: +SKIP
        >>> maps["enc3_conv2"].shape  # doctest: +SKIP
        (64, 40, 32)
    """
    import keras

    layers = list(layers) if layers is not None else feature_layers(model)
    known = {layer.name for layer in model.layers}
    for name in layers:
        if name not in known:
            raise ValueError(f"{name!r} is not a layer of {model.name!r}.")
    probe = keras.Model(model.input, [model.get_layer(n).output for n in layers])
    outputs = probe(np.asarray(x, np.float32)[None], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {
        n: np.asarray(o, np.float32)[0] for n, o in zip(layers, outputs, strict=True)
    }


def render_feature_map(image, maps: dict, layer: str, channel: int):
    """Draws one channel of one layer's activation beside the model input.

    The activation is scaled to its own min..max, coloured with viridis and
    enlarged (nearest neighbour, so you see its real resolution) to the input size.

    Args:
        image: The model input ``(H, W)`` or ``(H, W, C)``, uint8 or float in [0, 1].
        maps: ``{layer: (h, w, channels)}`` from :func:`feature_maps`.
        layer: A key of ``maps``.
        channel: Channel index, ``0 <= channel < channels``.

    Returns:
        ``(panel, text)``: uint8 RGB ``(H, 2 W + 8, 3)`` and a one-line summary
        (layer, size, channel, value range).

    Raises:
        ValueError: On an unknown layer or a channel out of range.

    Example:
        >>> panel, text = render_feature_map(x, maps, "enc3_conv2", 0)  # doctest: +SKIP
    """
    if layer not in maps:
        raise ValueError(f"layer {layer!r} is unknown: choose one of {list(maps)}.")
    act = maps[layer]
    if not 0 <= int(channel) < act.shape[-1]:
        raise ValueError(
            f"channel={channel} is out of range: {layer} has channels 0 to "
            f"{act.shape[-1] - 1}."
        )
    plane = act[..., int(channel)]
    lo, hi = float(plane.min()), float(plane.max())
    grey = ((plane - lo) / (hi - lo) * 255 if hi > lo else plane * 0).astype(np.uint8)
    base = _to_rgb8(image)
    height, width = base.shape[:2]
    grey = cv2.resize(grey, (width, height), interpolation=cv2.INTER_NEAREST)
    colour = cv2.cvtColor(
        cv2.applyColorMap(grey, cv2.COLORMAP_VIRIDIS), cv2.COLOR_BGR2RGB
    )
    gap = np.full((height, 8, 3), 255, np.uint8)
    text = (
        f"{layer}: {act.shape[0]}×{act.shape[1]}×{act.shape[2]}, channel {channel}: "
        f"{lo:.3g} to {hi:.3g}, {np.mean(plane > 0):.0%} active"
    )
    return np.concatenate([base, gap, colour], axis=1), text


class FeatureMapExplorer(widgets.VBox):
    """Pick a U-Net level and a channel, see its activation beside the input.

    Args:
        model: A plate-unet Keras model.
        x: One model input ``(H, W, C)`` float32 in [0, 1].
        layers: Layer names to offer; ``None``: :func:`feature_layers`.
        width: Display width of the panel in pixels.

    Attributes:
        layer: ``Dropdown`` "Layer" (e.g. ``enc3_conv2``).
        channel: ``IntSlider`` "Channel"; its maximum follows the layer.
        picture: ``Image`` with :func:`render_feature_map`'s panel.
        info: ``HTML`` line: size, channel and value range.

    Example:
        >>> app = FeatureMapExplorer(model, x)
        >>> app.layer.value = "dec2_conv2"  # the picture follows
    """

    def __init__(self, model, x, layers=None, width: int = 420) -> None:
        self.x = np.asarray(x, np.float32)
        self.maps = feature_maps(model, self.x, layers)
        names = list(self.maps)
        self.layer = widgets.Dropdown(
            options=names, value=names[0], description="Layer"
        )
        self.channel = widgets.IntSlider(0, min=0, max=1, description="Channel")
        self.picture = widgets.Image(format="png", width=width)
        self.info = widgets.HTML()
        self.layer.observe(self._layer_changed, names="value")
        self.channel.observe(self.update, names="value")
        controls = widgets.HBox([self.layer, self.channel])
        super().__init__([controls, self.info, self.picture])
        self._layer_changed()

    def _layer_changed(self, _change=None) -> None:
        last = self.maps[self.layer.value].shape[-1] - 1
        self.channel.unobserve(self.update, names="value")
        self.channel.max = last
        self.channel.value = min(self.channel.value, last)
        self.channel.observe(self.update, names="value")
        self.update()

    def update(self, _change=None) -> None:
        """Redraws the panel from the layer and channel controls."""
        panel, text = render_feature_map(
            self.x, self.maps, self.layer.value, self.channel.value
        )
        self.picture.value = png_bytes(panel)
        self.info.value = text

    def __repr__(self) -> str:  # short and stable: notebooks show it as text
        return (
            f"FeatureMapExplorer(layer={self.layer.value!r}, "
            f"channel={self.channel.value})"
        )
