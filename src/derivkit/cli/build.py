"""``derivkit build``: the handouts (Markdown, LaTeX, PDF, HTML, figures, index) via
:func:`derivkit.handouts.build.build`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from derivkit.cli.derivations import add_course_option, course_of
from derivkit.handouts import MD_FLAVORS
from derivkit.handouts.build import DEFAULT_OUT, FORMATS, BuildResult, build
from derivkit.handouts.model import VARIANTS


def _choices(allowed: tuple[str, ...], what: str) -> Callable[[str], list[str]]:
    """A comma-separated list of ``allowed`` values ("all" for every one)."""

    def parse(text: str) -> list[str]:
        items = list(allowed) if text.strip() == "all" else [t.strip() for t in text.split(",") if t.strip()]
        unknown = [t for t in items if t not in allowed]
        if unknown or not items:
            raise argparse.ArgumentTypeError(f"unknown {what} {', '.join(unknown) or text!r}; "
                                             f"use a comma-separated list of {', '.join(allowed)} (or all)")
        return items

    return parse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="build the handouts: Markdown, LaTeX, PDF, HTML, figures and an index",
                                   description="Verify every derivation and render it as a handout. "
                                               "Exit status 1 when a derivation fails (its handout is still "
                                               "written and shows the failing step).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"output folder (default: {DEFAULT_OUT})")
    parser.add_argument("--format", dest="formats", type=_choices(FORMATS, "format"), default=list(FORMATS),
                        metavar="md,tex,pdf,html",
                        help="formats to write (default: all; pdf needs latexmk; html pages render their math with "
                             "the bundled KaTeX, offline)")
    parser.add_argument("--md-flavor", choices=MD_FLAVORS, default=MD_FLAVORS[0],
                        help="the Markdown dialect: front matter, math delimiters, equation labels and references "
                             f"for that site generator (default: {MD_FLAVORS[0]})")
    parser.add_argument("--only", nargs="+", metavar="ID", help="build only these derivations")
    parser.add_argument("--variant", dest="variants", type=_choices(VARIANTS, "variant"), default=["handout"],
                        metavar="handout,worksheet,key",
                        help="handout (everything), worksheet (exercise steps blank), key (blanks filled); "
                             "comma-separated or all (default: handout)")
    parser.add_argument("--date", help="the date the footer states, YYYY-MM-DD (default: SOURCE_DATE_EPOCH or today)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="compile N PDFs at once (default: the number of CPUs, at most 4)")
    parser.add_argument("--force", action="store_true", help="ignore the cache: re-verify, redraw, recompile")
    parser.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                        help="no progress bar (it is shown on a terminal only anyway)")
    add_course_option(parser)
    parser.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace) -> int:
    result = build(args.out, formats=args.formats, only=args.only, variants=args.variants, date=args.date,
                   force=args.force, progress=args.progress, md_flavor=args.md_flavor, course=course_of(args),
                   jobs=args.jobs)
    _print_summary(result)
    return result.exit_status


def _print_summary(result: BuildResult) -> None:
    for report in result.reports.values():
        for failure in report.failures:
            where = f" ({failure.where})" if failure.where else ""
            print(f"{report.id}: step {failure.index}{where} FAILED: {failure.message}")
        for problem in report.problems:
            print(f"{report.id}: exercise error: {problem}")
    count = len(result.reports)
    if result.up_to_date:
        print(f"{count} handout{'s' if count != 1 else ''} in {result.out}/ up to date "
              f"({'all verified' if result.verified else 'verification FAILED'}; nothing changed since the last build)")
        return
    status = "all verified" if result.verified else "verification FAILED (see above)"
    cached = count - len(result.verified_now)
    note = f", {cached} from cache" if cached else ""
    print(f"built {count} handout{'s' if count != 1 else ''} in {result.out}/ ({status}{note}; "
          f"{len(result.written)} file{'s' if len(result.written) != 1 else ''} written)")
