"""The ``plate-unet`` command line: generate, train, evaluate, predict, export, demo.

Each sub-command has an ``_add_<name>`` function that declares its flags, where
needed a ``_check_<name>`` function that checks what argparse cannot (paths,
flags that go together) and a ``_run_<name>`` function that does the work by
calling the package. argparse converts and checks every value (``type=`` and
``choices``), and every path is checked before TensorFlow or a model loads, so a
mistake is answered at once. Sizes are written height × width (``1160x720``: H×W).

The package's own errors (:class:`~plate_unet.errors.PlateUnetError`) and
argparse's are printed as one line and exit with status 2; ``-v`` adds the
traceback. Any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from plate_unet.errors import PlateUnetError, UsageError
from plate_unet.training.presets import PRESETS, PRETRAINED

#: Sub-commands that never load TensorFlow.
_WITHOUT_TENSORFLOW = {"generate"}

#: ``--format`` of ``export``, with the suffix ``--out`` must end in (or None).
_EXPORT_FORMATS = {
    "keras": ".keras",
    "savedmodel": None,
    "tflite": None,
    "tflite-int8": None,
    "onnx": ".onnx",
}

#: Smallest side ``--size`` accepts, in pixels.
MIN_SIDE = 32

log = logging.getLogger("plate_unet")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage only when something is missing)."""

    def error(self, message: str):
        if message.startswith("the following arguments are required"):
            self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


# --- value converters (argparse ``type=``) -----------------------------------------
def probability(text: str) -> float:
    """A number from 0 to 1 (``--threshold``, ``--iou``).

    Example:
        >>> from plate_unet.cli import probability
        >>> probability("0.7")
        0.7
    """
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: use a number 0 to 1")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1 (``--n``, ``--epochs``, ``--workers``).

    Example:
        >>> from plate_unet.cli import positive_int
        >>> positive_int("3")
        3
    """
    return _int_at_least(text, 1)


def seed_int(text: str) -> int:
    """An integer >= 0 (``--seed``, ``--min-chars``).

    Example:
        >>> from plate_unet.cli import seed_int
        >>> seed_int("0")
        0
    """
    return _int_at_least(text, 0)


def _int_at_least(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if value < low:
        raise argparse.ArgumentTypeError(
            f"{text!r} is invalid: use an integer >= {low}"
        )
    return value


def size_hw(text: str) -> tuple[int, int]:
    """``HxW`` (or ``H×W``) in pixels, height first, as ``(height, width)``.

    Example:
        >>> from plate_unet.cli import size_hw
        >>> size_hw("1160x720")
        (1160, 720)
    """
    parts = text.lower().replace("×", "x").split("x")
    try:
        height, width = (int(v) for v in parts)
    except ValueError:
        height = width = 0
    if min(height, width) < MIN_SIDE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is invalid: use HEIGHTxWIDTH (H×W) in pixels, each at least "
            f"{MIN_SIDE}, e.g. 1160x720 (H×W)"
        )
    return height, width


def _existing(what: str):
    """A converter to an existing path; the error says ``what`` was expected."""

    def convert(text: str) -> Path:
        path = Path(text)
        if not path.exists():
            raise argparse.ArgumentTypeError(f"{text} not found: expected {what}")
        return path

    return convert


def _model_file(text: str) -> Path:
    from plate_unet.inference.model_file import check_model_file

    try:
        return check_model_file(text)
    except PlateUnetError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --- the flags every sub-command spells the same way -------------------------------
_DATA_HELP = (
    "annotations: a reference-format .csv, a folder of CCPD-style .jpg, Pascal VOC "
    ".xml files, or a folder with images/ and masks/"
)
_IMAGES_HELP = "a folder of images (or one image)"
_MODEL_HELP = "a .keras model saved by plate-unet train"
_PRETRAINED_HELP = (
    " (default: the pretrained plate_unet/inference/pretrained/teaching.keras)"
)


def _add_data(p, required: bool, extra: str = "") -> None:
    p.add_argument(
        "--data",
        type=_existing("an annotation file or folder"),
        required=required,
        metavar="PATH",
        help=_DATA_HELP + extra,
    )


def _add_images(p, required: bool, extra: str = "") -> None:
    p.add_argument(
        "--images",
        type=_existing("a folder of images or one image"),
        required=required,
        metavar="DIR",
        help=_IMAGES_HELP + extra,
    )


def _add_model(p, required: bool) -> None:
    p.add_argument(
        "--model",
        type=_model_file,
        required=required,
        default=None,
        metavar="FILE",
        help=_MODEL_HELP + ("" if required else _PRETRAINED_HELP),
    )


def _add_out(p, required: bool, what: str, metavar: str = "DIR") -> None:
    convert = _out_folder if metavar == "DIR" else _out_path
    p.add_argument("--out", type=convert, required=required, metavar=metavar, help=what)


def _out_path(text: str) -> Path:
    """An output path that can be created: its nearest existing parent is a
    writable folder."""
    path = Path(text)
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise argparse.ArgumentTypeError(
            f"{text} cannot be created: {parent} is not a writable folder"
        )
    return path


def _out_folder(text: str) -> Path:
    """An output folder: an existing folder, or a path that can be created."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text} exists and is not a folder: expected an output folder"
        )
    if path.is_dir() and not os.access(path, os.W_OK):
        raise argparse.ArgumentTypeError(f"{text} is not a writable folder")
    return _out_path(text)


def _add_preset(p, default: str) -> None:
    p.add_argument(
        "--preset",
        choices=list(PRESETS),
        metavar="NAME",
        help=f"one of {', '.join(PRESETS)} (default: {default})",
    )


# Deliberate parallels: one small function per shared flag, each the same shape,
# so every sub-command declares a flag the same way.
def _add_epochs(p) -> None:
    p.add_argument(
        "--epochs",
        type=positive_int,
        metavar="N",
        help="total epochs, an integer >= 1 (default: the preset's)",
    )


def _add_seed(p) -> None:
    p.add_argument(
        "--seed",
        type=seed_int,
        default=0,
        metavar="N",
        help="random seed, an integer >= 0 (default 0)",
    )


def _add_quiet(p) -> None:
    p.add_argument(
        "--quiet",
        action="store_true",
        help="one line per epoch, never a progress bar (without it: a bar on a "
        "terminal, one line per epoch into a file)",
    )


def _add_threshold(p) -> None:
    p.add_argument(
        "--threshold",
        type=probability,
        default=0.5,
        metavar="P",
        help="probability above which a pixel is plate, 0 to 1 (default 0.5)",
    )


def _add_plate_options(p) -> None:
    p.add_argument(
        "--all-regions",
        action="store_true",
        help="keep every predicted region, not only those that look like a plate",
    )
    p.add_argument(
        "--single-scale",
        action="store_true",
        help="run the model at its own size only (default: also at twice its size "
        "when the photo has the pixels for it, to find small plates)",
    )


def _check_image_folder(path) -> None:
    from plate_unet.data.images import list_images

    try:
        list_images(path)
    except PlateUnetError as exc:
        raise UsageError(f"argument --images: {exc}") from exc


def _read_annotations(flag: str, path, on_error: str = "raise") -> list:
    """Reads annotations before TensorFlow loads; an error names the flag."""
    from plate_unet.data.readers import load_annotations

    try:
        return load_annotations(path, on_error=on_error)  # type: ignore[arg-type]
    except PlateUnetError as exc:
        raise UsageError(f"argument {flag}: {exc}") from exc


def _load_model(path):
    from plate_unet.inference.model_file import load_model

    return load_model(path)


def _reader_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file() or path.suffix != ".keras":
        found = "not found" if not path.exists() else "not a .keras file"
        raise argparse.ArgumentTypeError(
            f"{text}: {found}; expected a reader .keras file (make reader)"
        )
    return path


def _add_reader(p, what: str, can_skip: bool = True) -> None:
    p.add_argument(
        "--reader",
        type=_reader_file,
        default=None,
        metavar="FILE",
        help=f"the plate reader that {what} (default: the pretrained "
        "plate_unet/inference/pretrained/reader/reader.keras)",
    )
    if can_skip:
        p.add_argument(
            "--no-read", action="store_true", help="find plates only; do not read them"
        )
        p.add_argument(
            "--min-chars",
            type=seed_int,
            default=None,
            metavar="N",
            help="drop a region wide enough to read (40 px) in which the reader "
            "reads fewer than N characters: a badge, a lamp (default: "
            "MIN_PLATE_CHARS of plate_unet.inference.reading; 0 keeps all)",
        )


def _check_reader(args) -> None:
    """Settles which reader runs (None: none), before TensorFlow loads."""
    from plate_unet.inference.reading import default_reader_path

    if args.no_read and args.reader is not None:
        raise UsageError("--reader does not go with --no-read")
    if args.no_read:
        args.reader_path = None
    elif args.reader is not None:
        args.reader_path = args.reader
    elif default_reader_path().is_file():
        args.reader_path = default_reader_path()
    else:
        log.info("no pretrained reader (make reader): plates are found, not read")
        args.reader_path = None
    if args.reader_path is None and getattr(args, "min_chars", None):
        why = "--no-read" if args.no_read else "no reader (make reader, or --reader)"
        raise UsageError(f"--min-chars {args.min_chars} needs the reader: {why}")


def _load_reader(args):
    from plate_unet.inference.reading import load_reader

    return None if args.reader_path is None else load_reader(args.reader_path)


# --- generate -------------------------------------------------------------------
def _add_generate(sub) -> None:
    p = sub.add_parser(
        "generate",
        help="write a synthetic plate-scene data set",
        description="Write N synthetic plate scenes as DIR/images/NNNNN.jpg and "
        "DIR/labels.csv (the reference's CSV format). The same random seed gives the "
        "same files.",
    )
    p.add_argument(
        "--n",
        type=positive_int,
        required=True,
        metavar="N",
        help="number of scenes, an integer >= 1",
    )
    _add_out(p, True, "output folder (created)")
    _add_seed(p)
    p.add_argument(
        "--size",
        type=size_hw,
        default=(1160, 720),
        metavar="HxW",
        help="scene size, height x width in pixels (default 1160x720, H×W)",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="processes, an integer >= 1 (default: all cores)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=_run_generate)


def _run_generate(args) -> int:
    from plate_unet.data.synthetic.generate import generate_dataset

    path = generate_dataset(
        args.out,
        args.n,
        seed=args.seed,
        size=args.size,
        progress=not args.quiet,
        workers=args.workers,
    )
    h, w = args.size
    log.info("wrote %d scenes of %d×%d (H×W) and %s", args.n, h, w, path)
    return 0


# --- train ----------------------------------------------------------------------
def _add_train(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train the U-Net",
        description="Train the U-Net with checkpoints (OUT/best.keras), a CSV log, "
        "TensorBoard logs and a per-epoch backup: run the same command again after "
        "an interruption and it resumes from the last finished epoch. Without "
        "--preset it picks 'reference' on a GPU, 'teaching' on a CPU ('smoke' when "
        "PLATE_UNET_SMOKE=1) and says why.",
    )
    _add_data(
        p,
        False,
        "; default: generate synthetic scenes into data/generated/",
    )
    p.add_argument(
        "--val",
        type=_existing("an annotation file or folder"),
        metavar="PATH",
        help="validation annotations, read like --data (default: 10%% of --data)",
    )
    _add_preset(p, "picked for this machine")
    _add_out(p, False, "output folder (default: runs/<preset>)")
    _add_epochs(p)
    p.add_argument(
        "--mixed-precision",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mixed_float16 (default: on with a GPU)",
    )
    p.add_argument(
        "--jit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="XLA compilation (default: on with a GPU)",
    )
    p.add_argument("--fresh", action="store_true", help="start over, do not resume")
    _add_seed(p)
    _add_quiet(p)
    p.set_defaults(func=_run_train, check=_check_train)


def _check_train(args) -> None:
    if args.val is not None and args.data is None:
        raise UsageError("--val needs --data (the synthetic set makes its own)")
    args.samples = None if args.data is None else _read_annotations("--data", args.data)
    args.val_samples = (
        None if args.val is None else _read_annotations("--val", args.val)
    )


def _run_train(args) -> int:
    from plate_unet.training.fit import split_samples, train, train_synthetic
    from plate_unet.training.presets import pick_preset

    if args.preset is None:
        name, reason = pick_preset()
        print(f"preset: {name} ({reason}); choose another with --preset")
    else:
        name = args.preset
    out = args.out or os.path.join("runs", name)
    kwargs = dict(
        epochs=args.epochs,
        mixed_precision=args.mixed_precision,
        jit_compile=args.jit,
        resume=not args.fresh,
        seed=args.seed,
        verbose=2 if args.quiet else "auto",
    )
    if args.data is None:
        data_dir = os.path.join("data", "generated")
        print(f"no --data: generating synthetic scenes into {data_dir}/")
        result = train_synthetic(name, out, data_dir=data_dir, **kwargs)
    else:
        samples = args.samples
        if args.val_samples is not None:
            train_set, val_set = samples, args.val_samples
        else:
            train_set, val_set = split_samples(samples, 0.1, seed=args.seed)
        result = train(name, train_set, val_set, out, **kwargs)
    best = result.best_val_iou
    print(
        f"trained {result.epochs_run} epochs in {result.seconds:.0f} s"
        + (f"; best validation IoU {best:.3f}" if best is not None else "")
    )
    print(f"model: {result.best_path}\nlog:   {result.log_path}")
    return 0


# --- evaluate -------------------------------------------------------------------
def _add_evaluate(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="evaluate a model on annotated images",
        description="Score a model on annotated images: pixel IoU and Dice, plates "
        "found as in the CCPD-style evaluation (IoU > 0.7) as precision and recall, "
        "box and quadrilateral IoU and corner error. Prints a table; with --out also "
        "writes report.json and worst_cases.png.",
    )
    _add_model(p, False)
    _add_data(p, True)
    _add_out(p, False, "folder for report.json and worst_cases.png (created)")
    _add_plate_options(p)
    _add_threshold(p)
    p.add_argument(
        "--iou",
        type=probability,
        default=0.7,
        metavar="P",
        help="a plate is found when its IoU is above this, 0 to 1 (default 0.7, "
        "as in CCPD)",
    )
    p.add_argument(
        "--match-on",
        choices=["box", "quad"],
        default="box",
        help="IoU of boxes (as in CCPD) or of quadrilaterals (default box)",
    )
    _add_reader(p, "reads the plates where the annotations carry texts")
    p.add_argument(
        "--o-is-zero",
        action="store_true",
        help="score the letter O and the digit 0 as one symbol (for texts that "
        "mix them)",
    )
    p.set_defaults(func=_run_evaluate, check=_check_evaluate)


def _check_evaluate(args) -> None:
    if args.model is None:
        from plate_unet.inference.model_file import check_model_file

        check_model_file(None)
    if getattr(args, "data", None) is not None:
        args.samples = _read_annotations("--data", args.data, on_error="skip")
    if hasattr(args, "no_read"):
        _check_reader(args)


def _run_evaluate(args) -> int:
    from plate_unet.inference.evaluate import evaluate_model
    from plate_unet.inference.postprocess import PLAUSIBLE

    model = _load_model(args.model)
    report = evaluate_model(
        model,
        args.samples,
        args.threshold,
        iou_threshold=args.iou,
        match_on=args.match_on,
        shape=None if args.all_regions else PLAUSIBLE,
        multiscale=not args.single_scale,
        reader=_load_reader(args),
        o_is_zero=args.o_is_zero,
        min_chars=args.min_chars,
    )
    print(report.table())
    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        from plate_unet.viz.plotting import plot_worst_cases

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        report.to_json(out / "report.json")
        plot_worst_cases(report).savefig(out / "worst_cases.png", dpi=110)
        print(f"wrote {out / 'report.json'} and {out / 'worst_cases.png'}")
    return 0


# --- predict --------------------------------------------------------------------
def _add_predict(sub) -> None:
    p = sub.add_parser(
        "predict",
        help="find plates in a folder of images",
        description="Find and read plates in every image of a folder. Writes "
        'OUT/<stem>.json ({"image", "width", "height", "plates": [{"quad", "box", '
        '"score", "text", "text_score"}]} in the original pixels), <stem>_mask.png, '
        "<stem>_overlay.png and the rectified crops <stem>_plate<k>.png (80x240 "
        "pixels, H×W). Unreadable images are skipped with a warning.",
    )
    _add_model(p, False)
    _add_images(p, True)
    _add_out(p, True, "output folder (created)")
    _add_plate_options(p)
    _add_threshold(p)
    _add_reader(p, "reads each plate found")
    p.set_defaults(func=_run_predict, check=_check_predict)


def _check_predict(args) -> None:
    _check_image_folder(args.images)
    _check_evaluate(args)  # the default model exists; the reader


def _run_predict(args) -> int:
    from plate_unet.inference.folder import predict_folder
    from plate_unet.inference.postprocess import PLAUSIBLE

    model = _load_model(args.model)
    summary = predict_folder(
        model,
        args.images,
        args.out,
        threshold=args.threshold,
        shape=None if args.all_regions else PLAUSIBLE,
        multiscale=not args.single_scale,
        reader=_load_reader(args),
        min_chars=args.min_chars,
    )
    print(
        f"found {summary.n_plates} plate(s) in {len(summary.written)} images; "
        f"results in {summary.out_dir}"
        + (f" ({len(summary.skipped)} skipped)" if summary.skipped else "")
    )
    return 0


# --- read -----------------------------------------------------------------------
def _add_read(sub) -> None:
    p = sub.add_parser(
        "read",
        help="read the text of plate crops",
        description="Read already-cropped plates (one plate per image, any size, "
        "e.g. the <stem>_plate<k>.png of predict). Prints one line per crop: "
        "name, text, confidence; a crop that cannot be read gets an empty text, "
        "confidence 0 and the reason.",
    )
    p.add_argument(
        "crops",
        nargs="+",
        type=_existing("a crop image or a folder of them"),
        metavar="CROP",
        help="crop images, or folders of them",
    )
    _add_reader(p, "reads the crops", can_skip=False)
    p.add_argument(
        "--beam",
        action="store_true",
        help="beam search instead of greedy decoding",
    )
    p.set_defaults(func=_run_read, check=_check_read)


def _check_read(args) -> None:
    from plate_unet.data.images import list_images
    from plate_unet.inference.reading import default_reader_path

    args.paths = [q for path in args.crops for q in list_images(path)]
    if args.reader is None and not default_reader_path().is_file():
        raise UsageError(
            f"no reader at {default_reader_path()}: make it with `make reader`, "
            "or give --reader FILE"
        )


def _run_read(args) -> int:
    from plate_unet.data.images import read_image
    from plate_unet.errors import ImageReadError
    from plate_unet.inference.reading import load_reader, read_crops

    reader = load_reader(args.reader)
    crops: list = []
    failed: dict = {}
    for path in args.paths:
        try:
            crops.append(read_image(path))
        except ImageReadError as exc:
            crops.append(None)
            failed[path] = exc.reason
    strategy = "beam_search" if args.beam else "greedy"
    for path, reading in zip(
        args.paths, read_crops(reader, crops, strategy), strict=True
    ):
        why = failed.get(path) or reading.reason
        text = reading.text.replace("\n", " ")
        print(
            f"{path.name}\t{text}\t{reading.score:.3f}" + (f"\t({why})" if why else "")
        )
    return 0


# --- export ---------------------------------------------------------------------
def _add_export(sub) -> None:
    p = sub.add_parser(
        "export",
        help="export a model (.keras, SavedModel, TFLite, ONNX)",
        description="Export a trained .keras model: keras (default), savedmodel "
        "(a folder for TF Serving), tflite (float32), tflite-int8 (dynamic-range "
        "int8 weights) or onnx (needs pip install -e '.[onnx]'). TFLite needs a "
        "fixed input size: the model's own, or --size HxW for a model that accepts "
        "any size.",
    )
    _add_model(p, True)
    p.add_argument(
        "--format",
        default="keras",
        choices=list(_EXPORT_FORMATS),
        help="output format (default keras)",
    )
    _add_out(
        p,
        True,
        "output file (.keras, .tflite, .onnx) or SavedModel folder",
        metavar="PATH",
    )
    p.add_argument(
        "--size",
        type=size_hw,
        default=None,
        metavar="HxW",
        help="TFLite input size, height x width in pixels, for a model without a "
        "fixed size, e.g. 1152x704 (H×W)",
    )
    p.set_defaults(func=_run_export, check=_check_export)


def _check_export(args) -> None:
    out = Path(args.out)
    suffix = _EXPORT_FORMATS[args.format]
    if suffix is not None and out.suffix != suffix:
        raise UsageError(f"--out {out} must end in {suffix} for --format {args.format}")
    if args.format == "savedmodel" and out.exists():
        raise UsageError(
            f"--out {out} already exists: remove it or choose another folder for "
            "the SavedModel"
        )
    if args.size is not None and not args.format.startswith("tflite"):
        raise UsageError(
            f"--size goes only with --format tflite or tflite-int8, not {args.format}"
        )
    if args.format == "onnx":
        import importlib.util

        if importlib.util.find_spec("tf2onnx") is None:
            raise UsageError(
                "--format onnx needs tf2onnx: pip install -e '.[onnx]' (or "
                "pip install 'tf2onnx>=1.17' onnx onnxruntime)"
            )


def _run_export(args) -> int:
    from plate_unet.inference.export import export_model

    out = export_model(args.model, args.out, format=args.format, input_size=args.size)
    print(f"wrote {out} ({args.format})")
    return 0


# --- demo -----------------------------------------------------------------------
def _add_demo(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="generate, train, evaluate and predict end to end",
        description="The whole job in one command: generate synthetic scenes, train "
        "(the 'teaching' preset on a CPU, 'reference' on a GPU, 'smoke' when "
        "PLATE_UNET_SMOKE=1), score the best model on held-out synthetic scenes "
        "(report.json, report.txt, worst_cases.png), predict the held-out images "
        "and --images, and print where everything is. With --pretrained it makes "
        "the pretrained checkpoint (teaching.keras, metrics.json, training_log.csv, "
        "README.md) in --out instead.",
    )
    _add_out(
        p,
        False,
        "output folder (created; default runs/demo, with --pretrained runs/pretrained)",
    )
    _add_preset(p, "picked for this machine; with --pretrained teaching")
    _add_seed(p)
    _add_images(
        p,
        False,
        ": also predict these photos, scored when their names are CCPD-style "
        "annotations",
    )
    _add_epochs(p)
    p.add_argument(
        "--pretrained",
        action="store_true",
        help="train the teaching model (group normalisation) on "
        f"{PRETRAINED.n_train} scenes for {PRETRAINED.epochs} epochs and write "
        "the pretrained checkpoint with metrics.json, training_log.csv and "
        "README.md into --out",
    )
    _add_quiet(p)
    p.set_defaults(func=_run_demo, check=_check_demo)


def _check_demo(args) -> None:
    if args.pretrained and args.images is not None:
        raise UsageError("--images does not go with --pretrained")
    if args.images is not None:
        _check_image_folder(args.images)


def _run_demo(args) -> int:
    import matplotlib

    from plate_unet.demo.pretrained import make_pretrained
    from plate_unet.demo.run import run_demo
    from plate_unet.training.memory_tuning import keep_freed_memory
    from plate_unet.training.presets import PRETRAINED

    matplotlib.use("Agg")
    keep_freed_memory()
    if args.pretrained:
        make_pretrained(
            out=args.out or os.path.join("runs", "pretrained"),
            seed=args.seed,
            preset=args.preset or PRETRAINED,
            epochs=args.epochs,
            verbose=not args.quiet,
        )
        return 0
    run_demo(
        out_dir=args.out or os.path.join("runs", "demo"),
        preset=args.preset,
        seed=args.seed,
        images=args.images,
        epochs=args.epochs,
        verbose=not args.quiet,
    )
    return 0


# --- entry point ----------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """Returns the ``plate-unet`` argument parser with every sub-command."""
    parser = _Parser(
        prog="plate-unet",
        description="Licence-plate segmentation with a U-Net. Sizes are written "
        "height x width (H×W).",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="debug logging, and the traceback of every error",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_add_generate, _add_train, _add_evaluate, _add_predict, _add_read):
        add(sub)
    _add_export(sub)
    _add_demo(sub)
    return parser


def _one_line(exc: Exception, keep: int = 4) -> str:
    """The message on one line: its first ``keep`` lines, then how many more."""
    lines = [" ".join(line.split()) for line in str(exc).splitlines()]
    lines = [line for line in lines if line]
    text = " ".join(lines[:keep])
    if len(lines) > keep:
        text += f" ... and {len(lines) - keep} more line(s) (-v shows them all)"
    return text


def main(argv: list[str] | None = None) -> int:
    """Runs ``plate-unet``; returns the exit status (2 on bad input).

    A bad flag or path, or any :class:`~plate_unet.errors.PlateUnetError`, is
    one line on stderr and status 2 (with ``-v`` also its traceback); any other
    exception is a bug and propagates with its traceback.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help exits 0 (raised on); a bad flag returns 2
        if exc.code == 2:
            return 2
        raise
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(message)s",
    )
    try:
        check = getattr(args, "check", None)
        if check is not None:
            check(args)  # every path and flag, before TensorFlow loads
        if args.command not in _WITHOUT_TENSORFLOW:
            from plate_unet.quiet_tensorflow import import_tensorflow

            import_tensorflow()  # before Keras: no CUDA probe lines on a CPU machine
        return int(args.func(args) or 0)
    except PlateUnetError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"plate-unet {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"plate-unet {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
