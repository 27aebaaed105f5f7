"""The ``derivkit`` command. Each subcommand lives in its own module with a ``register``
function, so the parser is assembled from small pieces and no module grows a dispatch chain.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from derivkit import __version__
from derivkit.errors import DerivkitError

#: Subcommand modules, in the order they appear in --help. A module that is not present
#: (a feature still being built) is skipped.
SUBCOMMANDS = ("new", "derivations", "build", "check", "steps", "grade", "gradescope", "export")

EXIT_INVALID = 2


def _subcommand_modules() -> list[ModuleType]:
    modules = []
    for name in SUBCOMMANDS:
        try:
            modules.append(importlib.import_module(f"derivkit.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"derivkit.cli.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derivkit",
        description="Derive, prove, render and check the mathematics of machine learning.",
    )
    parser.add_argument("--version", action="version", version=f"derivkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _subcommand_modules():
        module.register(subparsers)
    return parser


def _utf8_streams() -> None:
    """stdout and stderr always write UTF-8, and escape what cannot be encoded (a lone
    surrogate from a command-line argument) instead of failing: the writers escape it first
    (derivkit.grading.output), this is the backstop."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # e.g. a closed stream
                reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    for module in _subcommand_modules():  # e.g. --answer -x: a value that looks like an option
        arguments = getattr(module, "normalise_argv", lambda a: a)(arguments)
    args = parser.parse_args(arguments)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INVALID
    try:
        return int(args.handler(args))
    except DerivkitError as exc:
        from derivkit.grading.output import printable

        print(f"derivkit: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("derivkit: interrupted", file=sys.stderr)
        return 130
