"""Devices: find GPUs, set the precision, pick a distribution strategy and XLA.

Training code asks this module three questions and gets plain answers:

* *What is there?* :func:`detect_gpus` lists the GPUs TensorFlow sees;
  :func:`describe_devices` says it in one short line of text.
* *How should numbers be stored?* :func:`set_precision` sets Keras' global dtype
  policy: ``"mixed_float16"`` on a GPU (layers compute in float16, variables stay
  float32; the U-Net's output layer and the losses stay float32), ``"float32"``
  elsewhere.
* *How should the work be spread?* :func:`choose_strategy` returns a
  ``tf.distribute`` strategy: ``MultiWorkerMirroredStrategy`` when the
  ``TF_CONFIG`` environment variable describes a cluster, ``MirroredStrategy``
  when there are several GPUs (or when asked, e.g. over logical CPU devices made
  by :func:`split_cpu`), and TensorFlow's default strategy otherwise.

XLA (``jit_compile``) fuses the U-Net's convolutions, ReLUs and dropouts into
fewer kernels. It pays on a GPU. On a CPU we measured it (see
:func:`default_jit_compile`) and leave it off by default.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

import keras
import tensorflow as tf

from plate_unet.errors import PlateUnetError

PRECISIONS = ("mixed_float16", "float32")
STRATEGIES = ("auto", "default", "mirrored", "multi_worker")


def detect_gpus() -> list[str]:
    """Returns the names of the physical GPUs TensorFlow can use.

    Returns:
        A list such as ``["/physical_device:GPU:0"]``; empty on a CPU-only machine.

    Example:
        >>> from plate_unet.training.devices import detect_gpus
        >>> gpus = detect_gpus()  # [] on a CPU-only machine
        >>> gpus == [f"/physical_device:GPU:{k}" for k in range(len(gpus))]
        True
    """
    return [d.name for d in tf.config.list_physical_devices("GPU")]


def default_precision() -> str:
    """Returns ``"mixed_float16"`` when a GPU is present, else ``"float32"``.

    On a CPU float16 arithmetic is emulated and slower than float32, so mixed
    precision only pays on a GPU (tensor cores).

    Example:
        >>> from plate_unet.training.devices import default_precision, detect_gpus
        >>> default_precision() == ("mixed_float16" if detect_gpus() else "float32")
        True
    """
    return "mixed_float16" if detect_gpus() else "float32"


def set_precision(policy: str | bool) -> str:
    """Sets Keras' global dtype policy for the models built after this call.

    Under ``"mixed_float16"`` each layer computes in float16 and keeps float32
    variables; :func:`plate_unet.model.unet.build_unet` keeps its output layer in
    float32 and the losses sum in float32. ``Model.compile`` then wraps the
    optimizer in a ``LossScaleOptimizer`` on its own, so small float16 gradients
    do not underflow to zero.

    Args:
        policy: ``"mixed_float16"`` or ``"float32"``; ``True`` / ``False`` mean
            the same two.

    Returns:
        The policy name now in force.

    Raises:
        ValueError: If ``policy`` is not one of the two.

    Example:
        >>> import keras
        >>> from plate_unet.training import set_precision
        >>> set_precision("mixed_float16")
        'mixed_float16'
        >>> keras.mixed_precision.global_policy().compute_dtype
        'float16'
        >>> set_precision(False)  # back to the default
        'float32'
    """
    if isinstance(policy, bool):
        policy = "mixed_float16" if policy else "float32"
    if policy not in PRECISIONS:
        raise ValueError(
            f"precision {policy!r} is invalid: choose one of {', '.join(PRECISIONS)}."
        )
    keras.mixed_precision.set_global_policy(policy)
    return policy


def split_cpu(n: int = 2) -> list[str]:
    """Splits the CPU into ``n`` logical devices, to try multi-device code on a laptop.

    TensorFlow fixes its devices the first time it uses them, so call this before
    anything else touches TensorFlow (first cell of a notebook, top of a script).

    Args:
        n: Number of logical CPU devices, >= 1.

    Returns:
        The logical device names, e.g. ``["/device:CPU:0", "/device:CPU:1"]``.

    Raises:
        ValueError: If ``n`` < 1.
        PlateUnetError: If TensorFlow has already initialised its devices with a
            different split.

    Example:
        Once TensorFlow has started (here: a model was built), it is too late:

        >>> from plate_unet.training.devices import split_cpu
        >>> split_cpu(7)
        Traceback (most recent call last):
        ...
        plate_unet.errors.PlateUnetError: cannot split the CPU into 7 devices: ...
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r} is invalid: use an integer >= 1.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
        )
    except RuntimeError as exc:
        have = tf.config.list_logical_devices("CPU")
        if len(have) == n:
            return [d.name for d in have]
        raise PlateUnetError(
            f"cannot split the CPU into {n} devices: TensorFlow already runs on "
            f"{len(have)}. Call split_cpu() before any other TensorFlow work "
            "(restart the kernel)."
        ) from exc
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def _tf_config() -> dict:
    raw = os.environ.get("TF_CONFIG", "").strip()
    if not raw:
        return {}
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"TF_CONFIG is not valid JSON: {raw[:80]!r}") from exc
    return config if isinstance(config, dict) else {}


def choose_strategy(
    kind: str = "auto", devices: list[str] | None = None
) -> tf.distribute.Strategy:
    """Returns the ``tf.distribute`` strategy to build and train the model under.

    With ``kind="auto"``: ``MultiWorkerMirroredStrategy`` when ``TF_CONFIG``
    names a cluster of workers; ``MirroredStrategy`` over all GPUs when there are
    several (or over ``devices`` when given); TensorFlow's default strategy
    (one device, no copies) otherwise.

    Args:
        kind: ``"auto"``, ``"default"``, ``"mirrored"`` or ``"multi_worker"``.
        devices: Device names for ``MirroredStrategy`` (e.g. the logical CPUs
            from :func:`split_cpu`); ``None`` means every GPU.

    Returns:
        A ``tf.distribute.Strategy``.

    Raises:
        ValueError: If ``kind`` is unknown or ``TF_CONFIG`` is not JSON.

    Example:
        >>> from plate_unet.training import choose_strategy
        >>> choose_strategy("default").num_replicas_in_sync  # one device, no copies
        1
        >>> mirrored = choose_strategy("mirrored", devices=["/cpu:0"])
        >>> type(mirrored).__name__, mirrored.num_replicas_in_sync
        ('MirroredStrategy', 1)
    """
    if kind not in STRATEGIES:
        raise ValueError(
            f"strategy {kind!r} is invalid: choose one of {', '.join(STRATEGIES)}."
        )
    if kind == "auto":
        if _tf_config().get("cluster"):
            kind = "multi_worker"
        elif devices is not None and len(devices) > 1 or len(detect_gpus()) > 1:
            kind = "mirrored"
        else:
            kind = "default"
    if kind == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy(devices=devices)
    return tf.distribute.get_strategy()


def is_chief(strategy: tf.distribute.Strategy | None = None) -> bool:
    """True unless this process is a non-chief worker of a multi-worker cluster.

    Only the chief writes checkpoints and logs where the user looks for them;
    the other workers write to a scratch folder.

    Args:
        strategy: The strategy in use; ``None`` means the current one.

    Returns:
        ``True`` for a single process or for worker 0 / the chief.

    Example:
        >>> from plate_unet.training.devices import is_chief
        >>> is_chief()
        True
    """
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in (resolver.cluster_spec().as_dict() or {})
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def default_jit_compile() -> bool:
    """Whether to compile the training step with XLA by default.

    On a GPU, yes: XLA fuses the element-wise work around each convolution. On a
    CPU we measured ``fit`` on the teaching U-Net (2 shared cores, batch 8):
    at 256×160, 1.16 s per step with XLA against 1.28 s without, but the first
    epoch took 25 s instead of 15 s (compiling); at 384×224, 3.58 against
    3.74 s per step and 57 against 25 s for the first epoch. On 2 idle cores
    ``benchmarks/bench_train_step.py`` measured 1.2x more images per second
    at batch 8 once compiled. Either way a 6-10 minute CPU run gains a few
    per cent after the compile (and the evaluation step compiles again), so
    on a CPU the default is off.

    Returns:
        ``True`` when a GPU is present.

    Example:
        >>> from plate_unet.training.devices import default_jit_compile, detect_gpus
        >>> default_jit_compile() == bool(detect_gpus())
        True
    """
    return bool(detect_gpus())


def describe_devices(
    strategy: tf.distribute.Strategy | None = None,
    precision: str | None = None,
    jit_compile: bool | None = None,
) -> str:
    """Returns one short line saying what hardware was found and what was chosen.

    Args:
        strategy: The chosen strategy, if any.
        precision: The chosen dtype policy (default: the one in force).
        jit_compile: Whether XLA is on (default: :func:`default_jit_compile`).

    Returns:
        Text such as ``"no GPU, 2 CPU cores; float32; 1 replica (default); XLA off"``.

    Example:
        >>> from plate_unet.training import describe_devices
        >>> line = describe_devices(precision="float32", jit_compile=False)
        >>> print(line.split("; ", 1)[1])  # after the hardware part
        float32; 1 replica (default strategy); XLA off
    """
    gpus = detect_gpus()
    hw = f"{len(gpus)} GPU{'s' if len(gpus) != 1 else ''}" if gpus else "no GPU"
    hw += f", {os.cpu_count()} CPU cores"
    precision = precision or keras.mixed_precision.global_policy().name
    strategy = strategy or tf.distribute.get_strategy()
    n = strategy.num_replicas_in_sync
    name = type(strategy).__name__.replace("Strategy", "") or "default"
    if name.startswith("_Default"):
        name = "default"
    jit = default_jit_compile() if jit_compile is None else jit_compile
    return (
        f"{hw}; {precision}; {n} replica{'s' if n != 1 else ''} ({name} strategy); "
        f"XLA {'on' if jit else 'off'}"
    )


#: Keras versions (major, minor) whose private trainer code the multi-worker
#: patch was checked against; pyproject.toml pins Keras to the same range.
KERAS_MULTI_WORKER_CHECKED = ((3, 12), (3, 15))


def _keras_trainer_for_multi_worker():
    """Keras's TensorFlow trainer module, once its version is one we checked."""
    version = tuple(int(v) for v in keras.__version__.split(".")[:2])
    (low, high) = KERAS_MULTI_WORKER_CHECKED
    from keras.src.backend.tensorflow import trainer as tf_trainer

    needed = ("reduce_per_replica", "_collective_all_reduce_multi_worker")
    if not low <= version <= high or not all(hasattr(tf_trainer, n) for n in needed):
        raise PlateUnetError(
            f"multi-worker training patches Keras's trainer, which was checked "
            f"with Keras {low[0]}.{low[1]} to {high[0]}.{high[1]}; this is Keras "
            f"{keras.__version__}. Install a Keras in that range, or train "
            "without TF_CONFIG (one worker)."
        )
    return tf_trainer


@contextlib.contextmanager
def keras_multi_worker_fix(
    model: keras.Model, strategy: tf.distribute.Strategy
) -> Iterator[None]:
    """While open, lets Keras 3 ``fit`` run under ``MultiWorkerMirroredStrategy``.

    Keras 3 (checked with 3.15) fails there twice (keras-team/keras#20585), and
    no public option avoids it:

    * before the first step it reduces one whole ``(images, masks)`` batch with
      a single ``strategy.reduce`` call ("unsupported type PerReplica"); it only
      needs the batch's shapes, so the model is given this worker's local batch;
    * after each step it averages the scalar logs (loss, metrics) over workers
      with ``axis=0``, which a scalar does not have; ``axis=None`` is used for
      scalars.

    Both go through Keras's private trainer code, so the patch is applied only
    inside this block (``train`` wraps its ``fit`` call in it) and undone on
    leaving it. Other strategies leave everything untouched.

    Args:
        model: The compiled model, built under ``strategy.scope()``.
        strategy: The strategy it will train under.

    Raises:
        PlateUnetError: Under ``MultiWorkerMirroredStrategy`` with a Keras
            version outside :data:`KERAS_MULTI_WORKER_CHECKED`.

    Example:
        >>> import tensorflow as tf
        >>> from plate_unet.model import UNetConfig, build_unet
        >>> from plate_unet.training.devices import keras_multi_worker_fix
        >>> model = build_unet(UNetConfig(64, 64, base_filters=2, depth=3))
        >>> with keras_multi_worker_fix(model, tf.distribute.get_strategy()):
        ...     "_maybe_symbolic_build" in vars(model)  # one device: no patch
        False
    """
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        yield
        return
    tf_trainer = _keras_trainer_for_multi_worker()

    def local(value):
        if isinstance(value, tf.distribute.DistributedValues):
            return strategy.experimental_local_results(value)[0]
        return value

    def build(iterator=None, data_batch=None):
        if iterator is not None:
            for _, _, it in iterator:
                data_batch = tf.nest.map_structure(local, next(it))
                break
        with strategy.scope():
            model._symbolic_build(data_batch=data_batch)

    original = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction="auto"):
        if reduction in ("auto", "mean") and (
            tf_trainer._collective_all_reduce_multi_worker(strategy)
        ):

            def mean(v):
                rank = local(v).shape.rank
                return strategy.reduce("MEAN", v, axis=0 if rank else None)

            return tf.nest.map_structure(mean, values)
        return original(values, strategy, reduction)

    model._maybe_symbolic_build = build
    tf_trainer.reduce_per_replica = reduce_per_replica
    try:
        yield
    finally:
        tf_trainer.reduce_per_replica = original
        vars(model).pop("_maybe_symbolic_build", None)
