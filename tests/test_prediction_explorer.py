"""The prediction explorer's callback and widget: moving a control changes the view."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.viz.widgets import (
    VIEWS,
    PredictionExplorer,
    pixel_iou,
    render_prediction,
)


@pytest.fixture
def scene():
    image = np.full((32, 48), 0.4, "float32")
    mask = np.zeros((32, 48), "float32")
    mask[10:16, 12:36] = 1
    prob = np.where(mask > 0, 0.7, 0.05).astype("float32")
    prob[20:24, 2:8] = 0.6  # an invented plate, less confident
    return image, prob, mask


def test_every_view_draws_an_rgb_picture(scene):
    image, prob, mask = scene
    for view in VIEWS:
        rgb, iou = render_prediction(image, prob, 0.5, 0.5, view, mask)
        assert rgb.shape == (32, 48, 3) and rgb.dtype == np.uint8, view
        assert iou == pytest.approx(144 / (144 + 24))


def test_threshold_changes_mask_and_iou(scene):
    image, prob, mask = scene
    low, iou_low = render_prediction(image, prob, 0.5, view="mask", true_mask=mask)
    high, iou_high = render_prediction(image, prob, 0.65, view="mask", true_mask=mask)
    assert iou_low < iou_high == 1.0
    assert low.sum() > high.sum()


def test_error_view_colours_found_invented_and_missed(scene):
    image, prob, mask = scene
    rgb, _ = render_prediction(image, prob, 0.5, view="error", true_mask=mask)
    assert tuple(rgb[12, 20]) == (255, 255, 255)  # found: white
    assert tuple(rgb[21, 4]) == (230, 159, 0)  # invented: orange
    rgb, _ = render_prediction(image, prob, 0.9, view="error", true_mask=mask)
    assert tuple(rgb[12, 20]) == (0, 114, 178)  # missed at a high threshold: blue


def test_error_colours_differ_for_colour_blind_readers():
    """Found, invented and missed stay apart under simulated deuteranopia and
    protanopia (Viénot et al. 1999) and in greyscale."""
    import numpy as np

    from plate_unet import colours

    rgb = np.array([colours.BOTH, colours.PREDICTED, colours.TRUTH], float) / 255
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    simulate = {
        "protanopia": [[0.1124, 0.8876, 0], [0.1124, 0.8876, 0], [0.004, -0.004, 1]],
        "deuteranopia": [[0.2927, 0.7073, 0], [0.2927, 0.7073, 0], [-0.022, 0.022, 1]],
    }
    for name, matrix in simulate.items():
        seen = lin @ np.array(matrix).T
        gaps = [np.linalg.norm(seen[i] - seen[j]) for i, j in [(0, 1), (0, 2), (1, 2)]]
        assert min(gaps) > 0.4, (name, gaps)  # red vs green: 0.25 (deuteranopia)
    grey = lin @ [0.2126, 0.7152, 0.0722]
    assert min(abs(grey[i] - grey[j]) for i, j in [(0, 1), (0, 2), (1, 2)]) > 0.15


def test_bad_arguments_name_what_is_valid(scene):
    image, prob, mask = scene
    with pytest.raises(ValueError, match="choose one of image"):
        render_prediction(image, prob, view="heatmap")
    with pytest.raises(ValueError, match="threshold=1.5"):
        render_prediction(image, prob, threshold=1.5)
    with pytest.raises(ValueError, match="needs true_mask"):
        render_prediction(image, prob, view="error")
    with pytest.raises(ValueError, match="sizes differ"):
        render_prediction(image, prob[:10])


def test_pixel_iou_of_empty_masks_is_one():
    assert pixel_iou(np.zeros((4, 4)), np.zeros((4, 4))) == 1.0


def test_widget_updates_when_sliders_move(scene):
    image, prob, mask = scene
    app = PredictionExplorer(image, prob, true_mask=mask)
    first_png, first_score = app.picture.value, app.score.value
    app.threshold.value = 0.65
    assert app.picture.value != first_png
    assert app.score.value != first_score and "1.000" in app.score.value
    shown = app.picture.value
    app.alpha.value = 0.9
    assert app.picture.value != shown
    app.view.value = "error"
    assert app.picture.value != shown


def test_widget_without_mask_hides_error_view_and_iou(scene):
    image, prob, _ = scene
    app = PredictionExplorer(image, prob)
    assert "error" not in app.view.options and app.score.value == ""


def test_the_cli_overlay_draws_predictions_in_the_course_colour():
    import numpy as np

    from plate_unet.colours import PREDICTED
    from plate_unet.inference.folder import draw_overlay
    from plate_unet.inference.postprocess import Plate

    quad = np.array([[10, 10], [50, 10], [50, 24], [10, 24]], np.float32)
    plate = Plate(quad=quad, score=0.9, box=(10, 10, 50, 24))
    image = np.zeros((40, 60, 3), np.uint8)
    mask = np.zeros((40, 60), np.uint8)
    mask[12:22, 12:48] = 1
    out = draw_overlay(image, mask, [plate])
    tint = (0.45 * np.array(PREDICTED, np.float32)).round().astype(np.uint8)
    assert out[16, 30].tolist() == tint.tolist()  # inside the mask: tinted orange
    edge = out[10, 30].astype(float)  # on the outline (anti-aliased): orange too
    assert edge[0] > 150 and edge[2] == 0 and abs(edge[0] / edge[1] - 230 / 159) < 0.05
    assert out[35, 5].tolist() == [0, 0, 0]  # elsewhere: untouched


def test_snapshot_is_the_widget_picture_and_text(scene):
    """The static copy under a widget shows what the widget shows."""
    import ipywidgets

    from plate_unet.viz.widgets import snapshot

    image, prob, mask = scene
    app = PredictionExplorer(image, prob, true_mask=mask)
    app.view.value = "error"
    app.threshold.value = 0.65  # the invented plate falls away
    rgb, text = snapshot(app)
    expected, iou = render_prediction(image, prob, 0.65, 0.45, "error", mask)
    np.testing.assert_array_equal(rgb, expected)  # PNG is lossless
    assert text == f"IoU {iou:.3f}" and iou == 1.0
    with pytest.raises(ValueError, match="shows no picture"):
        snapshot(ipywidgets.VBox([]))
