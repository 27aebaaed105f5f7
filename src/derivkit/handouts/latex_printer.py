"""LaTeX for expressions in handouts: SymPy's printer, tuned to read like a textbook.

SymPy's defaults are correct but sometimes read oddly on a blackboard: it writes
``(1 - \\sigma(z)) \\sigma(z)`` and ``e^{z} + 1``, and ``{z}_{k}``. The fixes live here, as
printer methods on the expression tree, so no caller ever edits LaTeX strings.
"""

from __future__ import annotations

from functools import cache

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import requires_partial
from sympy.printing.latex import LatexPrinter
from sympy.simplify.radsimp import fraction

from derivkit.ordering import as_written, factor_rank, is_written, ordered_terms, reorderable


class HandoutLatexPrinter(LatexPrinter):
    """The one place handouts get expression LaTeX from."""

    def __init__(self, settings: dict[str, object] | None = None) -> None:
        super().__init__({"order": "none", "mat_str": "bmatrix", "mat_delim": "", **(settings or {})})

    # -- sums: "1 + e^{z}" and "1 - \\sigma" for transcendental terms, "x^2 + y^2 - 1" for polynomials --
    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        return ordered_terms(expr) if isinstance(expr, sp.Add) else super()._as_ordered_terms(expr, order=order)

    # -- products in textbook order: y (1 - y) log(p), sigma(z) (1 - sigma(z)) --
    def _print_Mul(self, expr: sp.Mul) -> str:
        compound = compound_denominator(expr)
        if compound is not None:  # (1/a) / (b/a) as written, not 1 / ((b/a) a), and not a fraction of fractions
            with sp.evaluate(False):
                numer = sp.Mul(*(a for a in expr.args if a is not compound))
            return r"\left. %s \middle/ %s \right." % (self._print(numer), self._print(compound.base))
        args = expr.args
        if is_written(expr) and len(args) >= 2 and _is_reciprocal(args[0]):
            return self._print_leading_reciprocal(args[0], args[1:])
        if len(args) == 2 and args[0] is sp.S.NegativeOne and args[1].is_Number and args[1] >= 0:
            return "- " + self._print(args[1])  # -y at y = 1 reads "-1", not "(-1) 1"
        if len(args) == 2 and args[0] is sp.S.NegativeOne and isinstance(args[1], sp.Add):
            return r"- \left(%s\right)" % self._print(args[1])  # -(a/b + c/d) with brackets that grow
        positive = written_positive(expr)
        if positive is not None:  # -2 c cos t sin t as written
            with as_written([positive]):
                return "- " + self._print(positive)
        if is_written(expr) and _is_negated(args[0]) and not any(_is_negated(a) for a in args[1:]):
            # -delta/2 as written: - \frac{\delta}{2}, not \frac{-\delta}{2}; (-a)(-b) keeps both signs
            rest = (args[0].args[1], *args[1:])
            positive = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
            with as_written([positive]):
                return "- " + self._print(positive)
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Rational and not coeff.is_Integer and isinstance(rest, sp.Add) and _has_fraction(rest):
            # (1/4)(a + b/2): a sum holding fractions is not put over a numerator, where TeX would
            # set its own fractions in script size
            return r"%s \left(%s\right)" % (self._print(coeff), self._print(rest))
        if (isinstance(expr, sp.Mul) and is_written(expr) and expr.is_commutative and args[0] is not sp.S.One
                and not any(_is_reciprocal(a) for a in args)):  # a/b is a fraction, below
            return self._print_factors(args)  # as written, numbers included: 2 \cdot \sigma(2z) \cdot 2
        if not reorderable(expr):
            return super()._print_Mul(expr)
        if expr.could_extract_minus_sign():
            return "- " + self._print(-expr)
        numer, denom = fraction(expr, exact=True)
        if denom is not sp.S.One:
            return r"\frac{%s}{%s}" % (self._print(numer), self._print(denom))
        coeff, factors = expr.as_coeff_mul()  # (a written product was printed above)
        ordered = sorted(factors, key=lambda f: (factor_rank(f), sp.default_sort_key(f)))
        return self._print_factors(ordered if coeff is sp.S.One else (coeff, *ordered))

    def _print_factors(self, factors: tuple[sp.Basic, ...] | list[sp.Basic]) -> str:
        """Factors side by side (see :meth:`_next_factor`)."""
        parts: list[str] = []
        for factor in factors:
            parts.append(self._next_factor(factor, self._print(factor), parts[-1] if parts else ""))
        return " ".join(parts)

    def _next_factor(self, factor: sp.Basic, text: str, before: str) -> str:
        r"""A factor's text after ``before``: a sum or a sign in brackets, (1 - y) (-sigma); a dot before
        a digit, 2 x \cdot 2 x^{2} (not 2x2x^2), and before a fraction after a digit (3 \frac{1}{2} is 3 1/2)."""
        if isinstance(factor, sp.Add) or (before and text.startswith("-")):
            return r"\left(%s\right)" % text
        if before and (text[:1].isdigit() or (text.startswith(r"\frac") and before[-1:].isdigit())):
            return r"\cdot " + text
        return text

    def _print_leading_reciprocal(self, reciprocal: sp.Pow, rest: tuple[sp.Basic, ...]) -> str:
        """(1/2)(1 - 1/2) and (1/u)(e/u) as written, the reciprocal first: not one fraction
        (1 - 1/2)/2 with the rest put over a numerator."""
        factor = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
        with as_written([factor]):
            text = self._print(factor)
        lead = r"\frac{1}{%s}" % self._print(reciprocal.base)
        return f"{lead} {self._next_factor(factor, text, lead)}"

    def _print_Pow(self, expr: sp.Pow) -> str:
        """sigma(z)^2: SymPy would pass ``exp=`` to our functions' ``_latex``, which do not take it."""
        if isinstance(expr.base, sp.Function) and hasattr(type(expr.base), "_latex") and not expr.exp.is_negative:
            return r"%s^{%s}" % (self._print(expr.base), self._print(expr.exp))
        if expr.exp is sp.S.NegativeOne and isinstance(expr.base, sp.Mul) and is_written(expr.base):
            # 1/((p + (1 - p))/p) as written: one over the written fraction, whose factors SymPy's
            # reciprocal printing would otherwise set side by side, (p + (1 - p)) \frac{1}{p}
            return r"\frac{1}{%s}" % self._print(expr.base)
        return super()._print_Pow(expr)

    # -- calculus ------------------------------------------------------------------
    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """\\frac{d}{dz} f, or \\frac{\\partial^{2}}{\\partial x \\partial y} f for several variables."""
        inner = self._print(expr.expr)
        if not (expr.expr.is_Atom or isinstance(expr.expr, (sp.Function, sp.Indexed, AppliedUndef))):
            inner = r"\left(%s\right)" % inner
        return f"{self.derivative_operator(expr)} {inner}"

    def derivative_operator(self, expr: sp.Derivative) -> str:
        """The operator part of a derivative, \\frac{d}{dz}; line breaking puts it before a bracket."""
        d = r"\partial" if requires_partial(expr.expr) else "d"
        total = sum(int(n) for _, n in expr.variable_count)
        below = " ".join(
            f"{d}{'' if d == 'd' else ' '}{self._print(v)}" + ("" if n == 1 else f"^{{{self._print(n)}}}")
            for v, n in reversed(expr.variable_count)
        )
        above = d if total == 1 else f"{d}^{{{total}}}"
        return r"\frac{%s}{%s}" % (above, below)

    # -- indices -------------------------------------------------------------------
    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        """As SymPy's, except that a negative number subtracted as written keeps its brackets:
        substituting x1 = -5 into 1 - x1 shows 1 - (-5), never 1 - -5; and a bracketed sum written
        inside a written sum stays added, p + (1 - p), not turned into p - (p - 1)."""
        tex = ""
        written = is_written(expr)
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            positive = written_positive(term) if i else None
            if positive is not None:  # x - (1/3)(a + b) as written, not SymPy's (a + b)/3 from negating it
                tex, term = tex + " - ", positive
                with as_written([positive]):
                    term_tex = self._print(positive)
            else:
                if i and term.could_extract_minus_sign() and not (written and isinstance(term, sp.Add)):
                    tex, term = tex + " - ", -term
                elif i:
                    tex += " + "
                term_tex = self._print(term)
            if self._needs_add_brackets(term) or (i and term_tex.startswith("-")):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        """A bracketed matrix whose entries are set like displayed formulas: amsmath's text style
        shrinks the fractions of a gradient or a Hessian below reading size."""
        from derivkit.handouts.linebreak import height  # linebreak prints through this module

        rows = []
        for r in range(expr.rows):
            # a strut as tall as the row's stacked fractions plus a gap: rows of displayed fractions
            # would touch (and a TeX \\[gap] only deepens the row's strut, not its content)
            tall = 2.4 * max(height(entry) for entry in expr.row(r)) + 1.6
            strut = r"\rule[-%.1fex]{0pt}{%.1fex}" % (tall / 2 - 0.4, tall)
            rows.append(strut + " & ".join(r"\displaystyle " + self._print(entry) for entry in expr.row(r)))
        return r"\begin{bmatrix}%s\end{bmatrix}" % r" \\ ".join(rows)

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Subs(self, subs: sp.Subs) -> str:
        """An evaluation at a point, the way it is written by hand: f|_{p = 1/5, z = 0}."""
        expr, old, new = subs.args
        at = r",\ ".join(f"{self._print(o)} = {self._print(n)}" for o, n in zip(old, new))
        return r"\left. %s \right|_{%s}" % (self._print(expr), at)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base)
        indices = ",".join(self._print(i) for i in expr.indices)
        return f"{base}_{{{indices}}}"

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return self._print(expr.label)

    def _print_Idx(self, expr: sp.Idx) -> str:
        """An index prints as its name; its range belongs in the table of symbols."""
        return self._print(expr.label)

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        i, j = (self._print(a) for a in expr.args)
        simple = all(a.is_Atom for a in expr.args)
        tex = rf"\delta_{{{i}{j}}}" if simple and len(i) == 1 and len(j) == 1 else rf"\delta_{{{i},{j}}}"
        return f"{tex}^{{{exp}}}" if exp else tex


def _has_fraction(expr: sp.Basic) -> bool:
    """Whether printing ``expr`` writes a fraction (a rational or a negative power) anywhere in it."""
    return any((isinstance(a, sp.Rational) and not a.is_Integer) or (isinstance(a, sp.Pow) and a.exp.is_negative)
               for a in sp.preorder_traversal(expr))


def written_positive(expr: sp.Basic) -> sp.Basic | None:
    """The written product ``expr`` without its leading negative number, -2 c x -> 2 c x, built
    unevaluated so it keeps the author's form (negating it would let SymPy reorder and merge it)."""
    if not (is_written(expr) and isinstance(expr, sp.Mul) and expr.args[0].is_Number and expr.args[0].is_negative):
        return None
    first, *others = expr.args
    rest = others if first is sp.S.NegativeOne else [-first, *others]
    return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)


def _is_negated(expr: sp.Basic) -> bool:
    """Whether ``expr`` is written -x: an unevaluated product of -1 and one factor."""
    return isinstance(expr, sp.Mul) and len(expr.args) == 2 and expr.args[0] is sp.S.NegativeOne


def _is_reciprocal(expr: sp.Basic) -> bool:
    """Whether ``expr`` is written 1/b: an unevaluated power -1 (SymPy would make 1/2 a Rational)."""
    return isinstance(expr, sp.Pow) and expr.exp is sp.S.NegativeOne


def compound_denominator(expr: sp.Mul) -> sp.Pow | None:
    """The one factor 1/(b/a) of an unevaluated quotient of fractions (SymPy never builds one
    when it evaluates), so the quotient prints as "fraction / fraction"."""
    found = [a for a in expr.args if isinstance(a, sp.Pow) and a.exp == -1 and isinstance(a.base, sp.Mul)
             and any(isinstance(f, sp.Pow) and f.exp.is_negative for f in a.base.args)]
    return found[0] if len(found) == 1 else None


@cache
def _printer() -> HandoutLatexPrinter:
    return HandoutLatexPrinter()


def derivative_operator(expr: sp.Derivative) -> str:
    return _printer().derivative_operator(expr)


def to_latex(expr: object) -> str:
    """LaTeX for an expression (or anything sympifiable, e.g. a declared IndexedBase)."""
    return _printer().doprint(expr)
