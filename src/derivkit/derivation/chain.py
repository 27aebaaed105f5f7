"""A chain: one line of argument inside a derivation, an expression or an equation being
transformed step by step. Each method records a step (see :mod:`derivkit.derivation.steps`) whose result
SymPy computes or whose stated form the engine checks; nothing is verified here, only recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeAlias

import sympy as sp

from derivkit.derivation.steps import (
    ApplyToBothSides,
    Compare,
    EquationRewrite,
    Operation,
    Relation,
    Rewrite,
    SolveFor,
    Step,
)
from derivkit.engine.inequalities import RELATIONS
from derivkit.errors import DerivationError
from derivkit.functions import as_expr

#: What a step may be stated as: a SymPy expression, or text / LaTeX as written on paper.
Form: TypeAlias = sp.Basic | str | int | float

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation


class Chain:
    """One line of argument inside a derivation: an expression or an equation being transformed."""

    def __init__(self, derivation: Derivation, title: str, intro: str = "") -> None:
        self.derivation = derivation
        self.title = title
        self.intro = intro
        self.start_expr: sp.Expr | None = None
        self.premise: Relation | None = None
        self.premise_rule = ""
        self.premise_justification = ""
        self.steps: list[Step] = []
        self.current: sp.Expr | Relation | None = None
        self.conclusion: str | None = None

    # -- starting points (stated, not verified: they are the model or a definition) ----
    def start(self, expr: Form, rule: str = "definition", justification: str = "") -> Chain:
        """Begin an expression chain at ``expr``."""
        self.start_expr = self._read(expr)
        self.premise_rule, self.premise_justification = rule, justification
        self.current = self.start_expr
        return self

    def given(self, lhs: Form, rhs: Form, rule: str = "model", justification: str = "") -> Chain:
        """Begin an equation chain at the premise lhs = rhs."""
        self.premise = Relation(self._read(lhs), self._read(rhs))
        self.premise_rule, self.premise_justification = rule, justification
        self.current = self.premise
        return self

    # -- expression chains ---------------------------------------------------------------
    def equals(self, expr: Form, rule: str, justification: str = "", needs: tuple[Relation, ...] = (),
               exercise: bool = False) -> Chain:
        """The expression equals ``expr`` (verified on the domain, using the facts in ``needs``)."""
        before, after = self._expression(), self._read(expr)
        return self._add(Rewrite(self._next(), rule, justification, before=before, after=after,
                                 needs=tuple(needs), exercise=exercise), after)

    def differentiate(self, var: sp.Basic, stated: Form | None = None, rule: str = "differentiate",
                      justification: str = "", needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """d/d(var) of the current expression, computed by SymPy; ``stated`` is checked against it."""
        before = self._expression()
        return self._operate(sp.Derivative(before, var), sp.diff(before, var), stated, rule, justification, needs,
                             exercise, redo=lambda e: sp.diff(e, var))

    def compare(self, op: str, expr: Form, rule: str, justification: str = "",
                needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """The expression is ``op`` (<, <=, >, >=, !=) ``expr`` on the domain; a chain such as
        a = b <= c then concludes a <= c. ``!=`` shows the two are not identical (a counterexample)."""
        if op not in RELATIONS or op == "=":
            raise DerivationError(f"chain {self.title!r}: compare() takes one of <, <=, >, >=, !=, not {op!r}")
        before, after = self._expression(), self._read(expr)
        return self._add(Compare(self._next(), rule, justification, before=before, after=after, op=op,
                                 needs=tuple(needs), exercise=exercise), after)

    def limit(self, var: sp.Symbol, point: Form, stated: Form | None = None, direction: str = "+",
              rule: str = "take the limit", justification: str = "", exercise: bool = False) -> Chain:
        """The limit of the current expression as ``var`` tends to ``point`` from ``direction``
        (``"+"``, ``"-"`` or ``"+-"`` for both sides), computed by SymPy; ``stated`` is checked against it."""
        before = self._expression()
        point = self._read(point)
        return self._operate(sp.Limit(before, var, point, direction), sp.limit(before, var, point, direction),
                             stated, rule, justification, (), exercise,
                             redo=lambda e: sp.limit(e, var, point, direction))

    def gradient(self, variables: tuple[sp.Symbol, ...], stated: Form | None = None,
                 rule: str = "the gradient", justification: str = "", needs: tuple[Relation, ...] = (),
                 exercise: bool = False) -> Chain:
        """The column of partial derivatives by ``variables`` (the layout of the variables'
        vector), computed by SymPy; ``stated`` (a Matrix) is checked entry by entry."""
        before = self._expression()
        shown = sp.ImmutableMatrix([[sp.Derivative(before, v)] for v in variables])
        result = sp.ImmutableMatrix([[sp.diff(before, v)] for v in variables])
        return self._operate(shown, result, stated, rule, justification, needs, exercise)

    def hessian(self, variables: tuple[sp.Symbol, ...], stated: Form | None = None,
                rule: str = "the Hessian", justification: str = "", needs: tuple[Relation, ...] = (),
                exercise: bool = False) -> Chain:
        """The matrix of second partial derivatives, computed by SymPy; ``stated`` is checked entry by entry."""
        before = self._expression()
        shown = sp.ImmutableMatrix([[sp.Derivative(before, a, b) for b in variables] for a in variables])
        result = sp.ImmutableMatrix([[sp.diff(before, a, b) for b in variables] for a in variables])
        return self._operate(shown, result, stated, rule, justification, needs, exercise)

    def substitute(self, mapping: Mapping[sp.Basic, Form], stated: Form | None = None,
                   rule: str = "substitute the definition", justification: str = "",
                   needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Replace symbols by their definitions (computed by SymPy); ``stated`` is checked against it."""
        before = self._expression()
        pairs = {key: self._read(value) for key, value in mapping.items()}
        if all(value.is_number for value in pairs.values()):  # evaluation at a point: "before |_{p = 1/5}"
            return self._operate(sp.Subs(before, tuple(pairs), tuple(pairs.values())), before.subs(pairs), stated,
                                 rule, justification, needs, exercise, redo=lambda e: e.subs(pairs))
        # a definition (Z stands for sum_l e^{z_l}): the value is unchanged and the chain stays an identity
        return self._operate(before, before.subs(pairs), stated, rule, justification, needs, exercise,
                             preserves=True, redo=lambda e: e.subs(pairs))

    def compute(self, operation: Callable[[sp.Expr], sp.Expr], stated: Form | None = None, *, rule: str,
                justification: str = "", needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Any other SymPy operation on the current expression whose result is not equal to it
        (e.g. evaluating a sum at K = 3); the result is computed, ``stated`` checked against it."""
        before = self._expression()
        return self._operate(before, operation(before), stated, rule, justification, needs, exercise, redo=operation)

    # -- equation chains -----------------------------------------------------------------
    def apply(self, function: Callable[[sp.Expr], sp.Expr], lhs: Form, rhs: Form, rule: str,
              justification: str = "", exercise: bool = False) -> Chain:
        """Apply a strictly monotonic function to both sides; the stated sides are checked."""
        before = self._equation()
        after = Relation(self._read(lhs), self._read(rhs))
        return self._add(ApplyToBothSides(self._next(), rule, justification, before=before, function=function,
                                          after=after, exercise=exercise), after)

    def rewrite(self, lhs: Form, rhs: Form, rule: str, justification: str = "",
                needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Rewrite the sides of the equation (or move terms across); verified on the domain."""
        before = self._equation()
        after = Relation(self._read(lhs), self._read(rhs))
        return self._add(EquationRewrite(self._next(), rule, justification, before=before, after=after,
                                         needs=tuple(needs), exercise=exercise), after)

    def solve_for(self, var: sp.Symbol, stated: Form | None = None, rule: str = "solve", justification: str = "",
                  exercise: bool = False) -> Chain:
        """Solve the equation for ``var``; SymPy must find exactly one solution."""
        before = self._equation()
        step = SolveFor(self._next(), rule, justification, before=before, variable=var,
                        stated=None if stated is None else self._read(stated), exercise=exercise)
        return self._add(step, step.relation)

    # -- results -------------------------------------------------------------------------
    def conclude(self, name: str, main: bool = False) -> Chain:
        """Name this chain's final formula as a result of the derivation; ``main=True``: the derivation's
        main result (the handout's "Result"; without one, the first concluded chain's)."""
        self.conclusion = name
        if main:
            if self.derivation.main not in (None, name):
                raise DerivationError(f"chain {self.title!r}: the main result is already {self.derivation.main!r}")
            self.derivation.main = name
        return self

    @property
    def final(self) -> Relation:
        """The chain's final statement: the equation, or start = last form for expressions."""
        if isinstance(self.current, Relation):
            return self.current
        if not self.steps:
            raise DerivationError(f"chain {self.title!r} has no steps")
        # The last operation is what the chain's result is about: after start A, d/dz (A) = B, = C,
        # d/dz (C) = D the chain shows d/dz C = D, never A = D.
        operations = [s for s in self.steps if isinstance(s, Operation) and not s.preserves]
        origin = operations[-1].shown if operations else self.start_expr
        return Relation(origin, self.current, self._combined_op())

    def _combined_op(self) -> str:
        """What a chain of = and one-directional comparisons states end to end: a = b <= c < d
        gives a < d. Mixed directions, or != followed by anything, state nothing and are refused."""
        ops = [s.relation.op for s in self.steps if s.relation.op != "="]
        if not ops:
            return "="
        if "!=" in ops:
            if ops != ["!="] or self.steps[-1].relation.op != "!=":
                raise DerivationError(f"chain {self.title!r}: != must be the chain's only comparison and its last step")
            return "!="
        directions = {op[0] for op in ops}
        if len(directions) > 1:
            raise DerivationError(f"chain {self.title!r} mixes < and > comparisons, so it concludes nothing")
        strict = any(len(op) == 1 for op in ops)
        return directions.pop() + ("" if strict else "=")

    # -- internals -----------------------------------------------------------------------
    def _next(self) -> int:
        return self.derivation._claim_index()

    def _read(self, form: Form) -> sp.Expr:
        """A SymPy expression as is; text or LaTeX read as written (:meth:`Derivation.read`)."""
        return self.derivation.read(form) if isinstance(form, str) else as_expr(form)

    def _operate(self, shown: sp.Expr, result: sp.Expr, stated: Form | None, rule: str, justification: str,
                 needs: tuple[Relation, ...], exercise: bool, preserves: bool = False,
                 redo: Callable[[sp.Expr], sp.Expr] | None = None) -> Chain:
        stated_expr = None if stated is None else self._read(stated)
        step = Operation(self._next(), rule, justification, shown=shown, result=result, stated=stated_expr,
                         needs=tuple(needs), exercise=exercise, preserves=preserves, redo=redo)
        return self._add(step, stated_expr if stated_expr is not None else result)

    def _add(self, step: Step, new_current: sp.Expr | Relation) -> Chain:
        self.derivation._record_origin(step.index)
        self.steps.append(step)
        self.current = new_current
        return self

    def _expression(self) -> sp.Expr:
        if not isinstance(self.current, sp.Basic):
            raise DerivationError(f"chain {self.title!r}: this step needs an expression; begin with start(...)")
        return self.current

    def _equation(self) -> Relation:
        if not isinstance(self.current, Relation):
            raise DerivationError(f"chain {self.title!r}: this step needs an equation; begin with given(...)")
        return self.current
