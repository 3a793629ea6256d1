"""The committed checkpoint is what today's recipe and code make and describe, or
its README says which commit makes it."""

from __future__ import annotations

import dataclasses
import json
import re

from plate_unet.data.synthetic.generate import GENERATOR_VERSION
from plate_unet.inference.model_file import default_model_path
from plate_unet.training.presets import PRESETS, PRETRAINED


def _metrics() -> dict:
    return json.loads((default_model_path().parent / "metrics.json").read_text())


def test_metrics_record_the_recipe_that_made_the_checkpoint():
    metrics = _metrics()
    assert metrics["command"] == "make pretrained" and metrics["seed"] == 0
    assert metrics["training"]["epochs_run"] <= metrics["preset"]["epochs"]
    if metrics["generator_version"] == GENERATOR_VERSION:  # today's code makes it
        recipe = json.loads(json.dumps(dataclasses.asdict(PRETRAINED)))  # tuples
        assert metrics["preset"] == recipe
    else:  # an older generator made it: its README names the commit to check out
        readme = (default_model_path().parent / "README.md").read_text()
        version = metrics["generator_version"]
        assert f"generator version {version}" in readme
        assert re.search(r"`git checkout [0-9a-f]{7,40}`", readme)


def test_pretrained_recipe_is_the_teaching_model_with_group_norm_trained_longer():
    teaching = PRESETS["teaching"]
    with_group_norm = teaching.unet.replace(batch_norm=False, group_norm=4)
    assert PRETRAINED.unet == with_group_norm and PRETRAINED.name == teaching.name
    steps = PRETRAINED.n_train // PRETRAINED.batch_size * PRETRAINED.epochs
    assert steps > teaching.n_train // teaching.batch_size * teaching.epochs
    assert default_model_path().name == f"{PRETRAINED.name}.keras"
