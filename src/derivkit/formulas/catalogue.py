"""The catalogue of verified formulas: each formula, its inputs, its LaTeX, and the proof.

Every entry names the derivation (``derivations/*.py``, by id) and the result in it that
proves the formula; the test suite rebuilds each formula from :mod:`derivkit.formulas` and
asserts with the equivalence engine that it is what that derivation's final step computed.
``derivkit export NAME`` looks names up here.

The LaTeX is printed by ``sympy.latex`` from a *generic* form over K classes (indexed
symbols and sums); a test checks that the generic form, at K = 3, equals the formula
built by :mod:`derivkit.formulas`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivkit.errors import UnknownFormula
from derivkit.formulas import symbolic as formulas
from derivkit.functions import sigmoid


@dataclass(frozen=True)
class Input:
    """A formula's input: a scalar, or a vector over the K classes."""

    name: str
    domain: str
    meaning: str
    vector: bool = False


@dataclass(frozen=True)
class Formula:
    """One verified formula."""

    name: str
    title: str
    inputs: tuple[Input, ...]
    lhs_latex: str
    generic: Callable[[], sp.Basic]
    symbolic: Callable[..., Any]
    derivation: str
    result: str
    numeric: bool = True

    @property
    def latex(self) -> str:
        """The formula as a LaTeX equation (right-hand side printed by sympy.latex)."""
        return f"{self.lhs_latex} = {sp.latex(self.generic())}"

    @property
    def vector(self) -> bool:
        return any(i.vector for i in self.inputs)

    def arguments(self, n: int = 3) -> list[Any]:
        """Concrete SymPy arguments: vector inputs as the symbols z1..zn."""
        if self.name in RULES:
            return RULES[self.name][0]()
        return [list(sp.symbols(f"{i.name}1:{n + 1}")) if i.vector else sp.Symbol(i.name) for i in self.inputs]

    def build(self, n: int = 3) -> Any:
        """The formula from :mod:`derivkit.formulas` at n classes (an expression, list or Matrix)."""
        return self.symbolic(*self.arguments(n))


# -- generic forms over K classes ------------------------------------------------------
K = sp.Symbol("K", integer=True, positive=True)
k, i, j, ell = sp.symbols("k i j l", integer=True, positive=True)
Z, Y, P = sp.IndexedBase("z"), sp.IndexedBase("y"), sp.IndexedBase("p")
y, z, p, x = sp.symbols("y z p x")


def _total(expr: Callable[[sp.Symbol], sp.Expr], index: sp.Symbol = j) -> sp.Sum:
    return sp.Sum(expr(index), (index, 1, K))


def _softmax(index: sp.Symbol, bound: sp.Symbol = j) -> sp.Expr:
    return sp.exp(Z[index]) / _total(lambda m: sp.exp(Z[m]), bound)


def _chain_arguments() -> list[Any]:
    return [sp.Function("h"), sp.Function("f")(x), sp.Function("g")(x), x]


def _pair_arguments() -> list[Any]:
    return [sp.Function("f")(x), sp.Function("g")(x), x]


#: symbolic rules: (concrete arguments, generic form)
RULES: dict[str, tuple[Callable[[], list[Any]], Callable[[], sp.Expr]]] = {
    "chain_rule": (_chain_arguments, lambda: formulas.chain_rule(*_chain_arguments())),
    "product_rule": (_pair_arguments, lambda: formulas.product_rule(*_pair_arguments())),
    "quotient_rule": (_pair_arguments, lambda: formulas.quotient_rule(*_pair_arguments())),
}

LOGIT_IN = Input("z", "real", "logit (score)")
LOGITS_IN = Input("z", "real", "logits, one per class", vector=True)
LABEL_IN = Input("y", "[0,1]", "label")
LABELS_IN = Input("y", "[0,1]", "labels, one per class (one-hot or probabilities)", vector=True)
PROB_IN = Input("p", "(0,1)", "probability")
PROBS_IN = Input("p", "(0,1)", "probabilities, one per class", vector=True)

CATALOGUE: tuple[Formula, ...] = (
    Formula("sigmoid", "Logistic sigmoid", (LOGIT_IN,), r"\sigma(z)",
            lambda: 1 / (1 + sp.exp(-z)), formulas.sigmoid, "sigmoid-from-logit", "sigmoid"),
    Formula("logit", "Logit (log-odds), the inverse of the sigmoid", (PROB_IN,), r"\operatorname{logit}(p)",
            lambda: sp.log(p / (1 - p)), formulas.logit, "sigmoid-from-logit", "logit-inverts-sigmoid"),
    Formula("sigmoid_grad", "Derivative of the sigmoid", (LOGIT_IN,), r"\sigma'(z)",
            lambda: sigmoid(z) * (1 - sigmoid(z)), formulas.sigmoid_grad, "sigmoid-from-logit",
            "sigmoid-derivative"),
    Formula("softmax", "Softmax", (LOGITS_IN,), r"\operatorname{softmax}(z)_k",
            lambda: _softmax(k), formulas.softmax, "softmax-from-multinomial", "softmax"),
    Formula("log_softmax", "Log-softmax (log-likelihood of class k)", (LOGITS_IN,),
            r"\log \operatorname{softmax}(z)_k",
            lambda: Z[k] - sp.log(_total(lambda m: sp.exp(Z[m]))), formulas.log_softmax,
            "softmax-from-multinomial", "log-likelihood"),
    Formula("logsumexp", "Log-sum-exp (the softmax's log normaliser)", (LOGITS_IN,),
            r"\operatorname{logsumexp}(z)",
            lambda: sp.log(_total(lambda m: sp.exp(Z[m]))), formulas.logsumexp,
            "softmax-from-multinomial", "log-likelihood"),
    Formula("binary_cross_entropy", "Binary cross-entropy", (LABEL_IN, PROB_IN), r"L(y, p)",
            lambda: -(y * sp.log(p) + (1 - y) * sp.log(1 - p)), formulas.binary_cross_entropy,
            "bce-gradient", "bce-grad-logit"),
    Formula("binary_cross_entropy_with_logits", "Binary cross-entropy of a logit", (LABEL_IN, LOGIT_IN),
            r"L(y, z)", lambda: -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z))),
            formulas.binary_cross_entropy_with_logits, "bce-gradient", "bce-grad-logit"),
    Formula("binary_cross_entropy_with_logits_grad", "Gradient of the binary cross-entropy w.r.t. the logit",
            (LABEL_IN, LOGIT_IN), r"\frac{\partial L}{\partial z}", lambda: sigmoid(z) - y,
            formulas.binary_cross_entropy_with_logits_grad, "bce-gradient", "bce-grad-logit"),
    Formula("categorical_cross_entropy", "Categorical cross-entropy", (LABELS_IN, PROBS_IN), r"L(y, p)",
            lambda: -_total(lambda m: Y[m] * sp.log(P[m]), k), formulas.categorical_cross_entropy,
            "cce-gradient", "cce-grad-logit"),
    Formula("softmax_cross_entropy_with_logits", "Categorical cross-entropy of logits", (LABELS_IN, LOGITS_IN),
            r"L(y, z)", lambda: -_total(lambda m: Y[m] * sp.log(_softmax(m)), k),
            formulas.softmax_cross_entropy_with_logits, "cce-gradient", "cce-grad-logit"),
    Formula("softmax_cross_entropy_with_logits_grad", "Gradient of the categorical cross-entropy w.r.t. the logits",
            (LABELS_IN, LOGITS_IN), r"\frac{\partial L}{\partial z_k}",
            lambda: _softmax(k) * _total(lambda m: Y[m]) - Y[k],
            formulas.softmax_cross_entropy_with_logits_grad, "cce-gradient", "cce-grad-logit"),
    Formula("softmax_jacobian", "Jacobian of the softmax", (LOGITS_IN,),
            r"\frac{\partial \operatorname{softmax}(z)_i}{\partial z_j}",
            lambda: _softmax(i, ell) * (sp.KroneckerDelta(i, j) - _softmax(j, ell)), formulas.softmax_jacobian,
            "cce-gradient", "softmax-jacobian"),
    Formula("chain_rule", "Chain rule for h(f(x), g(x))", (Input("h", "real", "outer function of two arguments"),
                                                           Input("f", "real", "inner function of x"),
                                                           Input("g", "real", "inner function of x"),
                                                           Input("x", "real", "variable")),
            r"\frac{d}{dx} h\left(f(x), g(x)\right)", RULES["chain_rule"][1], formulas.chain_rule,
            "chain-rule", "chain-rule", numeric=False),
    Formula("product_rule", "Product rule", (Input("f", "real", "function of x"), Input("g", "real", "function of x"),
                                              Input("x", "real", "variable")),
            r"\frac{d}{dx} \left(f(x) g(x)\right)", RULES["product_rule"][1], formulas.product_rule,
            "chain-rule", "product-rule", numeric=False),
    Formula("quotient_rule", "Quotient rule", (Input("f", "real", "function of x"), Input("g", "real", "function of x"),
                                                Input("x", "real", "variable")),
            r"\frac{d}{dx} \frac{f(x)}{g(x)}", RULES["quotient_rule"][1], formulas.quotient_rule,
            "chain-rule", "quotient-rule", numeric=False),
)

BY_NAME: dict[str, Formula] = {f.name: f for f in CATALOGUE}


def names() -> list[str]:
    return [f.name for f in CATALOGUE]


def get(name: str) -> Formula:
    """The formula called ``name``; an unknown name gets the closest names as a suggestion."""
    if name in BY_NAME:
        return BY_NAME[name]
    key = name.replace("-", "_").lower()
    if key in BY_NAME:
        return BY_NAME[key]
    close = difflib.get_close_matches(key, BY_NAME, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else f"; known formulas: {', '.join(BY_NAME)}"
    raise UnknownFormula(f"unknown formula {name!r}{hint}")


__all__ = ["CATALOGUE", "Formula", "Input", "UnknownFormula", "get", "names"]
