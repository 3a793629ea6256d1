"""Runs every ``benchmarks/bench_*.py`` and writes ``benchmarks/results/summary.md``.

Each script runs in its own process (so one's threads, caches and memory do not
colour the next), prints its tables as it goes and writes
``benchmarks/results/<name>.json``; this script then gathers every JSON's
``table`` (and ``notes``) into one markdown file, the README's benchmark
section. ``make bench`` calls it.

Run: ``python benchmarks/run_all.py`` (each script takes up to ~5 minutes on 2
idle cores), ``--only inference,slim`` for some, ``--summary-only`` to rebuild
the summary from the JSON files already there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import RESULTS_DIR, format_table, machine_info, machine_line

HERE = Path(__file__).resolve().parent
#: Reading order in the summary (others follow alphabetically).
ORDER = [
    "pipeline",
    "generator",
    "compute",
    "inference",
    "train_step",
    "memory",
    "slim",
    "resolution",
    "multiscale",
    "real",
    "export",
]
TITLES = {
    "pipeline": "Input pipeline",
    "generator": "Synthetic scene generator",
    "compute": "Compute ceiling and model FLOPs",
    "inference": "Inference",
    "train_step": "Training step",
    "memory": "Training memory",
    "slim": "Slim variant",
    "resolution": "What the input size alone costs",
    "multiscale": "Two scales against one",
    "real": "Real photos",
    "export": "Exported models (TFLite)",
}


def scripts(only: set[str] | None) -> list[Path]:
    """The bench_*.py scripts to run, in :data:`ORDER`."""
    found = {p.stem.removeprefix("bench_"): p for p in HERE.glob("bench_*.py")}
    names = sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else 99, n))
    if only:
        unknown = only - set(found)
        if unknown:
            raise SystemExit(
                f"unknown benchmark(s) {sorted(unknown)}: choose from {names}"
            )
        names = [n for n in names if n in only]
    return [found[n] for n in names]


def run(script: Path, timeout: int) -> dict:
    """Runs one script, streaming its output; returns its status and time."""
    print(f"\n===== {script.name} =====", flush=True)
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    t0 = time.perf_counter()
    try:
        code = subprocess.run(
            [sys.executable, str(script)], env=env, timeout=timeout, cwd=HERE.parent
        ).returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    seconds = time.perf_counter() - t0
    print(f"===== {script.name}: exit {code}, {seconds:.0f} s =====", flush=True)
    return {"script": script.name, "exit": code, "seconds": seconds}


def _section(name: str, data: dict) -> str:
    """One markdown section from one results JSON."""
    lines = [f"### {TITLES.get(name, name)}", ""]
    table = data.get("table") or []
    lines.append(format_table(table, data.get("columns")) if table else "(no table)")
    extra = {
        "layer_groups": "Where the time goes (reference model, batch 1)",
        "gpu_estimate": "Estimated training memory on a GPU",
    }
    for key, title in extra.items():
        if data.get(key):
            lines += ["", f"*{title}:*", "", format_table(data[key])]
    notes = data.get("notes") or []
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    machine = data.get("machine")
    if machine:
        when = data.get("time", "")
        lines += ["", f"<sub>{machine_line(machine)}; {when}</sub>"]
    return "\n".join(lines)


def write_summary(runs: list[dict]) -> Path:
    """Writes ``benchmarks/results/summary.md`` from every results JSON."""
    results = {}
    for path in RESULTS_DIR.glob("*.json"):
        try:
            results[path.stem] = json.loads(path.read_text())
        except json.JSONDecodeError:
            print(f"skipping unreadable {path}", file=sys.stderr)
    names = sorted(
        (n for n in results if n != "doctest"),
        key=lambda n: (ORDER.index(n) if n in ORDER else 99, n),
    )
    parts = [
        "## Benchmarks",
        "",
        "Made by `make bench` (`python benchmarks/run_all.py`). Ratios are taken "
        "within one run, timed round-robin where they compare variants; the load "
        "average beside each table says how busy the machine was.",
        "",
        machine_line(machine_info()),
    ]
    for name in names:
        parts += ["", _section(name, results[name])]
    if runs:
        parts += ["", "| script | exit | seconds |", "|---|---|---|"]
        parts += [f"| {r['script']} | {r['exit']} | {r['seconds']:.0f} |" for r in runs]
    path = RESULTS_DIR / "summary.md"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated names, e.g. compute,slim")
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per script")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    runs = []
    if not args.summary_only:
        for script in scripts(only):
            runs.append(run(script, args.timeout))
    path = write_summary(runs)
    print(f"\nwrote {path.relative_to(HERE.parent)}")
    failed = [r for r in runs if r["exit"] != 0]
    for r in failed:
        print(f"FAILED: {r['script']} (exit {r['exit']})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
