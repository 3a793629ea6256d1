"""The package as a user gets it: a wheel, installed into a fresh environment and run
from an empty folder, far from this checkout.

The fresh environment sees the development environment's site-packages through a
``.pth`` line (TensorFlow is not installed twice); a plain path line does not run that
folder's own ``.pth`` files, so the editable install of the checkout stays off.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "plate_unet"

pytestmark = pytest.mark.slow


def _run(args, cwd: Path, **env) -> subprocess.CompletedProcess:
    """Runs ``args`` in ``cwd`` without this checkout on PYTHONPATH."""
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


def _source_files() -> set[str]:
    """Every file of the package in the checkout (no byte code), relative paths."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in SOURCE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (size, mtime_ns)}`` of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built offline from a copy of the package (the checkout untouched)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(
        SOURCE, src / "plate_unet", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    _run([*pip, "--quiet", "-w", out, src], cwd=src)
    (path,) = out.glob("plate_unet-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed; its python, bin and package folder."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    python = venv / "bin" / "python"
    get_site = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(_run([python, "-c", get_site], cwd=venv).stdout.strip())
    (site / "dev_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet"]
    _run([*pip, "--no-deps", "--no-index", "--force-reinstall", wheel], cwd=venv)
    return {"python": python, "bin": venv / "bin", "venv": venv}


def test_wheel_carries_every_package_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "plate_unet/inference/pretrained/teaching.keras" in names
    assert "plate_unet/inference/pretrained/reader/reader.keras" in names
    assert "plate_unet/model/assets/reference_unet_summary.txt" in names
    # Code, the checkpoint and its notes, model assets, py.typed and *.pyi stubs.
    missing = _source_files() - names
    assert not missing, f"not in the wheel (package-data in pyproject.toml): {missing}"
    stray = {n for n in names if not n.startswith(("plate_unet/", "plate_unet-"))}
    assert not stray


def test_installed_package_predicts_and_runs_the_demo_from_an_empty_folder(
    installed, tmp_path
):
    work = tmp_path / "work"
    work.mkdir()
    where = (
        "import plate_unet; from plate_unet.inference.model_file import "
        "default_model_path as d; print(plate_unet.__file__); print(d())"
    )
    init, model = _run([installed["python"], "-c", where], cwd=work).stdout.split()
    package = Path(init).parent
    assert package.is_relative_to(installed["venv"]) and model.endswith(".keras")
    assert Path(model).is_file() and Path(model).is_relative_to(package)
    before = _listing(package)
    assert "inference/pretrained/teaching.keras" in before

    photos = work / "photos"
    photos.mkdir()
    for name in ("00000.jpg", "00001.jpg"):
        shutil.copy(ROOT / "data" / "sample" / "images" / name, photos / name)
    plate_unet = installed["bin"] / "plate-unet"
    done = _run([plate_unet, "predict", "--images", "photos", "--out", "pred"], work)
    assert "in 2 images" in done.stdout
    for stem in ("00000", "00001"):
        record = json.loads((work / "pred" / f"{stem}.json").read_text())
        assert record["image"] == f"{stem}.jpg" and "plates" in record
        assert (work / "pred" / f"{stem}_overlay.png").stat().st_size > 0

    argv = [plate_unet, "demo", "--out", work / "demo", "--quiet"]
    done = _run(argv, work, PLATE_UNET_SMOKE="1")
    assert "demo finished" in done.stdout
    summary = json.loads((work / "demo" / "summary.json").read_text())
    assert summary["preset"] == "smoke" and summary["heldout"]["images"] == 8

    assert _listing(package) == before  # nothing wrote into the installed package
    assert sorted(p.name for p in work.iterdir()) == ["demo", "photos", "pred"]
