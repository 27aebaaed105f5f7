"""``derivkit list``, ``derivkit show`` and ``derivkit verify``: the derivations themselves."""

from __future__ import annotations

import argparse
import json
import sys

from derivkit.derivation import registry
from derivkit.derivation.derivation import DerivationReport


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("list", help="list the derivations")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    show = subparsers.add_parser("show", help="print one derivation with each step's verdict")
    show.add_argument("id", help="derivation id, e.g. sigmoid-from-logit")
    show.set_defaults(handler=run_show)

    verify = subparsers.add_parser("verify", help="verify every step of the derivations (exit 0 only if all hold)")
    verify.add_argument("ids", nargs="*", metavar="ID", help="derivation ids (default: all)")
    verify.add_argument("--json", action="store_true", help="print the contract's JSON report")
    verify.add_argument("--budget", type=float, default=10.0, help="seconds of symbolic proof per claim")
    verify.set_defaults(handler=run_verify)


def run_list(args: argparse.Namespace) -> int:
    derivations = registry.load_all()
    if args.json:
        print(json.dumps({"derivations": [{"id": d.id, "title": d.title, "steps": len(d.steps)}
                                          for d in derivations]}, indent=2))
    else:
        width = max(len(d.id) for d in derivations)
        for d in derivations:
            print(f"{d.id:<{width}}  {d.title}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    derivation = registry.load(args.id)
    report = derivation.verify()
    print(derivation.report_text(report))
    return 0 if report.verified else 1


def run_verify(args: argparse.Namespace) -> int:
    selected = [registry.load(i) for i in args.ids] if args.ids else registry.load_all()
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
    detail = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    print(f"[{mark}] {report.id}: {detail}", file=sys.stdout)
    for failure in report.failures:
        print(f"       step {failure.index} failed: {failure.message}")
