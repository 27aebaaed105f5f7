"""Plain-text rendering of a verified derivation, for the terminal (``derivkit show``).

Prose is shown with its inline-math dollars dropped (:func:`derivkit.derivation.prose.plain`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derivkit.derivation.prose import plain

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation, DerivationReport

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
                lines.append(f"               {verdict.message}")
    status = "every step verified" if report.verified else f"{len(report.failures)} step(s) FAILED"
    lines += ["", f"Result: {derivation.result}", f"Status: {status}"]
    return "\n".join(lines)
