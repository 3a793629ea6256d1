"""The conda environment, pyproject and Makefile stay in step; CI and the commit hooks
run what a developer runs. (tests/test_installed.py installs the built wheel.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pip_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    out = []
    for line in lines[start + 1 :]:
        m = re.match(r"^\s+- (\S.*)$", line)
        if not m:
            break
        out.append(m.group(1).strip())
    return out


def test_environment_yml_lists_pyproject_dependencies_with_same_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    dev = {d for d in extras["dev"] if not d.startswith("plate-unet[")}
    wanted = set(project["dependencies"]) | dev | set(extras["onnx"])
    assert "plate-unet[onnx]" in extras["dev"]  # make test runs the ONNX parity test
    env = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in env
    assert set(_pip_section(env)) == wanted


def test_console_script_and_python_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["plate-unet"] == "plate_unet.cli:main"
    assert project["requires-python"] == ">=3.11"
    assert "opencv-python-headless>=4.9" in project["dependencies"]
    # Keras is imported directly and multi-worker training patches its private
    # trainer: pinned to the minor versions the tests have run on.
    pin = r"keras>=3\.\d+,<3\.\d+"
    assert any(re.fullmatch(pin, d) for d in project["dependencies"])


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _make_dry_run(target: str, *overrides: str) -> str:
    """The ``plate-unet`` line that ``make TARGET`` would run (``make -n``)."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    argv = [make, "-n", "-C", str(ROOT), target, *overrides]
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    (line,) = [
        ln
        for ln in text.splitlines()
        if "plate-unet demo" in ln or "plate_unet.demo.reader" in ln
    ]
    return line


def test_make_demo_scores_the_real_photos_only_where_they_are():
    photos = ROOT.parent / "shared" / "data" / "ccpd"
    line = _make_dry_run("demo")
    assert ("--images ../shared/data/ccpd" in line) == photos.is_dir(), line
    assert "--images" not in _make_dry_run("demo", "DEMO_PHOTOS=")


def test_make_pretrained_writes_the_committed_checkpoint():
    line = _make_dry_run("pretrained")
    assert line.split()[-3:] == [
        "--pretrained",
        "--out",
        "plate_unet/inference/pretrained",
    ]


def test_make_reader_writes_the_committed_reader_where_load_reader_looks():
    from plate_unet.inference.reading import default_reader_path

    line = _make_dry_run("reader")
    assert "-m plate_unet.demo.reader" in line
    folder = line.split("--out")[-1].strip()
    assert (ROOT / folder / "reader.keras") == default_reader_path()


def _yaml(path: Path):
    yaml = pytest.importorskip("yaml", reason="pyyaml comes with jupyterlab")
    return yaml.safe_load(path.read_text())


WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"


def test_github_workflow_runs_make_test_on_pushes_and_pull_requests():
    flow = _yaml(WORKFLOW)
    assert {"push", "pull_request"} <= set(flow[True])  # YAML 1.1 reads `on` as True
    (job,) = flow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest" and 0 < job["timeout-minutes"] <= 90
    setup = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-p")
    )
    assert setup["with"] == {
        "python-version": "3.11",
        "cache": "pip",
        "cache-dependency-path": "pyproject.toml",
    }
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert runs == ["make test"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(
        d.startswith("actionlint") for d in extras["optional-dependencies"]["dev"]
    )


def test_actionlint_finds_nothing_in_the_workflow():
    beside_python = Path(sys.executable).parent / "actionlint"
    actionlint = shutil.which("actionlint") or (
        str(beside_python) if beside_python.is_file() else None
    )
    if actionlint is None:
        pytest.skip("actionlint is not installed: pip install -e '.[dev]' brings it")
    done = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_runs_ruff_and_the_notebook_cleaner():
    config = _yaml(ROOT / ".pre-commit-config.yaml")
    repos = {repo["repo"]: repo for repo in config["repos"]}
    ruff = repos["https://github.com/astral-sh/ruff-pre-commit"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ruff["rev"])  # a release tag
    hooks = {hook["id"]: hook for hook in ruff["hooks"]}
    assert hooks["ruff-check"]["args"] == ["--fix"] and "ruff-format" in hooks
    (clean,) = repos["local"]["hooks"]
    assert clean["entry"] == "python notebooks/clean.py"
    assert re.search(clean["files"], "notebooks/01_data_and_annotations.ipynb")
    assert (ROOT / "notebooks" / "clean.py").is_file()
