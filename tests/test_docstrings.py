"""Every docstring example runs as pasted, and none writes into the checkout.

Each example imports what it uses and builds its own small inputs, so a learner
can paste it into a Python session started in the checkout; the only name the
run provides is ``np`` (NumPy). Each module's examples run with :mod:`doctest` in
a fresh temporary folder that holds a read-only link to ``data/sample``, and
``tempfile`` writes there too, so an example that writes files writes them
there. Examples that need an optional package (ONNX) are skipped, with the
reason, where it is not installed. No example trains a model, and none may leave
global state changed (dtype policy, open figures). No example may check only
something that holds whatever the code does (``isinstance(x, bool)`` → True).

Deliberate parallel: because each example runs as pasted, examples repeat their
few set-up lines (imports, a tiny U-Net, a scene, a temporary folder); the
``duplicates`` tool lists those pairs, and they stay.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import plate_unet

ROOT = Path(__file__).resolve().parents[1]

#: Optional packages some examples need: (word in the example, packages, extra).
OPTIONAL = (("onnx", ("onnx", "onnxruntime", "tf2onnx"), "onnx"),)


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(plate_unet.__path__, "plate_unet."):
        names.append(info.name)
    return sorted(names)


def _missing_optional(test: doctest.DocTest) -> str | None:
    """The reason ``test`` cannot run here (an optional package is absent), or None."""
    source = "".join(example.source for example in test.examples)
    for word, packages, extra in OPTIONAL:
        missing = [p for p in packages if importlib.util.find_spec(p) is None]
        if word in source and missing:
            return f"needs {', '.join(missing)} (pip install -e '.[{extra}]')"
    return None


def _open_figures() -> set[int]:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()


def _checkout_entries() -> list[str]:
    """The checkout's top-level entries (tools' hidden caches aside, e.g. a
    ruff run beside the tests)."""
    return sorted(p.name for p in ROOT.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    if not tests:
        pytest.skip(f"{name} has no examples")
    (tmp_path / "data").mkdir()
    os.symlink(ROOT / "data" / "sample", tmp_path / "data" / "sample")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # mkdtemp() goes here
    before = _checkout_entries()
    sample_before = sorted(p.name for p in (ROOT / "data" / "sample").rglob("*"))
    figures_before = _open_figures()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    skipped = []
    for test in tests:
        reason = _missing_optional(test)
        if reason is not None:
            skipped.append(f"{test.name} {reason}")
            continue
        test.globs = {"np": np}  # all else is imported inside the example
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) failed in {name}"
    assert _checkout_entries() == before  # nothing written here
    sample_after = sorted(p.name for p in (ROOT / "data" / "sample").rglob("*"))
    assert sample_after == sample_before  # nor through the data/sample link
    import keras

    assert keras.mixed_precision.global_policy().name == "float32", name
    assert _open_figures() <= figures_before, f"{name} left figures open"
    if skipped:
        pytest.skip(f"{name}: ran the others; skipped " + "; ".join(skipped))


_ALWAYS_TRUE = {"isinstance", "callable", "hasattr"}


def _cannot_fail(example: doctest.Example) -> bool:
    """True for a check that holds whatever the code returns: ``True`` expected
    from an ``isinstance``/``callable``/``hasattr`` call (alone or in a tuple), or
    from ``x is None or ...``."""
    if example.want.strip().strip("()").replace(" ", "") not in ("True", "True,True"):
        return False
    try:
        node = ast.parse(example.source.strip(), mode="eval").body
    except SyntaxError:
        return False
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    for part in parts:
        if (
            isinstance(part, ast.Call)
            and isinstance(part.func, ast.Name)
            and part.func.id in _ALWAYS_TRUE
        ):
            return True
        if isinstance(part, ast.BoolOp) and isinstance(part.op, ast.Or):
            first = part.values[0]
            if (
                isinstance(first, ast.Compare)
                and isinstance(first.ops[0], ast.Is)
                and isinstance(first.comparators[0], ast.Constant)
                and first.comparators[0].value is None
            ):
                return True
    return False


def test_cannot_fail_heuristic():
    def example(source: str, want: str = "True\n") -> doctest.Example:
        return doctest.Example(source, want)

    assert _cannot_fail(example("isinstance(f(), bool)"))
    assert _cannot_fail(example("isinstance(g, list), all(g)", "(True, True)\n"))
    assert _cannot_fail(example("p is None or p.is_dir()"))
    assert not _cannot_fail(example("f() == 3"))
    assert not _cannot_fail(example("isinstance(f(), bool)", "False\n"))


def test_no_example_only_checks_what_always_holds():
    weak = []
    for name in _modules():
        for test in doctest.DocTestFinder().find(importlib.import_module(name)):
            weak += [
                f"{test.name}: {example.source.strip()}"
                for example in test.examples
                if _cannot_fail(example)
            ]
    assert weak == [], "examples that cannot fail:\n" + "\n".join(weak)


def test_onnx_examples_skip_with_the_reason_where_onnx_is_absent(monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "onnx" else find_spec(name, *args),
    )
    module = importlib.import_module("plate_unet.inference.export")
    reasons = {
        test.name.rsplit(".", 1)[-1]: _missing_optional(test)
        for test in doctest.DocTestFinder().find(module)
        if test.examples
    }
    needs_onnx = "needs onnx (pip install -e '.[onnx]')"
    assert reasons["to_onnx"] == reasons["OnnxModel"] == needs_onnx
    assert reasons["to_tflite"] is None and reasons["TFLiteModel"] is None
