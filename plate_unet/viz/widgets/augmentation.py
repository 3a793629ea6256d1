"""The augmentation playground of notebook 01: an image and its mask, augmented
together, with controls for the augmentation, its strength and the reference."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np

from plate_unet.data.augment import AUGMENTATIONS, apply_augmentation
from plate_unet.data.drawing import overlay_mask, png_bytes, to_rgb8

# --- augmentation playground --------------------------------------------------------


def render_augmentation(
    image: np.ndarray, mask: np.ndarray, name: str, strength: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
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
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import render_augmentation
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> panel, m = render_augmentation(image, mask, "rotate", 0.5)
        >>> panel.shape[1] == 2 * image.shape[1] + 8
        True
    """
    aug_image, aug_mask = apply_augmentation(image, mask, name, strength, seed=seed)
    aug_mask = np.asarray(aug_mask)
    aug_mask = (aug_mask[..., 0] if aug_mask.ndim == 3 else aug_mask).astype(np.uint8)
    left = to_rgb8(aug_image)
    gap = np.full((left.shape[0], 8, 3), 255, np.uint8)
    panel = np.concatenate([left, gap, overlay_mask(left, aug_mask)], axis=1)
    return panel, aug_mask


class AugmentationPlayground(widgets.VBox):
    """The augmentation playground: controls on top, image and mask below.

    Attributes:
        augmentation: ``Dropdown`` "Augmentation" (the names in ``AUGMENTATIONS``).
        strength: ``FloatSlider`` "Strength", 0 to 1.
        seed: ``IntSlider`` "Seed" (the direction of the change and the noise).
        image: ``Image`` showing :func:`render_augmentation`'s panel as PNG.
        info: ``HTML`` line counting the plate pixels before and after.

    Example:
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import AugmentationPlayground
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> app = AugmentationPlayground(image, mask)
        >>> app
        AugmentationPlayground(augmentation='rotate', strength=0.50, seed=0)
        >>> app.strength.value = 0.8  # redraws app.image and app.info
        >>> app.info.value
        '<b>rotate</b> at strength 0.80: ... plate pixels in the mask (before: 317)'
    """

    def __init__(
        self,
        image: np.ndarray,
        mask: np.ndarray,
        name: str = "rotate",
        strength: float = 0.5,
        seed: int = 0,
        names: Sequence[str] = AUGMENTATIONS,
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
        # Wired as PredictionExplorer's controls are (a deliberate parallel).
        for control in (self.augmentation, self.strength, self.seed):
            control.observe(self.update, names="value")
        controls = widgets.HBox([self.augmentation, self.strength, self.seed])
        super().__init__([controls, self.info, self.image])
        self.update()

    def update(self, change: dict | None = None) -> None:
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
    image: np.ndarray,
    mask: np.ndarray,
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
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz.widgets import augmentation_playground
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> app = augmentation_playground(image, mask, "perspective", 0.6)
        >>> app  # a notebook cell shows the widget itself
        AugmentationPlayground(augmentation='perspective', strength=0.60, seed=0)
    """
    return AugmentationPlayground(image, mask, name, strength, seed, width=width)
