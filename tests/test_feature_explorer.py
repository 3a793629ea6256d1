"""Notebook 06's feature-map explorer and image chooser: moving a control changes
what is shown."""

from __future__ import annotations

from datetime import datetime

import cv2
import numpy as np
import pytest

from plate_unet.model import UNetConfig, build_unet
from plate_unet.viz.widgets import (
    BAR_WIDTH,
    FeatureMapExplorer,
    PredictionGallery,
    decode_upload,
    feature_layers,
    feature_maps,
    predict_at_image_size,
    render_feature_map,
)


@pytest.fixture(scope="module")
def model():
    return build_unet(UNetConfig(height=64, width=40, base_filters=4, depth=3))


@pytest.fixture
def x():
    return np.random.default_rng(0).random((64, 40, 1), dtype=np.float32)


def scene(seed: int, height: int = 90, width: int = 60):
    """A random uint8 RGB photo with one plate drawn on it, and the plate's corners."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 120, (height, width, 3), dtype=np.uint8)
    quad = np.float32([[10, 40], [40, 40], [40, 50], [10, 50]])
    cv2.fillPoly(image, [quad.astype(np.int32)], (240, 240, 240))
    return image, [quad]


def test_feature_layers_are_the_last_convolution_of_each_block(model):
    assert feature_layers(model) == [
        "enc1_conv2", "enc2_conv2", "enc3_conv2", "dec2_conv2", "dec1_conv2"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="matches"):
        feature_layers(model, r"nothing\d")


def test_feature_layers_take_the_activation_after_batch_norm():
    bn = build_unet(UNetConfig(64, 40, base_filters=4, depth=3, batch_norm=True))
    assert feature_layers(bn)[:2] == ["enc1_relu2", "enc2_relu2"]


def test_feature_maps_have_each_layers_shape(model, x):
    maps = feature_maps(model, x)
    assert maps["enc3_conv2"].shape == (16, 10, 16)
    assert maps["dec1_conv2"].shape == (64, 40, 4)
    with pytest.raises(ValueError, match="not a layer"):
        feature_maps(model, x, ["enc9_conv2"])


def test_render_feature_map_panel_and_bad_arguments(model, x):
    maps = feature_maps(model, x)
    panel, text = render_feature_map(x, maps, "enc3_conv2", 3)
    assert panel.shape == (64, 2 * 40 + 8 + BAR_WIDTH, 3) and panel.dtype == np.uint8
    assert np.ptp(panel[:, :40].astype(int), axis=-1).max() == 0  # the input: grey
    strip = panel[:, 2 * 40 + 8 + 2, :]  # the colour bar, top (high) to bottom
    assert strip[0].tolist() == [253, 231, 37] and strip[-1].tolist() == [68, 1, 84]
    assert text.startswith("enc3_conv2: 16×10×16 (H×W×C), channel 3")
    other, _ = render_feature_map(x, maps, "enc3_conv2", 4)
    assert not np.array_equal(panel, other)
    with pytest.raises(ValueError, match="channels 0 to 15"):
        render_feature_map(x, maps, "enc3_conv2", 16)
    with pytest.raises(ValueError, match="choose one of"):
        render_feature_map(x, maps, "enc3_pool", 0)


def test_feature_explorer_follows_layer_and_channel(model, x):
    app = FeatureMapExplorer(model, x)
    assert app.layer.description == "Layer" and app.channel.description == "Channel"
    assert app.layer.value == "enc1_conv2" and app.channel.max == 3
    shown, info = app.picture.value, app.info.value
    app.layer.value = "enc3_conv2"
    assert app.channel.max == 15 and app.picture.value != shown
    assert app.info.value != info and app.info.value.startswith("enc3_conv2")
    shown = app.picture.value
    app.channel.value = 12
    assert app.picture.value != shown and "channel 12" in app.info.value
    app.layer.value = "dec1_conv2"  # 4 channels: the slider comes back into range
    assert app.channel.max == 3 and app.channel.value == 3
    assert "channel 3" in app.info.value
    assert repr(app) == "FeatureMapExplorer(layer='dec1_conv2', channel=3)"


def test_prediction_at_image_size_maps_back_to_the_photo(model):
    image, plates = scene(0)
    prob, mask = predict_at_image_size(model, image, plates)
    assert prob.shape == mask.shape == (90, 60) and prob.dtype == np.float32
    assert mask[45, 25] == 1 and mask[5, 5] == 0
    assert predict_at_image_size(model, image)[1] is None


def test_gallery_follows_the_image_chooser(model):
    app = PredictionGallery(model, {"one": scene(0), "two": scene(1, 70, 50)})
    assert app.choice.description == "Image" and app.upload.description == "Upload"
    assert app.threshold.description == "threshold"
    shown, score = app.picture.value, app.score.value
    assert score.startswith("<b>IoU</b> ")
    app.choice.value = "two"
    assert app.picture.value != shown and app.score.value.startswith("<b>IoU</b>")
    shown = app.picture.value
    app.threshold.value = 0.0  # every pixel is plate: the mask covers the photo
    assert app.picture.value != shown and app.score.value != score
    assert repr(app).startswith("PredictionGallery(image='two', threshold=0.00")


def test_gallery_shows_an_uploaded_photo_without_iou(model):
    app = PredictionGallery(model, {"one": scene(0)})
    app.view.value = "error"
    photo = scene(2, 80, 120)[0]
    ok, png = cv2.imencode(".png", cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    assert ok
    name, decoded = decode_upload({"name": "car.png", "content": png.tobytes()})
    assert name == "car.png" and np.array_equal(decoded, photo)
    shown = app.picture.value
    app.upload.value = (
        {"name": "car.png", "type": "image/png", "size": png.size,
         "content": memoryview(png.tobytes()), "last_modified": datetime.now()},
    )  # fmt: skip
    assert app.choice.value == "upload: car.png" and app.picture.value != shown
    assert "error" not in app.view.options and app.view.value == "overlay"
    assert "no annotation" in app.score.value
    app.choice.value = "one"
    assert "error" in app.view.options and app.score.value.startswith("<b>IoU</b> ")


def test_decode_upload_names_bad_input():
    with pytest.raises(ValueError, match="no file uploaded"):
        decode_upload(())
    with pytest.raises(ValueError, match="notes.txt is not a readable image"):
        decode_upload([{"name": "notes.txt", "content": b"hello"}])
