"""``derivkit list``, ``derivkit show`` and ``derivkit verify``: the derivations themselves.

Each reads the course given by ``--course DIR``, else the nearest ``course.toml`` in the current
folder or its parents, else the built-in course (:func:`derivkit.derivation.registry.find_course`).
``verify`` and ``show`` also take the path of a script (``derivkit verify mine.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from derivkit.derivation import registry
from derivkit.derivation.derivation import Derivation, DerivationReport
from derivkit.derivation.report import failure_lines, status_text


def add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="the course folder (default: the nearest course.toml in this folder or its parents, "
                             "else the built-in course)")


def course_of(args: argparse.Namespace) -> registry.Course:
    return registry.find_course(args.course)


def select(args: argparse.Namespace, names: list[str]) -> list[Derivation]:
    """Derivations by id in the course, or by the path of a script (``mine.py``); none named: all."""
    if not names:
        return course_of(args).derivations()
    course = None
    selected = []
    for name in names:
        if name.endswith(".py") or Path(name).is_file():
            selected.append(registry.load_script(name))
        else:
            course = course or course_of(args)
            selected.append(course.load(name))
    return selected


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("list", help="list the course's derivations")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_course_option(listing)
    listing.set_defaults(handler=run_list)

    show = subparsers.add_parser("show", help="print one derivation with each step's verdict")
    show.add_argument("id", help="derivation id, e.g. sigmoid-from-logit, or a script, e.g. mine.py")
    add_course_option(show)
    show.set_defaults(handler=run_show)

    verify = subparsers.add_parser("verify", help="verify every step of the derivations (exit 0 only if all hold)",
                                   description="Verify derivations: all of the course's, or those named by id or "
                                               "by script path (mine.py). Exit status 0 only when every step holds.")
    verify.add_argument("ids", nargs="*", metavar="ID|PATH.py", help="derivation ids or script paths (default: all)")
    verify.add_argument("--json", action="store_true", help="print the contract's JSON report")
    verify.add_argument("--budget", type=float, default=10.0, help="seconds of symbolic proof per claim")
    add_course_option(verify)
    verify.set_defaults(handler=run_verify)


def run_list(args: argparse.Namespace) -> int:
    course = course_of(args)
    derivations = course.derivations()
    if args.json:
        print(json.dumps({"course": {"title": course.title, "author": course.author, "folder": str(course.root)},
                          "derivations": [{"id": d.id, "title": d.title, "steps": len(d.steps)}
                                          for d in derivations]}, indent=2))
        return 0
    if not derivations:
        print(f"no derivations in {course.scripts}")
        return 0
    width = max(len(d.id) for d in derivations)
    for d in derivations:
        print(f"{d.id:<{width}}  {d.title}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    derivation = select(args, [args.id])[0]
    report = derivation.verify()
    print(derivation.report_text(report))
    return 0 if report.verified else 1


def run_verify(args: argparse.Namespace) -> int:
    selected = select(args, args.ids)
    reports: list[DerivationReport] = []
    for derivation in selected:
        report = derivation.verify(budget=args.budget)
        reports.append(report)
        if not args.json:
            _print_summary(report)
    if args.json:
        print(json.dumps({"derivations": [r.to_dict() for r in reports]}, indent=2))
    ok = all(r.verified for r in reports)
    if not args.json:
        total = sum(len(r.steps) for r in reports)
        print(f"\n{len(reports)} derivations, {total} steps: " + ("all verified" if ok else "FAILURES above"))
    return 0 if ok else 1


def _print_summary(report: DerivationReport) -> None:
    counts = {s: sum(1 for v in report.steps if v.status == s) for s in ("proved", "numeric", "failed")}
    mark = "ok  " if report.verified else "FAIL"
    detail = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no steps yet (add a chain with d.chain(...))"
    print(f"[{mark}] {report.id}: {detail}", file=sys.stdout)
    for failure in report.failures:
        lines = failure_lines(failure)
        print(f"       step {failure.index} failed at {lines[0]}" if failure.where else
              f"       step {failure.index} failed: {lines[0]}")
        for line in lines[1:]:
            print(f"         {line}")
    for problem in report.problems:
        print(f"       exercise error at {problem}")
    if not report.verified:
        print(f"       {status_text(report)}")
