"""The prediction explorer of notebook 06: threshold, opacity and view controls
over a model's prediction with live IoU, and the gallery that adds an image
chooser and a photo upload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import cv2
import ipywidgets as widgets
import numpy as np

from plate_unet import colours
from plate_unet.data.drawing import overlay_mask, png_bytes, to_rgb8
from plate_unet.data.images import decode_image
from plate_unet.errors import PlateUnetError
from plate_unet.inference.evaluate import pixel_scores

if TYPE_CHECKING:
    import keras
    from numpy.typing import ArrayLike

# --- prediction explorer: one prediction, its views and its IoU ---------------------

#: What :func:`render_prediction` can show.
View = Literal["image", "probability", "mask", "overlay", "error"]
VIEWS: tuple[View, ...] = get_args(View)
# found: white, invented: orange, missed: blue (colour-blind safe)
_TP, _FP, _FN = colours.BOTH, colours.PREDICTED, colours.TRUTH


def _plane(array, name: str) -> np.ndarray:
    a = np.asarray(array, dtype=np.float32)
    a = a[..., 0] if a.ndim == 3 and a.shape[-1] == 1 else a
    if a.ndim != 2:
        raise ValueError(f"{name} must be (H, W) or (H, W, 1), got shape {a.shape}")
    return a


def pixel_iou(true_mask: np.ndarray, pred_mask: np.ndarray) -> float:
    """Plate IoU of two binary masks; 1.0 when both are empty.

    Example:
        >>> from plate_unet.viz.widgets import pixel_iou
        >>> pixel_iou(np.ones((2, 2)), np.ones((2, 2)))
        1.0
    """
    return pixel_scores(true_mask, pred_mask)[0]


def render_prediction(
    image: np.ndarray,
    prob: np.ndarray,
    threshold: float = 0.5,
    alpha: float = 0.45,
    view: View = "overlay",
    true_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, float | None]:
    """Draws one view of a prediction and scores it against the true mask.

    Args:
        image: ``(H, W)`` or ``(H, W, C)`` image, uint8 or float in [0, 1].
        prob: ``(H, W)`` or ``(H, W, 1)`` plate probabilities, same size.
        threshold: Probability above which a pixel counts as plate, in [0, 1].
        alpha: Opacity of the overlay, in [0, 1].
        view: One of :data:`VIEWS`: the image, the probability map (viridis), the
            thresholded mask, the mask tinted on the image, or the error map (white
            found, orange invented, blue missed: :mod:`plate_unet.colours`;
            needs ``true_mask``).
        true_mask: Optional ``(H, W)`` mask of {0, 1}.

    Returns:
        ``(rgb, iou)``: a uint8 ``(H, W, 3)`` picture and the IoU of the
        thresholded mask (``None`` without ``true_mask``).

    Raises:
        ValueError: On an unknown view, a value outside [0, 1], sizes that differ,
            or the error view without ``true_mask``.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import render_prediction
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> probs = np.where(mask == 1, 0.95, 0.05).astype("float32")
        >>> rgb, iou = render_prediction(image, probs, view="error", true_mask=mask)
        >>> rgb.shape, rgb.dtype, iou
        ((290, 180, 3), dtype('uint8'), 1.0)
        >>> int(render_prediction(image, probs, 0.96, view="mask")[0].max())  # none
        0
    """
    if view not in VIEWS:
        raise ValueError(f"view={view!r} is unknown: choose one of {', '.join(VIEWS)}.")
    for label, value in (("threshold", threshold), ("alpha", alpha)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{label}={value!r} is invalid: use a value in [0, 1].")
    base, p = to_rgb8(image), _plane(prob, "prob")
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
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import PredictionExplorer
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> probs = np.where(mask == 1, 0.95, 0.05).astype("float32")
        >>> app = PredictionExplorer(image, probs, true_mask=mask)
        >>> app.score.value
        '<b>IoU</b> 1.000'
        >>> app.threshold.value = 0.96  # the picture and the IoU update
        >>> app.score.value
        '<b>IoU</b> 0.000'
    """

    def __init__(
        self,
        image: np.ndarray,
        prob: np.ndarray,
        true_mask: np.ndarray | None = None,
        width: int = 480,
    ) -> None:
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
        # Wired as AugmentationPlayground's controls are (a deliberate parallel).
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


# --- gallery: choose or upload an image, predict it ---------------------------------


def decode_upload(upload_value: Any) -> tuple[str, np.ndarray]:
    """Decodes the first file of a ``FileUpload`` value into an RGB image.

    Args:
        upload_value: ``FileUpload.value`` (ipywidgets 8: a tuple of dicts with
            ``"name"`` and ``"content"``), or one such dict.

    Returns:
        ``(name, image)``: the file name and a uint8 RGB ``(H, W, 3)`` array.

    Raises:
        ValueError: If nothing was uploaded or the file is not a readable image.

    Example:
        >>> import cv2
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.viz.widgets import decode_upload
        >>> image, plates = generate_scene(1, 290, 180)
        >>> ok, png = cv2.imencode(".png", image[..., ::-1])  # a photo, as uploaded
        >>> upload = ({"name": "car.png", "content": memoryview(png.tobytes())},)
        >>> name, photo = decode_upload(upload)  # e.g. app.upload.value
        >>> name, photo.shape, bool((photo == image).all())
        ('car.png', (290, 180, 3), True)
        >>> decode_upload(())
        Traceback (most recent call last):
        ...
        ValueError: no file uploaded: choose a .jpg or .png photo first.
    """
    files = [upload_value] if isinstance(upload_value, dict) else list(upload_value)
    if not files:
        raise ValueError("no file uploaded: choose a .jpg or .png photo first.")
    name, content = str(files[0]["name"]), bytes(files[0]["content"])
    try:
        return name, decode_image(content, name)
    except PlateUnetError:
        raise ValueError(
            f"{name} is not a readable image: upload a .jpg or .png."
        ) from None


def predict_at_image_size(
    model: keras.Model,
    image: np.ndarray,
    plates: Sequence[ArrayLike] | None = None,
    multiscale: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Runs the model on one photo; returns the probability map at the photo's size.

    Args:
        model: A plate-unet Keras model.
        image: uint8 RGB ``(H, W, 3)`` or grey ``(H, W)`` photo of any size.
        plates: The annotated ``(4, 2)`` corner arrays, or ``None`` when unknown.
        multiscale: Merge a second pass at twice the model's size for a large
            photo (:mod:`plate_unet.inference.multiscale`); ``False``: one pass.

    Returns:
        ``(prob, true_mask)``: float32 ``(H, W)`` probabilities (the letterboxed
        predictions mapped back and merged) and the uint8 ``(H, W)`` plate mask,
        or ``None`` without ``plates``.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import predict_at_image_size
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> prob, true_mask = predict_at_image_size(model, image, plates)
        >>> prob.shape, prob.dtype, true_mask.shape  # image: 290×180, model: 64×64
        ((290, 180), dtype('float32'), (290, 180))
        >>> bool((true_mask == mask).all()), predict_at_image_size(model, image)[1]
        (True, None)
    """
    from plate_unet.data.masks import rasterize
    from plate_unet.inference.multiscale import (
        DEFAULT_MULTISCALE,
        SINGLE_SCALE,
        predict_multiscale,
    )

    config = DEFAULT_MULTISCALE if multiscale else SINGLE_SCALE
    _, prob = predict_multiscale(model, image, shape=None, config=config)
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
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.viz.widgets import PredictionGallery
        >>> image, plates = generate_scene(1, 290, 180)
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> images = {"scene": (image, plates), "photo": (image, None)}
        >>> app = PredictionGallery(model, images)
        >>> app
        PredictionGallery(image='scene', threshold=0.50, view='overlay')
        >>> app.choice.value = "photo"  # the picture and the IoU follow
        >>> app.score.value
        '<b>IoU</b> - (no annotation for this photo)'
    """

    def __init__(self, model: keras.Model, images: dict, width: int = 360) -> None:
        if not images:
            raise ValueError("images is empty: pass {name: (image, plates or None)}.")
        self.model, self.images = model, dict(images)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
        first = next(iter(self.images))
        image, prob, true_mask = self.prediction(first)
        super().__init__(image, prob, true_mask, width=width)
        self.choice = widgets.Dropdown(
            options=list(self.images), value=first, description="Image"
        )
        self.upload = widgets.FileUpload(
            accept="image/*", multiple=False, description="Upload"
        )
        self.choice.observe(self._choose, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.children = (widgets.HBox([self.choice, self.upload]), *self.children)  # type: ignore[has-type]

    def prediction(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Returns ``(image, prob, true_mask)`` of one named image (cached)."""
        if name not in self._cache:
            image, plates = self.images[name]
            self._cache[name] = (
                image,
                *predict_at_image_size(self.model, image, plates),
            )
        return self._cache[name]

    def add_image(
        self, name: str, image: np.ndarray, plates: Sequence[ArrayLike] | None = None
    ) -> None:
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
