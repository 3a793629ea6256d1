"""The course's widget notebooks in JupyterLab, driven as a learner would.

Each test opens a served copy of a notebook, runs all cells (smoke mode), moves
the app's controls and checks that the text and the picture you see change. The
widget descriptions are those of ``plate_unet.viz.widgets``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_page import wait_for

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def require(name: str) -> str:
    """Return the served path of ``notebooks/<name>``, which must exist."""
    assert (NOTEBOOKS / name).is_file(), f"notebooks/{name} is missing"
    return f"notebooks/{name}"


def other_option(options: list[str], current: str) -> str:
    """Return the first option that is not ``current``."""
    others = [option for option in options if option != current]
    assert others, f"only one option to choose from: {options}"
    return others[0]


def test_augmentation_playground_follows_its_controls(lab):
    lab.open_notebook(require("01_data_and_annotations.ipynb"))
    lab.run_all()

    app = lab.container("Strength")
    lab.assert_widgets_rendered(fallbacks=("AugmentationPlayground(",))
    assert app.locator(".widget-slider .noUi-handle").count() == 2  # Strength, Seed
    image = app.locator(".widget-image").first
    info = app.locator(".widget-html-content").first
    text, pixels = info.inner_text(), lab.image_digest(image)
    assert "strength" in text
    lab.screenshot("01_playground_1_initial")

    strength = lab.move_slider("Strength", steps=4)
    # Four arrow keys send four updates: wait for the text of the last one.
    text_after_slider = wait_for(
        info.inner_text,
        lambda t: f"strength {strength}" in t,
        30,
        f"the playground text to follow Strength to {strength}",
    )
    pixels_after_slider = lab.wait_settled(
        lambda: lab.image_digest(image), pixels, "the panel to follow Strength"
    )
    lab.screenshot("01_playground_2_strength")

    choice = other_option(lab.options("Augmentation"), lab.selected("Augmentation"))
    lab.select("Augmentation", choice)
    text_after_select = lab.wait_changed(
        info.inner_text, text_after_slider, "the text to follow Augmentation"
    )
    assert text_after_select.startswith(choice)
    lab.wait_changed(
        lambda: lab.image_digest(image),
        pixels_after_slider,
        "the panel to follow Augmentation",
    )
    lab.screenshot("01_playground_3_augmentation")


# Descriptions notebook 06 may give its image selector (the explorer's own controls
# are "view", "threshold" and "opacity": plate_unet.viz.widgets.PredictionExplorer).
IMAGE_SELECTORS = ("image", "Image", "photo", "Photo", "scene", "Scene", "sample")


def iou_text(lab) -> str:
    """The explorer's live IoU line, e.g. ``"IoU 0.734"``."""
    return lab.text(".widget-html-content", contains="IoU")


def test_prediction_explorer_follows_threshold_and_image(lab):
    lab.open_notebook(require("06_explore_predictions.ipynb"))
    lab.run_all()

    lab.widget("threshold")
    lab.assert_widgets_rendered(fallbacks=("PredictionExplorer(",))
    image = lab.container("threshold").locator(".widget-image").first
    iou, pixels = iou_text(lab), lab.image_digest(image)
    assert iou.startswith("IoU")
    lab.screenshot("06_explorer_1_initial")

    # Lower the threshold a long way: even a smoke-trained model's mask then grows.
    lab.move_slider("threshold", steps=-8)
    iou_after_slider = lab.wait_changed(
        lambda: iou_text(lab), iou, "the IoU text to follow the threshold"
    )
    pixels_after_slider = lab.wait_settled(
        lambda: lab.image_digest(image), pixels, "the picture to follow the threshold"
    )
    lab.screenshot("06_explorer_2_threshold")

    shown = lab.descriptions()
    selector = next((d for d in IMAGE_SELECTORS if d in shown), None)
    assert selector is not None, f"no image selector among the widgets {shown}"
    lab.select(selector, other_option(lab.options(selector), lab.selected(selector)))
    lab.wait_changed(
        lambda: lab.image_digest(image),
        pixels_after_slider,
        "the picture to follow the image selector",
    )
    assert iou_text(lab).startswith("IoU")
    lab.screenshot("06_explorer_3_image")
    assert iou_after_slider != iou


def test_corner_reader_follows_corner_sliders_and_reset(lab):
    lab.open_notebook(require("08_reading_the_plate.ipynb"))
    lab.run_all(timeout=200.0)

    app = lab.container("Δx")
    lab.assert_widgets_rendered(fallbacks=("CornerReader(",))
    image = app.locator(".widget-image").first
    info = app.locator(".widget-html-content").first
    start_text, start_pixels = info.inner_text(), lab.image_digest(image)
    assert start_text.startswith("read "), start_text
    assert lab.options("Corner") == ["TL", "TR", "BR", "BL"]
    lab.screenshot("08_corners_1_initial")

    # Twelve pixels to the right: the crop's left edge moves, so the picture does.
    moved = lab.move_slider("Δx", steps=12)
    assert moved == "12"
    moved_pixels = lab.wait_settled(
        lambda: lab.image_digest(image), start_pixels, "the crop to follow Δx"
    )
    assert info.inner_text().startswith("read ")
    lab.screenshot("08_corners_2_moved")

    # Another corner starts at its own offset (0); the first keeps its move.
    lab.select("Corner", "BR")
    lab.wait_equal(lambda: lab.readout("Δx"), "0", "Δx to show BR's offset")
    assert lab.image_digest(image) == moved_pixels
    lab.select("Corner", "TL")
    lab.wait_equal(lambda: lab.readout("Δx"), "12", "Δx to show TL's offset again")

    app.locator("button").filter(has_text="Reset").first.click()
    lab.wait_equal(lambda: lab.readout("Δx"), "0", "Reset to put Δx back to 0")
    lab.wait_equal(
        lambda: lab.image_digest(image), start_pixels, "Reset to restore the crop"
    )
    lab.wait_equal(info.inner_text, start_text, "Reset to restore the reading")
    lab.screenshot("08_corners_3_reset")
