"""The harness itself: run a widget notebook in JupyterLab and move its controls.

``fixtures/widget_smoke.ipynb`` uses only ipywidgets and matplotlib, so this test
shows the browser set-up works (widgets render and react) independently of the
project's notebooks.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "fixtures/widget_smoke.ipynb"


def test_widgets_render_and_react_to_slider_and_dropdown(lab):
    lab.open_notebook(NOTEBOOK)
    lab.run_all()

    assert lab.widget("Size").locator(".noUi-handle").is_visible()
    assert lab.widget("Shape").locator("select").is_visible()
    assert lab.notebook.locator(".widget-slider:visible").count() == 1
    lab.assert_widgets_rendered()

    app = lab.container("Size")
    assert app.locator(".widget-dropdown select").count() == 1
    image = app.locator(".widget-image").first
    area = lab.text(contains="Area")
    assert area == "Area: 16.00"
    log = lab.text(".widget-output", contains="Drawn")
    pixels = lab.image_digest(image)
    lab.screenshot("widget_smoke_1_initial")

    assert lab.move_slider("Size", steps=2) == "6"
    # Two arrow keys send two updates (size 5, then 6): wait for the last one.
    lab.wait_equal(
        lambda: lab.text(contains="Area"),
        "Area: 36.00",
        "the area text to follow the slider to size 6",
    )
    pixels_after_slider = lab.wait_settled(
        lambda: lab.image_digest(image), pixels, "the image to follow the slider"
    )
    lab.screenshot("widget_smoke_2_slider")

    assert lab.options("Shape") == ["square", "circle"]
    lab.select("Shape", "circle")
    lab.wait_equal(
        lambda: lab.text(contains="Area"),
        "Area: 28.27",
        "the area text to follow the dropdown to a circle",
    )
    lab.wait_changed(
        lambda: lab.image_digest(image),
        pixels_after_slider,
        "the image to follow the dropdown",
    )
    assert lab.text(".widget-output", contains="Drawn") != log
    assert lab.text(".widget-output", contains="Drawn") == "Drawn: circle of size 6"
    lab.screenshot("widget_smoke_3_dropdown")
