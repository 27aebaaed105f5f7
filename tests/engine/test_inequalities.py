"""Claims that are not identities: inequalities, "not equal", limits, and matrix results
(gradients, Hessians), decided by the engine and recorded as derivation steps."""

from __future__ import annotations

import pytest
import sympy as sp

from derivkit import Derivation, equivalent, sigmoid
from derivkit.errors import DerivationError
from derivkit.engine.inequalities import decide, gap

z = sp.Symbol("z", real=True)
w1, w2 = sp.symbols("w1 w2", real=True)
quarter = sp.Rational(1, 4)


# -- inequalities -----------------------------------------------------------------------------

@pytest.mark.parametrize(("lhs", "op", "rhs", "domains"), [
    (sigmoid(z) * (1 - sigmoid(z)), "<=", quarter, None),
    (sigmoid(z), ">", 0, None),
    (z ** 2 + 1, ">", 0, None),
    (sigmoid(z) * sigmoid(-z) * (w1 + 2 * w2) ** 2, ">=", 0, None),
    (1 / (1 - sp.Symbol("p", positive=True)) ** 2, ">", 0, {"p": "(0,1)"}),
    (sp.Rational(21, 10), ">", 1, None),
    # exp is strictly increasing: e^u <= 1 on u <= 0 (logsumexp's "nothing overflows"), e^u < e^(u+1)
    (sp.exp(sp.Symbol("u")), "<=", 1, {"u": "(-oo,0]"}),
    (sp.exp(sp.Symbol("u")), "<", 1, {"u": "(-oo,0)"}),
    (sp.exp(-(z ** 2)), "<=", 1, None),
    (sp.exp(z), "<", sp.exp(z + 1), None),
    (2, ">=", sp.exp(sp.Symbol("u")), {"u": "(-oo,0]"}),
    # log too, where its arguments are positive: one step of LSE <= max + log K
    (sp.log(1 + sp.exp(sp.Symbol("u")) + sp.exp(z)), "<=", sp.log(2 + sp.exp(z)), {"u": "(-oo,0]"}),
    (sp.log(1 + sp.exp(z)), ">", z, None),  # softplus(z) > z: z = log e^z
])
def test_true_inequalities_are_proved(lhs, op, rhs, domains) -> None:
    verdict = decide(lhs, rhs, op, domains)
    assert (verdict.status, verdict.method) == ("proved", "sign"), verdict.message


@pytest.mark.parametrize(("lhs", "op", "rhs", "at"), [
    (sigmoid(z) * (1 - sigmoid(z)), "<=", sp.Rational(1, 5), None),  # the bound is 1/4
    (z ** 2, ">", 0, {"z": "0"}),  # strict fails exactly at zero, which random sampling avoids
    (sigmoid(z), ">", sp.Rational(1, 2), None),  # only for z > 0
    (sp.Rational(2, 3), "<", sp.Rational(1, 2), {}),
    (sp.exp(z), "<=", 1, None),  # only for z <= 0: monotonicity must not prove it on the reals
    (sp.exp(z), "<", sp.exp(z), None),  # equal sides: never strictly smaller
    (sp.log(1 + sp.exp(z)), "<=", sp.log(2), None),  # only for z <= 0
])
def test_false_inequalities_are_refuted_with_a_counterexample(lhs, op, rhs, at) -> None:
    verdict = decide(lhs, rhs, op)
    assert verdict.status == "refuted" and verdict.counterexample is not None, verdict.message
    if at is not None:
        assert dict(verdict.counterexample.point) == at
    point = {sp.Symbol(k, real=True): sp.Rational(v) for k, v in verdict.counterexample.point.items()}
    holds = {"<": sp.StrictLessThan, "<=": sp.LessThan, ">": sp.StrictGreaterThan, ">=": sp.GreaterThan}[op]
    assert holds(sp.N(lhs.subs(point), 50), sp.N(rhs.subs(point) if isinstance(rhs, sp.Basic) else rhs, 50)) == sp.false


def test_a_quadratic_form_of_many_sigmoid_weights_is_proved_term_by_term() -> None:
    scores = sp.symbols("s1:9", real=True)
    v1, v2 = sp.symbols("v1 v2", real=True)
    form = sum(sigmoid(s) * (1 - sigmoid(s)) * ((n + 1) * v1 - (n % 3) * v2) ** 2 for n, s in enumerate(scores))
    verdict = decide(form, 0, ">=")  # simplify() on the whole sum took minutes; the walk is instant
    assert verdict.status == "proved"


def test_a_true_but_unprovable_inequality_is_numeric_never_proved() -> None:
    verdict = decide(sp.exp(z), z, ">")  # true, but SymPy's assumptions cannot see it
    assert verdict.status == "numeric"


def test_gap_is_larger_minus_smaller() -> None:
    assert gap(z, 1, "<") == 1 - z and gap(z, 1, ">=") == z - 1


def test_unknown_relation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown relation"):
        decide(z, 1, "=>")


# -- not equal ----------------------------------------------------------------------------------

def test_different_constants_are_proved_different_exactly() -> None:
    verdict = decide(sp.Rational(1, 6), sp.Rational(2, 9), "!=")
    assert (verdict.status, verdict.method) == ("proved", "exact")


def test_functions_that_differ_somewhere_are_proved_different() -> None:
    x = [sp.Symbol(f"x{i}", real=True) for i in (1, 2, 3)]
    l1 = sp.Abs(x[0]) / sum(sp.Abs(v) for v in x)
    verdict = decide(l1, l1.subs({v: v + 1 for v in x}, simultaneous=True), "!=")
    assert verdict.status == "proved" and verdict.counterexample is not None


def test_equal_things_are_not_called_different() -> None:
    assert decide(sigmoid(-z), 1 - sigmoid(z), "!=").status == "refuted"


# -- limits and matrices in the engine ----------------------------------------------------------

def test_distinct_infinities_are_different_values() -> None:
    assert equivalent(sp.oo, sp.oo).status == "proved"
    verdict = equivalent(sp.oo, -sp.oo)
    assert verdict.status == "refuted" and verdict.counterexample is not None
    assert equivalent(sp.Integer(0), sp.oo).status == "refuted"


def test_matrices_are_compared_entry_by_entry() -> None:
    assert equivalent(sp.Matrix([z * (z + 1), w1]), sp.Matrix([z ** 2 + z, w1])).status == "proved"
    wrong = equivalent(sp.Matrix([z * (z + 1), w1]), sp.Matrix([z ** 2 + z, w1 + 1]))
    assert wrong.status == "refuted" and wrong.message.startswith("entry (2, 1)")
    shapes = equivalent(sp.Matrix([z, w1]), sp.Matrix([[z, w1]]))
    assert shapes.status == "refuted" and "shapes differ" in shapes.message


# -- as derivation steps -----------------------------------------------------------------------

def small() -> tuple[Derivation, sp.Symbol, sp.Symbol]:
    d = Derivation("small", "Small", "Steps that are not identities.")
    p = d.symbol("p", "(0,1)", "a probability")
    x = d.symbol("z", "real", "a score")
    return d, p, x


def test_chain_of_equal_and_comparison_steps_concludes_the_comparison() -> None:
    d, _, x = small()
    c = d.chain("The slope is at most a quarter")
    c.start(sigmoid(x) * (1 - sigmoid(x)), rule="the slope")
    c.equals(sigmoid(x) * sigmoid(-x), rule="symmetry", justification="$1 - \\sigma(z) = \\sigma(-z)$.")
    c.compare("<=", quarter, rule="bound", justification="$(\\sigma - 1/2)^2 \\ge 0$.")
    c.conclude("slope-bound")
    report = d.verify()
    assert report.verified and [s.status for s in report.steps] == ["proved", "proved"]
    result = d.results["slope-bound"]
    assert (result.op, result.rhs) == ("<=", quarter)
    assert equivalent(result.lhs, sigmoid(x) * (1 - sigmoid(x))).status == "proved"


def test_a_wrong_bound_fails_naming_the_step_with_a_counterexample() -> None:
    d, _, x = small()
    c = d.chain("A wrong bound")
    c.start(sigmoid(x) * (1 - sigmoid(x)), rule="the slope")
    c.compare("<=", sp.Rational(1, 5), rule="a bound that is too tight")
    (verdict,) = d.verify().steps
    assert verdict.status == "failed" and verdict.index == 1
    assert "is false" in verdict.message and verdict.counterexample is not None


def test_limits_are_computed_and_a_wrong_stated_limit_fails() -> None:
    d, p, _ = small()
    d.chain("odds at 1").start(p / (1 - p)).limit(p, 1, sp.oo, "-", rule="p to 1")
    d.chain("odds at 0").start(p / (1 - p)).limit(p, 0, 0, "+", rule="p to 0")
    d.chain("wrong").start(sp.log(p)).limit(p, 0, sp.oo, "+", rule="a wrong limit")
    right_at_one, right_at_zero, wrong = d.verify().steps
    assert right_at_one.status == right_at_zero.status == "proved"
    assert wrong.status == "failed" and "-oo" in wrong.message


def test_gradient_and_hessian_steps_compare_matrices() -> None:
    d, _, _ = small()
    a, b = d.symbol("w1"), d.symbol("w2")
    s = a + 2 * b
    cost = sp.log(1 + sp.exp(-s))
    d.chain("gradient").start(cost).gradient((a, b), sp.Matrix([-sigmoid(-s), -2 * sigmoid(-s)]), rule="grad")
    d.chain("hessian").start(cost).hessian((a, b), sigmoid(s) * sigmoid(-s) * sp.Matrix([[1, 2], [2, 4]]),
                                           rule="hess")
    d.chain("wrong").start(cost).gradient((a, b), sp.Matrix([-sigmoid(-s), -sigmoid(-s)]), rule="forgot the 2")
    grad, hess, wrong = d.verify().steps
    assert grad.status == hess.status == "proved"
    assert wrong.status == "failed" and "entry (2, 1)" in wrong.message and wrong.counterexample is not None


def test_not_equal_must_end_the_chain_and_directions_must_agree() -> None:
    d, _, x = small()
    c = d.chain("differ").start(sp.Rational(1, 6)).compare("!=", sp.Rational(2, 9), rule="differ")
    assert c.final.op == "!=" and d.verify().verified
    mixed = d.chain("mixed").start(x ** 2 + 1).compare(">=", 1, rule="a").compare("<=", 5, rule="b")
    with pytest.raises(DerivationError, match="mixes"):
        mixed.final
    after = d.chain("after").start(x).compare("!=", x + 1, rule="a").compare(">", x - 1, rule="b")
    with pytest.raises(DerivationError, match="only comparison"):
        after.final
    with pytest.raises(DerivationError, match="compare"):
        d.chain("eq").start(x).compare("=", x, rule="use equals")


# -- what a chain concludes ------------------------------------------------------------------------

def test_a_chain_concludes_about_its_last_operation_not_its_start() -> None:
    d, _, x = small()
    c = d.chain("rewrite, then differentiate")
    c.start(sigmoid(x), rule="the sigmoid")
    c.equals(1 / (1 + sp.exp(-x)), rule="definition")
    c.differentiate(x, sp.exp(-x) / (1 + sp.exp(-x)) ** 2, rule="differentiate")
    c.equals(sigmoid(x) * (1 - sigmoid(x)), rule="factor")
    lhs, rhs = c.final
    assert lhs == sp.Derivative(1 / (1 + sp.exp(-x)), x)  # never "sigma(z) = sigma(z)(1 - sigma(z))"
    assert equivalent(lhs.doit(), rhs).status == "proved"


def test_substituting_values_is_shown_as_evaluation_and_a_definition_keeps_the_identity() -> None:
    d, p, x = small()
    at = d.chain("odds at a point").start(p / (1 - p)).substitute({p: sp.Rational(1, 5)}, sp.Rational(1, 4),
                                                                  rule="p = 1/5")
    assert isinstance(at.final.lhs, sp.Subs) and at.final.rhs == sp.Rational(1, 4)
    big = sp.Symbol("Z", positive=True)
    defined = d.chain("a definition").start(sp.log(big)).substitute({big: 1 + sp.exp(x)}, sp.log(1 + sp.exp(x)),
                                                                    rule="Z = 1 + e^z")
    assert defined.final.lhs == sp.log(big)
    assert d.verify().verified
