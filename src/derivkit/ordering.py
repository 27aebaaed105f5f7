"""The order terms and factors are written in: "1 - sigma(z)", "y (1 - y) log(p)", "x^2 + y^2 - 1".

Shared by the handouts' LaTeX printer and the answer printer, so an answer's text reads in the
same order as its LaTeX. It sits at the bottom of the layers because both printers use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sympy as sp

#: The sums and products an author wrote out (a step stated as text or LaTeX), by identity: an
#: evaluated expression equal to one of them is SymPy's, not the author's, and is ordered as usual.
_WRITTEN: ContextVar[frozenset[int]] = ContextVar("derivkit_written_forms", default=frozenset())


@contextmanager
def as_written(forms: Iterable[sp.Basic]) -> Iterator[None]:
    """While active, the sums and products among ``forms`` (the objects themselves, which the caller
    keeps alive) keep the order their author wrote them in."""
    token = _WRITTEN.set(_WRITTEN.get() | frozenset(id(form) for form in forms))
    try:
        yield
    finally:
        _WRITTEN.reset(token)


def is_written(expr: sp.Basic) -> bool:
    """Whether ``expr`` is a sum or product its author wrote out (:func:`as_written`), its terms or
    factors in the order written."""
    return id(expr) in _WRITTEN.get()


def ordered_terms(expr: sp.Add) -> list[sp.Expr]:
    """Polynomials by degree (x^2 + y^2 - 1); otherwise, and for numbers such as a worked
    example's sigma(2) - 1, positive terms first (1 - sigma(z)). A sum written out by the author
    (:func:`as_written`) keeps its order."""
    if is_written(expr):
        return list(expr.args)
    if expr.free_symbols and expr.is_polynomial():
        return list(expr.as_ordered_terms())
    positive = [t for t in expr.args if not t.could_extract_minus_sign()]
    return positive + [t for t in expr.args if t.could_extract_minus_sign()]


def factor_rank(factor: sp.Expr) -> int:
    """Symbols, then polynomial brackets, then functions, then brackets of functions."""
    polynomial = bool(factor.is_polynomial())
    if _is_sum_like(factor):
        return 2 if polynomial else 4
    return 1 if polynomial else 3



def _is_sum_like(factor: sp.Expr) -> bool:
    return isinstance(factor, sp.Add) or (isinstance(factor, sp.Pow) and isinstance(factor.base, sp.Add))


def reorderable(expr: sp.Mul) -> bool:
    """Only ordinary commutative products; unevaluated ones keep their author's order."""
    args = expr.args
    if not expr.is_commutative or args[0] is sp.S.One or any(isinstance(a, sp.Number) for a in args[1:]):
        return False
    return sum(1 for a in args if not a.is_Number) >= 2
