"""The equivalence engine: true identities proved, false ones refuted with a confirmed
counterexample, domain-dependent ones decided on their domain, SymPy crashes contained."""

from __future__ import annotations

import sympy as sp
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from derivkit import equivalent, sigmoid, softplus, logsumexp
from derivkit.engine._evaluation import evaluate

x, y, z, p, a, b = sp.symbols("x y z p a b")

TRUE_IDENTITIES = [
    ((x + 1) ** 2, x**2 + 2 * x + 1, {}),
    (sigmoid(z) * (1 - sigmoid(z)), sp.exp(-z) / (1 + sp.exp(-z)) ** 2, {}),
    (sp.diff(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z)), {}),
    (sigmoid(-z), 1 - sigmoid(z), {}),
    (sp.diff(softplus(z), z), sigmoid(z), {}),
    (sp.log(sigmoid(z)), -softplus(-z), {}),
    (sp.diff(logsumexp(x, y), x), sp.exp(x) / (sp.exp(x) + sp.exp(y)), {}),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, {}),
    (sp.tanh(x), 2 * sigmoid(2 * x) - 1, {}),
    (sp.Abs(x), sp.sqrt(x**2), {}),
    ((x**2 - 1) / (x - 1), x + 1, {}),  # equal wherever both sides are defined
    (sp.log(p / (1 - p)), sp.log(p) - sp.log(1 - p), {"p": "(0,1)"}),
    (sp.log(a * b), sp.log(a) + sp.log(b), {"a": "positive", "b": "positive"}),
    (sp.sqrt(x**2), x, {"x": "[0,1]"}),
    (sp.sqrt(x**2), -x, {"x": "(-oo, 0)"}),
    ((-1) ** (2 * sp.Symbol("n")), 1, {"n": "integer"}),
]

FALSE_IDENTITIES = [
    ((x + 1) ** 2, x**2 + 1, {}),
    (sigmoid(z) * (1 - sigmoid(z)), sigmoid(z) * (1 + sigmoid(z)), {}),
    (sigmoid(-z), sigmoid(z) - 1, {}),
    (sp.log(p / (1 - p)), sp.log(p) - sp.log(1 - p), {}),  # p = 2: log(-2) vs log 2 - log(-1)
    (sp.sqrt(x**2), x, {}),
    (sp.sqrt(x**2), x, {"x": "[-1,1]"}),
    (sp.log(a * b), sp.log(a) + sp.log(b), {}),
    (x + sp.Rational(1, 10**30), x, {}),  # a tiny constant difference is still a difference
    (sp.exp(x + y), sp.exp(x) + sp.exp(y), {}),
]


@pytest.mark.parametrize("lhs, rhs, domains", TRUE_IDENTITIES, ids=lambda v: str(v)[:40])
def test_true_identities_are_proved(lhs, rhs, domains):
    verdict = equivalent(lhs, rhs, domains)
    assert verdict.status == "proved", verdict.message
    assert verdict.counterexample is None


@pytest.mark.parametrize("lhs, rhs, domains", FALSE_IDENTITIES, ids=lambda v: str(v)[:40])
def test_false_identities_are_refuted_with_a_confirmed_counterexample(lhs, rhs, domains):
    verdict = equivalent(lhs, rhs, domains)
    assert verdict.status == "refuted", verdict.message
    cex = verdict.counterexample
    assert cex is not None
    point = {s: sp.Rational(cex.point[s.name]) for s in (lhs - rhs).free_symbols}
    for name, value in cex.point.items():
        domain = domains.get(name, "real")
        from derivkit.engine.domains import parse_domain
        assert parse_domain(domain).contains(sp.Rational(value)), f"{name}={value} outside {domain}"
    # the two values really differ at the point, recomputed independently at 80 digits
    left = sp.N(sp.sympify(lhs).subs(point), 80)
    right = sp.N(sp.sympify(rhs).subs(point), 80)
    assert sp.Abs(left - right) > 0


def test_domain_decides_the_logit_identity():
    identity = (sp.log(p / (1 - p)), sp.log(p) - sp.log(1 - p))
    assert equivalent(*identity, {"p": "(0,1)"}).status == "proved"
    refuted = equivalent(*identity, {"p": "real"})
    assert refuted.status == "refuted"
    assert not sp.Interval.open(0, 1).contains(sp.Rational(refuted.counterexample.point["p"]))


def test_natural_semantics_compares_on_the_common_real_domain():
    lhs, rhs = sp.log(a**2 * b), 2 * sp.log(a) + sp.log(b)
    assert equivalent(lhs, rhs).status == "refuted"  # a = -1 under principal branches
    assert equivalent(lhs, rhs, semantics="natural").equivalent
    assert equivalent(sp.Abs(x), x, semantics="natural").status == "refuted"


def test_points_where_a_side_is_undefined_are_skipped_not_counted():
    verdict = equivalent(x / x, sp.Integer(1))
    assert verdict.status == "proved"
    verdict = equivalent(sp.log(x) - sp.log(x), sp.Integer(0))
    assert verdict.equivalent


def test_constants_are_decided():
    assert equivalent(sp.sqrt(4), 2).status == "proved"
    assert equivalent(sp.Rational(1, 3), sp.Float(0.3333)).status == "refuted"
    assert equivalent(sp.exp(sp.I * sp.pi), -1).status == "proved"


def test_a_crash_inside_sympy_is_unknown_of_that_method_not_a_crash(monkeypatch):
    def broken(*args, **kwargs):
        raise AttributeError("simulated SymPy bug")

    for name in ("simplify", "cancel", "expand", "trigsimp", "powsimp"):
        monkeypatch.setattr(sp, name, broken)
    verdict = equivalent(sp.sin(x) ** 2, 1 - sp.cos(x) ** 2)
    assert verdict.status in ("numeric", "unknown")
    assert any("failed inside SymPy" in note for note in verdict.notes)
    assert equivalent(sp.sin(x) ** 2, 1 + sp.cos(x) ** 2).status == "refuted"


def test_kronecker_sums_do_not_crash_the_engine():
    k, j = sp.symbols("k j", integer=True)
    K = sp.Symbol("K", integer=True, positive=True)
    y = sp.IndexedBase("y")
    lhs = sp.Sum(y[k] * sp.KroneckerDelta(j, k), (k, 1, K))
    verdict = equivalent(lhs, y[j])
    assert verdict.status in ("proved", "numeric", "unknown")  # never a crash; never refuted


def test_runaway_numeric_evaluation_is_bounded():
    from derivkit.engine._evaluation import Undefined

    with pytest.raises(Undefined):
        evaluate(sp.sin(sp.exp(sp.exp(sp.exp(sp.exp(z))))), {z: 3})


def test_verdict_is_frozen_and_serialisable():
    verdict = equivalent(x + 1, x + 2)
    with pytest.raises(AttributeError):
        verdict.status = "proved"  # type: ignore[misc]
    data = verdict.to_dict()
    assert data["status"] == "refuted" and set(data["counterexample"]) == {"point", "expected", "answer"}


# -- property tests: random rational functions -----------------------------------------
monomials = st.tuples(st.integers(-5, 5).filter(bool), st.integers(0, 3), st.integers(0, 2))


def _poly(terms):
    return sp.Add(*[c * x**i * y**j for c, i, j in terms])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(monomials, min_size=1, max_size=4), st.lists(monomials, min_size=1, max_size=3))
def test_rational_functions_equal_their_expanded_forms(num_terms, den_terms):
    numerator, denominator = _poly(num_terms), _poly(den_terms) ** 2 + 1
    original = numerator / denominator
    expanded = sp.expand(numerator) / sp.expand(denominator)
    assert equivalent(original, expanded).status == "proved"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(monomials, min_size=1, max_size=4), monomials)
def test_perturbed_rational_functions_are_refuted(num_terms, extra):
    numerator = _poly(num_terms)
    c, i, j = extra
    original = numerator / (x**2 + 1)
    perturbed = sp.expand(numerator + c * x**i * y**j) / sp.expand(x**2 + 1)
    verdict = equivalent(original, perturbed)
    assert verdict.status == "refuted", verdict.message
    assert verdict.counterexample is not None


def test_tiny_relative_differences_are_refuted_exactly():
    verdict = equivalent(x, x * (1 + sp.Rational(1, 10**50)))
    assert verdict.status == "refuted"
    assert verdict.counterexample.expected != verdict.counterexample.answer
    assert equivalent(x**2 + y, x**2 + y * (1 - sp.Rational(1, 10**40))).status == "refuted"
    assert equivalent((x + 1) ** 2 - 1, x**2 + 2 * x).status == "proved"


def test_grid_search_finds_counterexamples_on_special_sets():
    c = sp.Symbol("c")
    verdict = equivalent((a**b) ** c, a ** (b * c), semantics="natural")
    assert verdict.status == "refuted"
    point = {k: sp.Rational(v) for k, v in verdict.counterexample.point.items()}
    assert point["a"] < 0 and point["b"].is_integer


def test_strings_are_never_sympified():
    with pytest.raises(TypeError, match="derivkit.parsing.parse"):
        equivalent("__import__('os').system('false')", x)
