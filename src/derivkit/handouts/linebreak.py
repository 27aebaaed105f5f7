"""Long expressions over several lines, for LaTeX pages (Markdown viewers scroll instead).

TeX cannot break a display formula by itself, so a long right-hand side would run off the
page. The width of an expression is estimated from its tree (in "characters" of math, about
half an em), and a long sum is split between its terms into lines that fit; a derivative of
a long sum keeps its bracket open across the lines (``\\Bigl( ... \\Bigr)``, which unlike
``\\left``/``\\right`` may span lines). Anything else is left on one line.
"""

from __future__ import annotations

import sympy as sp
from sympy.simplify.radsimp import fraction

from derivkit.handouts.latex_printer import derivative_operator, ordered_terms, to_latex

#: A full line of the A4 handout (472 pt, less room for the step's tag) in estimated characters.
#: Measured with TeX on every expression of the derivations: about 5.1 pt per character, at most 6.5.
LINE = 72.0
_SUB = 0.7  # sub- and superscripts are set smaller


def width(expr: sp.Basic) -> float:
    """Rough printed width of ``expr`` in characters of math."""
    if isinstance(expr, sp.MatrixBase):  # the widest entry of each column, and room between columns
        return sum(max(width(e) for e in expr.col(c)) + 2.0 for c in range(expr.cols)) + 2.0
    if isinstance(expr, sp.Symbol | sp.Dummy):
        return 1.0 if len(expr.name) == 1 else min(len(expr.name), 1 + 0.7 * (len(expr.name) - 1))
    if isinstance(expr, sp.Number):
        return float(len(str(expr)))
    if isinstance(expr, sp.Indexed):
        return width(expr.base.label) + _SUB * sum(width(i) for i in expr.indices)
    if isinstance(expr, sp.Idx | sp.IndexedBase):
        return width(expr.label)
    if isinstance(expr, sp.Add):
        return sum(width(t) for t in expr.args) + 2.0 * (len(expr.args) - 1)
    if isinstance(expr, sp.Mul):
        numer, denom = fraction(expr, exact=True)
        if denom is not sp.S.One:
            return max(width(numer), width(denom)) + 1.0
        return sum(width(f) + (2.0 if isinstance(f, sp.Add) else 0.5) for f in expr.args)
    if isinstance(expr, sp.Pow):
        if expr.exp.is_negative:
            return width(1 / expr) + 1.0
        base = 1.0 if expr.base is sp.E else width(expr.base) + (2.0 if isinstance(expr.base, sp.Add) else 0.0)
        return base + _SUB * width(expr.exp)
    if isinstance(expr, sp.exp):
        return 1.0 + _SUB * width(expr.args[0])
    if isinstance(expr, sp.Derivative):
        return 4.0 + width(expr.expr) + 2.0
    if isinstance(expr, sp.Subs):  # f|_{u = g(x)}, the substitutions stacked small below
        return width(expr.expr) + 1.0 + _SUB * max(width(v) + 1.0 + width(p) for v, p in zip(*expr.args[1:]))
    if isinstance(expr, sp.Sum):
        return 2.5 + width(expr.function) + 1.0
    if isinstance(expr, sp.Abs):  # |x|: two thin bars
        return width(expr.args[0]) + 1.0
    if isinstance(expr, sp.KroneckerDelta):
        return 1.0 + _SUB * sum(width(a) for a in expr.args)
    if isinstance(expr, sp.Function):
        name = 1.0 if type(expr).__name__ == "sigmoid" else len(type(expr).__name__)
        return name + 2.0 + sum(width(a) + 1.0 for a in expr.args)
    return 0.6 * len(to_latex(expr))


#: A left side wider than this goes on its own line(s), the relation and right side below it.
NARROW_LHS = LINE / 3


def split_equation(lhs: sp.Basic, rhs: sp.Basic, column: float = 0.0) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(lhs lines, rhs lines, wide) for one aligned row; ``column`` is the width of the widest
    narrow left side in the same align block, where every right side starts."""
    if width(lhs) > NARROW_LHS:
        return lines(lhs, LINE - 4), lines(rhs, LINE - 6), True
    return (to_latex(lhs),), lines(rhs, LINE - max(column, width(lhs)) - 3), False


def fits(expr: sp.Basic, room: float = LINE) -> bool:
    return width(expr) <= room


def lines(expr: sp.Basic, room: float = LINE) -> tuple[str, ...]:
    """``expr`` as LaTeX lines of about ``room`` characters; lines after the first start with + or -."""
    if fits(expr, room):
        return (to_latex(expr),)
    if isinstance(expr, sp.Add):
        return _split_sum(ordered_terms(expr), room)
    if isinstance(expr, sp.Derivative) and isinstance(expr.expr, sp.Add):
        inner = list(_split_sum(ordered_terms(expr.expr), room - 6))
        inner[0] = rf"{derivative_operator(expr)} \Bigl({inner[0]}"
        inner[-1] = rf"{inner[-1]}\Bigr)"
        return tuple(inner)
    return (to_latex(expr),)


def _split_sum(terms: list[sp.Expr], room: float) -> tuple[str, ...]:
    groups: list[list[sp.Expr]] = [[]]
    used = 0.0
    for term in terms:
        w = width(term) + 2.0
        if groups[-1] and used + w > room:
            groups.append([])
            used = 0.0
        groups[-1].append(term)
        used += w
    out = []
    for i, group in enumerate(groups):
        text = to_latex(sp.Add(*group, evaluate=False)) if len(group) > 1 else to_latex(group[0])
        if i and not text.startswith("-"):
            text = "+ " + text
        out.append(text)
    return tuple(out)


def height(expr: sp.Basic) -> float:
    """Rough printed height of ``expr`` in lines of text: 1 for a line, more for stacked
    fractions, derivatives and the rows of a matrix."""
    if isinstance(expr, sp.MatrixBase):
        return sum(max((height(e) for e in expr.row(r)), default=1.0) + 0.3 for r in range(expr.rows))
    if isinstance(expr, sp.Rational) and not expr.is_Integer:
        return 2.0
    if isinstance(expr, sp.Mul):
        numer, denom = fraction(expr, exact=True)
        if denom is not sp.S.One:
            return height(numer) + height(denom)
    if isinstance(expr, sp.Pow) and expr.exp.is_negative:
        return 1.0 + height(expr.base)
    if isinstance(expr, sp.Derivative):
        return max(2.0, height(expr.expr))
    if isinstance(expr, sp.Sum):
        return max(2.0, height(expr.function))
    if isinstance(expr, sp.Pow):
        return height(expr.base)
    return max((height(a) for a in expr.args if isinstance(a, sp.Basic)), default=1.0)


def blank_box(expr: sp.Basic, room: float = LINE) -> tuple[float, float]:
    """(width in em, height in ex) of a box with room for ``expr`` written by hand: a little
    wider than it prints (about 0.55 em per character), its lines stacked when it would be
    broken, and never smaller than a short answer needs."""
    broken = lines(expr, room) if not isinstance(expr, sp.MatrixBase) else (to_latex(expr),)
    count = len(broken)
    wide = min(width(expr), room) if count == 1 else room
    return round(max(5.0, min(0.55 * wide + 2.0, 0.55 * room)), 1), round(max(4.5, 2.6 * height(expr) * count + 1.5), 1)
