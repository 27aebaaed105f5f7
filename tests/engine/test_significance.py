"""Loss of significance is no evidence of equality: a term that a sample point's working
precision drops (x + exp(-10000*x^2) at x = 1/2, exp(10000*x^2) + 1) must not make a wrong
answer pass. The precision is raised until every term is kept, points where terms change
scale are tried, and a point that cannot be resolved is not counted as agreement."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivkit import equivalent, sigmoid
from derivkit.engine._evaluation import Evaluator
from derivkit.engine._screening import compare_at, scale_points, variables_by_name

x, y = sp.symbols("x y")

#: Wrong answers that sampling at 30 digits used to accept ("equivalent (numerically)").
ABSORBED = [
    (x, x + sp.exp(-10000 * x**2)),
    (sp.exp(10000 * x**2), sp.exp(10000 * x**2) + 1),
    (sp.sin(x), sp.sin(x) + 3 * sp.exp(-5000 * (x - sp.Rational(7, 10)) ** 2)),
    (x * y, x * y + sp.exp(-(10**4) * (x**2 + y**2))),
]


@pytest.mark.parametrize(("expected", "answer"), ABSORBED, ids=[f"absorbed{i}" for i in range(len(ABSORBED))])
def test_a_term_lost_to_the_working_precision_is_not_accepted(expected: sp.Expr, answer: sp.Expr) -> None:
    verdict = equivalent(expected, answer, budget=1)
    assert verdict.status == "refuted", verdict.message
    point = {s: sp.Rational(verdict.counterexample.point[s.name]) for s in (expected - answer).free_symbols}
    assert sp.N((answer - expected).subs(point), 50) != 0  # the difference is real, recomputed independently


def test_the_evaluator_reports_the_precision_a_lost_term_needs() -> None:
    evaluate = Evaluator(x + sp.exp(-10000 * x**2), 30)
    assert evaluate({x: Fraction(1, 2)}) == Fraction(1, 2)  # exp(-2500) is lost at 30 digits
    assert evaluate.needed_bits > 2500 * 1.44  # it needs about 3607 bits to be kept
    evaluate({x: Fraction(1, 100)})
    assert evaluate.needed_bits == 0


def test_the_precision_is_raised_until_the_difference_shows() -> None:
    a, b = Evaluator(x, 30), Evaluator(x + sp.exp(-10000 * x**2), 30)
    seen = compare_at(a, b, {x: Fraction(1, 2)})
    assert seen.resolved and seen.differ and seen.dps > 1000
    # beyond MAX_DPS the point is no evidence either way
    far = compare_at(a, Evaluator(x + sp.exp(-(10**7) * x**2), 30), {x: Fraction(2)})
    assert not far.resolved and not far.agree


def test_an_unresolvable_difference_is_never_called_equal() -> None:
    # on (1, 2) the term is below 10^-4,000,000: no point can show it, and none is counted
    verdict = equivalent(x, x + sp.exp(-(10**7) * x**2), {"x": "(1,2)"}, budget=1)
    assert verdict.status in ("refuted", "unknown"), verdict.message


def test_scale_points_include_zero_and_the_centre_of_a_bump() -> None:
    expected, answer = x, x + sp.exp(-100 * (x - sp.Rational(3, 7)) ** 2)
    points = scale_points(expected, answer, variables_by_name(expected, answer), {})
    values = [p["x"] for p in points]
    assert Fraction(0) in values and Fraction(3, 7) in values
    # a domain that excludes 0 drops it
    positive = scale_points(expected, answer, variables_by_name(expected, answer), {"x": _domain("positive")})
    assert Fraction(0) not in [p["x"] for p in positive]


def _domain(text: str):
    from derivkit.engine.domains import parse_domain

    return parse_domain(text)


TRUE_WITH_TINY_TERMS = [
    (sp.log(1 + sp.exp(x)), x + sp.log(1 + sp.exp(-x))),
    (sigmoid(x), sp.exp(x) / (sp.exp(x) + 1)),
    (sp.exp(400 * x**2) + 1, 1 + sp.exp(400 * x**2)),
]


@pytest.mark.parametrize(("lhs", "rhs"), TRUE_WITH_TINY_TERMS, ids=[f"true{i}" for i in range(3)])
def test_true_identities_with_tiny_terms_are_still_accepted(lhs: sp.Expr, rhs: sp.Expr) -> None:
    assert equivalent(lhs, rhs, budget=1).status in ("proved", "numeric")


BASES = [x, sp.sin(x), x**2 + 1, sigmoid(x), sp.log(1 + x**2), sp.Integer(0)]
coefficients = st.one_of(st.integers(-5, 5).filter(bool),
                         st.fractions(min_value=-5, max_value=5, max_denominator=20).filter(bool))
centres = st.fractions(min_value=-4, max_value=4, max_denominator=10)
rates = st.one_of(st.integers(100, 100_000), st.sampled_from([10**5, 10**6, 2500, 12345]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), coefficients, rates, centres, st.booleans())
def test_a_narrow_bump_added_to_one_side_is_never_accepted(base: sp.Expr, c: Fraction, k: int, a: Fraction,
                                                           swap: bool) -> None:
    bump = sp.Rational(c.numerator, c.denominator) * sp.exp(-k * (x - sp.Rational(a.numerator, a.denominator)) ** 2)
    sides = (base, base + bump)
    verdict = equivalent(*(sides[::-1] if swap else sides), budget=0.5)
    assert verdict.status not in ("proved", "numeric"), (sides, verdict.message)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), coefficients, rates, st.booleans())
def test_a_constant_next_to_a_huge_exponential_is_never_accepted(base: sp.Expr, c: Fraction, k: int,
                                                                  swap: bool) -> None:
    big = sp.exp(k * x**2) + base
    sides = (big, big + sp.Rational(c.numerator, c.denominator))
    verdict = equivalent(*(sides[::-1] if swap else sides), budget=0.5)
    assert verdict.status not in ("proved", "numeric"), (sides, verdict.message)
