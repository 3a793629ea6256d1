"""Export parity: .keras, SavedModel, TFLite float and int8 against the Keras model."""

from __future__ import annotations

import numpy as np
import pytest

from plate_unet.errors import ModelFileError
from plate_unet.inference import load_model
from plate_unet.inference.export import OnnxModel, TFLiteModel, export_model, to_tflite
from plate_unet.model import UNetConfig, build_unet


@pytest.fixture(scope="module")
def model():
    # 8 base filters: big enough that int8 quantisation touches most kernels
    # (the converter leaves tensors under 1,024 weights in float).
    import keras

    keras.utils.set_random_seed(0)
    return build_unet(UNetConfig(64, 64, base_filters=8, depth=3))


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(0, 1, (2, 64, 64, 1)).astype(np.float32)


def _iou(a, b) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_keras_round_trip_is_exact(model, images, tmp_path):
    out = export_model(model, tmp_path / "m.keras")
    assert out == tmp_path / "m.keras" and out.is_file()
    again = load_model(out)
    np.testing.assert_array_equal(
        np.asarray(again(images, training=False)), np.asarray(model(images))
    )
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temp files left


def test_savedmodel_parity(model, images, tmp_path):
    import tensorflow as tf

    out = export_model(model, tmp_path / "saved", format="savedmodel")
    loaded = tf.saved_model.load(str(out))  # keep a reference: it owns the weights
    served = np.asarray(loaded.serve(images))
    assert np.abs(served - np.asarray(model(images))).max() < 1e-5
    with pytest.raises(ValueError, match="already exists"):
        export_model(model, out, format="savedmodel")


def test_tflite_float_parity(model, images, tmp_path):
    out = export_model(model, tmp_path / "m.tflite", format="tflite")
    lite = TFLiteModel(out)
    assert lite.input_shape == (1, 64, 64, 1)
    got = lite.predict(images)
    assert got.shape == (2, 64, 64, 1)
    assert np.abs(got - np.asarray(model(images))).max() < 1e-4


def test_tflite_int8_parity_and_size(model, images, tmp_path):
    float_file = tmp_path / "f.tflite"
    float_file.write_bytes(to_tflite(model))
    out = export_model(model, tmp_path / "q.tflite", format="tflite-int8")
    assert out.stat().st_size < 0.5 * float_file.stat().st_size
    ref = np.asarray(model(images))
    got = TFLiteModel(out).predict(images)
    assert np.abs(got - ref).mean() < 0.01
    assert _iou(got > 0.5, ref > 0.5) > 0.9


def test_any_size_model_needs_input_size_for_tflite(tmp_path):
    model = build_unet(UNetConfig(None, None, base_filters=2, depth=3))
    with pytest.raises(ValueError, match="input_size"):
        export_model(model, tmp_path / "m.tflite", format="tflite")
    out = export_model(model, tmp_path / "m.tflite", "tflite", input_size=(32, 48))
    x = np.random.default_rng(1).uniform(0, 1, (1, 32, 48, 1)).astype(np.float32)
    assert np.abs(TFLiteModel(out).predict(x) - np.asarray(model(x))).max() < 1e-4


def test_bad_arguments_and_files(model, tmp_path):
    with pytest.raises(ValueError, match="tflite-int8"):
        export_model(model, tmp_path / "m.pt", format="torch")
    with pytest.raises(ValueError, match="must end in .onnx"):
        export_model(model, tmp_path / "m.tflite", format="onnx")
    with pytest.raises(ValueError, match=r"\.keras"):
        export_model(model, tmp_path / "m.h5", format="keras")
    with pytest.raises(ModelFileError, match="not found"):
        export_model(tmp_path / "missing.keras", tmp_path / "m.tflite", "tflite")
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a flatbuffer")
    with pytest.raises(ModelFileError, match="junk.tflite"):
        TFLiteModel(junk)
    with pytest.raises(ModelFileError, match="not found"):
        TFLiteModel(tmp_path / "none.tflite")


def test_cli_export(model, tmp_path, capsys):
    from plate_unet import cli

    src = export_model(model, tmp_path / "m.keras")
    out = tmp_path / "m.tflite"
    argv = ["export", "--model", str(src), "--format", "tflite", "--out", str(out)]
    assert cli.main(argv) == 0
    assert TFLiteModel(out).input_shape == (1, 64, 64, 1)
    assert "wrote" in capsys.readouterr().out
    assert cli.main([*argv[:-1], str(tmp_path / "x.tflite"), "--size", "64by64"]) == 2
    assert "--size" in capsys.readouterr().err


def test_onnx_parity_with_onnxruntime(model, images, tmp_path):
    pytest.importorskip("tf2onnx")
    pytest.importorskip("onnxruntime")
    out = export_model(model, tmp_path / "m.onnx", format="onnx")
    onnx = OnnxModel(out)
    want = model.predict(images, verbose=0)
    np.testing.assert_allclose(onnx.predict(images), want, atol=1e-5)
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_onnx_keeps_an_any_size_model_any_size(tmp_path):
    pytest.importorskip("tf2onnx")
    pytest.importorskip("onnxruntime")
    model = build_unet(UNetConfig(None, None, base_filters=2, depth=3))
    onnx = OnnxModel(export_model(model, tmp_path / "any.onnx", format="onnx"))
    x = np.random.default_rng(1).random((1, 32, 48, 1)).astype("float32")
    np.testing.assert_allclose(onnx.predict(x), model.predict(x, verbose=0), atol=1e-5)
    with pytest.raises(ModelFileError, match="junk.onnx"):
        (tmp_path / "junk.onnx").write_bytes(b"not onnx")
        OnnxModel(tmp_path / "junk.onnx")


def test_stderr_without_drops_only_the_named_lines(capfd):
    """Native info lines are dropped; errors written beside them still show."""
    import os

    from plate_unet.quiet_tensorflow import stderr_without

    with stderr_without("INFO: Created"):
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
        os.write(2, b"ERROR: Didn't find op for builtin opcode\n")
    err = capfd.readouterr().err
    assert "ERROR: Didn't find op" in err and "XNNPACK" not in err


def test_tflite_export_and_load_print_no_info_lines(tmp_path, capfd):
    import logging

    logging.getLogger("tensorflow").setLevel(logging.INFO)  # as a notebook may have it
    try:
        model = build_unet(UNetConfig(32, 32, base_filters=2, depth=2))
        path = export_model(model, tmp_path / "m.tflite", "tflite")
        TFLiteModel(path).predict(np.zeros((1, 32, 32, 1), "float32"))
    finally:
        logging.getLogger("tensorflow").setLevel(logging.NOTSET)
    out = capfd.readouterr()
    assert "INFO" not in out.out + out.err, out
