"""`plate-unet demo` end to end with the smoke preset, and the pretrained checkpoint."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import io
import json
import warnings
import zipfile

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

from plate_unet import cli
from plate_unet.data import generate_dataset, read_image
from plate_unet.demo import TEST_SEED_OFFSET, heldout_set, make_pretrained
from plate_unet.demo.pretrained import MAX_CHECKPOINT_MB
from plate_unet.inference import load_model, predict_probability
from plate_unet.training import get_loss, get_preset

TOTALS = {"pixel_iou", "dice", "precision", "recall", "mean_corner_error", "images"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Runs `plate-unet demo` once (smoke preset picked by PLATE_UNET_SMOKE=1)."""
    root = tmp_path_factory.mktemp("demo")
    photos = root / "photos"
    generate_dataset(photos, 2, seed=7, size=(290, 180), progress=False)
    out = root / "out"
    argv = ["demo", "--out", str(out), "--images", str(photos / "images"), "--quiet"]
    text = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(text):
        mp.setenv("PLATE_UNET_SMOKE", "1")
        code = cli.main(argv)
    return code, out, text.getvalue()


def test_demo_writes_model_reports_and_predictions(demo_run):
    code, out, _ = demo_run
    assert code == 0
    for name in ("train/best.keras", "train/log.csv", "summary.json"):
        assert (out / name).is_file(), name
    for name in ("report.json", "report.txt", "worst_cases.png"):
        assert (out / "heldout" / name).stat().st_size > 0, name
    report = json.loads((out / "heldout" / "report.json").read_text())
    assert TOTALS <= set(report["totals"])
    assert report["totals"]["images"] == 8  # the smoke preset's held-out scenes
    assert len(list((out / "predictions" / "heldout").glob("*.json"))) == 8
    assert len(list((out / "predictions" / "images").glob("*_overlay.png"))) == 2
    record = json.loads(
        next((out / "predictions" / "images").glob("*.json")).read_text()
    )
    assert set(record) == {"image", "width", "height", "plates"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["preset"] == "smoke"
    assert summary["heldout"]["pixel_iou"] == report["totals"]["pixel_iou"]


def test_demo_prints_headline_and_where_everything_is(demo_run):
    _, out, text = demo_run
    assert "preset smoke: PLATE_UNET_SMOKE=1" in text
    assert "held-out synthetic IoU" in text
    for path in (
        out / "train" / "best.keras",
        out / "heldout" / "report.json",
        out / "heldout" / "worst_cases.png",
        out / "predictions" / "heldout",
        out / "predictions" / "images",
    ):
        assert str(path) in text, path


def test_demo_scores_scenes_it_never_trained_on(demo_run):
    _, out, _ = demo_run

    def digests(folder):
        return {hashlib.sha1(p.read_bytes()).hexdigest() for p in folder.glob("*.jpg")}

    data = out / "data"
    test = digests(data / f"smoke-test-{TEST_SEED_OFFSET}" / "images")
    seen = digests(data / "smoke-train-0" / "images")
    seen |= digests(data / "smoke-val-1000003" / "images")
    assert len(test) == 8 and not test & seen


def test_heldout_set_is_reused_when_it_matches(demo_run):
    _, out, _ = demo_run
    labels = out / "data" / f"smoke-test-{TEST_SEED_OFFSET}" / "labels.csv"
    before = labels.stat().st_mtime_ns
    folder, samples = heldout_set(get_preset("smoke"), out / "data", 8, seed=0)
    assert len(samples) == 8 and labels.stat().st_mtime_ns == before
    assert folder == labels.parent


def test_make_pretrained_round_trip(tmp_path):
    paths = make_pretrained(
        out=tmp_path / "pretrained",
        preset="smoke",
        work_dir=tmp_path / "work",
        n_test=4,
        verbose=False,
    )
    model_path = paths["model"]
    assert model_path.name == "smoke.keras"
    assert model_path.stat().st_size < MAX_CHECKPOINT_MB * 2**20
    # No optimizer state and no compile config: loads quietly either way.
    archive = zipfile.ZipFile(model_path)
    assert not json.loads(archive.read("config.json")).get("compile_config")
    with h5py.File(archive.open("model.weights.h5")) as weights:
        assert "optimizer" not in weights
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = keras.saving.load_model(model_path, safe_mode=True)
    best = load_model(tmp_path / "work" / "train" / "best.keras")
    image = read_image(next((tmp_path / "work" / "data").glob("*/images/00000.jpg")))
    np.testing.assert_allclose(
        predict_probability(load_model(model_path), image)[0],
        predict_probability(best, image)[0],
        atol=1e-6,
    )
    # The recorded loss is one the package can rebuild for further training.
    metrics = json.loads(paths["metrics"].read_text())
    loaded.compile(optimizer="adam", loss=get_loss(metrics["preset"]["loss"]))
    assert {"model", "seed", "preset", "training", "heldout", "versions"} <= set(
        metrics
    )
    assert metrics["versions"]["tensorflow"] == tf.__version__
    assert metrics["heldout"]["scenes"] == 4 and TOTALS <= set(metrics["heldout"])
    assert metrics["wall_seconds"] > 0
    assert paths["log"].read_text().startswith("epoch,")
    assert "smoke.keras" in paths["readme"].read_text()


def _one_line_error(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_demo_unknown_preset_is_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    line = _one_line_error(capsys, ["demo", "--preset", "nope", "--out", str(out)])
    assert "--preset" in line and "'nope'" in line and "smoke" in line
    assert not out.exists()


def test_demo_missing_images_fails_before_training(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["demo", "--preset", "smoke", "--out", str(out)]
    line = _one_line_error(capsys, [*argv, "--images", str(tmp_path / "none")])
    assert "none" in line and "not found" in line
    assert not (out / "train").exists()
    line = _one_line_error(capsys, [*argv, "--pretrained", "--images", str(tmp_path)])
    assert "--pretrained" in line


def test_demo_help_lists_its_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--out", "--preset", "--seed", "--images", "--pretrained"):
        assert flag in text


def test_pretrained_writes_outside_the_package_unless_told(monkeypatch, tmp_path):
    import plate_unet.demo.pretrained as pretrained

    default = inspect.signature(make_pretrained).parameters["out"].default
    assert default == "runs/pretrained"
    calls = []
    monkeypatch.setattr(pretrained, "make_pretrained", lambda **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", "--pretrained"]) == 0
    assert cli.main(["demo", "--pretrained", "--out", "elsewhere"]) == 0
    assert [str(c["out"]) for c in calls] == ["runs/pretrained", "elsewhere"]
