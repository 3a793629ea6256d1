"""Tidy the notebooks after a full run: ``python notebooks/clean.py``.

* Cells tagged ``real-photos`` show the real photos from ``../shared/data``;
  those stay outside the repository, so their stored outputs are removed.
* Widget state (hundreds of kB of PNGs that only a live kernel can update)
  and per-cell execution times are machine noise: removed.
* Progress lines that rewrite themselves with a carriage return arrive as one
  stream output per update; they are merged and only what a terminal would
  finally show is kept.
* Lines that TensorFlow's C++ code logs straight to stderr (``E0000
  00:00:1796576881.767387   24173 util.cc:131] ...``: severity, time, thread,
  source line) are machine noise too: removed. A notebook that needs what such a
  line says prints it itself.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


#: A line of TensorFlow's C++ logging: severity and date, time, thread, file:line].
NATIVE_LOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\] ")


def _settle(text: str) -> str:
    """What a terminal shows of ``text``: each line after its last carriage return."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def merge_streams(outputs: list[dict]) -> list[dict]:
    """Joins consecutive stream outputs of one name and settles their ``\\r``."""
    merged: list[dict] = []
    for out in outputs:
        if out.get("output_type") == "stream" and merged and (
            merged[-1].get("output_type") == "stream"
            and merged[-1]["name"] == out["name"]
        ):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(out["text"])
        else:
            merged.append(dict(out))
    for out in merged:
        if out.get("output_type") == "stream":
            lines = _settle("".join(out["text"])).splitlines(keepends=True)
            out["text"] = [line for line in lines if not NATIVE_LOG.match(line)]
    return [o for o in merged if o.get("output_type") != "stream" or o["text"]]


def clean(path: Path) -> bool:
    """Cleans one notebook in place; returns True when it changed."""
    text = path.read_text()
    nb = json.loads(text)
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        if "outputs" in cell:
            cell["outputs"] = merge_streams(cell["outputs"])
        if "real-photos" in cell["metadata"].get("tags", []):
            cell["outputs"] = []
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new)
    return new != text


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(HERE.glob("*.ipynb"))
    for p in paths:
        if clean(p):
            print(f"cleaned {p.name}")
