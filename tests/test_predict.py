"""Prediction: safe model loading, letterboxing any size, the JSON schema, skips."""

from __future__ import annotations

import json
import logging

import cv2
import keras
import numpy as np
import pytest

from plate_unet import cli
from plate_unet.data import list_images
from plate_unet.errors import ModelFileError, PlateUnetError
from plate_unet.inference import (
    default_model_path,
    load_model,
    model_input_size,
    predict_folder,
    predict_image,
)
from plate_unet.model import UNetConfig, build_unet


def _bright_is_plate(height=64, width=64, channels=1) -> keras.Model:
    """A valid one-layer 'segmenter': a pixel is plate when it is bright.

    Its answer is known exactly, so a test can check the plates end to end.
    """
    image = keras.Input((height, width, channels), name="image")
    out = keras.layers.Conv2D(1, 1, activation="sigmoid", name="output")(image)
    model = keras.Model(image, out)
    w = np.full((1, 1, channels, 1), 40.0 / channels, np.float32)
    model.get_layer("output").set_weights([w, np.float32([-20.0])])
    return model


def _scene(height, width, quad) -> np.ndarray:
    image = np.full((height, width, 3), 30, np.uint8)
    cv2.fillPoly(image, [np.round(np.asarray(quad) * 16).astype(np.int32)],
                 (255, 255, 255), shift=4)  # fmt: skip
    return image


def _write(path, image) -> None:
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))


QUAD_A = np.float32([[40, 100], [160, 110], [158, 150], [38, 140]])  # 200×240
QUAD_B = np.float32([[20, 30], [70, 30], [70, 48], [20, 48]])  # 90×100


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "bright.keras"
    _bright_is_plate().save(path)
    return path


@pytest.fixture
def images_dir(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    _write(folder / "a.jpg", _scene(240, 200, QUAD_A))
    _write(folder / "b.png", _scene(100, 90, QUAD_B))
    (folder / "broken.jpg").write_bytes(b"this is not a jpeg")
    (folder / "notes.txt").write_text("not an image, not counted")
    return folder


def test_predict_folder_writes_schema_and_skips_unreadable(
    model_file, images_dir, tmp_path, caplog
):
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="plate_unet"):
        summary = predict_folder(load_model(model_file), images_dir, out)
    assert [p.name for p in summary.written] == ["a.json", "b.json"]
    assert summary.skipped == [("broken.jpg", "not a readable image")]
    assert "skipped 1 of 3 images: broken.jpg: not a readable image" in caplog.text
    for stem, (h, w), true in (("a", (240, 200), QUAD_A), ("b", (100, 90), QUAD_B)):
        record = json.loads((out / f"{stem}.json").read_text())
        assert set(record) == {"image", "width", "height", "plates"}
        assert (record["width"], record["height"]) == (w, h)
        assert record["image"].startswith(stem)
        (plate,) = record["plates"]
        assert set(plate) == {"quad", "box", "score"}
        quad = np.array(plate["quad"])
        assert quad.shape == (4, 2) and len(plate["box"]) == 4
        assert 0.5 < plate["score"] <= 1.0
        # Model pixels are max(h, w) / 64 original pixels wide.
        err = np.linalg.norm(quad - true, axis=1).mean()
        assert err < 1.5 * max(h, w) / 64
        mask = cv2.imread(str(out / f"{stem}_mask.png"), cv2.IMREAD_UNCHANGED)
        assert mask.shape == (h, w) and set(np.unique(mask)) == {0, 255}
        assert cv2.imread(str(out / f"{stem}_overlay.png")).shape == (h, w, 3)
        assert cv2.imread(str(out / f"{stem}_plate1.png")).shape == (80, 240, 3)
    assert not list(out.glob("broken*"))


def test_any_size_model_pads_to_a_multiple(tmp_path):
    model = build_unet(UNetConfig(None, None, base_filters=2, depth=3))
    assert model_input_size(model, 50, 70) == (52, 72)
    assert model_input_size(_bright_is_plate(64, 32), 500, 300) == (64, 32)
    any_size = _bright_is_plate(None, None, channels=3)
    plates, mask = predict_image(any_size, _scene(100, 90, QUAD_B))
    assert mask.shape == (100, 90)
    (plate,) = plates
    assert np.linalg.norm(plate.quad - QUAD_B, axis=1).mean() < 1.5


def test_real_unet_predicts_at_the_original_size(tmp_path):
    path = tmp_path / "unet.keras"
    build_unet(UNetConfig(64, 64, base_filters=2, depth=3)).save(path)
    model = load_model(path)
    plates, mask = predict_image(model, _scene(150, 100, QUAD_B))
    assert mask.shape == (150, 100) and mask.dtype == np.uint8
    assert all(p.quad.shape == (4, 2) for p in plates)


def test_model_file_errors_name_the_file(tmp_path):
    with pytest.raises(ModelFileError, match="missing.keras.*not found"):
        load_model(tmp_path / "missing.keras")
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(ModelFileError, match="corrupt.keras"):
        load_model(corrupt)
    other = tmp_path / "saved_model.pb"
    other.write_bytes(b"\x00")
    with pytest.raises(ModelFileError, match="expected a .keras file"):
        load_model(other)


@pytest.mark.parametrize(
    "build",
    [
        lambda: keras.Sequential(  # a classifier: output (N, 10)
            [keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
        ),
        lambda: keras.Sequential(  # two input channels
            [keras.Input((32, 32, 2)), keras.layers.Conv2D(1, 1)]
        ),
        lambda: keras.Sequential(  # four output channels
            [keras.Input((32, 32, 3)), keras.layers.Conv2D(4, 1)]
        ),
    ],
)
def test_wrong_architecture_gives_model_file_error(build, tmp_path):
    path = tmp_path / "other.keras"
    build().save(path)
    with pytest.raises(ModelFileError, match=r"other\.keras.*expected a plate-unet"):
        load_model(path)


def test_default_model_missing_says_how_to_make_it(monkeypatch, tmp_path):
    import plate_unet.inference.model_file as model_file  # load_model looks it up there

    assert default_model_path().parts[-4:] == (
        "plate_unet",
        "inference",
        "pretrained",
        "teaching.keras",
    )
    monkeypatch.setattr(model_file, "default_model_path", lambda: tmp_path / "t.keras")
    with pytest.raises(ModelFileError, match="make pretrained"):
        load_model()


def test_folder_errors(tmp_path):
    with pytest.raises(PlateUnetError, match="not found"):
        list_images(tmp_path / "nope")
    (tmp_path / "readme.txt").write_text("x")
    with pytest.raises(PlateUnetError, match="no images in"):
        list_images(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.jpg").write_bytes(b"")
    with pytest.raises(PlateUnetError, match="none of the 1 images"):
        predict_folder(_bright_is_plate(), bad, tmp_path / "out")


def test_cli_predict(model_file, images_dir, tmp_path, capsys):
    out = tmp_path / "cli-out"
    argv = ["predict", "--model", str(model_file), "--images", str(images_dir)]
    assert cli.main([*argv, "--out", str(out), "--threshold", "0.6"]) == 0
    assert sorted(p.name for p in out.glob("*.json")) == ["a.json", "b.json"]
    assert "2 images" in capsys.readouterr().out
    bad = tmp_path / "corrupt.keras"
    bad.write_bytes(b"junk")
    argv[2] = str(bad)
    assert cli.main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "corrupt.keras" in err[0] and "Traceback" not in err[0]


def _training_and_serving_inputs(path, sample, height, width, channels):
    from plate_unet.data import make_dataset, read_image
    from plate_unet.inference import prepare_input

    model = _bright_is_plate(height, width, channels)
    (batch, _), *_ = make_dataset([sample], height, width, channels, batch_size=1)
    x, letterbox = prepare_input(model, read_image(path))
    return batch.numpy()[0], x, letterbox


@pytest.mark.parametrize("channels", [1, 3])
def test_model_sees_what_the_training_pipeline_gives(channels, tmp_path):
    from plate_unet.data import Sample

    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (90, 130, 3), dtype=np.uint8)
    image[30:50, 40:90] = 255
    path = tmp_path / "scene.jpg"
    _write(path, image)
    sample = Sample(path, (np.float32([[40, 30], [89, 30], [89, 49], [40, 49]]),))
    batch, x, letterbox = _training_and_serving_inputs(path, sample, 64, 96, channels)
    assert x.shape == (64, 96, channels) and x.dtype == np.float32
    assert (letterbox.src_h, letterbox.src_w) == (90, 130)
    np.testing.assert_array_equal(x, batch)  # one path: the same bits


@pytest.mark.parametrize("channels", [1, 3])
def test_a_real_jpeg_trains_and_serves_on_the_same_pixels(channels, shared_data):
    from plate_unet.data import load_annotations

    samples = load_annotations(shared_data / "openalpr_eu" / "labels.csv")
    sample = next(s for s in samples if s.width > s.height)  # a landscape photo
    batch, x, _ = _training_and_serving_inputs(
        sample.image_path, sample, 160, 256, channels
    )
    np.testing.assert_array_equal(x, batch)  # the same bits, not just close


def test_a_landscape_photo_runs_at_the_turned_size_with_the_same_weights():
    from plate_unet.inference import any_size_model, predict_probability, prepare_input

    model = build_unet(UNetConfig(64, 32, base_filters=2, depth=3))
    landscape = np.random.default_rng(0).integers(0, 256, (60, 120, 3), np.uint8)
    x, letterbox = prepare_input(model, landscape)
    assert x.shape == (32, 64, 1) and (letterbox.new_h, letterbox.new_w) == (32, 64)
    assert prepare_input(model, landscape, orient=False)[0].shape == (64, 32, 1)
    prob, _ = predict_probability(model, landscape)
    np.testing.assert_allclose(
        prob, any_size_model(model)(x[None])[0, ..., 0], atol=1e-6
    )
    # The twin is the same network: on the model's own size it gives its answer.
    portrait = np.random.default_rng(1).random((2, 64, 32, 1)).astype("float32")
    np.testing.assert_allclose(
        any_size_model(model)(portrait), model(portrait), atol=1e-6
    )
    plates, mask = predict_image(model, landscape)
    assert mask.shape == (60, 120)


def test_cli_predict_keeps_plausible_plates_unless_asked_for_all(tmp_path, capsys):
    image = np.zeros((128, 160, 3), np.uint8)
    image[20:35, 10:70] = 255  # a plate: probability about 1
    image[60:100, 100:140] = 140  # a faint region: 0.88, under PLAUSIBLE's 0.9
    photos = tmp_path / "photos"
    photos.mkdir()
    _write(photos / "scene.png", image)
    model_path = tmp_path / "m.keras"
    _bright_is_plate(128, 160).save(model_path)
    counts = {}
    for extra in ([], ["--all-regions"]):
        out = tmp_path / f"out{len(extra)}"
        argv = ["predict", "--model", str(model_path), "--images", str(photos)]
        assert cli.main([*argv, "--out", str(out), *extra]) == 0
        counts[len(extra)] = len(json.loads((out / "scene.json").read_text())["plates"])
    assert counts == {0: 1, 1: 2}
