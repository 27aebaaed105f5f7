"""Name a recognisable mistake once an answer is known to be wrong.

Only mistakes that can be read off the two sides are named, and each is *confirmed* by the
equivalence engine before it is printed:

- a sign flip: answer = -expected;
- a missing (or extra) inner-derivative factor of the chain rule: expected = answer * u'
  where u is the argument of a function (or the base of a power) on either side, e.g.
  d/dx sin(x^2) = 2x cos(x^2) answered with cos(x^2): "missing factor 2*x, the derivative
  of the inner function x^2";
- a constant factor: answer = c * expected for a nonzero constant c (which is named);
- a constant term: answer = expected + c.

Candidates are screened cheaply first (the ratio or difference of the two sides at a few
sample points) so the engine is asked only about a candidate that fits.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping

import mpmath
import sympy as sp

from derivkit.engine import Evaluator, Number, Undefined, Unsupported
from derivkit.engine.domains import Domain
from derivkit.grading.request import CheckRequest
from derivkit.grading.worker import decide, parse_pair, show

SAMPLE_POINTS = 4
MAX_INNER = 8
TOLERANCE = mpmath.mpf("1e-15")
#: Engine budget (seconds of symbolic proof) per confirmation.
CONFIRM_BUDGET = 1.0


def _points(exprs: tuple[sp.Expr, ...], domains: Mapping[str, Domain]) -> list[dict[sp.Symbol, object]]:
    symbols = sorted({s for e in exprs for s in e.free_symbols if isinstance(s, sp.Symbol)}, key=str)
    rng = random.Random(11)
    count = 3 * SAMPLE_POINTS
    samples = {s: domains.get(s.name, Domain()).samples(count, rng) for s in symbols}
    return [{s: samples[s][(i + 5 * j + 1) % count] for j, s in enumerate(symbols)} for i in range(count)]


def _values(expr: sp.Expr, points: list[dict], real_only: bool) -> list[Number | None]:
    evaluate = Evaluator(expr, 30, real_only)
    values: list[Number | None] = []
    for point in points:
        try:
            values.append(evaluate(point))
        except (Undefined, Unsupported):
            values.append(None)
    return values


def _close(x: Number, y: Number) -> bool:
    return abs(x - y) <= TOLERANCE * max(1, abs(x), abs(y))


class _Screen:
    """The two sides' values at a few common sample points."""

    def __init__(self, expected: sp.Expr, answer: sp.Expr, domains: Mapping[str, Domain], real_only: bool) -> None:
        self.points = _points((expected, answer), domains)
        self.real_only = real_only
        pairs = zip(_values(expected, self.points, real_only), _values(answer, self.points, real_only))
        self.usable = [(i, e, a) for i, (e, a) in enumerate(pairs) if e is not None and a is not None][:SAMPLE_POINTS]

    def fits(self, relation: Callable[[Number, Number, Number], bool], factor: sp.Expr = sp.S.One) -> bool:
        """relation(expected, answer, factor value) holds at every usable point."""
        if len(self.usable) < 2:
            return False
        factors = _values(factor, [self.points[i] for i, _, _ in self.usable], self.real_only)
        return all(f is not None and relation(e, a, f) for (_, e, a), f in zip(self.usable, factors))

    def constant(self, combine: Callable[[Number, Number], Number]) -> Number | None:
        """The common value of combine(expected, answer) at the usable points, if there is one."""
        if len(self.usable) < 2:
            return None
        try:
            values = [combine(e, a) for _, e, a in self.usable]
        except ZeroDivisionError:
            return None
        return values[0] if all(_close(v, values[0]) for v in values) else None


def inner_functions(*exprs: sp.Expr) -> list[sp.Expr]:
    """Arguments of one-argument functions and bases of powers that are not plain symbols."""
    found: list[sp.Expr] = []
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            inner = None
            if isinstance(node, sp.Function) and len(node.args) == 1:
                inner = node.args[0]
            elif isinstance(node, sp.Pow):
                if node.base is sp.E:
                    inner = node.exp
                elif node.exp.is_number and node.exp != -1:
                    inner = node.base
            if inner is not None and inner.free_symbols and not inner.is_Symbol and inner not in found:
                found.append(inner)
    return found[: 4 * MAX_INNER]


def _exact_constant(value: Number) -> sp.Expr | None:
    """A short exact form (2, -1/2, pi, 2*E) of a numeric constant, if there is one."""
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > TOLERANCE * max(1, abs(value)):
            return None
        value = value.real
    text = mpmath.nstr(value, 25)
    try:
        guess = sp.nsimplify(sp.Float(text, 25), [sp.pi, sp.E], tolerance=1e-20)
    except (ValueError, TypeError, RecursionError):
        return None
    if guess.is_Float or sp.count_ops(guess) > 8:
        return None
    return guess


def _confirmed(a: sp.Expr, b: sp.Expr, request: CheckRequest, deadline: float) -> bool:
    if time.perf_counter() > deadline:
        return False
    verdict, _ = decide(a, b, request, budget=CONFIRM_BUDGET)
    return verdict.equivalent


def diagnose(expected: sp.Expr, answer: sp.Expr, request: CheckRequest, seconds: float = 3.0) -> str | None:
    """A sentence naming the mistake in ``answer``, or None when none is recognised."""
    deadline = time.perf_counter() + seconds
    if expected == 0 or answer == 0 or not (expected.free_symbols or answer.free_symbols):
        return None  # two numbers: "differs by a constant" would say nothing
    real_only = request.semantics == "natural" and not (expected.has(sp.I) or answer.has(sp.I))
    screen = _Screen(expected, answer, request.domains, real_only)

    if screen.fits(lambda e, a, f: _close(a, -e)) and _confirmed(-expected, answer, request, deadline):
        return "It looks like a sign error: your answer is the negative of the expected one."

    for inner in inner_functions(answer, expected)[:MAX_INNER]:
        symbols = sorted(inner.free_symbols, key=str)
        for var in symbols:
            factor = sp.diff(inner, var)
            if factor == 0 or factor == 1 or factor == -1:
                continue
            respect = f" with respect to {var}" if len(symbols) > 1 else ""
            if screen.fits(lambda e, a, f: _close(e, a * f), factor) \
                    and _confirmed(expected, answer * factor, request, deadline):
                return (f"It looks like the chain rule's inner derivative is missing: your answer lacks the factor "
                        f"{show(factor)}, the derivative of the inner function {show(inner)}{respect}.")
            if screen.fits(lambda e, a, f: _close(a, e * f), factor) \
                    and _confirmed(expected * factor, answer, request, deadline):
                return (f"Your answer has an extra factor {show(factor)} (the derivative of {show(inner)}"
                        f"{respect}); otherwise it matches the expected one.")

    ratio = screen.constant(lambda e, a: a / e)
    if ratio is not None and not _close(ratio, 1) and abs(ratio) > TOLERANCE:
        c = _exact_constant(ratio)
        if c is not None and c != 0 and _confirmed(c * expected, answer, request, deadline):
            return (f"Your answer is off by a constant factor: it is {show(c)} times the expected one.")

    gap = screen.constant(lambda e, a: a - e)
    if gap is not None and abs(gap) > TOLERANCE:
        c = _exact_constant(gap)
        if c is not None and c != 0 and _confirmed(expected + c, answer, request, deadline):
            more, amount = ("more", c) if c > 0 else ("less", -c)
            return f"Your answer differs by a constant: it is {show(amount)} {more} than the expected one."
    return None


def diagnose_task(request: CheckRequest, seconds: float = 3.0) -> str | None:
    """Sandbox task: parse the request's two sides and name the mistake, if recognisable."""
    parsed = parse_pair(request)
    if not isinstance(parsed, tuple):
        return None
    return diagnose(parsed[0], parsed[1], request, seconds * 0.8)


__all__ = ["diagnose", "diagnose_task", "inner_functions"]
