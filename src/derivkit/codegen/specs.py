"""The functions of :mod:`derivkit.numeric`: read off the catalogue's records that carry a
stable form (:class:`derivkit.formulas.records.Stable`).

The record says *what* is computed (the textbook formula and its stable steps); the printers
decide *how* (in-place NumPy calls, JAX or PyTorch expressions); :mod:`derivkit.codegen.proofs`
proves, with the equivalence engine, that the stable form equals the textbook formula before
any code is written. Nothing here restates a formula: :meth:`NumericSpec.of` copies the fields
from the record (a spec is a plain value, so a test can ``dataclasses.replace`` a wrong form in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivkit.formulas import CATALOGUE, Formula
from derivkit.formulas.records import Input, Kind, Output


@dataclass(frozen=True)
class NumericSpec:
    """One function of derivkit.numeric: the textbook formula and its stable steps."""

    name: str
    summary: str
    params: tuple[Input, ...]
    kind: Kind
    output: Output
    steps: tuple[tuple[sp.Symbol, sp.Expr], ...]
    result: sp.Expr
    textbook: Callable[..., sp.Expr | list[Any]]  # a scalar, vector or matrix (list of lists)
    stability: str
    has_axis: bool = True

    @classmethod
    def of(cls, formula: Formula) -> NumericSpec:
        """The spec of a record that has a stable form."""
        stable = formula.stable
        if stable is None:
            raise ValueError(f"{formula.name} has no stable form")
        return cls(formula.name, stable.summary, formula.inputs, stable.kind, stable.output, stable.steps,
                   stable.result, formula.symbolic, stable.stability, stable.has_axis)

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


SPECS: tuple[NumericSpec, ...] = tuple(NumericSpec.of(f) for f in CATALOGUE if f.stable is not None)

SPEC_BY_NAME: dict[str, NumericSpec] = {spec.name: spec for spec in SPECS}
