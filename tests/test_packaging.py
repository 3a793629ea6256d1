"""The conda environment, pyproject and Makefile stay in step."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
