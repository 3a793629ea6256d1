"""The ``plate-unet`` command line: generate, train, evaluate, predict, export, demo.

Each sub-command has an ``_add_<name>`` function that declares its flags and a
``_run_<name>`` function that does the work by calling the package. Errors on bad
input are printed as one line (no traceback) and exit with status 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from plate_unet.errors import PlateUnetError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

log = logging.getLogger("plate_unet")


# --- generate -------------------------------------------------------------------
def _add_generate(sub) -> None:
    p = sub.add_parser(
        "generate",
        help="write a synthetic plate-scene data set",
        description="Write N synthetic plate scenes as DIR/images/NNNNN.jpg and "
        "DIR/labels.csv (the seed's CSV format). The same seed gives the same files.",
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
    from plate_unet.data.synthetic import generate_dataset

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
        size=(w, h),
        progress=not args.quiet,
        workers=args.workers,
    )
    log.info("wrote %d scenes and %s", args.n, path)
    return 0


# --- train ----------------------------------------------------------------------
def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train the U-Net")
    p.set_defaults(func=_run_train)


def _run_train(args) -> int:
    raise PlateUnetError("train is not available yet")


# --- evaluate -------------------------------------------------------------------
def _add_evaluate(sub) -> None:
    p = sub.add_parser("evaluate", help="evaluate a model on annotated images")
    p.set_defaults(func=_run_evaluate)


def _run_evaluate(args) -> int:
    raise PlateUnetError("evaluate is not available yet")


# --- predict --------------------------------------------------------------------
def _add_predict(sub) -> None:
    p = sub.add_parser("predict", help="find plates in a folder of images")
    p.set_defaults(func=_run_predict)


def _run_predict(args) -> int:
    raise PlateUnetError("predict is not available yet")


# --- export ---------------------------------------------------------------------
def _add_export(sub) -> None:
    p = sub.add_parser("export", help="export a model (.keras, SavedModel, TFLite)")
    p.set_defaults(func=_run_export)


def _run_export(args) -> int:
    raise PlateUnetError("export is not available yet")


# --- demo -----------------------------------------------------------------------
def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="generate, train, evaluate and predict end to end")
    p.set_defaults(func=_run_demo)


def _run_demo(args) -> int:
    raise PlateUnetError("demo is not available yet")


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
