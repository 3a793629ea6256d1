"""The ``plate-unet`` command line: generate, train, evaluate, predict, export, demo.

Each sub-command has an ``_add_<name>`` function that declares its flags and a
``_run_<name>`` function that does the work by calling the package. Errors on bad
input are printed as one line (no traceback) and exit with status 2. Nothing is
imported from TensorFlow until a sub-command needs it, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from plate_unet.errors import PlateUnetError
from plate_unet.quiet_tensorflow import import_tensorflow
from plate_unet.training.presets import PRESETS

#: Sub-commands that never load TensorFlow.
_WITHOUT_TENSORFLOW = {"generate"}

log = logging.getLogger("plate_unet")

#: The names ``--preset`` accepts, for the help texts.
_PRESET_NAMES = ", ".join(PRESETS)


# --- generate -------------------------------------------------------------------
def _add_generate(sub) -> None:
    p = sub.add_parser(
        "generate",
        help="write a synthetic plate-scene data set",
        description="Write N synthetic plate scenes as DIR/images/NNNNN.jpg and "
        "DIR/labels.csv (the reference's CSV format). The same random seed gives the "
        "same files.",
    )
    p.add_argument("--n", type=int, required=True, help="number of scenes")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--seed", type=int, default=0, help="seed of the set (default 0)")
    p.add_argument(
        "--size", default="720x1160", help="WxH in pixels (default 720x1160)"
    )
    p.add_argument(
        "--workers", type=int, default=None, help="processes (default: all cores)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=_run_generate)


def _run_generate(args) -> int:
    from plate_unet.data.synthetic.generate import generate_dataset

    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise ValueError(
            f"--size must look like WIDTHxHEIGHT, e.g. 720x1160; got {args.size!r}"
        ) from None
    path = generate_dataset(
        args.out,
        args.n,
        seed=args.seed,
        size=(h, w),
        progress=not args.quiet,
        workers=args.workers,
    )
    log.info("wrote %d scenes and %s", args.n, path)
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
    p.add_argument(
        "--data",
        help="annotations (reference CSV, CCPD/VOC folder, images/+masks/); "
        "default: generate synthetic scenes into data/generated/",
    )
    p.add_argument("--val", help="validation annotations (default: 10%% of --data)")
    p.add_argument("--preset", help=f"one of {_PRESET_NAMES} (default: picked)")
    p.add_argument("--out", help="output folder (default: runs/<preset>)")
    p.add_argument("--epochs", type=int, help="total epochs (default: the preset's)")
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
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="one line per epoch, no bar")
    p.set_defaults(func=_run_train)


def _run_train(args) -> int:
    from plate_unet.training.fit import split_samples, train, train_synthetic
    from plate_unet.training.presets import get_preset, pick_preset

    if args.preset is None:
        name, reason = pick_preset()
        print(f"preset: {name} ({reason}); choose another with --preset")
    else:
        name = get_preset(args.preset).name
    out = args.out or os.path.join("runs", name)
    kwargs = dict(
        epochs=args.epochs,
        mixed_precision=args.mixed_precision,
        jit_compile=args.jit,
        resume=not args.fresh,
        seed=args.seed,
        verbose=2 if args.quiet else "auto",
    )
    if args.epochs is not None and args.epochs < 1:
        raise ValueError(f"--epochs {args.epochs} is invalid: use an integer >= 1")
    if args.data is None:
        data_dir = os.path.join("data", "generated")
        print(f"no --data: generating synthetic scenes into {data_dir}/")
        result = train_synthetic(name, out, data_dir=data_dir, **kwargs)
    else:
        from plate_unet.data.readers import load_annotations

        samples = load_annotations(args.data)
        if args.val:
            train_set, val_set = samples, load_annotations(args.val)
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
        "found under the CCPD protocol (IoU > 0.7) as precision and recall, box and "
        "quadrilateral IoU and corner error. Prints a table; with --out also writes "
        "report.json and worst_cases.png.",
    )
    p.add_argument(
        "--model",
        default=None,
        help="a .keras model (default: the pretrained plate_unet/inference/pretrained/"
        "teaching.keras)",
    )
    p.add_argument(
        "--data",
        required=True,
        help="annotations: a reference .csv, a CCPD folder, VOC .xml files or "
        "images/ + masks/",
    )
    p.add_argument("--out", default=None, help="folder for report.json and figure")
    p.add_argument(
        "--all-regions",
        action="store_true",
        help="keep every predicted region, not only those that look like a plate",
    )
    p.add_argument(
        "--threshold", type=float, default=0.5, help="mask threshold (default 0.5)"
    )
    p.add_argument(
        "--iou",
        type=float,
        default=0.7,
        help="a plate is found when its IoU is above this (CCPD: 0.7)",
    )
    p.add_argument(
        "--match-on",
        choices=["box", "quad"],
        default="box",
        help="IoU of boxes (CCPD) or of quadrilaterals (default box)",
    )
    p.set_defaults(func=_run_evaluate)


def _run_evaluate(args) -> int:
    from pathlib import Path

    from plate_unet.data.readers import load_annotations
    from plate_unet.inference.evaluate import evaluate_model
    from plate_unet.inference.model_file import load_model
    from plate_unet.inference.postprocess import PLAUSIBLE

    for flag, value in (("--threshold", args.threshold), ("--iou", args.iou)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{flag} {value} is invalid: use 0 to 1.")
    model = load_model(args.model)
    samples = load_annotations(args.data, on_error="skip")
    report = evaluate_model(
        model,
        samples,
        args.threshold,
        iou_threshold=args.iou,
        match_on=args.match_on,
        shape=None if args.all_regions else PLAUSIBLE,
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
        description="Find plates in every image of a folder. Writes OUT/<stem>.json "
        '({"image", "width", "height", "plates": [{"quad", "box", "score"}]} in the '
        "original pixels), <stem>_mask.png, <stem>_overlay.png and the rectified "
        "crops <stem>_plate<k>.png. Unreadable images are skipped with a warning.",
    )
    p.add_argument(
        "--model",
        default=None,
        help="a .keras model (default: the pretrained plate_unet/inference/pretrained/"
        "teaching.keras)",
    )
    p.add_argument("--images", required=True, help="folder of images (or one image)")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument(
        "--all-regions",
        action="store_true",
        help="keep every predicted region, not only those that look like a plate",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="probability above which a pixel is plate (default 0.5)",
    )
    p.set_defaults(func=_run_predict)


def _run_predict(args) -> int:
    from plate_unet.inference.folder import predict_folder
    from plate_unet.inference.model_file import load_model
    from plate_unet.inference.postprocess import PLAUSIBLE

    if not 0.0 <= args.threshold <= 1.0:
        raise ValueError(f"--threshold {args.threshold} is invalid: use 0 to 1.")
    model = load_model(args.model)
    summary = predict_folder(
        model,
        args.images,
        args.out,
        threshold=args.threshold,
        shape=None if args.all_regions else PLAUSIBLE,
    )
    print(
        f"found {summary.n_plates} plate(s) in {len(summary.written)} images; "
        f"results in {summary.out_dir}"
        + (f" ({len(summary.skipped)} skipped)" if summary.skipped else "")
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
        "fixed input size: the model's own, or --size for a model that accepts "
        "any size.",
    )
    p.add_argument("--model", required=True, help="the .keras model to export")
    p.add_argument(
        "--format",
        default="keras",
        choices=["keras", "savedmodel", "tflite", "tflite-int8", "onnx"],
        help="output format (default keras)",
    )
    p.add_argument("--out", required=True, help="output file or SavedModel folder")
    p.add_argument(
        "--size",
        default=None,
        metavar="WIDTHxHEIGHT",
        help="TFLite input size for a model without a fixed size, e.g. 704x1152",
    )
    p.set_defaults(func=_run_export)


def _run_export(args) -> int:
    from plate_unet.inference.export import export_model

    input_size = None
    if args.size:
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise ValueError(
                f"--size must look like WIDTHxHEIGHT, e.g. 704x1152; got {args.size!r}"
            ) from None
        input_size = (h, w)
    out = export_model(args.model, args.out, format=args.format, input_size=input_size)
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
        "the committed checkpoint plate_unet/inference/pretrained/teaching.keras "
        "instead.",
    )
    p.add_argument(
        "--out",
        help="output folder (default runs/demo; with --pretrained "
        "plate_unet/inference/pretrained)",
    )
    p.add_argument(
        "--preset",
        help=f"one of {_PRESET_NAMES} (default: picked; with --pretrained teaching)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--images",
        help="also predict this folder of photos, scored when the names are CCPD "
        "annotations (default: ../shared/data/ccpd when it exists)",
    )
    p.add_argument("--epochs", type=int, help="total epochs (default: the preset's)")
    p.add_argument(
        "--pretrained",
        action="store_true",
        help="train the teaching model on 3200 scenes for 4 epochs and write the "
        "pretrained checkpoint with "
        "metrics.json, training_log.csv and README.md (make pretrained)",
    )
    p.add_argument("--quiet", action="store_true", help="one line per epoch, no bar")
    p.set_defaults(func=_run_demo)


def _run_demo(args) -> int:
    from plate_unet.demo.pretrained import make_pretrained
    from plate_unet.demo.run import default_photos, run_demo
    from plate_unet.training.memory_tuning import keep_freed_memory
    from plate_unet.training.presets import PRETRAINED, get_preset

    if args.epochs is not None and args.epochs < 1:
        raise ValueError(f"--epochs {args.epochs} is invalid: use an integer >= 1")
    if args.preset is not None:
        get_preset(args.preset)  # an unknown name fails before any work
    import matplotlib

    matplotlib.use("Agg")
    keep_freed_memory()
    if args.pretrained:
        if args.images:
            raise ValueError("--images does not go with --pretrained")
        make_pretrained(
            out=args.out,
            seed=args.seed,
            preset=args.preset or PRETRAINED,
            epochs=args.epochs,
            verbose=not args.quiet,
        )
        return 0
    images = args.images or default_photos()
    if images is not None and not args.images:
        print(f"photos: {images} (choose others with --images)")
    run_demo(
        out_dir=args.out or os.path.join("runs", "demo"),
        preset=args.preset,
        seed=args.seed,
        images=images,
        epochs=args.epochs,
        verbose=not args.quiet,
    )
    return 0


# --- entry point ----------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """Returns the ``plate-unet`` argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="plate-unet",
        description="Licence-plate segmentation with a U-Net.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_generate, _add_train, _add_evaluate, _add_predict):
        add(sub)
    _add_export(sub)
    _add_demo(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs ``plate-unet``; returns the exit status (2 on bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    if args.command not in _WITHOUT_TENSORFLOW:
        import_tensorflow()  # before Keras: no CUDA probe lines on a CPU machine
    try:
        return int(args.func(args) or 0)
    except (PlateUnetError, ValueError, FileNotFoundError) as exc:
        print(f"plate-unet {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"plate-unet {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
