"""``derivkit steps FILE``: check a student's working line by line.

Exit status: 0 every line follows (and the last equals --expected when given), 1 a wrong
line (or a wrong final answer), 2 invalid input, 3 undecided.
"""

from __future__ import annotations

import argparse
import sys

from derivkit.cli.batching import add_executor_options, open_executor
from derivkit.cli.check import add_common_options

EXIT_INVALID = 2
MAX_FILE_BYTES = 1024 * 1024



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "steps", help="check a working line by line (exit 0 all ok, 1 a wrong line, 2 invalid, 3 unknown)",
        description="Check a student's working line by line, as written: expressions (a leading '=' continues), "
                    "equations (compared by their solutions), definitions (L = ..., f(x) = ...), derivative lines "
                    "(dL/dz = ..., f'(x) = ...), given values and text, in plain text or LaTeX.",
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="the working ('-' reads standard input)")
    parser.add_argument("--expected", metavar="EXPR",
                        help="compare what the working concludes (its last value, or the value solved for) with this")
    parser.add_argument("--given", action="append", default=[], metavar="VAR=VALUE",
                        help="a given value, put in wherever VAR appears (e.g. p=0.2); repeat for more")
    parser.add_argument("--batch", metavar="FILE.jsonl",
                        help="check many workings (JSON lines: id, working, expected, assume, given, syntax); "
                             "JSON lines out, in input order")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr (--batch)")
    add_common_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPUs)")
    add_executor_options(parser)
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

    if args.batch is not None:
        from derivkit.grading.steps_batch import run_steps_batch

        if args.file is not None:
            print("derivkit: error: use either FILE or --batch FILE.jsonl, not both", file=sys.stderr)
            return EXIT_INVALID
        with open_executor(args) as executor:
            return run_steps_batch(args, executor)
    if args.file is None:
        print("derivkit: error: FILE is required (or --batch FILE.jsonl)", file=sys.stderr)
        return EXIT_INVALID
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
                                 timeout=args.timeout, semantics=args.semantics, jobs=args.jobs, given=args.given)
    from derivkit.grading.output import json_line, printable

    if args.json:
        print(json_line(report.to_dict(), indent=2))
    else:
        print(printable(report.text()))
    return report.exit_code
