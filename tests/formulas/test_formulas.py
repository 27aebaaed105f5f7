"""derivkit.formulas and the catalogue: every formula is what its derivation proves.

The re-derivation tests rebuild each catalogue formula from derivkit.formulas *in the
derivation's own symbols* (IndexedBase z, y with a symbolic K; undefined f, g, h) and ask
the equivalence engine to prove it equal to what the derivation's final step computed.
Sums over a symbolic K are compared at K = 3 (substitute, then ``doit``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sympy as sp

from derivkit import equivalent
from derivkit.derivation import registry
from derivkit import formulas as F
from derivkit.formulas.catalogue import CATALOGUE, UnknownFormula, get, names
from derivkit.functions import sigmoid
from derivkit.derivation.steps import Relation

z, y, p, x = sp.symbols("z y p x", real=True)
Z3 = sp.symbols("z1:4", real=True)
Y3 = sp.symbols("y1:4", real=True)


def proved(a: sp.Expr, b: sp.Expr, domains: dict[str, str] | None = None) -> None:
    verdict = equivalent(a, b, domains or {}, budget=20)
    assert verdict.status == "proved", f"{sp.sstr(a)} vs {sp.sstr(b)}: {verdict.status}: {verdict.message}"


# -- the symbolic API -------------------------------------------------------------------------

def test_softmax_sums_to_one_and_log_softmax_is_its_log():
    s = F.softmax(Z3)
    assert isinstance(s, list) and len(s) == 3
    proved(sp.Add(*s), 1)
    for ls, sk in zip(F.log_softmax(Z3), s):
        proved(ls, sp.log(sk))
    proved(F.logsumexp(Z3), sp.log(sp.Add(*[sp.exp(v) for v in Z3])))


def test_vector_inputs_are_checked():
    with pytest.raises(ValueError, match="must not be empty"):
        F.softmax([])
    with pytest.raises(TypeError, match="sequence"):
        F.softmax(z)
    with pytest.raises(ValueError, match="y has 2 entries but z has 3"):
        F.softmax_cross_entropy_with_logits(Y3[:2], Z3)
    assert F.softmax(sp.Matrix(Z3)) == F.softmax(Z3)


def test_gradients_are_the_derivatives_of_the_losses():
    proved(F.sigmoid_grad(z), sp.diff(F.sigmoid(z), z))
    proved(F.binary_cross_entropy_with_logits_grad(y, z), sp.diff(F.binary_cross_entropy_with_logits(y, z), z),
           {"y": "[0,1]"})
    loss = F.softmax_cross_entropy_with_logits(Y3, Z3)
    for k, grad in enumerate(F.softmax_cross_entropy_with_logits_grad(Y3, Z3)):
        proved(grad, sp.diff(loss, Z3[k]))


def test_softmax_jacobian_is_the_jacobian_of_the_softmax():
    jac = F.softmax_jacobian(Z3)
    assert jac.shape == (3, 3)
    computed = sp.Matrix(F.softmax(Z3)).jacobian(Z3)
    for i in range(3):
        for j in range(3):
            proved(jac[i, j], computed[i, j])


def test_losses_on_probabilities_and_on_logits_agree():
    proved(F.binary_cross_entropy(y, F.sigmoid(z)), F.binary_cross_entropy_with_logits(y, z), {"y": "[0,1]"})
    proved(F.categorical_cross_entropy(Y3, F.softmax(Z3)), F.softmax_cross_entropy_with_logits(Y3, Z3))
    proved(F.binary_cross_entropy(y, p), -(y * sp.log(p) + (1 - y) * sp.log(1 - p)))


def test_chain_rule_for_concrete_and_undefined_functions():
    assert sp.simplify(F.chain_rule(lambda u, v: u * v, sp.sin(x), sp.exp(x), x)
                       - sp.diff(sp.sin(x) * sp.exp(x), x)) == 0
    h, f, g = sp.Function("h"), sp.Function("f")(x), sp.Function("g")(x)
    proved(F.chain_rule(h, f, g, x), sp.diff(h(f, g), x))
    u, v = sp.symbols("u v")
    proved(F.chain_rule(sp.Lambda((u, v), u / v), f, g, x), F.quotient_rule(f, g, x))
    proved(F.chain_rule(lambda a, b: a * b, f, g, x), F.product_rule(f, g, x))
    with pytest.raises(ValueError, match="two arguments"):
        F.chain_rule(sp.Lambda(u, u), f, g, x)


# -- the catalogue ------------------------------------------------------------------------------

def test_catalogue_names_are_unique_and_tied_to_a_derivation():
    assert len(names()) == len(set(names()))
    for formula in CATALOGUE:
        assert formula.derivation and formula.result and formula.inputs
    assert F.CATALOGUE is CATALOGUE


def test_numeric_formulas_are_the_functions_of_derivkit_numeric():
    import derivkit.numeric as numeric

    numeric_names = {f.name for f in CATALOGUE if f.numeric}
    assert numeric_names == set(numeric.__all__)


def test_unknown_names_get_a_suggestion():
    with pytest.raises(UnknownFormula, match="did you mean softmax"):
        get("softmx")
    assert get("log-softmax").name == "log_softmax"
    assert F.formula("sigmoid").derivation == "sigmoid-from-logit"


@pytest.mark.parametrize("name", names())
def test_latex_is_printed_by_sympy_from_the_generic_form(name: str):
    formula = get(name)
    assert formula.latex == f"{formula.lhs_latex} = {sp.latex(formula.generic())}"


def _at_k(expr: sp.Basic, k_value: int = 3, **indices: int) -> sp.Basic:
    """Substitute K (any symbol named K) and named indices (Idx or integer symbols), then doit."""
    mapping: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.Idx, sp.Symbol):
        label = str(atom.label) if isinstance(atom, sp.Idx) else atom.name
        if label == "K":
            mapping[atom] = sp.Integer(k_value)
        elif label in indices:
            mapping[atom] = sp.Integer(indices[label])
    return expr.xreplace(mapping).doit()


@pytest.mark.parametrize("name", [f.name for f in CATALOGUE if f.vector])
def test_generic_form_at_three_classes_is_the_built_formula(name: str):
    formula = get(name)
    generic = formula.generic()
    bases = {str(b.label): b for b in generic.atoms(sp.IndexedBase)}
    args = [[bases[i.name][m] for m in (1, 2, 3)] if i.vector else sp.Symbol(i.name) for i in formula.inputs]
    built = formula.symbolic(*[[arg[m] for m in range(3)] if isinstance(arg, list) else arg for arg in args])
    if name == "softmax_jacobian":
        for a in range(3):
            for b in range(3):
                proved(_at_k(generic, i=a + 1, j=b + 1), built[a, b])
    elif isinstance(built, list):
        for k, entry in enumerate(built):
            proved(_at_k(generic, k=k + 1), entry)
    else:
        proved(_at_k(generic), built)


@pytest.mark.parametrize("name", [f.name for f in CATALOGUE if not f.vector])
def test_generic_form_of_scalar_formulas_is_the_built_formula(name: str):
    formula = get(name)
    proved(formula.generic(), formula.build())


# -- re-derivation against the derivations ------------------------------------------------------------

def _base(expr: sp.Basic, name: str) -> sp.IndexedBase:
    return next(b for b in expr.atoms(sp.IndexedBase) if str(b.label) == name)


def _symbol(expr: sp.Basic, name: str) -> sp.Symbol:
    return next(s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.name == name)


Claim = tuple[str, sp.Expr, sp.Expr, dict[str, str]]


def _sigmoid(rel: Relation) -> list[Claim]:
    zd = rel.rhs.args[0]
    return [("p = sigma(z)", F.sigmoid(zd), rel.rhs, {})]


def _logit(rel: Relation) -> list[Claim]:
    # the derivation computed logit(sigma(z)) = z: apply our logit (as log(p/(1-p))) to sigma(z)
    pp = sp.Symbol("p", positive=True)
    return [("logit(sigma(z))", F.logit(pp).rewrite(sp.log).subs(pp, sigmoid(rel.rhs)), rel.rhs, {})]


def _sigmoid_grad(rel: Relation) -> list[Claim]:
    zd = rel.lhs.variables[0]
    return [("sigma'(z)", F.sigmoid_grad(zd), rel.rhs, {}), ("d/dz sigma", F.sigmoid_grad(zd), rel.lhs.doit(), {})]


def _softmax(rel: Relation) -> list[Claim]:
    zs = [_base(rel.rhs, "z")[m] for m in (1, 2, 3)]
    return [(f"p_{k}", F.softmax(zs)[k - 1], _at_k(rel.rhs, k=k), {}) for k in (1, 2, 3)]


def _log_likelihood(rel: Relation, via: str) -> list[Claim]:
    zs = [_base(rel.rhs, "z")[m] for m in (1, 2, 3)]
    ys = [_base(rel.rhs, "y")[m] for m in (1, 2, 3)]
    if via == "log_softmax":
        ours = sp.Add(*[yk * lk for yk, lk in zip(ys, F.log_softmax(zs))])
    else:
        ours = sp.Add(*[yk * zk for yk, zk in zip(ys, zs)]) - sp.Add(*ys) * F.logsumexp(zs)
    return [("log-likelihood sum_k y_k log p_k, K = 3", ours, _at_k(rel.rhs), {})]


def _bce(rel: Relation, which: str) -> list[Claim]:
    loss, zd = rel.lhs.expr, rel.lhs.variables[0]
    yd = _symbol(loss, "y")
    dom = {"y": "[0,1]"}
    if which == "probabilities":
        ours = F.binary_cross_entropy(yd, F.sigmoid(zd))
        return [("the loss", ours, loss, dom), ("its gradient", sp.diff(ours, zd), rel.rhs, dom)]
    if which == "logits":
        ours = F.binary_cross_entropy_with_logits(yd, zd)
        return [("the loss", ours, loss, dom), ("its gradient", sp.diff(ours, zd), rel.rhs, dom)]
    return [("dL/dz", F.binary_cross_entropy_with_logits_grad(yd, zd), rel.rhs, dom)]


def _cce(rel: Relation, which: str) -> list[Claim]:
    loss = rel.lhs.expr
    zs = [_base(loss, "z")[m] for m in (1, 2, 3)]
    ys = [_base(loss, "y")[m] for m in (1, 2, 3)]
    at3 = _at_k(loss)
    if which == "probabilities":
        return [("the loss, K = 3", F.categorical_cross_entropy(ys, F.softmax(zs)), at3, {})]
    if which == "logits":
        return [("the loss, K = 3", F.softmax_cross_entropy_with_logits(ys, zs), at3, {})]
    # our gradient is exact for any labels; the derivation's final step uses sum_k y_k = 1
    # (its stated assumption), so compare under that substitution, and also without it
    # against the derivative of the derivation's own loss
    ones = {ys[2]: 1 - ys[0] - ys[1]}
    grads = F.softmax_cross_entropy_with_logits_grad(ys, zs)
    claims = [(f"dL/dz_{j} (labels sum to 1)", grads[j - 1].xreplace(ones), _at_k(rel.rhs, j=j).xreplace(ones), {})
              for j in (1, 2, 3)]
    claims += [(f"dL/dz_{j} = d/dz_{j} of the derivation's loss", grads[j - 1], sp.diff(at3, zs[j - 1]), {})
               for j in (1, 2, 3)]
    return claims


def _jacobian(rel: Relation) -> list[Claim]:
    zs = [_base(rel.rhs, "z")[m] for m in (1, 2, 3)]
    jac = F.softmax_jacobian(zs)
    return [(f"J_{a}{b}", jac[a - 1, b - 1], _at_k(rel.rhs, i=a, j=b), {}) for a in (1, 2, 3) for b in (1, 2, 3)]


def _chain(rel: Relation) -> list[Claim]:
    composite, xd = rel.lhs.expr, rel.lhs.variables[0]
    h = composite.func
    f, g = composite.args
    ours = F.chain_rule(h, f, g, xd)
    return [("dh/dx", ours, rel.rhs, {}), ("d/dx h(f, g)", ours, rel.lhs.doit(), {})]


def _product(rel: Relation) -> list[Claim]:
    xd = rel.lhs.variables[0]
    f, g = rel.lhs.expr.args
    return [("(fg)'", F.product_rule(f, g, xd), rel.rhs, {})]


def _quotient(rel: Relation) -> list[Claim]:
    xd = rel.lhs.variables[0]
    reciprocal, f = sorted(rel.lhs.expr.args, key=lambda a: not isinstance(a, sp.Pow))
    g = reciprocal.base
    return [("(f/g)'", F.quotient_rule(f, g, xd), rel.rhs, {})]


RECIPES: dict[str, Callable[[Relation], list[Claim]]] = {
    "sigmoid": _sigmoid,
    "logit": _logit,
    "sigmoid_grad": _sigmoid_grad,
    "softmax": _softmax,
    "log_softmax": lambda rel: _log_likelihood(rel, "log_softmax"),
    "logsumexp": lambda rel: _log_likelihood(rel, "logsumexp"),
    "binary_cross_entropy": lambda rel: _bce(rel, "probabilities"),
    "binary_cross_entropy_with_logits": lambda rel: _bce(rel, "logits"),
    "binary_cross_entropy_with_logits_grad": lambda rel: _bce(rel, "grad"),
    "categorical_cross_entropy": lambda rel: _cce(rel, "probabilities"),
    "softmax_cross_entropy_with_logits": lambda rel: _cce(rel, "logits"),
    "softmax_cross_entropy_with_logits_grad": lambda rel: _cce(rel, "grad"),
    "softmax_jacobian": _jacobian,
    "chain_rule": _chain,
    "product_rule": _product,
    "quotient_rule": _quotient,
}


def test_every_catalogue_formula_has_a_recipe():
    assert set(RECIPES) == set(names())


@pytest.mark.parametrize("name", names())
def test_formula_is_what_its_derivation_proves(name: str):
    formula = get(name)
    if formula.derivation not in registry.ids():
        pytest.skip(f"derivation {formula.derivation!r} is not in derivations/ yet")
    derivation = registry.load(formula.derivation)
    assert formula.result in derivation.results, \
        f"{formula.derivation} has no result {formula.result!r} (it has {', '.join(derivation.results)})"
    for label, ours, theirs, domains in RECIPES[name](derivation.results[formula.result]):
        verdict = equivalent(ours, theirs, domains, budget=20)
        assert verdict.status == "proved", f"{name}, {label}: {verdict.status}: {verdict.message}"
