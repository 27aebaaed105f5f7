"""Plain-text rendering of a verified derivation, for the terminal (``derivkit show``).

Prose is shown with its inline-math dollars dropped (:func:`derivkit.derivation.prose.plain`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derivkit.derivation.prose import plain

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation, DerivationReport
    from derivkit.derivation.steps import StepVerdict

MARKS = {"proved": "proved ", "numeric": "numeric", "failed": "FAILED "}


def render_text(derivation: Derivation, report: DerivationReport) -> str:
    """Title, symbols, then every chain with each step's verdict and justification."""
    verdicts = {v.index: v for v in report.steps}
    title = plain(derivation.title)
    lines = [title, "=" * len(title), f"id: {derivation.id}", ""]
    if derivation.motivation:
        lines += [plain(derivation.motivation), ""]
    lines.append("Symbols:")
    for var in derivation.variables:
        meaning = f"  ({plain(var.meaning)})" if var.meaning else ""
        lines.append(f"  {sp.sstr(var.symbol)} in {var.domain}{meaning}")
    for chain in derivation.chains:
        heading = plain(chain.title)
        lines += ["", heading, "-" * len(heading)]
        if chain.premise is not None:
            lines.append(f"  [given  ]    {chain.premise}    ({plain(chain.premise_rule)})")
        elif chain.start_expr is not None:
            lines.append(f"  [start  ]    {sp.sstr(chain.start_expr)}    ({plain(chain.premise_rule)})")
        for step in chain.steps:
            verdict = verdicts.get(step.index)
            mark = MARKS[verdict.status] if verdict else "unchecked"
            lines.append(f"  [{mark}] {step.index:>2}. {step.relation}    ({plain(step.rule)})")
            if verdict is not None and not verdict.ok:
                lines += [f"               {line}" for line in failure_lines(verdict)]
    if report.problems:
        lines += ["", "Exercises:"] + [f"  ERROR {problem}" for problem in report.problems]
    missing = derivation.incomplete
    if missing:
        lines += ["", f"Result: none: {missing}", "Status: incomplete"]
        return "\n".join(lines)
    lines += ["", f"Result: {derivation.result}", f"Status: {status_text(report)}"]
    return "\n".join(lines)


def status_text(report: DerivationReport) -> str:
    """"every step verified", or the mistakes, the steps that only follow from them, the exercise errors."""
    if report.verified:
        return "every step verified"
    parts = []
    if report.mistakes:
        parts.append(f"{len(report.mistakes)} step(s) FAILED ({', '.join(str(v.index) for v in report.mistakes)})")
    dependent = [v for v in report.failures if not v.own_failure]
    if dependent:
        parts.append(f"{len(dependent)} more fail only because of them "
                     f"({', '.join(f'{v.index} from {v.depends_on}' for v in dependent)})")
    if report.problems:
        parts.append(f"{len(report.problems)} exercise error(s)")
    return "; ".join(parts)


def failure_lines(verdict: StepVerdict) -> list[str]:
    """How a failed step reads: where it was stated, why it fails, what was stated and computed, a hint."""
    where = f"{verdict.where}: " if verdict.where else ""
    lines = [f"{where}{verdict.message}"]
    if verdict.depends_on is not None:
        return lines
    lines += [f"  {label + ':':<15}{text}" for label, text in verdict.forms]
    if verdict.counterexample is not None and verdict.counterexample.point:
        lines.append(f"  {'differs at:':<15}{verdict.counterexample.where()}")
    if verdict.suggestion:
        lines.append(f"  hint: {verdict.suggestion}")
    return lines
