"""The package's layout: light imports, one-way dependencies, names at the faces."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plate_unet"

#: What each part of the package may import, along the pipeline.
ALLOWED = {
    "data": {"data"},
    "model": {"model"},
    "training": {"data", "model", "training"},
    "inference": {"data", "model", "inference"},
    "viz": {"data", "model", "training", "inference", "viz"},
    "demo": {"data", "model", "training", "inference", "viz", "demo"},
    "cli": {"data", "model", "training", "inference", "viz", "demo"},
}
#: Small top-level modules anything may use.
SHARED = {"errors", "quiet", "_lazy", "_files", "colours"}

LIGHT = """
import sys
import plate_unet
import plate_unet.data.readers, plate_unet.data.records, plate_unet.data.masks
import plate_unet.data.images, plate_unet.data.quads, plate_unet.data.synthetic
from plate_unet.data import generate_dataset, load_annotations, read_image, Sample
from plate_unet.model import UNetConfig
from plate_unet.training import PRESETS
from plate_unet import cli
cli.build_parser().format_help()
try:
    cli.main(["--help"])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
print("HEAVY", heavy[:5])
"""


def test_data_code_and_cli_help_do_not_import_tensorflow():
    done = subprocess.run(
        [sys.executable, "-c", LIGHT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout, done.stdout[-500:]


def test_cli_help_prints_no_tensorflow_noise():
    done = subprocess.run(
        [sys.executable, "-m", "plate_unet.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "usage: plate-unet" in done.stdout
    assert done.stderr == ""


def test_quiet_import_hides_the_cuda_probe_on_a_cpu_machine():
    from plate_unet.quiet import has_nvidia_device

    if has_nvidia_device():
        pytest.skip("an NVIDIA device is present: its lines are left as they are")
    code = (
        "from plate_unet.quiet import import_tensorflow\n"
        "tf = import_tensorflow()\n"
        "print(len(tf.config.list_physical_devices()))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items()}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for noise in ("cuda", "cuInit", "absl::InitializeLog"):
        assert noise not in done.stderr, done.stderr


def _part(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "plate_unet" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> set[str]:
    """Every plate_unet module a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "plate_unet":
                found |= {f"plate_unet.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("plate_unet")}


def test_imports_flow_one_way_along_the_pipeline():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).with_suffix("").parts[0]
        if own in SHARED or own == "__init__":
            continue
        for target in _imports(path):
            part = _part(target)
            if part is None or part in SHARED:
                continue
            if part not in ALLOWED[own]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not wrong, "\n".join(wrong)


FACES = ["data", "data.synthetic", "model", "training", "inference", "viz", "demo"]


@pytest.mark.parametrize("face", FACES)
def test_each_public_name_has_one_home_and_loads_from_its_face(face):
    package = importlib.import_module(f"plate_unet.{face}")
    for name in package.__all__:
        value = getattr(package, name)
        assert not inspect.ismodule(value), (face, name)  # a name, not a module
        if callable(value):
            # The face points at the module that defines it; none re-exports it.
            module = importlib.import_module(value.__module__)
            assert value.__module__.startswith(f"plate_unet.{face}."), (name, module)
            assert package.__getattr__.homes[name] == value.__module__.removeprefix(
                f"plate_unet.{face}."
            ), (face, name, value.__module__)


def test_the_names_a_learner_types_import_from_the_faces():
    from plate_unet.data import load_annotations, make_dataset  # noqa: F401
    from plate_unet.inference import load_model, predict_image  # noqa: F401
    from plate_unet.model import UNetConfig, build_unet  # noqa: F401
    from plate_unet.training import PRESETS, train  # noqa: F401

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        importlib.import_module("plate_unet.data").nothing  # noqa: B018
    data = importlib.import_module("plate_unet.data")
    assert inspect.ismodule(data.readers)  # submodules are reachable too


def test_stored_notebook_outputs_hold_no_tensorflow_noise():
    noise = ("cudart_stub", "cuInit", "absl::InitializeLog", "cpu_feature_guard")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in __import__("json").loads(path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                text = "".join(out.get("text", ""))
                assert not any(n in text for n in noise), (path.name, text[:200])


def test_cells_that_show_real_photos_store_no_output():
    """The real photos stay outside the repository, pictures of them too."""
    tagged = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in __import__("json").loads(path.read_text())["cells"]:
            if "real-photos" in cell["metadata"].get("tags", []):
                tagged += 1
                assert cell["outputs"] == [], path.name  # python notebooks/clean.py
    assert tagged >= 2
