"""The catalogue of verified formulas: one record per formula (see :mod:`.records`).

Every entry names the derivation (``derivations/*.py``, by id) and the result in it that
proves the formula; the test suite rebuilds each formula from :mod:`derivkit.formulas` and
asserts with the equivalence engine that it is what that derivation's final step computed.
``derivkit export NAME`` looks names up here, and :mod:`derivkit.codegen` prints the stable
form each record carries (``derivkit.numeric`` is generated from them).

The LaTeX is printed by ``sympy.latex`` from a *generic* form over K classes (indexed
symbols and sums); a test checks that the generic form, at K = 3, equals the formula
built by :mod:`derivkit.formulas.symbolic`.

A stable form says *what* is computed, as SymPy steps (``name = expression``) followed by a
result; the printers decide *how*. Where the order of floating-point operations matters, a
form fixes it with steps: within one expression the NumPy lowering adds positive terms before
negative ones, so ``t = max(z, 0) - y z`` is a step of its own, formed (exactly, for a hard
label) before the small ``log1p(exp(-|z|))`` is added to it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import log1p

from derivkit.errors import UnknownFormula
from derivkit.formulas import symbolic as formulas
from derivkit.formulas.arrays import AxisShift, AxisSum, MaxIndicator, Outer, ReplaceAtMax, WithDiagonal, xlogy
from derivkit.formulas.records import Formula, Input, Stable
from derivkit.functions import sigmoid

# -- generic forms over K classes ------------------------------------------------------
K = sp.Symbol("K", integer=True, positive=True)
k, i, j, ell = sp.symbols("k i j l", integer=True, positive=True)
Z, Y, P = sp.IndexedBase("z"), sp.IndexedBase("y"), sp.IndexedBase("p")
y, z, p, x = sp.symbols("y z p x")


def _total(expr: Callable[[sp.Symbol], sp.Expr], index: sp.Symbol = j) -> sp.Sum:
    return sp.Sum(expr(index), (index, 1, K))


def _softmax(index: sp.Symbol, bound: sp.Symbol = j) -> sp.Expr:
    return formulas.softmax_entry(lambda m: Z[m], index, bound, K)


def _chain_arguments() -> list[Any]:
    return [sp.Function("h"), sp.Function("f")(x), sp.Function("g")(x), x]


def _pair_arguments() -> list[Any]:
    return [sp.Function("f")(x), sp.Function("g")(x), x]


c, t, e, s, d, u, q = sp.symbols("c t e s d u q")  # the names of the stable forms' steps

CHAIN = (Input("h", "real", "outer function of two arguments"), Input("f", "real", "inner function of x"),
         Input("g", "real", "inner function of x"), Input("x", "real", "variable"))
PAIR = (Input("f", "real", "function of x"), Input("g", "real", "function of x"), Input("x", "real", "variable"))

LOGIT_IN = Input("z", "real", "logit (score)")
LOGITS_IN = Input("z", "real", "logits, one per class", vector=True, array_meaning="logits along the class axis")
LABEL_IN = Input("y", "[0,1]", "label", array_meaning="label (0 or 1, or a soft label in [0, 1])")
LABELS_IN = Input("y", "[0,1]", "labels, one per class (one-hot or probabilities)", vector=True,
                  array_meaning="labels along the class axis (one-hot, or probabilities)")
PROB_IN = Input("p", "(0,1)", "probability")
PROBS_IN = Input("p", "(0,1)", "probabilities, one per class", vector=True,
                 array_meaning="probabilities along the class axis")

SHIFT_NOTE = (
    "Shifting every logit by the same c leaves the result unchanged (see Proof); with "
    "c = max_k z_k every exponent is <= 0, so exp never overflows, and the largest term is "
    "exp(0) = 1, so the sum never underflows to 0."
)

SUM_NOTE = (
    " The sum s = sum_k exp(z_k - c) - 1 is formed by subtracting 1 at the max (where "
    "exp(0) = 1 exactly) before adding up, so log1p(s) is accurate to the last bits even when "
    "one logit dominates and the result is close to 0 (as scipy.special.logsumexp does)."
)


CATALOGUE: tuple[Formula, ...] = (
    Formula("sigmoid", "Logistic sigmoid", (LOGIT_IN,), r"\sigma(z)",
            lambda: 1 / (1 + sp.exp(-z)), formulas.sigmoid, "sigmoid-from-logit", "sigmoid",
            stable=Stable(
                summary="The logistic sigmoid 1/(1 + exp(-z)).",
                kind="elementwise",
                output="same",
                steps=(),
                result=1 / (1 + sp.exp(-z)),
                stability="In IEEE arithmetic this form is already stable: exp(-z) overflows to +inf only when "
                          "sigma(z) is below the smallest normal number, and 1/(1 + inf) = 0 is then the right "
                          "answer; for large z, exp(-z) underflows harmlessly to 0. (The other textbook form "
                          "exp(z)/(1 + exp(z)) gives inf/inf = nan for z > 709.)",
            )),
    Formula("logit", "Logit (log-odds), the inverse of the sigmoid", (PROB_IN,), r"\operatorname{logit}(p)",
            lambda: sp.log(p / (1 - p)), formulas.logit, "sigmoid-from-logit", "logit-inverts-sigmoid",
            stable=Stable(
                summary="The log-odds log(p/(1 - p)), inverse of the sigmoid.",
                kind="elementwise",
                output="same",
                steps=(),
                result=sp.Piecewise((sp.log(p / (1 - p)), p < sp.Rational(1, 4)),
                       (log1p((2 * p - 1) / (1 - p)), True)),
                stability="log(p/(1 - p)) loses relative accuracy near p = 1/2, where the quotient is close to 1; "
                          "there the equal form log1p((2p - 1)/(1 - p)) is used, in which 2p - 1 and 1 - p are "
                          "exact for p >= 1/4 (Sterbenz). p = 0 and p = 1 give -inf and inf.",
            )),
    Formula("sigmoid_grad", "Derivative of the sigmoid", (LOGIT_IN,), r"\sigma'(z)",
            lambda: sigmoid(z) * (1 - sigmoid(z)), formulas.sigmoid_grad, "sigmoid-from-logit",
            "sigmoid-derivative",
            stable=Stable(
                summary="The derivative of the sigmoid, sigmoid(z) (1 - sigmoid(z)).",
                kind="elementwise",
                output="same",
                steps=(),
                result=sp.S.Half / (1 + sp.cosh(z)),
                stability="Computed as 1/(2 + 2 cosh z): accurate to the last bits for every z (the textbook "
                          "s(1 - s) rounds to 0 as soon as s rounds to 1, already at z = 37), and cosh "
                          "overflowing to inf gives the correct 0.",
            )),
    Formula("softmax", "Softmax", (LOGITS_IN,), r"\operatorname{softmax}(z)_k",
            lambda: _softmax(k), formulas.softmax, "softmax-from-multinomial", "softmax",
            stable=Stable(
                summary="The softmax exp(z_k) / sum_j exp(z_j) along an axis.",
                kind="axis",
                output="same",
                steps=((c, AxisShift(z)), (e, sp.exp(z - c)), (s, AxisSum(e))),
                result=e / s,
                stability=SHIFT_NOTE,
            )),
    Formula("log_softmax", "Log-softmax (log-likelihood of class k)", (LOGITS_IN,),
            r"\log \operatorname{softmax}(z)_k",
            lambda: Z[k] - sp.log(_total(lambda m: sp.exp(Z[m]))), formulas.log_softmax,
            "softmax-from-multinomial", "log-likelihood",
            stable=Stable(
                summary="The log-softmax z_k - log sum_j exp(z_j) along an axis.",
                kind="axis",
                output="same",
                steps=((c, AxisShift(z)), (t, z - c), (s, AxisSum(sp.exp(t) - MaxIndicator(z)))),
                result=t - log1p(s),
                stability=SHIFT_NOTE + SUM_NOTE + " The result is formed as (z - c) - log1p(s), never as log(softmax), "
                          "which would give log(0) = -inf for very negative logits.",
            )),
    Formula("logsumexp", "Log-sum-exp (the softmax's log normaliser)", (LOGITS_IN,),
            r"\operatorname{logsumexp}(z)",
            lambda: sp.log(_total(lambda m: sp.exp(Z[m]))), formulas.logsumexp,
            "softmax-from-multinomial", "log-likelihood",
            stable=Stable(
                summary="The log-sum-exp log sum_j exp(z_j) along an axis (the axis is removed).",
                kind="axis",
                output="reduced",
                steps=((c, AxisShift(z)), (s, AxisSum(sp.exp(z - c) - MaxIndicator(z)))),
                result=c + log1p(s),
                stability=SHIFT_NOTE + SUM_NOTE,
            )),
    Formula("binary_cross_entropy", "Binary cross-entropy", (LABEL_IN, PROB_IN), r"L(y, p)",
            lambda: -(y * sp.log(p) + (1 - y) * sp.log(1 - p)), formulas.binary_cross_entropy,
            "bce-gradient", "bce-grad-logit",
            stable=Stable(
                summary="Binary cross-entropy -(y log p + (1 - y) log(1 - p)) per example.",
                kind="elementwise",
                output="same",
                steps=(),
                result=-xlogy(y, p) - xlogy(1 - y, -p, log=log1p, zero_when=sp.Eq(y, 1)),
                stability="log(1 - p) is computed as log1p(-p), accurate for small p. A term with a zero "
                          "weight counts as 0 even where its log is -inf (0 log 0 = 0, the limit, as in "
                          "scipy.special.xlogy), so a saturated prediction p = 1 with label y = 1 costs 0 instead "
                          "of nan. Prefer binary_cross_entropy_with_logits when you have logits.",
            )),
    Formula("binary_cross_entropy_with_logits", "Binary cross-entropy of a logit", (LABEL_IN, LOGIT_IN),
            r"L(y, z)", lambda: -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z))),
            formulas.binary_cross_entropy_with_logits, "bce-gradient", "bce-grad-logit",
            stable=Stable(
                summary="Binary cross-entropy of a label y and sigmoid(z), from the logit z.",
                kind="elementwise",
                output="same",
                steps=((t, sp.Max(z, 0) - y * z),),
                result=t + log1p(sp.exp(-sp.Abs(z))),
                stability="(max(z, 0) - y z) + log1p(exp(-|z|)): the exponent is never positive, so nothing "
                          "overflows, and no probability is formed, so log(0) never occurs; the textbook form "
                          "returns nan or inf once sigmoid(z) rounds to 0 or 1 (|z| > 37 in float64). The "
                          "bracket is formed first: for a hard label it is exact (z - z = 0), so the small loss "
                          "log1p(exp(-|z|)) of a confident right prediction keeps its relative accuracy.",
            )),
    Formula("binary_cross_entropy_with_logits_grad", "Gradient of the binary cross-entropy w.r.t. the logit",
            (LABEL_IN, LOGIT_IN), r"\frac{\partial L}{\partial z}", lambda: sigmoid(z) - y,
            formulas.binary_cross_entropy_with_logits_grad, "bce-gradient", "bce-grad-logit",
            stable=Stable(
                summary="d/dz of binary_cross_entropy_with_logits: sigmoid(z) - y.",
                kind="elementwise",
                output="same",
                steps=(),
                result=1 / (1 + sp.exp(-z)) - y,
                stability="sigmoid(z) as 1/(1 + exp(-z)), stable in IEEE arithmetic (see sigmoid), minus y: "
                          "finite for every z and accurate to ~1e-16 absolute (a difference of numbers of size "
                          "1; where the gradient is tiny its relative error grows, as for any sigmoid(z) - y).",
            )),
    Formula("categorical_cross_entropy", "Categorical cross-entropy", (LABELS_IN, PROBS_IN), r"L(y, p)",
            lambda: -_total(lambda m: Y[m] * sp.log(P[m]), k), formulas.categorical_cross_entropy,
            "cce-gradient", "cce-grad-logit",
            stable=Stable(
                summary="Categorical cross-entropy -sum_k y_k log p_k along an axis (axis removed).",
                kind="axis",
                output="reduced",
                steps=(),
                result=-AxisSum(y * sp.Piecewise((0, sp.Eq(y, 0)), (sp.log(p), True))),
                stability="A class with label 0 contributes 0 even where its probability is 0 (0 log 0 = 0, "
                          "as in scipy.special.xlogy; the guard is applied only to rows where the plain sum is "
                          "nan, the only rows where it can matter): a one-hot label with an underflowed "
                          "probability elsewhere gives the right loss instead of nan. Prefer "
                          "softmax_cross_entropy_with_logits when you have logits.",
            )),
    Formula("softmax_cross_entropy_with_logits", "Categorical cross-entropy of logits", (LABELS_IN, LOGITS_IN),
            r"L(y, z)", lambda: -_total(lambda m: Y[m] * sp.log(_softmax(m)), k),
            formulas.softmax_cross_entropy_with_logits, "cce-gradient", "cce-grad-logit",
            stable=Stable(
                summary="Categorical cross-entropy of labels y and softmax(z), from the logits z (axis removed).",
                kind="axis",
                output="reduced",
                steps=((c, AxisShift(z)), (t, z - c), (d, AxisSum(y * t)), (s, AxisSum(sp.exp(t) - MaxIndicator(z)))),
                result=log1p(s) * AxisSum(y) - d,
                stability=SHIFT_NOTE + SUM_NOTE + " The loss is log1p(s) sum_k y_k - sum_k y_k (z_k - c), a sum of "
                          "nonnegative terms for labels y >= 0 (z_k - c <= 0): no probability is formed, so an "
                          "underflowed softmax entry never becomes log(0), and the small loss of a confident right "
                          "prediction keeps its relative accuracy.",
            )),
    Formula("softmax_cross_entropy_with_logits_grad", "Gradient of the categorical cross-entropy w.r.t. the logits",
            (LABELS_IN, LOGITS_IN), r"\frac{\partial L}{\partial z_k}",
            lambda: _softmax(k) * _total(lambda m: Y[m]) - Y[k],
            formulas.softmax_cross_entropy_with_logits_grad, "cce-gradient", "cce-grad-logit",
            stable=Stable(
                summary="d/dz_k of softmax_cross_entropy_with_logits: softmax(z)_k sum_j y_j - y_k "
                "(softmax(z) - y for labels summing to 1).",
                kind="axis",
                output="same",
                steps=((c, AxisShift(z)), (e, sp.exp(z - c)), (s, AxisSum(e))),
                result=e * AxisSum(y) / s - y,
                stability=SHIFT_NOTE + " The gradient is a difference of numbers of size 1: accurate to ~1e-16 "
                          "absolute.",
            )),
    Formula("softmax_jacobian", "Jacobian of the softmax", (LOGITS_IN,),
            r"\frac{\partial \operatorname{softmax}(z)_i}{\partial z_j}",
            lambda: _softmax(i, ell) * (sp.KroneckerDelta(i, j) - _softmax(j, ell)), formulas.softmax_jacobian,
            "cce-gradient", "softmax-jacobian",
            stable=Stable(
                summary="The Jacobian d softmax(z)_i / d z_j = s_i (delta_ij - s_j) over the last axis.",
                kind="axis",
                output="matrix",
                steps=((c, AxisShift(z)), (e, sp.exp(z - c)), (u, AxisSum(e - MaxIndicator(z))), (s, e / (1 + u)),
                      (q, ReplaceAtMax(s * (1 - s), u / (1 + u) ** 2, z))),
                result=WithDiagonal(Outer(-s, s), q),
                stability=SHIFT_NOTE + " The result has shape (..., n, n): -s_i s_j off the diagonal and s_i (1 - s_i) "
                          "on it. 1 - s_i is accurate wherever s_i <= 1/2, which is every entry but the max; at "
                          "the max, where s_m can round to 1, s_m (1 - s_m) is u/(1 + u)^2 with "
                          "u = sum_k exp(z_k - c) - 1 formed without cancellation (see logsumexp), so a "
                          "saturated softmax still has the right tiny diagonal entry instead of 0.",
                has_axis=False,
            )),
    Formula("chain_rule", "Chain rule for h(f(x), g(x))", CHAIN,
            r"\frac{d}{dx} h\left(f(x), g(x)\right)",
            lambda: formulas.chain_rule(*_chain_arguments()), formulas.chain_rule,
            "chain-rule", "chain-rule",
            arguments_of=_chain_arguments),
    Formula("product_rule", "Product rule", PAIR,
            r"\frac{d}{dx} \left(f(x) g(x)\right)",
            lambda: formulas.product_rule(*_pair_arguments()), formulas.product_rule,
            "chain-rule", "product-rule",
            arguments_of=_pair_arguments),
    Formula("quotient_rule", "Quotient rule", PAIR,
            r"\frac{d}{dx} \frac{f(x)}{g(x)}",
            lambda: formulas.quotient_rule(*_pair_arguments()), formulas.quotient_rule,
            "chain-rule", "quotient-rule",
            arguments_of=_pair_arguments),
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


__all__ = ["CATALOGUE", "Formula", "Input", "Stable", "UnknownFormula", "get", "names"]
