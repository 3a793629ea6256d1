"""Tidy the notebooks after a full run: ``python notebooks/clean.py``.

* Cells tagged ``real-photos`` show the real photos from ``../shared/data``;
  those stay outside the repository, so their stored outputs are removed.
* Widget state (hundreds of kB of PNGs that only a live kernel can update)
  and per-cell execution times are machine noise: removed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def clean(path: Path) -> bool:
    """Cleans one notebook in place; returns True when it changed."""
    text = path.read_text()
    nb = json.loads(text)
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
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
