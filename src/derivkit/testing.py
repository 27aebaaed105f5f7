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

Bounds. When either side is a string (untrusted or not, text can describe a computation
without end: ``E^(E^(E^99))``, ``factorial(x + 10^99)``), parsing and deciding run in a
sandbox worker (:mod:`derivkit.grading.sandbox`, as ``derivkit check`` does): ``budget``
seconds of wall clock plus one second for parsing, and at most ``MEMORY_MB`` of memory;
past either, the assertion fails saying it was stopped. For SymPy input (no strings) the
check runs in the calling process: ``budget`` then bounds the symbolic proof attempts,
checked between steps (a single SymPy call is not interrupted), and numeric evaluation is
bounded by the evaluator's size limits, but time and memory are not capped; run such input
through :func:`derivkit.grading.sandbox.run_bounded` when it is not yours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

from derivkit.engine.domains import Domain
from derivkit.engine.equivalence import Verdict, equivalent
from derivkit.errors import ParseError

__all__ = ["MEMORY_MB", "assert_equivalent"]

#: Memory a string comparison may use in its sandbox worker.
MEMORY_MB = 1024
#: Seconds of wall clock given to parsing on top of ``budget``.
PARSE_SECONDS = 1.0


def _expression(value: Any, variables: list[str], syntax: str, which: str) -> sp.Expr:
    if isinstance(value, str):
        from derivkit.parsing import parse  # the parser loads only when a string needs it

        return parse(value, syntax=syntax, variables=variables)
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{which} must be a SymPy expression, a string or a number, not {type(value).__name__}")
    return sp.nsimplify(value) if isinstance(value, float) else sp.Integer(value)


def _shown(value: Any, text: str) -> str:
    return f"{value!r} (read as {text})" if isinstance(value, str) and value.strip() != text else text


def _decide(a: Any, b: Any, names: list[str], syntax: str, domains: dict, budget: float
            ) -> tuple[Verdict, str, str] | tuple[str, str, str, int | None, str]:
    """The sandboxed task: parse, decide; a ParseError comes back as its parts."""
    try:
        left = _expression(a, names, syntax, "the first argument")
        right = _expression(b, names, syntax, "the second argument")
    except ParseError as exc:
        return "parse", exc.message, exc.text, exc.column, exc.hint
    return equivalent(left, right, domains, budget=budget), sp.sstr(left), sp.sstr(right)


def _bounded(a: Any, b: Any, names: list[str], syntax: str, domains: dict, budget: float
             ) -> tuple[Verdict, str, str] | str:
    """(verdict, left, right) from a sandbox worker, or why the worker was stopped. Raises
    ParseError and TypeError as the unbounded path does."""
    from derivkit.grading.sandbox import Limits, run_bounded

    for value, which in ((a, "the first argument"), (b, "the second argument")):
        if not isinstance(value, str | sp.Basic) and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise TypeError(f"{which} must be a SymPy expression, a string or a number, not {type(value).__name__}")
    limits = Limits(timeout=budget + PARSE_SECONDS, memory_mb=MEMORY_MB)
    outcome = run_bounded(_decide, a, b, names, syntax, domains, budget / 2, limits=limits)
    if outcome.ok and isinstance(outcome.value, tuple) and outcome.value and outcome.value[0] == "parse":
        _, message, text, column, hint = outcome.value
        raise ParseError(message, text, column, hint)
    if outcome.ok:
        return outcome.value  # type: ignore[return-value]
    if outcome.status == "error" and isinstance(outcome.value, Exception):
        raise outcome.value
    if outcome.status == "memory":
        return f"stopped: it needed more than {MEMORY_MB} MB of memory"
    if outcome.status == "timeout":
        return (f"stopped after {outcome.seconds:.1f} s "
                f"(budget {budget:g} s, plus {PARSE_SECONDS:g} s to read the input)")
    return f"stopped: {outcome.message}"


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
    prefix = f"{msg}: " if msg else ""
    where = f" (assuming {', '.join(f'{k} in {v}' for k, v in domains.items())})" if domains else ""
    if isinstance(a, str) or isinstance(b, str):
        decided = _bounded(a, b, names, syntax, domains, budget)
        if isinstance(decided, str):
            raise AssertionError(f"{prefix}could not decide whether {a!r} and {b!r} are equivalent{where}: "
                                 f"{decided}")
        verdict, left_text, right_text = decided
    else:
        left = _expression(a, names, syntax, "the first argument")
        right = _expression(b, names, syntax, "the second argument")
        verdict = equivalent(left, right, domains, budget=budget)
        left_text, right_text = sp.sstr(left), sp.sstr(right)
    if verdict.status == "proved":
        return verdict
    if verdict.status == "numeric" and not require_proof:
        return verdict
    pair = f"{_shown(a, left_text)} and {_shown(b, right_text)}"
    if verdict.status == "refuted":
        detail = verdict.counterexample.sentence("the first", "the second") if verdict.counterexample \
            else verdict.message
        raise AssertionError(f"{prefix}{pair} are not equivalent{where}: {detail}")
    if verdict.status == "numeric":
        raise AssertionError(f"{prefix}{pair} were not proved equivalent{where}: they agree at every sampled "
                             f"point, but no symbolic proof was found (require_proof=True)")
    raise AssertionError(f"{prefix}could not decide whether {pair} are equivalent{where} "
                         f"(neither proved nor refuted): {verdict.message}")
