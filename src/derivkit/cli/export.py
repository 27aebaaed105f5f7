"""``derivkit export``: one verified formula as code, and the generated derivkit/numeric.py.

    derivkit export NAME [--target numpy|torch|jax|latex]   print a self-contained snippet
    derivkit export --list                                  the exportable names
    derivkit export --check                                 exit 1 if derivkit/numeric.py is stale
    derivkit export --write                                 prove every stable form, then regenerate it
"""

from __future__ import annotations

import argparse
import sys

EXIT_STALE = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="print a verified formula as NumPy/PyTorch/JAX/LaTeX source; check or regenerate numeric.py",
        description="Print one verified formula as self-contained source (imports included, a docstring naming "
                    "the derivation that proves it), or check/regenerate the generated module derivkit/numeric.py.")
    parser.add_argument("name", nargs="?", metavar="NAME", help="formula name, e.g. softmax (see --list)")
    parser.add_argument("--target", choices=("numpy", "torch", "jax", "latex"), default="numpy",
                        help="language of the snippet (default: numpy)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list the formulas that can be exported")
    mode.add_argument("--check", action="store_true",
                      help="regenerate derivkit/numeric.py in memory and exit 1 if the committed file differs")
    mode.add_argument("--write", action="store_true",
                      help="prove every stable form with the equivalence engine, then rewrite derivkit/numeric.py")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from derivkit import codegen  # SymPy and Jinja load only when the command runs

    if (args.check or args.write or args.list) and args.name:
        print("derivkit: error: give either NAME or one of --list/--check/--write", file=sys.stderr)
        return 2
    if args.list:
        for name in codegen.exportable(args.target):
            print(name)
        return 0
    if args.check:
        path = _shown(codegen.NUMERIC_PATH)
        if codegen.check(codegen.NUMERIC_PATH):
            print(f"{path} is up to date")
            return 0
        print(f"derivkit: {path} is stale (it differs from what the formulas generate); "
              f"fix it with: derivkit export --write", file=sys.stderr)
        return EXIT_STALE
    if args.write:
        path = _shown(codegen.NUMERIC_PATH)
        changed = codegen.write(codegen.NUMERIC_PATH, progress=lambda line: print(f"proved {line}", file=sys.stderr))
        print(f"wrote {path}" if changed else f"{path} is already up to date")
        return 0
    if not args.name:
        print("derivkit: error: give a formula NAME (see derivkit export --list), or --check/--write",
              file=sys.stderr)
        return 2
    sys.stdout.write(codegen.snippet(args.name, args.target))
    return 0


def _shown(path: object) -> str:
    """The path relative to the working directory when it is inside it."""
    from pathlib import Path

    p = Path(str(path))
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
