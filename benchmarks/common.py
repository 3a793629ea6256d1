"""Shared helpers for the benchmark scripts: machine info, timing, tables, JSON.

Every ``benchmarks/bench_*.py`` script is run as a plain script
(``python benchmarks/bench_compute.py``), so it imports this module as
``from common import ...`` (the script's folder is on ``sys.path``). Each script:

1. prints :func:`machine_line` (cores, CPU model and flags, versions, load);
2. times with :func:`time_call` (warm-up, then the median of repeats);
3. prints its table with :func:`print_table`;
4. writes ``benchmarks/results/<name>.json`` with :func:`write_json`
   (``benchmarks/results/`` is git-ignored; ``run_all.py`` collects the tables
   into ``benchmarks/results/summary.md``).

Numbers on a shared machine are noisy: compare ratios measured in one run, and
read the load average recorded beside them.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: CPU flags that decide how fast float32/bf16/int8 kernels can be.
INTERESTING_FLAGS = (
    "sse4_2",
    "fma",
    "avx",
    "avx2",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx512_bf16",
    "avx_vnni",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)


def _cpuinfo() -> tuple[str, list[str]]:
    """Returns the CPU model name and its flags from /proc/cpuinfo."""
    model, flags = None, []
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model is None:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = value.split()
    return model or platform.processor() or "unknown CPU", flags


def _version(module: str) -> str | None:
    """Returns ``module.__version__`` if it is importable, else ``None``."""
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - any import failure just means "absent"
        return None


def machine_info() -> dict:
    """Returns what a reader needs to compare results between machines.

    Returns:
        A dict with CPU cores (online and usable by this process), the CPU model,
        the relevant CPU flags, the memory, the TensorFlow thread settings, the
        versions of Python/TF/Keras/numpy/OpenCV, oneDNN's setting and the load
        average (1, 5, 15 min) at the time of the call.

    Example:
        >>> info = machine_info()
        >>> info["cores_usable"] >= 1
        True
    """
    model, flags = _cpuinfo()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    mem_gb = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem_gb = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    info = {
        "cpu_model": model,
        "cores_online": os.cpu_count(),
        "cores_usable": usable,
        "cpu_flags": [f for f in INTERESTING_FLAGS if f in flags],
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow") if "tensorflow" in sys.modules else None,
        "keras": _version("keras") if "keras" in sys.modules else None,
        "numpy": _version("numpy"),
        "cv2": _version("cv2"),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on for x86)"),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        info["tf_intra_op_threads"] = (
            tf.config.threading.get_intra_op_parallelism_threads() or "auto"
        )
        info["tf_inter_op_threads"] = (
            tf.config.threading.get_inter_op_parallelism_threads() or "auto"
        )
        info["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
    return info


def machine_line(info: dict | None = None) -> str:
    """Returns a one-line summary of :func:`machine_info` for a table's header.

    Example:
        >>> "cores" in machine_line()
        True
    """
    info = info or machine_info()
    parts = [
        f"{info['cpu_model']}",
        f"{info['cores_usable']}/{info['cores_online']} cores",
        "flags " + (",".join(info["cpu_flags"]) or "none"),
        f"{info['memory_gb']} GiB",
        f"py {info['python']}",
    ]
    for key in ("tensorflow", "keras", "numpy", "cv2"):
        if info.get(key):
            parts.append(f"{key} {info[key]}")
    if info.get("gpus"):
        parts.append("GPUs " + ",".join(info["gpus"]))
    parts.append("load " + "/".join(f"{x:.2f}" for x in info["loadavg"]))
    return "machine: " + "; ".join(parts)


@dataclass
class Timing:
    """Result of :func:`time_call`: seconds per call."""

    median: float
    best: float
    repeats: int
    all: list[float]


def time_call(
    fn: Callable[[], object],
    warmup: int = 1,
    repeats: int = 5,
    max_seconds: float | None = None,
) -> Timing:
    """Times ``fn()``: ``warmup`` untimed calls, then the median of ``repeats``.

    Args:
        fn: A function of no arguments. It must block until its work is done
            (e.g. call ``.numpy()`` on a TensorFlow result).
        warmup: Untimed calls first (tracing, compilation, caches).
        repeats: Timed calls; the median is reported (robust to a noisy neighbour).
        max_seconds: Stop repeating once the timed calls have taken this long
            (at least one timed call is always made).

    Returns:
        A :class:`Timing` in seconds per call.

    Raises:
        ValueError: If ``repeats < 1`` or ``warmup < 0``.

    Example:
        >>> time_call(lambda: sum(range(100)), repeats=3).repeats
        3
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"repeats={repeats} must be >= 1 and warmup={warmup} >= 0.")
    for _ in range(warmup):
        fn()
    times: list[float] = []
    start = time.perf_counter()
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if max_seconds is not None and time.perf_counter() - start > max_seconds:
            break
    return Timing(statistics.median(times), min(times), len(times), times)


def time_interleaved(
    fns: dict[str, Callable[[], object]], warmup: int = 1, repeats: int = 5
) -> dict[str, Timing]:
    """Times several functions round-robin, so a noisy neighbour hits all alike.

    On a shared machine the load changes from second to second; timing variant A
    for a minute and then variant B compares two different machines. Here every
    repeat runs each function once in turn, and each gets the median of its own
    repeats.

    Args:
        fns: ``{name: fn}``; each ``fn()`` must block until its work is done.
        warmup: Untimed calls of each function first.
        repeats: Timed rounds.

    Returns:
        ``{name: Timing}`` in seconds per call.

    Example:
        >>> t = time_interleaved({"a": lambda: 1, "b": lambda: 2}, repeats=3)
        >>> sorted(t), t["a"].repeats
        (['a', 'b'], 3)
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"repeats={repeats} must be >= 1 and warmup={warmup} >= 0.")
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {
        name: Timing(statistics.median(t), min(t), len(t), t)
        for name, t in times.items()
    }


def matmul_fn(n: int = 2048) -> tuple[Callable[[], object], int]:
    """Returns ``(fn, flops)``: one blocking float32 ``n×n`` matmul and its FLOPs.

    Put it in :func:`time_interleaved` beside the model calls, so the ceiling is
    measured under the same load as what is divided by it.

    Example:
        >>> fn, flops = matmul_fn(64)
        >>> flops
        524288
    """
    import tensorflow as tf

    a = tf.random.stateless_uniform((n, n), seed=(1, 2), dtype=tf.float32)
    b = tf.random.stateless_uniform((n, n), seed=(3, 4), dtype=tf.float32)

    def step():
        # Summing to a scalar forces the product to finish without a big copy.
        return float(tf.reduce_sum(tf.linalg.matmul(a, b)))

    return step, 2 * n**3


def matmul_gflops(n: int = 2048, repeats: int = 7) -> float:
    """Measures the float32 ``n×n`` matmul rate of TensorFlow on this process.

    This is the compute ceiling the model's convolutions are compared with: a
    convolution cannot do better per FLOP than a large dense matrix product.

    Args:
        n: Matrix side (2048 → 17.2 GFLOP per product).
        repeats: Timed products; the median is used.

    Returns:
        Achieved GFLOP/s (2·n³ FLOP per product).

    Example:
        >>> matmul_gflops(256, repeats=2) > 0
        True
    """
    step, flops = matmul_fn(n)
    timing = time_call(step, warmup=2, repeats=repeats)
    return flops / timing.median / 1e9


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return "" if value is None else str(value)


def format_table(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    """Returns ``rows`` as a GitHub-flavoured markdown table.

    Args:
        rows: One dict per row.
        columns: Column order; default: the keys of the first row.

    Returns:
        The table as text (header, separator, one line per row).

    Example:
        >>> print(format_table([{"a": 1, "b": 0.5}]))
        | a | b |
        |---|---|
        | 1 | 0.5 |
    """
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def print_table(
    title: str, rows: Sequence[dict], columns: Sequence[str] | None = None
) -> str:
    """Prints a titled markdown table and returns its text.

    Example:
        >>> _ = print_table("t", [{"x": 1}])  # doctest: +NORMALIZE_WHITESPACE
        <BLANKLINE>
        ### t
        | x |
        |---|
        | 1 |
    """
    text = f"\n### {title}\n" + format_table(rows, columns)
    print(text, flush=True)
    return text


def write_json(name: str, results: dict, info: dict | None = None) -> Path:
    """Writes ``benchmarks/results/<name>.json`` with the results and the machine.

    Args:
        name: The benchmark's name, e.g. ``"compute"``.
        results: JSON-serialisable results; by convention a ``"table"`` key holds
            the printed rows and a ``"notes"`` key a list of sentences.
        info: Machine info; measured now (with the current load) if omitted.

    Returns:
        The path written.

    Example:
        >>> write_json("doctest", {"table": []}).name  # doctest: +SKIP
        'doctest.json'
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {
        "name": name,
        "machine": info or machine_info(),
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        **results,
    }
    path.write_text(json.dumps(payload, indent=2, default=_json_default) + "\n")
    print(f"wrote {path.relative_to(RESULTS_DIR.parent.parent)}", flush=True)
    return path


def _json_default(obj: object) -> object:
    if isinstance(obj, Timing):
        return asdict(obj)
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def model_configs() -> dict:
    """Returns the named U-Net configurations the benchmarks compare.

    ``reference`` is the reference project's model (1152×704, 16…512 filters);
    ``teaching`` and ``slim`` are the models of those presets in
    ``plate_unet.training.presets.PRESETS``.

    Returns:
        ``{name: (UNetConfig, source)}`` where ``source`` says where it came from.

    Example:
        >>> model_configs()["reference"][0].height
        1152
    """
    from plate_unet.model import UNetConfig
    from plate_unet.training.presets import PRESETS

    return {
        "reference": (UNetConfig(), "UNetConfig() defaults"),
        "teaching": (
            PRESETS["teaching"].unet,
            "plate_unet.training.presets.PRESETS['teaching']",
        ),
        "slim": (PRESETS["slim"].unet, "plate_unet.training.presets.PRESETS['slim']"),
    }
