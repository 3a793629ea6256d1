"""The committed checkpoint is what today's recipe and code make and describe."""

from __future__ import annotations

import dataclasses
import json

from plate_unet.inference.model_file import default_model_path
from plate_unet.training.presets import PRESETS, PRETRAINED


def _metrics() -> dict:
    return json.loads((default_model_path().parent / "metrics.json").read_text())


def test_metrics_record_the_current_pretrained_recipe():
    metrics = _metrics()
    recipe = json.loads(json.dumps(dataclasses.asdict(PRETRAINED)))  # tuples → lists
    assert metrics["preset"] == recipe
    assert metrics["command"] == "make pretrained" and metrics["seed"] == 0
    assert metrics["training"]["epochs_run"] <= PRETRAINED.epochs


def test_pretrained_recipe_is_the_teaching_model_trained_longer():
    teaching = PRESETS["teaching"]
    assert PRETRAINED.unet == teaching.unet and PRETRAINED.name == teaching.name
    steps = PRETRAINED.n_train // PRETRAINED.batch_size * PRETRAINED.epochs
    assert steps > teaching.n_train // teaching.batch_size * teaching.epochs
    assert default_model_path().name == f"{PRETRAINED.name}.keras"
