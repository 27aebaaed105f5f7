"""The verified formulas of machine learning, as SymPy expressions.

Every function here returns the *textbook* form of a formula, built from SymPy
primitives and derivkit's :mod:`~derivkit.functions`; vector formulas take a sequence of
expressions (one per class) and return a list (or a ``sympy.Matrix``). Each formula is tied
to the derivation that proves it in :mod:`derivkit.formulas.catalogue` (``CATALOGUE``), and the
test suite re-derives every one of them against that derivation.

>>> import sympy as sp
>>> from derivkit.formulas import softmax, softmax_cross_entropy_with_logits_grad
>>> z = sp.symbols("z1:4")
>>> softmax(z)[0]
exp(z1)/(exp(z1) + exp(z2) + exp(z3))

For fast, numerically stable NumPy versions see :mod:`derivkit.numeric` (generated from
these forms); for code in other frameworks, ``derivkit export NAME --target torch``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import sympy as sp

from derivkit.functions import as_expr, logit, sigmoid

Expr: TypeAlias = sp.Expr

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "chain_rule",
    "log_softmax",
    "logit",
    "logsumexp",
    "product_rule",
    "quotient_rule",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_grad",
    "softmax_entry",
    "softmax_jacobian",
]


def _vector(z: Sequence[Any], what: str) -> list[Expr]:
    if isinstance(z, sp.MatrixBase):
        items = list(z)
    elif isinstance(z, str | bytes) or not isinstance(z, Sequence):
        raise TypeError(f"{what} must be a sequence of expressions (one per class), got {type(z).__name__}")
    else:
        items = list(z)
    if not items:
        raise ValueError(f"{what} must not be empty")
    return [as_expr(item) for item in items]


def _pair(y: Sequence[Any], z: Sequence[Any], what: tuple[str, str]) -> tuple[list[Expr], list[Expr]]:
    ys, zs = _vector(y, what[0]), _vector(z, what[1])
    if len(ys) != len(zs):
        raise ValueError(f"{what[0]} has {len(ys)} entries but {what[1]} has {len(zs)}")
    return ys, zs


# -- the link functions ----------------------------------------------------------------
# sigmoid and logit are derivkit's SymPy functions (imported above): sigmoid(z) prints as
# sigma(z), differentiates to sigma(z)(1 - sigma(z)) and rewrites to 1/(1 + exp(-z)).


def logsumexp(z: Sequence[Any]) -> Expr:
    r"""The log-sum-exp :math:`\log \sum_j e^{z_j}` (the log normaliser of the softmax)."""
    return sp.log(sp.Add(*[sp.exp(zj) for zj in _vector(z, "z")]))


def softmax_entry(score: Callable[[Any], Expr], index: Any, bound: sp.Symbol, classes: Any) -> Expr:
    """The softmax's entry ``index`` in indexed notation, exp(s_index) / sum_{bound=1}^{classes} exp(s_bound),
    for scores given as a function of the index (``lambda k: z[k]``, or shifted: ``z[k] + c``)."""
    return sp.exp(score(index)) / sp.Sum(sp.exp(score(bound)), (bound, 1, classes))


def softmax(z: Sequence[Any]) -> list[Expr]:
    r"""The softmax :math:`e^{z_k} / \sum_j e^{z_j}`, one entry per class."""
    zs = _vector(z, "z")
    total = sp.Add(*[sp.exp(zj) for zj in zs])
    return [sp.exp(zk) / total for zk in zs]


def log_softmax(z: Sequence[Any]) -> list[Expr]:
    r"""The log-softmax :math:`z_k - \log \sum_j e^{z_j}`, one entry per class."""
    zs = _vector(z, "z")
    lse = logsumexp(zs)
    return [zk - lse for zk in zs]


# -- losses (per example) --------------------------------------------------------------

def binary_cross_entropy(y: Any, p: Any) -> Expr:
    r"""Binary cross-entropy :math:`-(y \log p + (1 - y) \log(1 - p))` of a label y and a probability p."""
    y, p = as_expr(y), as_expr(p)
    return -(y * sp.log(p) + (1 - y) * sp.log(1 - p))


def binary_cross_entropy_with_logits(y: Any, z: Any) -> Expr:
    r"""Binary cross-entropy of a label y and the probability :math:`\sigma(z)` given by a logit z."""
    return binary_cross_entropy(y, sigmoid(as_expr(z)))


def categorical_cross_entropy(y: Sequence[Any], p: Sequence[Any]) -> Expr:
    r"""Categorical cross-entropy :math:`-\sum_k y_k \log p_k` of labels y and probabilities p."""
    ys, ps = _pair(y, p, ("y", "p"))
    return -sp.Add(*[yk * sp.log(pk) for yk, pk in zip(ys, ps)])


def softmax_cross_entropy_with_logits(y: Sequence[Any], z: Sequence[Any]) -> Expr:
    r"""Categorical cross-entropy of labels y and the probabilities softmax(z) given by logits z."""
    ys, zs = _pair(y, z, ("y", "z"))
    return categorical_cross_entropy(ys, softmax(zs))


# -- gradients with respect to the logits ---------------------------------------------

def sigmoid_grad(z: Any) -> Expr:
    r"""The derivative of the sigmoid, :math:`\sigma(z)(1 - \sigma(z))`."""
    s = sigmoid(as_expr(z))
    return s * (1 - s)


def binary_cross_entropy_with_logits_grad(y: Any, z: Any) -> Expr:
    r"""d/dz of the binary cross-entropy with logits: :math:`\sigma(z) - y`."""
    return sigmoid(as_expr(z)) - as_expr(y)


def softmax_cross_entropy_with_logits_grad(y: Sequence[Any], z: Sequence[Any]) -> list[Expr]:
    r"""d/dz_k of the softmax cross-entropy: :math:`\mathrm{softmax}(z)_k \sum_j y_j - y_k`.

    For labels that sum to one (one-hot, or label smoothing) this is the familiar
    :math:`\mathrm{softmax}(z)_k - y_k`; the general form is exact for any labels.
    """
    ys, zs = _pair(y, z, ("y", "z"))
    total = sp.Add(*ys)
    return [pk * total - yk for pk, yk in zip(softmax(zs), ys)]


def softmax_jacobian(z: Sequence[Any]) -> sp.Matrix:
    r"""The Jacobian :math:`\partial\,\mathrm{softmax}(z)_i / \partial z_j = s_i(\delta_{ij} - s_j)`."""
    s = softmax(z)
    n = len(s)
    return sp.Matrix(n, n, lambda i, j: s[i] * (sp.KroneckerDelta(i, j) - s[j]))


# -- differentiation rules ---------------------------------------------------------------

def _as_binary(h: Any) -> Callable[[Expr, Expr], Expr]:
    if isinstance(h, sp.Lambda):
        if len(h.variables) != 2:
            raise ValueError(f"h must take two arguments, this Lambda takes {len(h.variables)}")
        return lambda u, v: h(u, v)
    if callable(h):
        return h
    raise TypeError("h must be a function of two arguments: a Python callable, a sympy.Lambda or a sympy.Function")


def chain_rule(h: Any, f: Any, g: Any, x: sp.Symbol, *, evaluate: bool = True) -> Expr:
    r"""d/dx h(f(x), g(x)) = h_1(f, g) f'(x) + h_2(f, g) g'(x).

    ``h`` is a function of two arguments (a Python callable on expressions, a
    ``sympy.Lambda`` or an undefined ``sympy.Function('h')``); ``f`` and ``g`` are
    expressions in ``x``. For an undefined h, SymPy writes the partial derivatives as
    ``Derivative(h(f(x), g(x)), f(x))``. ``evaluate=False`` states the rule without working it
    out: the partials stay ``Subs(Derivative(h(u, v), u), (u, v), (f, g))`` in the Lambda's own
    variables, and f', g' stay derivatives (how a handout states the rule before using it).
    """
    fn = _as_binary(h)
    f, g = as_expr(f), as_expr(g)
    u, v = h.variables if isinstance(h, sp.Lambda) else (sp.Dummy("u"), sp.Dummy("v"))
    outer = fn(u, v)
    partial_u, partial_v = (sp.Subs(sp.Derivative(outer, w), (u, v), (f, g)) for w in (u, v))
    if not evaluate:
        return partial_u * sp.Derivative(f, x) + partial_v * sp.Derivative(g, x)
    return partial_u.doit() * sp.diff(f, x) + partial_v.doit() * sp.diff(g, x)


def product_rule(f: Any, g: Any, x: sp.Symbol) -> Expr:
    r"""d/dx (f g) = f' g + f g' (the chain rule with h(u, v) = u v)."""
    f, g = as_expr(f), as_expr(g)
    return sp.diff(f, x) * g + f * sp.diff(g, x)


def quotient_rule(f: Any, g: Any, x: sp.Symbol) -> Expr:
    r"""d/dx (f / g) = (f' g - f g') / g^2 (the chain rule with h(u, v) = u / v)."""
    f, g = as_expr(f), as_expr(g)
    return (sp.diff(f, x) * g - f * sp.diff(g, x)) / g**2
