"""Measure what training adds to a process's memory, in a fresh process.

:func:`training_peak` builds a U-Net from a :class:`~plate_unet.model.UNetConfig`
in a new Python process, notes its peak resident memory (``ru_maxrss``), runs a
few Adam steps of BCE + Dice on random data at a batch size, and notes the peak
again. The difference is what training adds on top of Python, TensorFlow, the
model and the data, which the estimate of
:func:`plate_unet.model.memory.activation_memory` can be held against.
``benchmarks/bench_memory.py`` and notebook 03 use it. Not on any face.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

from plate_unet.errors import PlateUnetError
from plate_unet.model.config import UNetConfig


def training_peak(
    config: UNetConfig, batch: int, steps: int = 1, timeout: float = 600
) -> dict[str, Any]:
    """Peak memory of ``steps`` training steps of ``build_unet(config)``.

    Args:
        config: The U-Net to build.
        batch: Images per step.
        steps: Training steps (one is enough at large sizes).
        timeout: Seconds before the child process is stopped.

    Returns:
        ``{"before": bytes, "peak": bytes, "adds": bytes, "seconds": float}``:
        the peak resident memory before and after training, their difference,
        and the training time.

    Raises:
        PlateUnetError: If the child process fails (its last lines in the message).

    Example:
        >>> from plate_unet.model import UNetConfig
        >>> from plate_unet.training.memory_probe import training_peak
        >>> r = training_peak(UNetConfig(64, 64, base_filters=2, depth=2), batch=2)
        >>> r["peak"] >= r["before"] > 0 and r["adds"] == r["peak"] - r["before"]
        True
    """
    spec = json.dumps(dataclasses.asdict(config))
    cmd = [sys.executable, "-m", __name__, spec, str(batch), str(steps)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PlateUnetError(
            f"the memory probe (batch {batch}) exited with {done.returncode}:\n{tail}"
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {"adds": result["peak"] - result["before"]}


def _child(spec: str, batch: int, steps: int) -> None:
    """In the child process: train and print one JSON line."""
    import resource
    import time

    from plate_unet.quiet_tensorflow import import_tensorflow

    tf = import_tensorflow()
    import numpy as np

    from plate_unet.model.unet import build_unet
    from plate_unet.training.losses import get_loss

    model = build_unet(UNetConfig(**json.loads(spec)))
    model.compile(optimizer="adam", loss=get_loss("bce_dice"))
    h, w, c = model.input_shape[1:]
    rng = np.random.default_rng(0)
    x = rng.random((batch, h, w, c), dtype=np.float32)
    y = (rng.random((batch, h, w, 1)) > 0.9).astype(np.float32)
    data = tf.data.Dataset.from_tensors((x, y)).repeat()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    seconds = time.perf_counter() - start
    print(json.dumps({"before": before, "peak": peak, "seconds": seconds}))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
