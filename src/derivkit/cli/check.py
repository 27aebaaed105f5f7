"""``derivkit check``: one answer against the expected one, or a whole batch (``--batch``).

Exit status: 0 equivalent, 1 not equivalent, 2 invalid input, 3 unknown (timeout or
undecidable). With ``--batch`` the exit status is 0 once every line was graded (each line
carries its own verdict) and 2 when the file itself cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derivkit.grading.single import CheckResult

from derivkit.cli.batching import add_executor_options, open_executor

EXIT_INVALID = 2


#: options whose value may start with a minus sign: expressions, and the timeout (so that
#: ``--timeout -inf`` is refused as a bad timeout, not as a missing argument)
EXPRESSION_OPTIONS = ("--expected", "--answer", "--timeout")


def normalise_argv(argv: list[str]) -> list[str]:
    """Join ``--answer -x`` into ``--answer=-x``: argparse would read -x as an option, but an
    answer that starts with a minus sign is common."""
    joined: list[str] = []
    items = iter(range(len(argv)))
    for i in items:
        if argv[i] in EXPRESSION_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            joined.append(f"{argv[i]}={argv[i + 1]}")
            next(items, None)
        else:
            joined.append(argv[i])
    return joined


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="check an answer against the expected one (exit 0 equivalent, 1 not, 2 invalid, 3 unknown)",
        description="Check a student's answer against the expected one. Exit status: 0 equivalent, "
                    "1 not equivalent, 2 invalid input, 3 unknown (timeout or undecidable).",
        epilog="An expression may start with a minus sign (--answer -x). "
               "Example: derivkit check --expected 'sigma(z)*(1-sigma(z))' "
               "--answer 'exp(-z)/(1+exp(-z))^2'",
    )
    parser.add_argument("--expected", metavar="EXPR", help="the expected answer")
    parser.add_argument("--answer", metavar="EXPR", help="the answer to check")
    add_common_options(parser)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--batch", metavar="FILE", help="grade every line of a .jsonl (or .csv) file; JSON lines out")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes for --batch (default: the number of CPUs)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr (--batch)")
    add_executor_options(parser)
    parser.set_defaults(handler=run_check_command)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--syntax", choices=("text", "latex", "auto"), default="auto",
                        help="input syntax (default: auto, LaTeX when the input has a backslash or a brace)")
    parser.add_argument("--assume", action="append", default=[], metavar="VAR=DOMAIN",
                        help="a variable's domain: real (default), positive, negative, nonnegative, nonzero, integer, "
                             "or an interval such as (0,1) or [0,1]; repeat for more variables")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="time limit of one check (default 10)")
    parser.add_argument("--semantics", choices=("principal", "natural"), default="principal",
                        help="principal (default): complex values with principal branches, as SymPy; "
                             "natural: compare where both sides are real, as STACK")


def run_check_command(args: argparse.Namespace) -> int:
    from derivkit.grading.single import check, invalid

    if args.batch is not None:
        if args.expected is not None or args.answer is not None:
            return _report(invalid("use either --batch FILE or --expected and --answer, not both"), args.json)
        return run_batch(args)
    if args.expected is None or args.answer is None:
        missing = " and ".join(f"--{n}" for n in ("expected", "answer") if getattr(args, n) is None)
        return _report(invalid(f"{missing} is required (or --batch FILE)"), args.json)
    result = check(args.expected, args.answer, syntax=args.syntax, assume=args.assume, timeout=args.timeout,
                   semantics=args.semantics)
    return _report(result, args.json)


def _report(result: CheckResult, as_json: bool) -> int:
    from derivkit.grading.output import json_line, printable

    if as_json:
        print(json_line(result.to_dict()))
        return result.exit_code
    lines = [result.message]
    if result.counterexample is not None:
        cex = result.counterexample
        if cex.point:
            lines.append(f"  at        {cex.where()}")
        lines.append(f"  expected  {cex.expected}")
        lines.append(f"  answer    {cex.answer}")
    print(printable("\n".join(lines)))
    if result.detail:
        print(printable(result.detail), file=sys.stderr)
    print(f"({result.seconds:.3f} s)")
    return result.exit_code


def run_batch(args: argparse.Namespace) -> int:
    from derivkit.errors import BatchInputError
    from derivkit.grading.batch import grade_batch, iter_batch, summary
    from derivkit.grading.output import json_line, printable
    from derivkit.grading.single import CheckResult, make_request

    probe = make_request("0", "0", args.syntax, args.assume, args.timeout, args.semantics)
    if isinstance(probe, CheckResult):
        print(f"derivkit: error: {printable(probe.message)}", file=sys.stderr)
        return EXIT_INVALID
    if args.jobs is not None and args.jobs < 1:
        print("derivkit: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_INVALID
    try:
        items = iter_batch(args.batch, args.timeout, args.semantics, syntax=args.syntax, assume=args.assume)
    except OSError as exc:
        print(f"derivkit: error: cannot read {printable(args.batch)}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    out = sys.stdout
    counts: dict[str, int] = {}

    def emit(record: dict) -> None:
        out.write(json_line(record) + "\n")
        out.flush()
        counts[str(record["verdict"])] = counts.get(str(record["verdict"]), 0) + 1

    try:
        with open_executor(args) as executor:
            grade_batch(items, args.jobs, args.timeout, emit=emit, progress=not args.no_progress, collect=False,
                        executor=executor)
    except KeyboardInterrupt:
        print(f"derivkit: interrupted after {sum(counts.values())} lines", file=sys.stderr)
        raise
    except BatchInputError as exc:
        print(f"derivkit: error: {exc} (after {sum(counts.values())} lines)", file=sys.stderr)
        return EXIT_INVALID
    if counts:
        print(f"derivkit: {sum(counts.values())} checks: {summary(counts)}", file=sys.stderr)
    return 0
