"""sigmoid and friends behave as SymPy citizens: derivative, rewrite, evalf, LaTeX, lambdify."""

from __future__ import annotations

import numpy as np
import sympy as sp

from derivkit import logit, logsumexp, sigmoid, softplus
from derivkit.functions import to_elementary

z, p, a, b = sp.symbols("z p a b", real=True)


def test_sigmoid_derivative_and_rewrite():
    assert sp.diff(sigmoid(z), z) == sigmoid(z) * (1 - sigmoid(z))
    assert sigmoid(z).rewrite(sp.exp) == 1 / (1 + sp.exp(-z))
    from derivkit import equivalent

    assert equivalent(sigmoid(z).rewrite(sp.tanh), sigmoid(z).rewrite(sp.exp)).status == "proved"


def test_special_values_and_inverse():
    assert sigmoid(0) == sp.Rational(1, 2)
    assert sigmoid(sp.oo) == 1 and sigmoid(-sp.oo) == 0
    assert sigmoid(logit(p)) == p and logit(sigmoid(z)) == z
    assert sigmoid(z).is_positive and sigmoid(z).is_real


def test_high_precision_evaluation():
    value = sp.N(sigmoid(2), 40)
    exact = sp.N(1 / (1 + sp.exp(-2)), 40)
    assert abs(value - exact) < sp.Float("1e-39")
    assert str(sp.N(sigmoid(2), 4)) == "0.8808"


def test_latex():
    assert sp.latex(sigmoid(z)) == r"\sigma\left(z\right)"
    assert r"\operatorname{logit}" in sp.latex(logit(p))


def test_numpy_lambdify():
    f = sp.lambdify(z, sigmoid(z) + softplus(z), "numpy")
    zs = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(f(zs), 1 / (1 + np.exp(-zs)) + np.log1p(np.exp(zs)))
    g = sp.lambdify((a, b), logsumexp(a, b), "numpy")
    assert np.isclose(g(1.0, 2.0), np.log(np.exp(1.0) + np.exp(2.0)))


def test_softplus_and_logsumexp_derivatives():
    assert sp.diff(softplus(z), z) == sigmoid(z)
    grad = sp.diff(logsumexp(a, b), a)
    assert sp.simplify(grad - sp.exp(a) / (sp.exp(a) + sp.exp(b))) == 0
    assert sp.simplify(sp.diff(logit(p), p) - 1 / (p * (1 - p))) == 0


def test_to_elementary_removes_our_functions():
    expr = to_elementary(sigmoid(z) * softplus(z) + logsumexp(a, b))
    assert not expr.has(sigmoid, softplus, logsumexp)


def test_latex_of_powers():
    assert sp.latex(sigmoid(z) ** 2) == r"\sigma\left(z\right)^{2}"
    assert sp.latex(softplus(z) ** 2).endswith("^{2}")


def test_named_prints_its_name_and_differentiates_through_its_expression() -> None:
    from derivkit import named
    from derivkit.handouts.latex_printer import to_latex

    w1, w2 = sp.symbols("w1 w2", real=True)
    cost = sp.log(1 + sp.exp(-(w1 + 2 * w2)))
    J = named("J", cost, (w1, w2))
    assert to_latex(J) == r"J{\left(w_{1},w_{2} \right)}"
    assert sp.simplify(sp.diff(J, w2) - sp.diff(cost, w2)) == 0
    assert sp.simplify(sp.diff(J, w1, w2) - sp.diff(cost, w1, w2)) == 0
