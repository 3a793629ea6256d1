"""The course's notebooks keep the house style a learner relies on (STYLE.md).

Read as JSON, nothing executed: code cells of at most 15 lines, each after a
sentence of prose; one title; a Summary and Exercises whose solutions are hidden;
``# NBVAL_IGNORE_OUTPUT`` only as a cell's first line, where nbval reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("0*.ipynb"))
MAX_LINES = 15


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"])


def test_there_are_eight_notebooks():
    assert [p.name[:3] for p in PATHS] == [f"0{k}_" for k in range(1, 9)]


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_code_cells_are_short_and_introduced(path):
    cells = _cells(path)
    long = [
        f"{c.get('id')} ({len(_text(c).splitlines())} lines)"
        for c in cells
        if c["cell_type"] == "code" and len(_text(c).splitlines()) > MAX_LINES
    ]
    bare = [
        c.get("id")
        for prev, c in zip([None, *cells], cells, strict=False)
        if c["cell_type"] == "code"
        and (prev is None or prev["cell_type"] != "markdown" or not _text(prev).strip())
    ]
    assert not long, f"{path.name}: code cells over {MAX_LINES} lines: {long}"
    assert not bare, f"{path.name}: code cells with no prose before them: {bare}"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_title_summary_and_hidden_solutions(path):
    cells = _cells(path)
    prose = [_text(c) for c in cells if c["cell_type"] == "markdown"]
    titles = [ln for p in prose for ln in p.splitlines() if ln.startswith("# ")]
    assert len(titles) == 1 and prose[0].startswith("# "), (path.name, titles)
    tail = "\n".join(prose[-2:])
    assert "## Summary" in tail and "## Exercises" in tail, path.name
    exercises = tail[tail.index("## Exercises") :]
    asked = sum(
        ln[:3] in {f"{k}. " for k in range(1, 10)} for ln in exercises.split("\n")
    )
    hidden = exercises.count("<details>")
    assert 3 <= asked == hidden, f"{path.name}: {asked} exercises, {hidden} solutions"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_nbval_markers_are_first_lines(path):
    misplaced = [
        c.get("id")
        for c in _cells(path)
        if c["cell_type"] == "code"
        and "NBVAL_IGNORE_OUTPUT" in _text(c)
        and not _text(c).startswith("# NBVAL_IGNORE_OUTPUT\n")
    ]
    assert not misplaced, f"{path.name}: NBVAL_IGNORE_OUTPUT not first in {misplaced}"
