"""The mission derivations: every step proved, the named results equal to their closed forms,
a copy with one wrong step caught at that step, and every script runnable on its own."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derivkit import Relation, equivalent, sigmoid
from derivkit.derivation import registry
from derivkit.cli import main
from derivkit.derivation import Derivation
from derivkit.derivation.steps import EquationRewrite, Operation, Rewrite, SolveFor, StepVerdict

ROOT = Path(__file__).resolve().parents[2]
MISSION = ("sigmoid-from-logit", "softmax-from-multinomial", "bce-gradient", "cce-gradient", "chain-rule")
RESULTS = {
    "sigmoid-from-logit": {"sigmoid", "logit-inverts-sigmoid", "sigmoid-symmetry", "sigmoid-derivative"},
    "softmax-from-multinomial": {"softmax", "log-likelihood", "softmax-two-classes"},
    "bce-gradient": {"bce-grad-logit", "bce-grad-weight", "bce-grad-bias"},
    "cce-gradient": {"softmax-jacobian", "cce-grad-logit", "cce-grad-weight"},
    "chain-rule": {"chain-rule", "product-rule", "quotient-rule"},
}


def symbol_of(derivation: Derivation, name: str) -> sp.Basic:
    """The derivation's own object (symbol, IndexedBase, Idx, function) called ``name``."""
    for variable in derivation.variables:
        if str(getattr(variable.symbol, "name", variable.symbol)) == name:
            return variable.symbol
    raise KeyError(name)


def proved_equal(a: sp.Expr, b: sp.Expr, derivation: Derivation) -> bool:
    return equivalent(a, b, derivation.domains).status == "proved"


# -- every derivation verifies ----------------------------------------------------------------

def test_the_five_mission_derivations_are_registered():
    assert set(MISSION) <= set(registry.ids())


@pytest.mark.parametrize("derivation", registry.load_all(), ids=lambda d: d.id)
def test_every_step_is_proved(derivation: Derivation):
    report = derivation.verify()
    assert report.verified, [f"{s.index}: {s.message}" for s in report.failures]
    assert all(s.status == "proved" for s in report.steps), [(s.index, s.status) for s in report.steps]


@pytest.mark.parametrize("derivation", registry.load_all(), ids=lambda d: d.id)
def test_handout_material_is_complete(derivation: Derivation):
    steps = derivation.steps
    assert steps and all(step.rule for step in steps)
    assert 1 <= sum(step.exercise for step in steps) <= 4
    assert 1 <= len(derivation.examples) and 2 <= len(derivation.exercises) <= 3
    for example in derivation.examples:
        assert example.value().is_number


@pytest.mark.parametrize("derivation", [d for d in registry.load_all() if d.id != "sigmoid-from-logit"],
                         ids=lambda d: d.id)
def test_new_derivations_justify_every_step(derivation: Derivation):
    assert all(step.justification for step in derivation.steps)
    assert 1 <= sum(step.exercise for step in derivation.steps) <= 3


def test_figure_names():
    figures = {i: registry.load(i).figures for i in MISSION}
    assert figures["softmax-from-multinomial"] == ["softmax-two-classes"]  # each in its handout's symbols
    assert figures["bce-gradient"] == ["bce-loss-and-slope"]
    assert figures["chain-rule"] == ["chain-rule-circle"]
    assert registry.load("loss-surface-two-weights").figures == ["toy-cost-surface"]
    assert figures["sigmoid-from-logit"] == ["sigmoid"]
    assert figures["cce-gradient"] == []  # no figure of its own; the handouts share the softmax one


@pytest.mark.parametrize("derivation_id", MISSION)
def test_result_names_are_the_contract(derivation_id: str):
    derivation = registry.load(derivation_id)
    assert set(derivation.results) == RESULTS[derivation_id]
    first = next(c for c in derivation.chains if c.conclusion)
    assert derivation.result == derivation.results[first.conclusion]


def test_verify_json_lists_the_five_derivations(capsys: pytest.CaptureFixture[str]):
    status = main(["verify", "--json", *MISSION])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    reports = {d["id"]: d for d in data["derivations"]}
    assert set(reports) == set(MISSION)
    for report in reports.values():
        assert report["verified"] is True
        assert report["steps"] and all(step["verdict"] == "proved" for step in report["steps"])
        assert [step["index"] for step in report["steps"]] == list(range(1, len(report["steps"]) + 1))


def test_exercise_answers_can_be_typed():
    parsing = pytest.importorskip("derivkit.parsing")
    for derivation_id in registry.ids():
        for exercise in registry.load(derivation_id).exercises:
            text = sp.sstr(exercise.answer).replace("**", "^")
            typed = parsing.parse_text(text)
            assert equivalent(typed, exercise.answer, exercise.assume).status == "proved", (derivation_id, text)


# -- the named results, against their closed forms ------------------------------------------------

def test_softmax_results():
    d = registry.load("softmax-from-multinomial")
    K, k, z, p, y = (symbol_of(d, name) for name in ("K", "k", "z", "p", "y"))
    j, c = sp.Symbol("j", integer=True), sp.Symbol("k", integer=True)
    softmax = d.results["softmax"]
    assert softmax.lhs == p[k]
    closed = sp.exp(z[k]) / sp.Sum(sp.exp(z[j]), (j, 1, K))
    assert softmax.rhs == closed
    ll = d.results["log-likelihood"]
    assert ll.lhs == sp.Sum(y[c] * sp.log(p[c]), (c, 1, K))
    assert proved_equal(ll.rhs, sp.Sum(y[c] * z[c], (c, 1, K)) - sp.Sum(y[c], (c, 1, K)) * sp.log(sp.Sum(sp.exp(z[j]), (j, 1, K))), d)
    two = d.results["softmax-two-classes"]
    assert two.rhs == sigmoid(z[1] - z[2])
    assert proved_equal(two.lhs, two.rhs, d)
    assert sp.simplify((two.lhs.doit() - two.rhs).rewrite(sp.exp)) == 0


@pytest.mark.parametrize("classes", [2, 3, 4, 5, 6])
def test_softmax_instances(classes: int):
    d = registry.load("softmax-from-multinomial")
    K, k, z, p, y = (symbol_of(d, name) for name in ("K", "k", "z", "p", "y"))
    c = sp.Symbol("k", integer=True)
    softmax = d.results["softmax"].rhs
    probabilities = [softmax.subs({K: classes, k: r}).doit() for r in range(1, classes + 1)]
    total = sum(sp.exp(z[r]) for r in range(1, classes + 1))
    assert sp.simplify(sum(probabilities) - 1) == 0
    assert all(sp.simplify(q - sp.exp(z[r + 1]) / total) == 0 for r, q in enumerate(probabilities))
    # the log-likelihood at this K: sum_k y_k log p_k with these probabilities
    ll = d.results["log-likelihood"]
    at_k = ll.rhs.subs(K, classes).doit()
    direct = sum(y[r + 1] * sp.log(q) for r, q in enumerate(probabilities))
    assert proved_equal(direct, at_k, d)
    assert ll.lhs.subs(K, classes).doit().xreplace({p[r + 1]: q for r, q in enumerate(probabilities)}) == direct
    # log p_k - z_k is the same for every class: a shared normaliser
    offsets = {sp.simplify(sp.expand_log(sp.log(q), force=True) - z[r + 1]) for r, q in enumerate(probabilities)}
    assert len(offsets) == 1
    if classes == 2:
        assert proved_equal(probabilities[0], sigmoid(z[1] - z[2]), d)


def test_bce_results():
    d = registry.load("bce-gradient")
    z, y, b, w, x, i, n = (symbol_of(d, name) for name in ("z", "y", "b", "w", "x", "i", "n"))
    grad = d.results["bce-grad-logit"]
    loss = -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z)))
    assert grad.lhs == sp.Derivative(loss, z)
    assert sp.simplify(grad.rhs - (sigmoid(z) - y)) == 0
    assert equivalent(sp.diff(loss, z), grad.rhs, {"y": "[0,1]"}).status == "proved"
    weight = d.results["bce-grad-weight"]
    assert sp.simplify(weight.rhs - (sigmoid(z) - y) * x[i]) == 0
    assert isinstance(weight.lhs, sp.Derivative) and weight.lhs.variables == (w[i],)
    bias = d.results["bce-grad-bias"]
    assert sp.simplify(bias.rhs - (sigmoid(z) - y)) == 0
    assert isinstance(bias.lhs, sp.Derivative) and bias.lhs.variables == (b,)
    # the general weight gradient at n = 3 features, against direct differentiation
    j = sp.Symbol("j", integer=True)
    score = sp.Sum(w[j] * x[j], (j, 1, n)) + b
    for feature in (1, 2, 3):
        direct = sp.diff(weight.lhs.expr.subs(n, 3).doit(), w[feature])
        closed = weight.rhs.subs({i: feature, z: score.subs(n, 3).doit()})
        assert proved_equal(direct, closed, d)


def test_cce_results():
    d = registry.load("cce-gradient")
    K, i, j, k, z, y, W, x = (symbol_of(d, name) for name in ("K", "i", "j", "k", "z", "y", "W", "x"))
    l = sp.Symbol("l", integer=True)
    S = sp.Sum(sp.exp(z[l]), (l, 1, K))
    jac = d.results["softmax-jacobian"]
    assert jac.lhs == sp.Derivative(sp.exp(z[i]) / S, z[j])
    pi, pj = sp.exp(z[i]) / S, sp.exp(z[j]) / S
    assert proved_equal(jac.rhs, pi * (sp.KroneckerDelta(i, j) - pj), d)
    grad = d.results["cce-grad-logit"]
    assert grad.rhs == pj - y[j]
    assert isinstance(grad.lhs, sp.Derivative) and grad.lhs.variables == (z[j],)
    weight = d.results["cce-grad-weight"]
    assert weight.rhs == (pj - y[j]) * x[k]
    assert isinstance(weight.lhs, sp.Derivative) and weight.lhs.variables == (W[j, k],)


def test_cce_instance_k3_matches_the_general_gradient():
    d = registry.load("cce-gradient")
    K, j, z, y = (symbol_of(d, name) for name in ("K", "j", "z", "y"))
    c = sp.Symbol("c", integer=True)
    loss = -sp.Sum(y[c] * sp.log(sp.exp(z[c]) / sp.Sum(sp.exp(z[c]), (c, 1, 3))), (c, 1, 3)).doit()
    general = d.results["cce-grad-logit"].rhs
    for cls in (1, 2, 3):
        direct = sp.diff(loss, z[cls])
        closed = general.subs({K: 3, j: cls}).doit()
        # the gradient is p_j - y_j only when the labels sum to one: use y_3 = 1 - y_1 - y_2
        one_hot = {y[3]: 1 - y[1] - y[2]}
        assert proved_equal(direct.subs(one_hot), closed.subs(one_hot), d)
        assert not proved_equal(direct, closed, d)  # without the assumption it is false


def test_chain_rule_results():
    d = registry.load("chain-rule")
    x, u, v, f, g, h = (symbol_of(d, name) for name in ("x", "u", "v", "f", "g", "h"))
    rule = d.results["chain-rule"]
    assert rule.lhs == sp.Derivative(h(f(x), g(x)), x)
    assert sp.simplify(rule.rhs.doit() - sp.diff(h(f(x), g(x)), x)) == 0
    product = d.results["product-rule"]
    assert product.lhs == sp.Derivative(f(x) * g(x), x)
    assert sp.expand(product.rhs - sp.diff(f(x) * g(x), x)) == 0
    quotient = d.results["quotient-rule"]
    assert quotient.lhs == sp.Derivative(f(x) / g(x), x)
    assert sp.simplify(quotient.rhs - sp.diff(f(x) / g(x), x)) == 0
    # the general rule instantiated with h(u, v) = u v gives the product rule
    instance = rule.rhs.subs(h, sp.Lambda((u, v), u * v)).doit()
    assert sp.expand(instance - product.rhs) == 0
    # and with concrete inner functions it agrees with direct differentiation
    concrete = rule.rhs.subs(h, sp.Lambda((u, v), u**2 + sp.sin(v))).subs({f(x): x**2, g(x): sp.exp(x)}).doit()
    assert sp.simplify(concrete - sp.diff(x**4 + sp.sin(sp.exp(x)), x)) == 0


# -- a copy with one wrong step fails at that step ----------------------------------------------

def with_wrong_step(derivation: Derivation, rule: str, occurrence: int = 0, **changes) -> tuple[Derivation, int]:
    """A copy of the derivation in which the step with this rule is replaced by ``changes``."""
    matches = [s for s in derivation.steps if s.rule == rule]
    target = matches[occurrence]
    bad = copy.copy(derivation)
    bad.chains = []
    for chain in derivation.chains:
        twin = copy.copy(chain)
        twin.steps = [dataclasses.replace(s, **changes) if s is target else s for s in chain.steps]
        bad.chains.append(twin)
    return bad, target.index


def assert_fails_at(bad: Derivation, index: int, counterexample: bool) -> StepVerdict:
    report = bad.verify()
    assert not report.verified
    assert [f.index for f in report.failures] == [index]
    failure = report.failures[0]
    assert failure.status == "failed"
    if counterexample:
        assert failure.counterexample is not None, failure.message
        assert failure.counterexample.point and " but " in failure.message
    summary = bad.report_text(report)
    assert f"[FAILED ] {index:>2}." in summary
    return failure


def test_wrong_sigmoid_derivative_fails():
    d = registry.load("sigmoid-from-logit")
    z = symbol_of(d, "z")
    bad, index = with_wrong_step(d, "differentiate $1/(1+e^{-z})$", stated=sigmoid(z) * (1 + sigmoid(z)))
    assert_fails_at(bad, index, counterexample=True)


def test_wrong_normaliser_in_softmax_fails():
    d = registry.load("softmax-from-multinomial")
    K, z = symbol_of(d, "K"), symbol_of(d, "z")
    j = sp.Symbol("j", integer=True)
    wrong = sp.Sum(sp.exp(z[j]), (j, 1, K - 1))  # a solve with a wrong stated solution: one class left out
    bad, index = with_wrong_step(d, "solve for $Z$", stated=wrong)
    assert isinstance([s for s in bad.steps if s.index == index][0], SolveFor)
    failure = assert_fails_at(bad, index, counterexample=True)
    assert "K" in failure.counterexample.point


def test_wrong_two_class_softmax_fails():
    d = registry.load("softmax-from-multinomial")
    z = symbol_of(d, "z")
    bad, index = with_wrong_step(d, "recognise the sigmoid", after=sigmoid(z[2] - z[1]))
    assert_fails_at(bad, index, counterexample=True)


def test_bce_weight_gradient_without_x_fails():
    d = registry.load("bce-gradient")
    z, y = symbol_of(d, "z"), symbol_of(d, "y")
    rule = r"the chain rule: $\partial L/\partial z$ times $\partial z/\partial w_i$"
    step = next(s for s in d.steps if s.rule == rule)
    assert isinstance(step, Operation)
    delta_sum = next(factor for factor in step.stated.args if factor.has(sp.KroneckerDelta))
    missing = step.stated.xreplace({delta_sum: sp.S.One})  # sigma(w.x + b) - y, without the x_i factor
    assert not missing.has(sp.KroneckerDelta) and missing.has(sigmoid)
    bad, index = with_wrong_step(d, rule, stated=missing)
    assert_fails_at(bad, index, counterexample=True)
    # and the concrete three-feature version
    bad, index = with_wrong_step(d, rule.replace("w_i", "w_1"), stated=sigmoid(z) - y)
    assert_fails_at(bad, index, counterexample=True)


def test_bce_rewrite_that_drops_a_term_fails():
    d = registry.load("bce-gradient")
    y, z = symbol_of(d, "y"), symbol_of(d, "z")
    bad, index = with_wrong_step(d, r"cancel $\sigma$ and $1 - \sigma$", after=-y * (1 - sigmoid(z)))
    assert isinstance([s for s in bad.steps if s.index == index][0], Rewrite)
    assert_fails_at(bad, index, counterexample=True)


def test_wrong_sign_in_softmax_jacobian_fails():
    d = registry.load("cce-gradient")
    i, j, z, K = (symbol_of(d, name) for name in ("i", "j", "z", "K"))
    l = sp.Symbol("l", integer=True)
    S = sp.Sum(sp.exp(z[l]), (l, 1, K))
    bracket = sp.KroneckerDelta(i, j) + sp.exp(z[j]) / S  # + p_j instead of - p_j
    bad, index = with_wrong_step(d, "factor out $p_i$", after=sp.exp(z[i]) / S * bracket)
    failure = assert_fails_at(bad, index, counterexample=True)
    assert {"K", "i", "j"} <= set(failure.counterexample.point)


def test_cce_gradient_without_the_label_assumption_fails():
    d = registry.load("cce-gradient")
    bad, index = with_wrong_step(d, "the labels sum to one", occurrence=0, needs=())
    assert_fails_at(bad, index, counterexample=True)


def test_chain_rule_rewrite_that_drops_a_term_fails():
    d = registry.load("chain-rule")
    x, f, g = (symbol_of(d, name) for name in ("x", "f", "g"))
    # undefined functions cannot be sampled: the step is not proved, so it fails without a point
    partials = r"$\partial h/\partial u = v$, $\partial h/\partial v = u$"
    bad, index = with_wrong_step(d, partials, after=g(x) * sp.Derivative(f(x), x))
    assert_fails_at(bad, index, counterexample=False)
    # the concrete case can be sampled, so the failure comes with a counterexample
    bad, index = with_wrong_step(d, "simplify", after=4 * x**3)
    assert_fails_at(bad, index, counterexample=True)


def test_wrong_equation_rewrite_fails():
    d = registry.load("softmax-from-multinomial")
    K, z, Z = (symbol_of(d, name) for name in ("K", "z", "Z"))
    j = sp.Symbol("j", integer=True)
    rule = "$Z$ does not depend on $j$"
    step = next(s for s in d.steps if s.rule == rule)
    assert isinstance(step, EquationRewrite)
    bad, index = with_wrong_step(d, rule, after=Relation(sp.Sum(sp.exp(z[j]), (j, 1, K)) * Z, 1))
    assert_fails_at(bad, index, counterexample=True)


# -- engine support the derivations rely on ----------------------------------------------------

def test_sums_differing_only_in_the_index_name_are_equal():
    K = sp.Symbol("K", integer=True)
    j, k = sp.symbols("j k", integer=True)
    z = sp.IndexedBase("z", real=True)
    verdict = equivalent(sp.Sum(sp.exp(z[k]), (k, 1, K)), sp.Sum(sp.exp(z[j]), (j, 1, K)), {"K": "integer"})
    assert verdict.status == "proved"


def test_kronecker_sum_uses_the_index_range():
    n = sp.Symbol("n", integer=True)
    j = sp.Symbol("j", integer=True)
    x = sp.IndexedBase("x", real=True)
    inside, free = sp.Idx("i", (1, n)), sp.Symbol("i", integer=True)
    assert equivalent(sp.Sum(sp.KroneckerDelta(inside, j) * x[j], (j, 1, n)), x[inside], {"n": "integer"}).status == "proved"
    # without a declared range the sum is 0 for i outside 1..n, so it is not x_i
    assert equivalent(sp.Sum(sp.KroneckerDelta(free, j) * x[j], (j, 1, n)), x[free], {"n": "integer"}).status != "proved"


def test_index_range_is_not_assumed_for_a_summation_index():
    K = sp.Symbol("K", integer=True)
    j = sp.Idx("j", (1, K))
    x = sp.IndexedBase("x", real=True)
    # j runs over 1..2K here, beyond its declared range, so K >= j must not be taken as true
    clipped = sp.Sum(sp.Piecewise((x[j], K >= j), (0, True)), (j, 1, 2 * K))
    assert equivalent(clipped, sp.Sum(x[j], (j, 1, 2 * K)), {"K": "integer"}).status != "proved"


def test_general_sum_claim_refuted_at_a_small_size():
    K = sp.Symbol("K", integer=True)
    k = sp.Symbol("k", integer=True)
    y = sp.IndexedBase("y", real=True)
    verdict = equivalent(sp.Sum(y[k], (k, 1, K)), 1, {"K": "integer", "y": "[0,1]"})
    assert verdict.status == "refuted"
    point = verdict.counterexample.point
    assert "K" in point and all(0 <= float(sp.Rational(v)) <= 1 for name, v in point.items() if name.startswith("y["))


def test_indexed_atoms_take_the_domain_of_their_base():
    k = sp.Symbol("k", integer=True)
    p = sp.IndexedBase("p")
    # log(p_k^2) = 2 log p_k holds for p_k > 0, not for every real p_k
    assert equivalent(sp.log(p[k] ** 2), 2 * sp.log(p[k]), {"p": "positive"}).status == "proved"
    assert equivalent(sp.log(p[1] ** 2), 2 * sp.log(p[1]), {"p": "real"}).status == "refuted"


# -- the scripts run on their own ----------------------------------------------------------------

@pytest.mark.parametrize("script", ["bce_gradient.py", "softmax_from_multinomial.py", "cce_gradient.py",
                                    "chain_rule.py"])
def test_script_runs_on_its_own(script: str):
    done = subprocess.run([sys.executable, str(ROOT / "derivations" / script)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "proved" in done.stdout and "FAILED" not in done.stdout
    assert "Status: every step verified" in done.stdout


def test_built_in_steps_are_written_as_on_paper_not_built_unevaluated():
    """Issue 13: a form kept as written is stated in the text or LaTeX step syntax (read with the
    derivation's declared notation), never built inside ``sp.evaluate(False)`` for display."""
    scripts = sorted((ROOT / "derivations").glob("*.py"))
    assert len(scripts) >= 15
    offenders = [f"{path.name}:{number}" for path in scripts
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if "evaluate(False)" in line]
    assert offenders == []
