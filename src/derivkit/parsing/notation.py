"""What an author declared, so a formula written as on paper can name it.

A derivation's script declares its symbols with their domains, indexed families (the
probabilities ``p`` read as ``p_i`` or ``p[i]``), undefined functions (``f`` in ``f(x)``)
and summation indices. Given a Notation the parsers also read sums and products
(``\\sum_{k=1}^{K}``, ``sum(body, k, 1, K)``) and the Kronecker delta (``\\delta_{ij}``,
``delta(i, j)``). Without one (a student's answer) none of that is read: a subscript there
is part of a name, and ``\\sum`` is refused, so ``y_k`` can never silently mean two things.
The objects are the author's own SymPy objects, used as they are (never rebuilt from text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import UndefinedFunction

#: The operators a Notation adds, by the name the text syntax calls them.
BIG_OPERATORS = {"sum": sp.Sum, "prod": sp.Product}
#: The text syntax's name of the Kronecker delta (``\\delta_{ij}`` in LaTeX).
DELTA = "delta"


@dataclass(frozen=True)
class Notation:
    """Declared symbols (with their assumptions), indexed families and undefined functions, by name."""

    symbols: Mapping[str, sp.Expr] = field(default_factory=dict)
    indexed: Mapping[str, sp.IndexedBase] = field(default_factory=dict)
    functions: Mapping[str, UndefinedFunction] = field(default_factory=dict)

    @classmethod
    def of(cls, objects: Iterable[sp.Basic]) -> Notation:
        """Sort declared objects by what they are: a symbol (or ``Idx``), a family, a function."""
        symbols: dict[str, sp.Expr] = {}
        indexed: dict[str, sp.IndexedBase] = {}
        functions: dict[str, UndefinedFunction] = {}
        for obj in objects:
            if isinstance(obj, UndefinedFunction):
                functions[obj.__name__] = obj
            elif isinstance(obj, sp.IndexedBase):
                indexed[str(obj.label)] = obj
            elif isinstance(obj, (sp.Symbol, sp.Idx)):
                symbols[str(obj.name)] = obj
        return cls(symbols, indexed, functions)

    @property
    def names(self) -> frozenset[str]:
        """Every declared name (the LaTeX tokenizer reads a multi-letter one as one name)."""
        return frozenset(self.symbols) | frozenset(self.indexed) | frozenset(self.functions)

    def symbol(self, name: str) -> sp.Expr:
        """The declared symbol called ``name``, else a plain one."""
        return self.symbols[name] if name in self.symbols else sp.Symbol(name)

    def index(self, name: str) -> sp.Expr:
        """The bound variable of a sum: the declared one, else an integer symbol (an index is one)."""
        return self.symbols[name] if name in self.symbols else sp.Symbol(name, integer=True)


__all__ = ["BIG_OPERATORS", "DELTA", "Notation"]
