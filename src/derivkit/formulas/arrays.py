"""Array operations inside the symbolic stable forms: reductions along the class axis,
outer products and diagonals.

A stable form such as softmax's ``e = exp(z - c); s = AxisSum(e); e / s`` is an ordinary
SymPy expression in which these few function classes stand for what a scalar expression
cannot say. They never evaluate. Two readings give them meaning:

* the code printers lower them to ``np.max(..., keepdims=True)``, ``np.sum``, broadcasting;
* :mod:`derivkit.codegen.proofs` *scalarises* them at a concrete number of classes n, where
  an input vector z becomes the symbols z1..zn, ``AxisSum`` becomes a sum, ``Outer`` an
  n x n matrix, and ``AxisShift`` (the max, used to keep exp from overflowing) becomes a
  free real symbol c: a proof for every c is in particular a proof for c = max z.
"""

from __future__ import annotations

import sympy as sp


class _ArrayOp(sp.Function):
    """Base: an array operation that stays unevaluated."""

    _label = "?"

    @classmethod
    def eval(cls, *args: sp.Expr) -> None:
        return None

    def _sympystr(self, printer: object) -> str:
        inner = ", ".join(printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return f"{self._label}({inner})"


class AxisShift(_ArrayOp):
    """The shift c = max_k x_k along the class axis (0 where the max is not finite)."""

    nargs = 1
    _label = "max_k"

    def _latex(self, printer: object) -> str:
        return r"\max_{j} %s_{j}" % printer._print(self.args[0])  # type: ignore[attr-defined]


class MaxIndicator(_ArrayOp):
    """1 at the (first) position of the max of x along the class axis, 0 elsewhere.

    ``AxisSum(exp(z - c) - MaxIndicator(z))`` is sum_k exp(z_k - c) - 1 computed without
    cancellation: at the max, exp(z - c) = exp(0) = 1 exactly, so subtracting 1 there
    *before* adding up removes that term exactly, and log1p of the sum keeps full relative
    accuracy when one logit dominates. For the proofs the position is each of 1..n in turn.
    """

    nargs = 1
    _label = "onehot_argmax_k"

    def _latex(self, printer: object) -> str:
        return r"\mathbb{1}\left[k = \arg\max_{j} %s_{j}\right]" % printer._print(self.args[0])  # type: ignore[attr-defined]


class AxisSum(_ArrayOp):
    """sum_k x_k along the class axis (the axis is kept, so it broadcasts back)."""

    nargs = 1
    _label = "sum_k"

    def _latex(self, printer: object) -> str:
        arg = self.args[0]
        body = printer._print(arg)  # type: ignore[attr-defined]
        if isinstance(arg, sp.Add | sp.Mul):
            body = r"\left(%s\right)" % body
        return r"\sum_{j} %s_{j}" % body if isinstance(arg, sp.Symbol) else r"\sum_{j} %s" % body


class Outer(_ArrayOp):
    """The outer product a_i b_j of two vectors: an n x n matrix per example."""

    nargs = 2
    _label = "outer"

    def _latex(self, printer: object) -> str:
        a, b = (printer._print(x) for x in self.args)  # type: ignore[attr-defined]
        return r"\left(%s\right)_{i} \left(%s\right)_{j}" % (a, b)


class ReplaceAtMax(_ArrayOp):
    """The vector x with its entry at the (first) argmax of ``of`` replaced by the per-row value v."""

    nargs = 3
    _label = "replace_at_argmax"

    def _latex(self, printer: object) -> str:
        x, v, of = (printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return r"%s\big|_{k = \arg\max %s} := %s" % (x, of, v)


class WithDiagonal(_ArrayOp):
    """The matrix M with its diagonal replaced by the vector d."""

    nargs = 2
    _label = "with_diagonal"

    def _latex(self, printer: object) -> str:
        m, d = (printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return r"%s\big|_{i = j} := %s_{i}" % (m, d)


ARRAY_OPS = (AxisShift, MaxIndicator, AxisSum, Outer, ReplaceAtMax, WithDiagonal)


def xlogy(x: sp.Expr, logarg: sp.Expr, log: type[sp.Function] = sp.log,
          zero_when: sp.Basic | None = None) -> sp.Piecewise:
    """x log(a) with the convention 0 log 0 = 0 (the limit), as a Piecewise the printers lower
    to "compute, then put 0 where x == 0" (``zero_when`` states x == 0 more simply, e.g. y = 1
    for x = 1 - y)."""
    return sp.Piecewise((sp.S.Zero, sp.Eq(x, 0) if zero_when is None else zero_when), (x * log(logarg), True))
