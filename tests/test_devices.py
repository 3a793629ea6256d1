"""Devices: precision, strategy choice and the device summary."""

from __future__ import annotations

import json

import keras
import pytest
import tensorflow as tf

from plate_unet.training import devices


def test_set_precision_accepts_names_and_booleans():
    assert devices.set_precision("mixed_float16") == "mixed_float16"
    assert keras.mixed_precision.global_policy().name == "mixed_float16"
    assert devices.set_precision(False) == "float32"
    assert devices.set_precision(True) == "mixed_float16"


def test_set_precision_rejects_unknown_policy_naming_the_choices():
    with pytest.raises(ValueError, match="'bfloat8'.*mixed_float16, float32"):
        devices.set_precision("bfloat8")


def test_choose_strategy_defaults_to_one_replica_without_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    strategy = devices.choose_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert devices.is_chief(strategy)


def test_choose_strategy_rejects_unknown_kind():
    with pytest.raises(ValueError, match="'ring'.*auto, default, mirrored"):
        devices.choose_strategy("ring")


def test_choose_strategy_reports_bad_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG is not valid JSON"):
        devices.choose_strategy()


def test_tf_config_without_cluster_keeps_the_default_strategy(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"task": {"type": "worker"}}))
    assert devices.choose_strategy().num_replicas_in_sync == 1


@pytest.mark.skipif(bool(tf.config.list_physical_devices("GPU")), reason="has GPU")
def test_cpu_only_machine_defaults_to_float32_without_xla():
    assert devices.detect_gpus() == []
    assert devices.default_precision() == "float32"
    assert devices.default_jit_compile() is False
    text = devices.describe_devices(precision="float32")
    assert text.startswith("no GPU, ")
    assert "float32; 1 replica (default strategy); XLA off" in text


def test_split_cpu_rejects_bad_count():
    with pytest.raises(ValueError, match="n=0"):
        devices.split_cpu(0)


def test_multi_worker_patch_refuses_an_unchecked_keras(monkeypatch):
    from plate_unet.errors import PlateUnetError

    strategy = object.__new__(tf.distribute.MultiWorkerMirroredStrategy)
    monkeypatch.setattr(keras, "__version__", "3.99.0")
    with pytest.raises(PlateUnetError, match="this is Keras 3.99.0"):
        with devices.keras_multi_worker_fix(None, strategy):
            pass
