"""Every number the notebook prose quotes as a result is printed by a cell.

A markdown cell that quotes measured numbers lists them in its metadata,
``"measured": ["0.895", "1.07 GiB", ...]``. For each such string this test checks
the stored notebook (read as JSON, nothing is executed): the string stands
verbatim in that markdown cell, and verbatim in the stored text output of at least
one code cell of the same notebook (stream text, or the ``text/plain`` of a result
or a display). A re-run that changes a printed number then fails here until the
prose says the new one.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("0*.ipynb"))
KEY = "measured"
#: Notebooks whose prose quotes measured numbers, so they must carry marks: all.
MARKED_AT_LEAST = ("01_", "02_", "03_", "04_", "05_", "06_", "07_")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _printed(cells: list[dict]) -> list[str]:
    """The stored text outputs of the code cells: streams and text/plain."""
    texts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append("".join(out.get("text", "")))
            elif "text/plain" in out.get("data", {}):
                texts.append("".join(out["data"]["text/plain"]))
    return texts


def _prints(text: str, mark: str) -> bool:
    """``mark`` stands in ``text`` as a whole number: "0.02" is not in "0.025"."""
    return re.search(rf"(?<![\d.]){re.escape(mark)}(?!\d)", text) is not None


def problems(name: str, cells: list[dict]) -> list[str]:
    """What is wrong with the ``measured`` marks of one notebook, one line each."""
    printed = _printed(cells)
    found = []
    for cell in cells:
        if KEY not in cell["metadata"]:
            continue
        where = f"cell {cell.get('id')} of {name}"
        marks = cell["metadata"][KEY]
        if cell["cell_type"] != "markdown":
            found.append(f"{where} is a {cell['cell_type']} cell: marks go on prose")
            continue
        if (
            not isinstance(marks, list)
            or not marks
            or not all(isinstance(m, str) and m.strip() for m in marks)
        ):
            found.append(
                f"{where}: '{KEY}' must be a list of non-empty strings, not {marks!r}"
            )
            continue
        source = "".join(cell["source"])
        for mark in marks:
            if mark not in source:
                found.append(
                    f"{mark!r} in {where} is marked measured but the "
                    f"cell's text does not contain it"
                )
            if not any(_prints(text, mark) for text in printed):
                found.append(
                    f"{mark!r} in {where} is marked measured but no cell "
                    f"output prints it"
                )
    return found


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_measured_numbers_are_printed_by_a_cell(path):
    found = problems(path.name, _cells(path))
    assert not found, "\n".join(found)


def test_the_notebooks_carry_marks():
    """Guards against a test that passes because nothing is marked."""
    assert PATHS, f"no notebooks in {NOTEBOOKS}"
    marked = {p.name for p in PATHS if any(c["metadata"].get(KEY) for c in _cells(p))}
    assert marked, "no markdown cell carries 'measured' metadata"
    missing = [
        pre for pre in MARKED_AT_LEAST if not any(m.startswith(pre) for m in marked)
    ]
    assert not missing, f"notebooks {missing} carry no 'measured' marks"


def test_problems_names_the_notebook_the_cell_and_the_string():
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "source": [],
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["IoU 0.895\n"]},
                {
                    "output_type": "execute_result",
                    "data": {"text/plain": ["'1.07 GiB'"]},
                },
            ],
        },
        {
            "cell_type": "markdown",
            "id": "c1",
            "source": ["IoU 0.895, 1.07 GiB, 42"],
            "metadata": {KEY: ["0.895", "1.07 GiB", "42", "7.5"]},
        },
        {
            "cell_type": "markdown",
            "id": "c2",
            "source": ["x"],
            "metadata": {KEY: "0.895"},
        },
        {"cell_type": "markdown", "id": "c3", "source": ["x"], "metadata": {KEY: [""]}},
    ]
    found = problems("06_x.ipynb", cells)
    assert found == [
        "'42' in cell c1 of 06_x.ipynb is marked measured but no cell output prints it",
        "'7.5' in cell c1 of 06_x.ipynb is marked measured but the cell's text "
        "does not contain it",
        "'7.5' in cell c1 of 06_x.ipynb is marked measured but no cell output "
        "prints it",
        "cell c2 of 06_x.ipynb: 'measured' must be a list of non-empty strings, "
        "not '0.895'",
        "cell c3 of 06_x.ipynb: 'measured' must be a list of non-empty strings, "
        "not ['']",
    ]


def test_clean_keeps_the_marks(tmp_path):
    spec = importlib.util.spec_from_file_location("clean", NOTEBOOKS / "clean.py")
    clean = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clean)
    meta = {KEY: ["0.895"], "execution": {"iopub.status.busy": "2025"}}
    nb = {
        "metadata": {"widgets": {}},
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [
            {
                "cell_type": "markdown",
                "id": "c1",
                "metadata": meta,
                "source": ["IoU 0.895"],
            }
        ],
    }
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps(nb))
    clean.clean(path)
    assert _cells(path)[0]["metadata"] == {KEY: ["0.895"]}


def test_a_mark_matches_a_whole_number_only():
    printed = {
        "cell_type": "code",
        "metadata": {},
        "source": [],
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["0.025 s\n"]}],
    }
    prose = {
        "cell_type": "markdown",
        "id": "m",
        "source": ["0.02 and 0.025 s."],
        "metadata": {KEY: ["0.02", "0.025 s", "25"]},
    }
    found = problems("06_x.ipynb", [printed, prose])
    assert [line.split("'")[1] for line in found] == ["0.02", "25"]
