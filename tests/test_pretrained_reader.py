"""The committed reader is what ``make reader`` makes today, or its README says
which commit makes it; and it reads."""

from __future__ import annotations

import dataclasses
import json
import re

from plate_unet.data.synthetic.crops import plate_crops
from plate_unet.data.synthetic.generate import GENERATOR_VERSION, scene_seed
from plate_unet.demo.reader import READER
from plate_unet.inference.reading import default_reader_path, load_reader, read_crops
from plate_unet.inference.text_scores import score_texts


def _metrics() -> dict:
    return json.loads((default_reader_path().parent / "metrics.json").read_text())


def test_metrics_record_todays_recipe_and_generator():
    metrics = _metrics()
    assert metrics["command"] == "make reader" and metrics["seed"] == 0
    assert metrics["recipe"] == json.loads(json.dumps(dataclasses.asdict(READER)))
    if metrics["generator_version"] != GENERATOR_VERSION:
        # an older generator made it: its README names the version and the commit
        readme = (default_reader_path().parent / "README.md").read_text()
        assert f"generator version {metrics['generator_version']}" in readme
        assert re.search(r"`git checkout [0-9a-f]{7,40}`", readme)
    assert metrics["heldout"]["crops"] == READER.n_val


def test_the_committed_reader_reads_crops_of_unseen_scenes():
    crops = [c for k in range(60) for c in plate_crops(scene_seed(4242, k))][:30]
    reads = read_crops(load_reader(), [c for c, _ in crops])
    scores = score_texts([t for _, t in crops], [r.text for r in reads])
    held_out = _metrics()["heldout"]["accuracy"]
    assert scores.plates >= 20
    assert scores.accuracy >= min(0.6, held_out - 0.2), scores  # 30 crops: noisy
