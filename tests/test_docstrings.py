"""Every docstring example in the package runs, and none writes into the checkout.

Each module's examples run with :mod:`doctest` in a fresh temporary folder that
holds a read-only link to ``data/sample``, so an example that writes files
writes them there. The names the examples use without importing them (``np``,
``Path``, a tiny ``model``, an ``image`` and its ``plates``, ...) are set up
here, once per module; the committed ``pretrained`` model and the tiny model's
files (``model_file``, ``tflite_file``) are made once per session. No example
trains a model, and none may leave global state changed (dtype policy, open
figures).
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import plate_unet

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(plate_unet.__path__, "plate_unet."):
        names.append(info.name)
    return sorted(names)


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> dict:
    """Made once per session: the committed pretrained model, the tiny model's files.

    ``tiny`` is built exactly as ``model`` in :func:`_names` (same seed, same
    weights); the TFLite conversion takes seconds, so it is done only once.
    """
    import keras

    from plate_unet.inference.export import to_tflite
    from plate_unet.inference.model_file import load_model
    from plate_unet.model import UNetConfig, build_unet

    folder = tmp_path_factory.mktemp("doctest-files")
    keras.utils.set_random_seed(0)
    tiny = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
    tiny.save(folder / "model.keras")
    (folder / "model.tflite").write_bytes(to_tflite(tiny))
    return {"pretrained": load_model(), "folder": folder}


def _names(tmp: Path, shared: dict) -> dict:
    """What the examples use without importing: small, seeded and fast."""
    import keras

    from plate_unet.data import generate_scene, load_annotations, rasterize
    from plate_unet.model import UNetConfig, build_unet

    keras.utils.set_random_seed(0)
    image, plates = generate_scene(1, 290, 180)
    model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
    mask = rasterize(plates, *image.shape[:2])  # (H, W) uint8 in {0, 1}
    for name in ("model.keras", "model.tflite"):
        shutil.copy(shared["folder"] / name, tmp / name)
    photos = tmp / "photos"  # three of the sample's images (00002 has no plate)
    photos.mkdir()
    for k in range(3):
        shutil.copy(ROOT / "data" / "sample" / "images" / f"{k:05d}.jpg", photos)
    return {
        "np": np,
        "Path": Path,
        "keras": keras,
        "tmp": tmp,
        "model": model,
        "image": image,
        "plates": plates,
        "mask": mask,
        "probs": np.clip(mask * 0.9 + 0.05, 0, 1).astype("float32"),
        "batch": np.zeros((2, 64, 64, 1), "float32"),
        "samples": load_annotations(ROOT / "data" / "sample"),
        "UNetConfig": UNetConfig,
        "build_unet": build_unet,
        "load_annotations": load_annotations,
        "pretrained": shared["pretrained"],  # the committed teaching checkpoint
        "model_file": tmp / "model.keras",  # ``model`` saved with model.save
        "tflite_file": tmp / "model.tflite",  # ``model`` as float32 TFLite
        "photos": photos,  # a folder with 00000.jpg, 00001.jpg and 00002.jpg
    }


def _open_figures() -> set[int]:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()


def _checkout_entries() -> list[str]:
    """The checkout's top-level entries (tools' hidden caches aside, e.g. a
    ruff run beside the tests)."""
    return sorted(p.name for p in ROOT.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name, tmp_path, monkeypatch, shared):
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    if not tests:
        pytest.skip(f"{name} has no examples")
    (tmp_path / "data").mkdir()
    os.symlink(ROOT / "data" / "sample", tmp_path / "data" / "sample")
    monkeypatch.chdir(tmp_path)
    before = _checkout_entries()
    sample_before = sorted(p.name for p in (ROOT / "data" / "sample").rglob("*"))
    figures_before = _open_figures()
    names = _names(tmp_path, shared)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in tests:
        test.globs = {**module.__dict__, **names, **test.globs}
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) failed in {name}"
    assert _checkout_entries() == before  # nothing written here
    sample_after = sorted(p.name for p in (ROOT / "data" / "sample").rglob("*"))
    assert sample_after == sample_before  # nor through the data/sample link
    import keras

    assert keras.mixed_precision.global_policy().name == "float32", name
    assert _open_figures() <= figures_before, f"{name} left figures open"
