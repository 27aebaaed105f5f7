"""Answers in derivkit's plain-text input syntax, so ``derivkit check`` can grade them.

``sympy.sstr`` is close to the syntax (sigmoid(z), exp, log, **) but not equal to it:
``Derivative(f, z)`` is ``diff(f, z)`` for us, ``Abs`` is ``abs``, an indexed ``z[1]`` is the
name ``z_1``, and sums or Kronecker deltas have no text form at all. Those raise
:class:`NotGradable`, and the handout then says the answer is graded by hand.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from derivkit.errors import NotGradable
from derivkit.ordering import factor_rank, is_written, ordered_terms, reorderable
from derivkit.parsing.names import printable_functions

#: Function names the printer may write: exactly those the parser reads back as themselves.
TEXT_FUNCTIONS = printable_functions()


class AnswerTextPrinter(StrPrinter):
    """sstr, restricted to what the text parser reads back."""

    printmethod = "_derivkit_text"  # bypass _sympystr hooks (Indexed prints z[1] through one)

    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _print_Mul(self, expr: sp.Mul) -> str:
        """sigmoid(z)*(1 - sigmoid(z)), in the order the LaTeX shows it."""
        if not reorderable(expr) or is_written(expr):  # as its author wrote it
            return super()._print_Mul(expr)
        if expr.could_extract_minus_sign():
            return "-" + self._print(-expr)
        if sp.fraction(expr)[1] is sp.S.One:
            coeff, factors = expr.as_coeff_mul()
            ordered = sorted(factors, key=lambda f: (factor_rank(f), sp.default_sort_key(f)))
            expr = sp.Mul(*([] if coeff is sp.S.One else [coeff]), *ordered, evaluate=False)
        return super()._print_Mul(expr)

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        return ordered_terms(expr) if isinstance(expr, sp.Add) else super()._as_ordered_terms(expr, order=order)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return self._print(expr.label)

    def _print_Idx(self, expr: sp.Idx) -> str:
        return self._print(expr.label)

    def _print_Function(self, expr: sp.Function) -> str:
        name = type(expr).__name__
        if isinstance(expr, AppliedUndef) or name not in TEXT_FUNCTIONS:
            raise NotGradable(f"{name}(...) has no plain-text form")
        return super()._print_Function(expr)

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = self._print(expr.expr)
        for var, count in expr.variable_count:
            inner = f"diff({inner}, {self._print(var)}" + (")" if count == 1 else f", {count})")
        return inner

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        if not all(i.is_Integer and i >= 0 for i in expr.indices):
            raise NotGradable(f"{expr} has a symbolic index")
        return f"{self._print(expr.base)}_" + "_".join(str(i) for i in expr.indices)

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        if not expr.name.replace("_", "").isalnum():
            raise NotGradable(f"the name {expr.name!r} cannot be typed")
        return expr.name

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "E"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.base is sp.E:
            return f"exp({self._print(expr.exp)})"
        return super()._print_Pow(expr, rational)

    def emptyPrinter(self, expr: object) -> str:
        raise NotGradable(f"{type(expr).__name__} has no plain-text form")

    def _print_Basic(self, expr: sp.Basic) -> str:
        raise NotGradable(f"{type(expr).__name__} has no plain-text form")

    _print_Sum = _print_Product = _print_KroneckerDelta = _print_Integral = _print_Basic
    _print_Piecewise = _print_Matrix = _print_MatrixSymbol = _print_Limit = _print_Basic


def answer_text(expr: sp.Expr) -> str | None:
    """The answer as ``derivkit check`` input, or None when it cannot be typed."""
    try:
        return AnswerTextPrinter().doprint(expr)
    except NotGradable:
        return None
