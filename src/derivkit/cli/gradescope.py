"""``derivkit gradescope ASSIGNMENT -o autograder.zip``: an autograder for Gradescope."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gradescope", help="write a Gradescope autograder zip for an assignment",
        description="Write an autograder zip per Gradescope's specification: setup.sh installs derivkit from the "
                    "wheel inside the zip (dependencies from the package index), run_autograder grades "
                    "/autograder/submission/ and writes /autograder/results/results.json. Set "
                    "DERIVKIT_AUTOGRADER_ROOT to move /autograder (to try it on your machine).",
        epilog="Example: derivkit gradescope examples/sigmoid-homework/assignment.toml -o autograder.zip",
    )
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment (.toml)")
    parser.add_argument("-o", "--output", metavar="ZIP", default="autograder.zip",
                        help="the zip to write (default autograder.zip)")
    parser.add_argument("--wheel", metavar="WHL", default=None,
                        help="ship this derivkit wheel instead of one built from the running derivkit")
    parser.set_defaults(handler=run_gradescope_command)


def run_gradescope_command(args: argparse.Namespace) -> int:
    import zipfile

    from derivkit.integrations.gradescope import build_autograder

    path = build_autograder(args.assignment, args.output, args.wheel)
    names = ", ".join(zipfile.ZipFile(path).namelist())
    print(f"wrote {path} ({names}); upload it as the assignment's autograder on Gradescope")
    return 0
