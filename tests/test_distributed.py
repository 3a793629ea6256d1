"""Distributed training on CPU: two logical devices, and two worker processes.

Both run in fresh processes (``tests/train_jobs.py``): logical devices must be
configured before TensorFlow starts, and each worker is its own program.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

JOBS = Path(__file__).with_name("train_jobs.py")
pytestmark = pytest.mark.slow


def _result(output: str) -> dict:
    lines = [ln for ln in output.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"no RESULT line in:\n{output[-3000:]}"
    return json.loads(lines[-1][len("RESULT ") :])


def _env(**extra) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}
    env.pop("TF_CONFIG", None)
    env.update(extra)
    return env


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_mirrored_over_two_logical_cpus_matches_one_device(tmp_path):
    done = subprocess.run(
        [sys.executable, str(JOBS), "mirrored", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        env=_env(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = _result(done.stdout)
    assert result["replicas"] == 2
    assert result["devices"] == ["/device:CPU:0", "/device:CPU:1"]
    assert result["one"] == pytest.approx(result["two"], rel=1e-4, abs=1e-5)
    # Splitting again once TensorFlow runs is refused with a clear message.
    assert "before any other TensorFlow work" in result["late_split_error"]


def test_two_workers_on_loopback_train_and_exit_cleanly(tmp_path):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    procs = []
    for index in range(2):
        config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        procs.append(
            subprocess.Popen(
                [sys.executable, str(JOBS), "worker", str(tmp_path / "run")],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(TF_CONFIG=json.dumps(config)),
            )
        )
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            outputs.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    results = []
    for code, out, err in outputs:
        assert code == 0, err[-3000:]
        results.append(_result(out))
    assert [r["chief"] for r in results] == [True, False]
    for r in results:
        assert r["strategy"] == "CollectiveAllReduceStrategy"
        assert r["replicas"] == 2
        assert len(r["loss"]) == 2
    # The workers average their gradients, so they agree on the loss.
    assert results[0]["loss"] == pytest.approx(results[1]["loss"], rel=1e-5)
    # Only the chief writes the user-visible files; worker scratch is removed.
    run = tmp_path / "run"
    assert (run / "best.keras").is_file() and (run / "log.csv").is_file()
    assert not list(run.glob("worker-*"))
