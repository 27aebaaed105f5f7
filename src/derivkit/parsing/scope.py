"""What a student's working has defined so far, put in while an expression is built.

A working reads as its author means it: ``L = ...`` binds the name L for every later line,
``f(x) = x^2`` defines a function (so ``f(2)``, ``f'(x)`` and ``h(f(x), g(x))`` mean what
they say), and ``p = 0.2`` is a given value. Parsing with a Scope also switches on the
notation students use in workings (see :mod:`derivkit.parsing.text`): a space between two
names is a product, a bracket after a name that is not a function is a product, primes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Scope:
    """Bound names (``L``, ``odds``, given values) and defined functions (parameters, body)."""

    names: Mapping[str, sp.Expr] = field(default_factory=dict)
    functions: Mapping[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    #: single-letter variables of the working: an unknown name made of them (xy) is their product
    letters: frozenset[str] = frozenset()
    #: definitions as written, in terms of other defined names (for partial derivatives: dL/dp)
    raw: Mapping[str, sp.Expr] = field(default_factory=dict)

    @property
    def resolved(self) -> dict[sp.Basic, sp.Expr]:
        """The defined names as symbols and their values, to put into a derivative of a raw definition."""
        return {sp.Symbol(k): v for k, v in self.names.items()}

    def function_names(self) -> frozenset[str]:
        return frozenset(self.functions)


__all__ = ["Scope"]
