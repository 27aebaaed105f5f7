"""The record of one verified formula: everything any stage knows about it, stated once.

A :class:`Formula` holds the textbook form (a function of :mod:`derivkit.formulas.symbolic`),
the generic form over K classes in indexed notation (for LaTeX), the inputs with their domains,
the derivation and result that prove it, and, when it has one, the numerically stable form that
:mod:`derivkit.codegen` prints (and proves equal to the textbook form before printing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

Kind = Literal["elementwise", "axis"]
Output = Literal["same", "reduced", "matrix"]


@dataclass(frozen=True)
class Input:
    """A formula's input: a scalar, or a vector over the K classes. ``array_meaning`` says what
    it is as a NumPy argument (a vector input is an array along the class axis)."""

    name: str
    domain: str
    meaning: str
    vector: bool = False
    array_meaning: str = ""

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name)

    @property
    def numeric_meaning(self) -> str:
        return self.array_meaning or self.meaning


@dataclass(frozen=True)
class Stable:
    """A numerically stable form: SymPy steps (``name = expression``) then a result, in the
    array operations of :mod:`derivkit.formulas.arrays`, and why it is stable."""

    summary: str
    kind: Kind
    output: Output
    steps: tuple[tuple[sp.Symbol, sp.Expr], ...]
    result: sp.Expr
    stability: str
    has_axis: bool = True


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
    stable: Stable | None = None
    arguments_of: Callable[[], list[Any]] | None = None

    @property
    def numeric(self) -> bool:
        """Whether derivkit.numeric has this formula (it has a stable form)."""
        return self.stable is not None

    @property
    def latex(self) -> str:
        """The formula as a LaTeX equation (right-hand side printed by sympy.latex)."""
        return f"{self.lhs_latex} = {sp.latex(self.generic())}"

    @property
    def vector(self) -> bool:
        return any(i.vector for i in self.inputs)

    def arguments(self, n: int = 3) -> list[Any]:
        """Concrete SymPy arguments: vector inputs as the symbols z1..zn (rules bring their own)."""
        if self.arguments_of is not None:
            return self.arguments_of()
        return [list(sp.symbols(f"{i.name}1:{n + 1}")) if i.vector else sp.Symbol(i.name) for i in self.inputs]

    def build(self, n: int = 3) -> Any:
        """The formula from :mod:`derivkit.formulas.symbolic` at n classes (an expression, list or Matrix)."""
        return self.symbolic(*self.arguments(n))
