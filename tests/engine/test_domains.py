"""Domain strings of the contract: parsing, SymPy assumptions, reparametrisation, samplers."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from derivkit.engine.domains import parse_domain
from derivkit.errors import DomainError


@pytest.mark.parametrize("text, assumption", [
    ("real", "real"), ("positive", "positive"), ("negative", "negative"),
    ("nonnegative", "nonnegative"), ("nonzero", "nonzero"), ("integer", "integer"),
])
def test_named_domains_become_sympy_assumptions(text, assumption):
    symbol = parse_domain(text).symbol("v")
    assert getattr(symbol, f"is_{assumption}") is True


@pytest.mark.parametrize("text", ["(0,1)", "[0,1]", "(-1, 2]", "[-2.5, 3)", "(1, oo)"])
def test_interval_reparametrisation_sweeps_the_interior_once(text):
    domain = parse_domain(text)
    t = sp.Symbol("t", positive=True)
    x = domain.reparametrise(t)
    assert sp.limit(x, t, 0, "+") == domain.lower
    assert sp.limit(x, t, sp.oo) == domain.upper
    assert sp.simplify(sp.diff(x, t)).is_positive  # strictly increasing: one-to-one onto the interior


@pytest.mark.parametrize("text", ["(0,1)", "[0,1]", "integer", "negative", "(-3, -1]", "nonzero"])
def test_samples_lie_in_the_domain(text):
    domain = parse_domain(text)
    for value in domain.samples(40, random.Random(3)):
        assert domain.contains(sp.Rational(value.numerator, value.denominator)), value


def test_closed_endpoints_are_sampled_and_reported():
    domain = parse_domain("[0,1]")
    assert domain.endpoints() == [0, 1]
    assert parse_domain("(0,1)").endpoints() == []


@pytest.mark.parametrize("bad, fragment", [
    ("reals", "unknown domain"), ("(1,0)", "empty interval"), ("(a,1)", "bad interval bound"), ("(0,1", "unknown domain"),
])
def test_bad_domains_get_a_clear_error(bad, fragment):
    with pytest.raises(DomainError, match=fragment):
        parse_domain(bad)


def test_domain_text_round_trips():
    for text in ["real", "(0, 1)", "[0, 1]", "(-1, oo)"]:
        assert str(parse_domain(text)) == text
