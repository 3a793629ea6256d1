"""notebooks/clean.py keeps what a reader of the notebook would see."""

from __future__ import annotations

import importlib.util
from pathlib import Path

CLEAN = Path(__file__).resolve().parents[1] / "notebooks" / "clean.py"


def _module():
    spec = importlib.util.spec_from_file_location("clean", CLEAN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_progress_updates_merge_into_their_last_state():
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": ["\rgenerate: 10/20"]},
        {"output_type": "stream", "name": "stderr", "text": ["\rgenerate: 20/20\n"]},
        {"output_type": "stream", "name": "stdout", "text": ["epoch 1\n"]},
        {"output_type": "stream", "name": "stdout", "text": ["epoch 2\n"]},
        {"output_type": "display_data", "data": {"text/plain": ["<Figure>"]}},
        {"output_type": "stream", "name": "stdout", "text": ["after\n"]},
    ]
    merged = _module().merge_streams(outputs)
    assert [o.get("name") for o in merged] == ["stderr", "stdout", None, "stdout"]
    assert merged[0]["text"] == ["generate: 20/20\n"]
    assert merged[1]["text"] == ["epoch 1\n", "epoch 2\n"]
    assert merged[3]["text"] == ["after\n"]


def test_native_log_lines_are_dropped_and_other_lines_kept():
    line = (
        "E0000 00:00:1796576881.767387   24173 util.cc:131] oneDNN supports DT_HALF "
        "only on platforms with AVX-512.\n"
    )
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": [line]},
        {
            "output_type": "stream",
            "name": "stdout",
            "text": ["E0000 is a name\n", line],
        },
    ]
    merged = _module().merge_streams(outputs)
    assert merged == [{"output_type": "stream", "name": "stdout",
                       "text": ["E0000 is a name\n"]}]  # fmt: skip
