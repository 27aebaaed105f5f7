"""The numerically stable forms behind :mod:`derivkit.numeric`, one spec per function.

A spec says *what* is computed: the textbook formula (a function of
:mod:`derivkit.formulas`) and a stable form written as SymPy steps (``name = expression``)
followed by a result. The printers decide *how* (in-place NumPy calls, JAX or PyTorch
expressions); :mod:`derivkit.codegen.proofs` proves, with the equivalence engine, that the
stable form equals the textbook formula before any code is written.

Where the order of floating-point operations matters, a spec fixes it with steps: within
one expression the NumPy lowering adds positive terms before negative ones, so
``t = max(z, 0) - y z`` is a step of its own, formed (exactly, for a hard label) before the
small ``log1p(exp(-|z|))`` is added to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp
from sympy.codegen.cfunctions import log1p

from derivkit import formulas
from derivkit.codegen.arrays import AxisShift, AxisSum, MaxIndicator, Outer, ReplaceAtMax, WithDiagonal, xlogy

Kind = Literal["elementwise", "axis"]
Output = Literal["same", "reduced", "matrix"]


@dataclass(frozen=True)
class Param:
    """An array argument: its name, the domain its proofs assume, and what it means."""

    name: str
    domain: str
    meaning: str

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name)


@dataclass(frozen=True)
class NumericSpec:
    """One function of derivkit.numeric: the textbook formula and its stable steps."""

    name: str
    summary: str
    params: tuple[Param, ...]
    kind: Kind
    output: Output
    steps: tuple[tuple[sp.Symbol, sp.Expr], ...]
    result: sp.Expr
    textbook: Callable[..., sp.Expr | list[Any]]  # a scalar, vector or matrix (list of lists)
    stability: str
    has_axis: bool = True

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(p.symbol for p in self.params)

    @property
    def axis_param(self) -> bool:
        """Whether the function takes ``axis=-1`` (the Jacobian always works on the last axis)."""
        return self.kind == "axis" and self.has_axis

    def expanded(self) -> sp.Expr:
        """The result with every step substituted back (one expression in the parameters)."""
        expr = self.result
        for name, value in reversed(self.steps):
            expr = expr.xreplace({name: value})
        return expr


y, z, p = sp.symbols("y z p")
c, t, e, s, d, u, q = sp.symbols("c t e s d u q")

LABEL = Param("y", "[0,1]", "label (0 or 1, or a soft label in [0, 1])")
LABELS = Param("y", "[0,1]", "labels along the class axis (one-hot, or probabilities)")
LOGIT = Param("z", "real", "logit (score)")
LOGITS = Param("z", "real", "logits along the class axis")
PROB = Param("p", "(0,1)", "probability")
PROBS = Param("p", "(0,1)", "probabilities along the class axis")

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

SPECS: tuple[NumericSpec, ...] = (
    NumericSpec(
        "sigmoid", "The logistic sigmoid 1/(1 + exp(-z)).", (LOGIT,), "elementwise", "same",
        (), 1 / (1 + sp.exp(-z)), formulas.sigmoid,
        "In IEEE arithmetic this form is already stable: exp(-z) overflows to +inf only when "
        "sigma(z) is below the smallest normal number, and 1/(1 + inf) = 0 is then the right "
        "answer; for large z, exp(-z) underflows harmlessly to 0. (The other textbook form "
        "exp(z)/(1 + exp(z)) gives inf/inf = nan for z > 709.)",
    ),
    NumericSpec(
        "logit", "The log-odds log(p/(1 - p)), inverse of the sigmoid.", (PROB,), "elementwise", "same",
        (), sp.Piecewise((sp.log(p / (1 - p)), p < sp.Rational(1, 4)),
                         (log1p((2 * p - 1) / (1 - p)), True)),
        formulas.logit,
        "log(p/(1 - p)) loses relative accuracy near p = 1/2, where the quotient is close to 1; "
        "there the equal form log1p((2p - 1)/(1 - p)) is used, in which 2p - 1 and 1 - p are "
        "exact for p >= 1/4 (Sterbenz). p = 0 and p = 1 give -inf and inf.",
    ),
    NumericSpec(
        "softmax", "The softmax exp(z_k) / sum_j exp(z_j) along an axis.", (LOGITS,), "axis", "same",
        ((c, AxisShift(z)), (e, sp.exp(z - c)), (s, AxisSum(e))), e / s, formulas.softmax,
        SHIFT_NOTE,
    ),
    NumericSpec(
        "log_softmax", "The log-softmax z_k - log sum_j exp(z_j) along an axis.", (LOGITS,), "axis", "same",
        ((c, AxisShift(z)), (t, z - c), (s, AxisSum(sp.exp(t) - MaxIndicator(z)))), t - log1p(s),
        formulas.log_softmax,
        SHIFT_NOTE + SUM_NOTE + " The result is formed as (z - c) - log1p(s), never as log(softmax), "
        "which would give log(0) = -inf for very negative logits.",
    ),
    NumericSpec(
        "logsumexp", "The log-sum-exp log sum_j exp(z_j) along an axis (the axis is removed).",
        (LOGITS,), "axis", "reduced",
        ((c, AxisShift(z)), (s, AxisSum(sp.exp(z - c) - MaxIndicator(z)))), c + log1p(s), formulas.logsumexp,
        SHIFT_NOTE + SUM_NOTE,
    ),
    NumericSpec(
        "binary_cross_entropy", "Binary cross-entropy -(y log p + (1 - y) log(1 - p)) per example.",
        (LABEL, PROB), "elementwise", "same",
        (), -xlogy(y, p) - xlogy(1 - y, -p, log=log1p, zero_when=sp.Eq(y, 1)), formulas.binary_cross_entropy,
        "log(1 - p) is computed as log1p(-p), accurate for small p. A term with a zero "
        "weight counts as 0 even where its log is -inf (0 log 0 = 0, the limit, as in "
        "scipy.special.xlogy), so a saturated prediction p = 1 with label y = 1 costs 0 instead "
        "of nan. Prefer binary_cross_entropy_with_logits when you have logits.",
    ),
    NumericSpec(
        "binary_cross_entropy_with_logits", "Binary cross-entropy of a label y and sigmoid(z), from the logit z.",
        (LABEL, LOGIT), "elementwise", "same",
        ((t, sp.Max(z, 0) - y * z),), t + log1p(sp.exp(-sp.Abs(z))), formulas.binary_cross_entropy_with_logits,
        "(max(z, 0) - y z) + log1p(exp(-|z|)): the exponent is never positive, so nothing "
        "overflows, and no probability is formed, so log(0) never occurs; the textbook form "
        "returns nan or inf once sigmoid(z) rounds to 0 or 1 (|z| > 37 in float64). The "
        "bracket is formed first: for a hard label it is exact (z - z = 0), so the small loss "
        "log1p(exp(-|z|)) of a confident right prediction keeps its relative accuracy.",
    ),
    NumericSpec(
        "categorical_cross_entropy", "Categorical cross-entropy -sum_k y_k log p_k along an axis (axis removed).",
        (LABELS, PROBS), "axis", "reduced",
        (), -AxisSum(y * sp.Piecewise((0, sp.Eq(y, 0)), (sp.log(p), True))), formulas.categorical_cross_entropy,
        "A class with label 0 contributes 0 even where its probability is 0 (0 log 0 = 0, "
        "as in scipy.special.xlogy; the guard is applied only to rows where the plain sum is "
        "nan, the only rows where it can matter): a one-hot label with an underflowed "
        "probability elsewhere gives the right loss instead of nan. Prefer "
        "softmax_cross_entropy_with_logits when you have logits.",
    ),
    NumericSpec(
        "softmax_cross_entropy_with_logits",
        "Categorical cross-entropy of labels y and softmax(z), from the logits z (axis removed).",
        (LABELS, LOGITS), "axis", "reduced",
        ((c, AxisShift(z)), (t, z - c), (d, AxisSum(y * t)), (s, AxisSum(sp.exp(t) - MaxIndicator(z)))),
        log1p(s) * AxisSum(y) - d,
        formulas.softmax_cross_entropy_with_logits,
        SHIFT_NOTE + SUM_NOTE + " The loss is log1p(s) sum_k y_k - sum_k y_k (z_k - c), a sum of "
        "nonnegative terms for labels y >= 0 (z_k - c <= 0): no probability is formed, so an "
        "underflowed softmax entry never becomes log(0), and the small loss of a confident right "
        "prediction keeps its relative accuracy.",
    ),
    NumericSpec(
        "sigmoid_grad", "The derivative of the sigmoid, sigmoid(z) (1 - sigmoid(z)).", (LOGIT,),
        "elementwise", "same",
        (), sp.S.Half / (1 + sp.cosh(z)), formulas.sigmoid_grad,
        "Computed as 1/(2 + 2 cosh z): accurate to the last bits for every z (the textbook "
        "s(1 - s) rounds to 0 as soon as s rounds to 1, already at z = 37), and cosh "
        "overflowing to inf gives the correct 0.",
    ),
    NumericSpec(
        "binary_cross_entropy_with_logits_grad", "d/dz of binary_cross_entropy_with_logits: sigmoid(z) - y.",
        (LABEL, LOGIT), "elementwise", "same",
        (), 1 / (1 + sp.exp(-z)) - y, formulas.binary_cross_entropy_with_logits_grad,
        "sigmoid(z) as 1/(1 + exp(-z)), stable in IEEE arithmetic (see sigmoid), minus y: "
        "finite for every z and accurate to ~1e-16 absolute (a difference of numbers of size "
        "1; where the gradient is tiny its relative error grows, as for any sigmoid(z) - y).",
    ),
    NumericSpec(
        "softmax_cross_entropy_with_logits_grad",
        "d/dz_k of softmax_cross_entropy_with_logits: softmax(z)_k sum_j y_j - y_k "
        "(softmax(z) - y for labels summing to 1).",
        (LABELS, LOGITS), "axis", "same",
        ((c, AxisShift(z)), (e, sp.exp(z - c)), (s, AxisSum(e))), e * AxisSum(y) / s - y,
        formulas.softmax_cross_entropy_with_logits_grad,
        SHIFT_NOTE + " The gradient is a difference of numbers of size 1: accurate to ~1e-16 absolute.",
    ),
    NumericSpec(
        "softmax_jacobian", "The Jacobian d softmax(z)_i / d z_j = s_i (delta_ij - s_j) over the last axis.",
        (LOGITS,), "axis", "matrix",
        ((c, AxisShift(z)), (e, sp.exp(z - c)), (u, AxisSum(e - MaxIndicator(z))), (s, e / (1 + u)),
         (q, ReplaceAtMax(s * (1 - s), u / (1 + u) ** 2, z))),
        WithDiagonal(Outer(-s, s), q),
        formulas.softmax_jacobian,
        SHIFT_NOTE + " The result has shape (..., n, n): -s_i s_j off the diagonal and s_i (1 - s_i) "
        "on it. 1 - s_i is accurate wherever s_i <= 1/2, which is every entry but the max; at "
        "the max, where s_m can round to 1, s_m (1 - s_m) is u/(1 + u)^2 with "
        "u = sum_k exp(z_k - c) - 1 formed without cancellation (see logsumexp), so a "
        "saturated softmax still has the right tiny diagonal entry instead of 0.",
        has_axis=False,
    ),
)

SPEC_BY_NAME: dict[str, NumericSpec] = {spec.name: spec for spec in SPECS}
