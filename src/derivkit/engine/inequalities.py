"""Decide an inequality, or a "not equal", on a domain: the engine's answer for claims that are
not identities (sigma(z) (1 - sigma(z)) <= 1/4, a Hessian's quadratic form >= 0, softmax(z + c)
!= l1(z + c)).

Soundness as for equalities (:mod:`derivkit.engine.equivalence`): ``proved`` only when SymPy's
assumption system shows the sign of the gap on every case of the domain (intervals
reparametrised so their bounds are visible, closed endpoints as cases of their own);
``refuted`` only with a sampled point where the claim fails by more than the tolerance, at
30 digits and again at 60; ``numeric`` when every sampled point satisfies it and nothing was
proved. A "not equal" between constants is proved by exact evaluation; between expressions,
by a counterexample to their equality that SymPy confirms exactly at its rational point.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy as sp

from derivkit.engine._evaluation import Evaluator, Undefined, Unsupported
from derivkit.engine._proof import prepare
from derivkit.engine._screening import (
    AGREE_TOLERANCE,
    LOW_DPS,
    MAX_ATTEMPTS,
    REQUIRED_POINTS,
    Counterexample,
    bind_point,
    counterexample_at,
    domain_of,
    format_point_value,
    sample_points,
    variables_by_name,
)
from derivkit.engine.domains import Domain
from derivkit.engine.equivalence import DomainSpec, Verdict, equivalent, normalise_domains
from derivkit.functions import as_expr, to_elementary

#: The relations a claim may state, and the sign its gap (larger side minus smaller) must have.
ORDER_PREDICATES = {"<": "is_positive", ">": "is_positive", "<=": "is_nonnegative", ">=": "is_nonnegative"}
RELATIONS = ("=", "!=", *ORDER_PREDICATES)


def decide(lhs: sp.Expr, rhs: sp.Expr, op: str, domains: DomainSpec | None = None, budget: float = 5.0,
           seed: int = 0) -> Verdict:
    """Decide ``lhs op rhs`` for every point of the domain (``!=``: at some point)."""
    if op not in RELATIONS:
        raise ValueError(f"unknown relation {op!r}; use one of {', '.join(RELATIONS)}")
    lhs, rhs = as_expr(lhs), as_expr(rhs)
    if op == "=":
        return equivalent(lhs, rhs, domains, budget=budget, seed=seed)
    if op == "!=":
        return _differs(lhs, rhs, domains, budget, seed)
    return _ordered(lhs, rhs, op, normalise_domains(domains), seed)


def gap(lhs: sp.Expr, rhs: sp.Expr, op: str) -> sp.Expr:
    """The larger side minus the smaller one: positive (or nonnegative) exactly when the claim holds."""
    return rhs - lhs if op in ("<", "<=") else lhs - rhs


#: simplify() is tried on a gap only below this many operations: it can take minutes on a sum
#: of sigmoid products that the structural walk proves term by term in milliseconds.
SIMPLIFY_MAX_OPS = 40


def _sign_shown(expr: sp.Expr, predicate: str) -> bool:
    """Whether SymPy's assumptions show the sign: on the whole gap, in the forms where they
    tend to see it, or structurally (a sum of nonnegative terms, a product of positive factors)."""
    if getattr(expr, predicate) is True:
        return True
    elementary = to_elementary(expr)
    if _structural(elementary, predicate) or _monotone(elementary, predicate):
        return True
    if sp.count_ops(elementary) > SIMPLIFY_MAX_OPS:
        return False
    return any(getattr(form(elementary), predicate) is True
               for form in (lambda e: sp.factor(sp.together(e)), sp.simplify))


def _structural(expr: sp.Expr, predicate: str) -> bool:
    """Term by term and factor by factor, each piece put over one denominator on its own:
    1 - 1/(1 + e^{-s}) is e^{-s}/(1 + e^{-s}) > 0, which no assumption sees in the sum."""
    if getattr(expr, predicate) is True or getattr(sp.together(expr), predicate) is True:
        return True
    if isinstance(expr, sp.Add):
        nonnegative = all(_structural(term, "is_nonnegative") for term in expr.args)
        return nonnegative and (predicate == "is_nonnegative"
                                or any(_structural(term, "is_positive") for term in expr.args))
    if isinstance(expr, sp.Mul):
        if predicate == "is_positive":
            return all(_structural(factor, "is_positive") for factor in expr.args)
        return all(_structural(factor, "is_positive") or _structural(factor, "is_nonnegative")
                   for factor in expr.args)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        if expr.exp.is_even and predicate == "is_nonnegative" and expr.base.is_extended_real:
            return True
        return _structural(expr.base, "is_positive")
    return False


def _monotone(expr: sp.Expr, predicate: str) -> bool:
    """f(a) - f(b) has the sign of a - b for a strictly increasing f (exp; log where both arguments
    are positive), strict or not; a side without f is written as f of its inverse (c = e^{log c}
    for c > 0, c = log e^c). Shows e^u <= 1 for u <= 0 and log(2 + e^v) >= log(1 + e^u + e^v),
    which no assumption sees in 1 - e^u."""
    if not isinstance(expr, sp.Add) or len(expr.args) != 2:
        return False
    larger, negated = sorted(expr.args, key=lambda term: term.could_extract_minus_sign())
    sides = (larger, -negated)
    for function, (argument, inverse) in INCREASING.items():
        arguments = [argument(side) if isinstance(side, function) else None for side in sides]
        if arguments == [None, None]:
            continue
        first, second = (a if a is not None else inverse(side) for a, side in zip(arguments, sides))
        if first is None or second is None:
            return False
        difference = first - second
        return _structural(difference, predicate) or _monotone(difference, predicate)
    return False


def _exp_argument(term: sp.Expr) -> sp.Expr:
    return term.args[0]


def _log_argument(term: sp.Expr) -> sp.Expr | None:
    return term.args[0] if len(term.args) == 1 and term.args[0].is_positive else None


#: Strictly increasing functions: how to read f's argument, and how to write another side as f(...)
#: (None when that side cannot be: log of a side not shown positive).
INCREASING: dict[type, tuple[Callable[[sp.Expr], sp.Expr | None], Callable[[sp.Expr], sp.Expr | None]]] = {
    sp.exp: (_exp_argument, lambda side: sp.log(side) if side.is_positive else None),
    sp.log: (_log_argument, lambda side: sp.exp(side) if side.is_extended_real else None),
}


def _ordered(lhs: sp.Expr, rhs: sp.Expr, op: str, domains: dict[str, Domain], seed: int) -> Verdict:
    start = time.perf_counter()
    difference = gap(lhs, rhs, op)
    predicate = ORDER_PREDICATES[op]
    problem = prepare(difference, sp.S.Zero, domains)
    if all(_sign_shown(case, predicate) for case in problem.cases):
        word = "positive" if predicate == "is_positive" else "nonnegative"
        return Verdict("proved", "sign", seconds=time.perf_counter() - start,
                       message=f"proved symbolically: the gap {sp.sstr(difference)} is {word}")
    strict = op in ("<", ">")
    symbols = variables_by_name(lhs, rhs)
    rng = random.Random(seed)
    satisfied = 0
    gap_at = Evaluator(difference, LOW_DPS, real_only=True)
    for point in _with_zeros(sample_points(list(symbols), domains, rng), domains) if symbols else [{}]:
        outcome = _violation(gap_at, lhs, rhs, op, symbols, point, strict)
        if isinstance(outcome, Counterexample):
            why = (f"at {outcome.where()} both sides are {outcome.expected}" if outcome.expected == outcome.answer
                   else outcome.sentence("the left side", "the right side"))
            return Verdict("refuted", "numeric", outcome, time.perf_counter() - start, f"the claim {op} fails: {why}")
        satisfied += outcome
    seconds = time.perf_counter() - start
    if satisfied >= min(REQUIRED_POINTS, MAX_ATTEMPTS) and symbols:
        return Verdict("numeric", "numeric", seconds=seconds,
                       message=f"holds at {satisfied} sample points (30 digits); "
                               "SymPy did not show the sign of the gap")
    return Verdict("unknown", None, seconds=seconds,
                   message="could not decide: SymPy did not show the sign of the gap "
                           "and too few points could be sampled")


def _with_zeros(points: list[dict[str, Fraction]], domains: Mapping[str, Domain]) -> list[dict[str, Fraction]]:
    """The sample points plus zero for each variable whose domain holds it: the sampler avoids 0
    (a pole of many identities), but inequalities such as z**2 > 0 fail exactly there."""
    if not points:
        return points
    names = [n for n in points[0] if domain_of(n, domains).contains(sp.S.Zero)]
    zeros = [{**points[0], n: Fraction(0)} for n in names] + ([{**points[0], **dict.fromkeys(names, Fraction(0))}]
                                                              if len(names) > 1 else [])
    return zeros + points


def _violation(gap_at: Evaluator, lhs: sp.Expr, rhs: sp.Expr, op: str, symbols: Mapping[str, tuple[sp.Basic, ...]],
               point: Mapping[str, Fraction], strict: bool) -> Counterexample | bool:
    """A confirmed counterexample at ``point``; else whether the claim held there (False: undefined).
    ``gap_at`` evaluates the gap at 30 digits (built once per claim: it caches the constants)."""
    try:
        low = gap_at(bind_point(symbols, point))
    except (Undefined, Unsupported):
        return False
    if low > AGREE_TOLERANCE or (not strict and low > -AGREE_TOLERANCE):
        return True
    if low > -AGREE_TOLERANCE:  # a strict claim at (near) equality: only exact arithmetic can tell
        return _exact_equality(lhs, rhs, op, symbols, point)
    # the sides differ by more than the tolerance in the wrong direction: confirmed at 60 digits,
    # a stable difference keeps its sign
    return counterexample_at(lhs, rhs, symbols, point, real_only=True) or False


def _exact_equality(lhs: sp.Expr, rhs: sp.Expr, op: str, symbols: Mapping[str, tuple[sp.Basic, ...]],
                    point: Mapping[str, Fraction]) -> Counterexample | bool:
    """A strict claim whose sides agree to 30 digits at a rational point: refuted when SymPy finds
    them exactly equal there (z**2 > 0 at z = 0), else counted as neither held nor refuted."""
    mapping = {sym: sp.Rational(point[name]) for name, syms in symbols.items() for sym in syms}
    try:
        exact = sp.simplify(to_elementary(gap(lhs, rhs, op).xreplace(mapping)))
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    if exact.is_zero is not True:
        return False
    shown = {name: format_point_value(value) for name, value in point.items()}
    value = sp.sstr(sp.nsimplify(to_elementary(lhs.xreplace(mapping))))
    return Counterexample(shown, value, value)


def _differs(lhs: sp.Expr, rhs: sp.Expr, domains: DomainSpec | None, budget: float, seed: int) -> Verdict:
    start = time.perf_counter()
    equal = equivalent(lhs, rhs, domains, budget=budget, seed=seed)
    seconds = time.perf_counter() - start
    if equal.status == "proved":
        return Verdict("refuted", "symbolic", seconds=seconds,
                       message=f"the two sides are equal everywhere ({equal.message})")
    if equal.status != "refuted" or equal.counterexample is None:
        return Verdict("unknown", None, seconds=seconds, message=f"could not show a difference: {equal.message}")
    exact = _exact_difference(lhs, rhs, equal.counterexample)
    if exact is not None and exact.is_zero is False:
        return Verdict("proved", "exact", equal.counterexample, seconds,
                       "proved by exact evaluation: "
                       + equal.counterexample.sentence("the left side", "the right side"))
    return Verdict("numeric", "numeric", equal.counterexample, seconds,
                   f"differ numerically (confirmed at 60 digits): "
                   f"{equal.counterexample.sentence('the left side', 'the right side')}")


def _exact_difference(lhs: sp.Expr, rhs: sp.Expr, counterexample: Counterexample) -> sp.Expr | None:
    """lhs - rhs at the counterexample's rational point, evaluated by SymPy (None if it cannot be)."""
    try:
        values = {name: sp.Rational(Fraction(text)) for name, text in counterexample.point.items()}
    except (ValueError, ZeroDivisionError):
        return None
    symbols = variables_by_name(lhs, rhs)
    mapping = {sym: values[name] for name, syms in symbols.items() for sym in syms if name in values}
    if set(symbols) - set(values):
        return None
    return sp.simplify(to_elementary((lhs - rhs).xreplace(mapping).doit()))


def holds_everywhere(expr: sp.Expr, domains: Mapping[str, Domain], predicate: str) -> bool:
    """Whether SymPy's assumptions show ``predicate`` (is_positive, is_extended_real...) for
    expr everywhere on the domain, intervals reparametrised so SymPy can see their bounds."""
    problem = prepare(expr, sp.S.Zero, domains)
    return all(getattr(case, predicate) is True or getattr(sp.factor(sp.together(case)), predicate) is True
               for case in problem.cases)
