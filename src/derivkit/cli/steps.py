"""``derivkit steps FILE``: check a student's working line by line.

Exit status: 0 every line follows (and the last equals --expected when given), 1 a wrong
line (or a wrong final answer), 2 invalid input, 3 undecided.
"""

from __future__ import annotations

import argparse
import sys

from derivkit.cli.check import add_common_options

EXIT_INVALID = 2
MAX_FILE_BYTES = 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "steps", help="check a working line by line (exit 0 all ok, 1 a wrong line, 2 invalid, 3 unknown)",
        description="Check a student's working: one expression per line (a leading '=' allowed, '#' comments), "
                    "or a LaTeX align*/aligned block. Each line is checked against the previous one.",
    )
    parser.add_argument("file", metavar="FILE", help="the working ('-' reads standard input)")
    parser.add_argument("--expected", metavar="EXPR", help="compare the last line with this expected answer")
    add_common_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPUs)")
    parser.set_defaults(handler=run_steps_command)


def _read(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"{path} is larger than {MAX_FILE_BYTES // 1024} KB; a working is a few lines")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path} is not valid UTF-8 (line {line})") from None


def run_steps_command(args: argparse.Namespace) -> int:
    from derivkit.grading.working import StepsReport, check_steps

    try:
        text = _read(args.file)
    except OSError as exc:
        report = StepsReport((), error=f"cannot read {args.file}: {exc.strerror or exc}")
    except ValueError as exc:
        report = StepsReport((), error=str(exc))
    else:
        if args.jobs is not None and args.jobs < 1:
            report = StepsReport((), error="--jobs must be at least 1")
        else:
            report = check_steps(text, expected=args.expected, syntax=args.syntax, assume=args.assume,
                                 timeout=args.timeout, semantics=args.semantics, jobs=args.jobs)
    from derivkit.grading.output import json_line, printable

    if args.json:
        print(json_line(report.to_dict(), indent=2))
    else:
        print(printable(report.text()))
    return report.exit_code
