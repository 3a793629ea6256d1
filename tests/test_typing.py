"""The package is typed: every public function and method says what it takes and
returns, so editors and type checkers can help (``py.typed`` ships with it)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plate_unet"


def _public_functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, node, False
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                if not item.name.startswith("_") or item.name == "__init__":
                    yield f"{node.name}.{item.name}", item, True


def test_every_public_function_is_annotated():
    missing, count = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, func, method in _public_functions(ast.parse(path.read_text())):
            args = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
            if method and args and args[0].arg in ("self", "cls"):
                args = args[1:]
            args += [a for a in (func.args.vararg, func.args.kwarg) if a]
            bare = [a.arg for a in args if a.annotation is None]
            if func.returns is None and func.name != "__init__":
                bare.append("return")
            count += 1
            if bare:
                missing.append(f"{path.relative_to(PACKAGE)}: {name} {bare}")
    assert count > 200  # the walk found the package
    assert not missing, "\n".join(missing)


def test_the_package_ships_its_type_marker():
    assert (PACKAGE / "py.typed").is_file()
