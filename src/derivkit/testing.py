"""Assertions for your own test suite, backed by derivkit's equivalence engine.

>>> import sympy as sp
>>> from derivkit.testing import assert_equivalent
>>> z = sp.Symbol("z")
>>> assert_equivalent(sp.diff(1 / (1 + sp.exp(-z)), z), "sigma(z) * (1 - sigma(z))").status
'proved'
>>> assert_equivalent("log(p/(1-p))", "log(p) - log(1-p)", assume={"p": "(0,1)"}).status
'proved'

Strings are read with derivkit's safe parser (the syntax of ``derivkit check``: plain text
or LaTeX, never ``eval``). The assertion passes when the two sides are *proved* equal, and
also, by default, when they agree at every sampled point without a symbolic proof
(``numeric``; pass ``require_proof=True`` to fail then). It fails with the counterexample
when they differ, and fails saying so when the engine could not decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

from derivkit.engine.domains import Domain
from derivkit.engine.equivalence import Verdict, equivalent

__all__ = ["assert_equivalent"]


def _expression(value: Any, variables: list[str], syntax: str, which: str) -> sp.Expr:
    if isinstance(value, str):
        from derivkit.parsing import parse  # the parser loads only when a string needs it

        return parse(value, syntax=syntax, variables=variables)
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{which} must be a SymPy expression, a string or a number, not {type(value).__name__}")
    return sp.nsimplify(value) if isinstance(value, float) else sp.Integer(value)


def _shown(value: Any, expr: sp.Expr) -> str:
    text = sp.sstr(expr)
    return f"{value!r} (read as {text})" if isinstance(value, str) and value.strip() != text else text


def assert_equivalent(a: Any, b: Any, assume: Mapping[str, str | Domain] | None = None, *,
                      syntax: str = "auto", budget: float = 10.0, require_proof: bool = False,
                      msg: str | None = None) -> Verdict:
    """Assert that ``a`` equals ``b`` for every value of the variables in their domains.

    ``a`` and ``b`` are SymPy expressions, numbers, or strings in derivkit's input syntax
    (``syntax``: "text", "latex" or "auto"). ``assume`` maps variable names to domains
    (``"positive"``, ``"(0,1)"``, ``"[0,1]"``...; every other variable is real); its names
    are also declared to the parser, so ``e`` in ``assume`` is a variable, not Euler's
    number. Returns the engine's :class:`~derivkit.engine.equivalence.Verdict` on success.
    """
    __tracebackhide__ = True  # pytest: report the caller's line, not this helper's
    domains = dict(assume or {})
    names = [str(name) for name in domains]
    left = _expression(a, names, syntax, "the first argument")
    right = _expression(b, names, syntax, "the second argument")
    verdict = equivalent(left, right, domains, budget=budget)
    prefix = f"{msg}: " if msg else ""
    where = f" (assuming {', '.join(f'{k} in {v}' for k, v in domains.items())})" if domains else ""
    if verdict.status == "proved":
        return verdict
    if verdict.status == "numeric" and not require_proof:
        return verdict
    pair = f"{_shown(a, left)} and {_shown(b, right)}"
    if verdict.status == "refuted":
        detail = verdict.counterexample.sentence("the first", "the second") if verdict.counterexample \
            else verdict.message
        raise AssertionError(f"{prefix}{pair} are not equivalent{where}: {detail}")
    if verdict.status == "numeric":
        raise AssertionError(f"{prefix}{pair} were not proved equivalent{where}: they agree at every sampled "
                             f"point, but no symbolic proof was found (require_proof=True)")
    raise AssertionError(f"{prefix}could not decide whether {pair} are equivalent{where} "
                         f"(neither proved nor refuted): {verdict.message}")
