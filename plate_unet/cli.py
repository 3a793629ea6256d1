"""The ``plate-unet`` command line (sub-commands are added as the package grows)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Runs the ``plate-unet`` command; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="plate-unet", description=__doc__)
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
