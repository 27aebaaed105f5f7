"""Jupyter display of a derivation: ``Derivation._repr_markdown_`` and ``_repr_latex_`` call these.

Verdicts are computed once per derivation content (keyed by its fingerprint), so re-displaying
a cell does not re-verify.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derivkit.handouts import assemble, environment

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation, DerivationReport

_REPORTS: dict[tuple[str, str], DerivationReport] = {}


def report(derivation: Derivation) -> DerivationReport:
    key = (derivation.id, derivation.fingerprint())
    if key not in _REPORTS:
        _REPORTS[key] = derivation.verify()
    return _REPORTS[key]


def markdown(derivation: Derivation) -> str:
    """The handout body as Markdown (figures left out: a notebook has no build folder)."""
    from derivkit.handouts import markdown as render_markdown

    return render_markdown(assemble.handout(derivation, report(derivation), "handout", figures=()))


def latex(derivation: Derivation) -> str:
    """Every chain as rows of one aligned block in $$, each step tagged with its rule and verdict."""
    model = assemble.handout(derivation, report(derivation), "handout", figures=())
    return environment.render("notebook.tex.jinja", h=model)
