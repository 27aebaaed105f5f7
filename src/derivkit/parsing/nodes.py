"""The small syntax tree both front ends (text and LaTeX) produce.

Keeping parsing and building apart means the limits are enforced in one place
(builder.py) whatever syntax the user typed, and the tree can be inspected in tests.
Every node carries the 0-based column it came from, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Num:
    """An exact number literal (decimals are exact: 0.5 is 1/2)."""

    value: Fraction
    col: int


@dataclass(frozen=True, slots=True)
class Name:
    """A name: a variable, or a constant such as e or pi unless declared as a variable."""

    name: str
    col: int


@dataclass(frozen=True, slots=True)
class Const:
    """A constant that is never a variable (``\\mathrm{e}``): 'E' or 'pi'."""

    name: str
    col: int


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node
    col: int


@dataclass(frozen=True, slots=True)
class Sum:
    """n-ary so long chains neither recurse deeply nor rebuild SymPy sums quadratically."""

    terms: tuple[Node, ...]
    col: int


@dataclass(frozen=True, slots=True)
class Product:
    factors: tuple[Node, ...]
    col: int


@dataclass(frozen=True, slots=True)
class Recip:
    """``1/operand``: division is a product with a reciprocal factor."""

    operand: Node
    col: int


@dataclass(frozen=True, slots=True)
class Power:
    base: Node
    exponent: Node
    col: int


@dataclass(frozen=True, slots=True)
class Call:
    """A function applied to arguments: ``func`` is a key of names.FUNCTIONS, or (in a
    working) a function the working defined, such as f in ``f(x) = x^2``."""

    func: str
    args: tuple[Node, ...]
    col: int
    primes: int = 0  # f'(x): the derivative of func, applied to args (student workings)


@dataclass(frozen=True, slots=True)
class Diff:
    """A derivative to evaluate: d^order expr / d var^order."""

    expr: Node
    var: Name
    order: int
    col: int


@dataclass(frozen=True, slots=True)
class Index:
    """An entry of a declared indexed family: ``p_i``, ``p[i]``, ``z_{k+1}``."""

    base: str
    index: Node
    col: int


@dataclass(frozen=True, slots=True)
class BigOp:
    """A sum or product over an integer index: ``\\sum_{k=1}^{K} body`` or ``sum(body, k, 1, K)``."""

    kind: str  # "sum" or "prod"
    body: Node
    var: Name
    lower: Node
    upper: Node
    col: int


Node = Num | Name | Const | Neg | Sum | Product | Recip | Power | Call | Diff | Index | BigOp
