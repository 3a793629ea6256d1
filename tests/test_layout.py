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
    "model": {"data", "model"},  # the reader reads with the data's alphabet
    "training": {"data", "model", "training"},
    "inference": {"data", "model", "inference"},
    "viz": {"data", "model", "training", "inference", "viz"},
    "demo": {"data", "model", "training", "inference", "viz", "demo"},
    "cli": {"data", "model", "training", "inference", "viz", "demo"},
}
#: Small top-level modules anything may use.
SHARED = {"errors", "quiet_tensorflow", "_files", "colours"}

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
    from plate_unet.quiet_tensorflow import has_nvidia_device

    if has_nvidia_device():
        pytest.skip("an NVIDIA device is present: its lines are left as they are")
    code = (
        "from plate_unet.quiet_tensorflow import import_tensorflow\n"
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


#: Each subpackage's face and its stub, ``__init__.pyi``: the one list of its names.
STUBS = {
    ".".join(path.parent.relative_to(ROOT).parts): path
    for path in sorted(PACKAGE.rglob("__init__.pyi"))
}


def _read_stub(path: Path) -> tuple[dict[str, str], list[str]]:
    """A stub's names → the module (relative) each comes from, and its ``__all__``."""
    homes, names_all = {}, []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            assert node.level == 1 and node.module, ast.unparse(node)
            for alias in node.names:
                assert alias.asname == alias.name, ast.unparse(node)  # a re-export
                assert alias.name not in homes, f"{path}: {alias.name} listed twice"
                homes[alias.name] = node.module
        elif isinstance(node, ast.Assign):
            assert [t.id for t in node.targets] == ["__all__"], ast.unparse(node)
            names_all = ast.literal_eval(node.value)
    return homes, names_all


def _defining_module(face: str, name: str) -> str:
    """Follows the stubs from a face to the module that defines ``name``."""
    module = f"{face}.{_read_stub(STUBS[face])[0][name]}"
    return _defining_module(module, name) if module in STUBS else module


def test_every_subpackage_face_reads_a_stub():
    faces = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in PACKAGE.rglob("__init__.py")
        if "attach_stub(__name__, __file__)" in path.read_text()
    }
    assert faces == set(STUBS) and len(faces) == 9, sorted(faces ^ set(STUBS))


@pytest.mark.parametrize("face", sorted(STUBS))
def test_a_faces_names_are_its_stubs_names(face):
    homes, names_all = _read_stub(STUBS[face])
    package = importlib.import_module(face)
    assert dir(package) == sorted(homes)
    assert package.__all__ == sorted(names_all) and set(names_all) <= set(homes)
    if face != "plate_unet.data":  # that one leaves its TensorFlow names out
        assert sorted(names_all) == sorted(homes)
    submodules = {p.stem for p in STUBS[face].parent.iterdir()}
    assert not set(homes) & submodules  # a loaded submodule would hide the name


@pytest.mark.parametrize("face", sorted(STUBS))
def test_each_name_in_a_stub_resolves_to_its_defining_module(face):
    package = importlib.import_module(face)
    for name in _read_stub(STUBS[face])[0]:
        value = getattr(package, name)
        assert not inspect.ismodule(value), (face, name)  # a name, not a module
        home = importlib.import_module(_defining_module(face, name))
        assert getattr(home, name) is value, (face, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__module__ == home.__name__, (face, name, value.__module__)


STAR = """
import sys
from plate_unet.data import *
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")))
print(load_annotations.__name__, read_ccpd.__name__, Letterbox.__name__)
print("make_dataset" in dir())
"""


def test_star_import_of_the_data_face_does_not_import_tensorflow():
    done = subprocess.run(
        [sys.executable, "-c", STAR], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "[]",
        "load_annotations read_ccpd Letterbox",
        "False",
    ], done.stdout


def test_the_names_a_learner_types_import_from_the_faces():
    from plate_unet.data import load_annotations, make_dataset  # noqa: F401
    from plate_unet.inference import load_model, predict_image  # noqa: F401
    from plate_unet.model import UNetConfig, build_unet  # noqa: F401
    from plate_unet.training import PRESETS, train  # noqa: F401

    with pytest.raises(AttributeError, match="nothing"):
        importlib.import_module("plate_unet.data").nothing  # noqa: B018
    from plate_unet.data import readers  # submodules import from the faces too

    assert inspect.ismodule(readers)


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
