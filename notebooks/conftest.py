"""Prints how long each notebook took under nbval, in the test summary."""

from __future__ import annotations

import os
from collections import defaultdict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_SECONDS: dict[str, float] = defaultdict(float)
_FAILED: set[str] = set()


def pytest_runtest_logreport(report):
    notebook = report.nodeid.split("::")[0]
    if notebook.endswith(".ipynb"):
        _SECONDS[notebook] += report.duration
        if report.failed:
            _FAILED.add(notebook)


def pytest_terminal_summary(terminalreporter):
    if not _SECONDS:
        return
    terminalreporter.section("notebook times (limit: 120 s each in smoke mode)")
    for notebook, seconds in sorted(_SECONDS.items()):
        status = "FAILED" if notebook in _FAILED else "ok"
        flag = "  over the limit" if seconds > 120 else ""
        terminalreporter.write_line(f"{seconds:7.1f} s  {status:6}  {notebook}{flag}")
