"""The kinds of derivation step, each knowing how to verify itself.

A step states a relation (our own lhs/rhs pair: ``sympy.Eq`` would collapse a true
equation to ``True`` and lose it). Steps that *do* something (differentiate, substitute,
apply a function to both sides, solve) compute their result with SymPy; when the author
also states the expected form, verification checks the stated form against the computed
one with the equivalence engine. Each kind is a class with its own ``check``; adding a
kind never touches a dispatch chain.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import sympy as sp

from derivkit.engine.domains import Domain
from derivkit.engine.equivalence import Verdict, equivalent
from derivkit.engine.inequalities import holds_everywhere
from derivkit.engine.verdict import Counterexample

StepStatus = Literal["proved", "numeric", "failed"]


@dataclass(frozen=True)
class Relation:
    """lhs <op> rhs, kept as two expressions so a true statement stays visible."""

    lhs: sp.Expr
    rhs: sp.Expr
    op: str = "="

    def __iter__(self) -> Iterator[sp.Expr]:  # allows ``lhs, rhs = relation``
        return iter((self.lhs, self.rhs))

    def __str__(self) -> str:
        return f"{sp.sstr(self.lhs)} {self.op} {sp.sstr(self.rhs)}"


@dataclass(frozen=True)
class StepVerdict:
    """The outcome of verifying one step."""

    index: int
    status: StepStatus
    seconds: float
    message: str
    method: str | None = None
    counterexample: Counterexample | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "numeric")

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"index": self.index, "verdict": self.status,
                                   "seconds": round(self.seconds, 4), "message": self.message}
        if self.counterexample is not None:
            data["counterexample"] = self.counterexample.to_dict()
        return data


@dataclass(frozen=True)
class Context:
    """What every check needs: the variables' domains and a time budget per claim."""

    domains: Mapping[str, Domain]
    budget: float = 10.0

    def equal(self, a: sp.Expr, b: sp.Expr) -> Verdict:
        return equivalent(a, b, self.domains, budget=self.budget)


def combine(index: int, start: float, claims: list[tuple[str, Verdict]]) -> StepVerdict:
    """One step verdict from the verdicts of the claims it consists of (all must hold)."""
    seconds = time.perf_counter() - start
    for what, verdict in claims:
        if not verdict.equivalent:
            word = "is false" if verdict.status == "refuted" else "could not be verified"
            return StepVerdict(index, "failed", seconds, f"{what} {word}: {verdict.message}",
                               verdict.method, verdict.counterexample)
    if all(v.status == "proved" for _, v in claims):
        methods = sorted({v.method or "" for _, v in claims} - {""})
        how = f" ({', '.join(methods)})" if methods else ""
        return StepVerdict(index, "proved", seconds, "proved symbolically" + how, "symbolic")
    return StepVerdict(index, "numeric", seconds,
                       "checked numerically at sample points; SymPy found no symbolic proof", "numeric")


def computed(what: str) -> Verdict:
    """A claim that holds because SymPy computed it (no stated form to compare)."""
    return Verdict("proved", "computed", message=f"{what} computed by SymPy")


def apply_facts(expr: sp.Expr, facts: tuple[Relation, ...]) -> sp.Expr:
    """Use stated facts such as sum_k y_k = 1: eliminate one variable of a linear fact,
    or replace a non-linear left side (e.g. a Sum) by its right side."""
    for fact in facts:
        lhs, rhs = fact.lhs, fact.rhs
        symbols = sorted(lhs.free_symbols, key=str)
        if isinstance(lhs, sp.Add) and symbols and sp.Poly(lhs - rhs, *symbols).is_linear:
            target = symbols[-1]
            solution = sp.solve(sp.Eq(lhs, rhs), target)
            if len(solution) == 1:
                expr = expr.subs(target, solution[0])
                continue
        expr = expr.xreplace({lhs: rhs})
    return expr


@dataclass(frozen=True)
class Step(ABC):
    """Common fields; each kind of step defines what it states and how it is verified."""

    index: int
    rule: str
    justification: str
    needs: tuple[Relation, ...] = field(default=(), kw_only=True)
    exercise: bool = field(default=False, kw_only=True)
    kind: str = field(default="step", kw_only=True)

    @property
    @abstractmethod
    def relation(self) -> Relation:
        """What the step states (shown in handouts)."""

    @abstractmethod
    def check(self, ctx: Context) -> StepVerdict:
        """Verify the step on the domain."""


@dataclass(frozen=True)
class Rewrite(Step):
    """An expression chain: the new form equals the previous one on the domain."""

    before: sp.Expr = sp.S.Zero
    after: sp.Expr = sp.S.Zero
    kind: str = field(default="rewrite", kw_only=True)

    @property
    def relation(self) -> Relation:
        return Relation(self.before, self.after)

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        before, after = apply_facts(self.before, self.needs), apply_facts(self.after, self.needs)
        return combine(self.index, start, [("the rewrite", ctx.equal(before, after))])


@dataclass(frozen=True)
class Operation(Step):
    """An expression chain step that computes: differentiate, substitute, expand a sum...

    ``shown`` is the left side as displayed (e.g. an unevaluated Derivative), ``result``
    what SymPy computed, ``stated`` the author's form (checked against ``result``).
    """

    shown: sp.Expr = sp.S.Zero
    result: sp.Expr = sp.S.Zero
    stated: sp.Expr | None = None
    #: The result equals the input (substituting a definition): the chain stays an identity.
    preserves: bool = field(default=False, kw_only=True)
    kind: str = field(default="operation", kw_only=True)

    @property
    def relation(self) -> Relation:
        return Relation(self.shown, self.stated if self.stated is not None else self.result)

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        if self.stated is None:
            return combine(self.index, start, [(self.rule, computed(self.rule))])
        stated = apply_facts(self.stated, self.needs)
        result = apply_facts(self.result, self.needs)
        return combine(self.index, start, [("the stated result", ctx.equal(result, stated))])


@dataclass(frozen=True)
class EquationRewrite(Step):
    """An equation chain: rewrite one or both sides, each side equal to its old form."""

    before: Relation = Relation(sp.S.Zero, sp.S.Zero)
    after: Relation = Relation(sp.S.Zero, sp.S.Zero)
    kind: str = field(default="equation-rewrite", kw_only=True)

    @property
    def relation(self) -> Relation:
        return self.after

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        left = ctx.equal(apply_facts(self.before.lhs, self.needs), apply_facts(self.after.lhs, self.needs))
        right = ctx.equal(apply_facts(self.before.rhs, self.needs), apply_facts(self.after.rhs, self.needs))
        if left.equivalent and right.equivalent:
            return combine(self.index, start, [("the left side", left), ("the right side", right)])
        moved = ctx.equal(self.before.lhs - self.before.rhs, self.after.lhs - self.after.rhs)
        return combine(self.index, start, [("moving terms across (old lhs - rhs = new lhs - rhs)", moved)])


@dataclass(frozen=True)
class ApplyToBothSides(Step):
    """f applied to both sides of an equation; no solution is gained or lost when f is
    strictly monotonic on the reals and both sides are real, which is checked."""

    before: Relation = Relation(sp.S.Zero, sp.S.Zero)
    function: Callable[[sp.Expr], sp.Expr] = sp.exp
    after: Relation = Relation(sp.S.Zero, sp.S.Zero)
    kind: str = field(default="apply", kw_only=True)

    @property
    def relation(self) -> Relation:
        return self.after

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        u = sp.Dummy("u", real=True)
        slope = sp.diff(self.function(u), u)
        monotone = (holds_everywhere(slope, ctx.domains, "is_positive")
                    or holds_everywhere(slope, ctx.domains, "is_negative"))
        sides_real = all(holds_everywhere(side, ctx.domains, "is_extended_real") for side in self.before)
        if not (monotone and sides_real):
            why = "it is not shown to be strictly monotonic" if not monotone else "a side is not shown to be real"
            return StepVerdict(self.index, "failed", time.perf_counter() - start,
                               f"applying {self.function(sp.Symbol('u'))} to both sides "
                               f"may change the solutions: {why}")
        claims = [
            ("the new left side", ctx.equal(self.function(self.before.lhs), self.after.lhs)),
            ("the new right side", ctx.equal(self.function(self.before.rhs), self.after.rhs)),
        ]
        return combine(self.index, start, claims)


@dataclass(frozen=True)
class Compare(Step):
    """An expression chain step that states an inequality or a difference, not an identity:
    the previous form is <, <=, >, >= or != the new one on the domain (:mod:`derivkit.engine.inequalities`)."""

    before: sp.Expr = sp.S.Zero
    after: sp.Expr = sp.S.Zero
    op: str = ">="
    kind: str = field(default="compare", kw_only=True)

    @property
    def relation(self) -> Relation:
        return Relation(self.before, self.after, self.op)

    def check(self, ctx: Context) -> StepVerdict:
        from derivkit.engine.inequalities import decide

        start = time.perf_counter()
        before, after = apply_facts(self.before, self.needs), apply_facts(self.after, self.needs)
        verdict = decide(before, after, self.op, ctx.domains, budget=ctx.budget)
        return combine(self.index, start, [(f"the claim {self.op}", verdict)])


@dataclass(frozen=True)
class SolveFor(Step):
    """Solve an equation for one variable: SymPy must find exactly one solution on the
    variable's domain, and the stated solution must equal it."""

    before: Relation = Relation(sp.S.Zero, sp.S.Zero)
    variable: sp.Symbol = sp.Symbol("x")
    stated: sp.Expr | None = None
    kind: str = field(default="solve", kw_only=True)

    @cached_property
    def solutions(self) -> list[sp.Expr]:
        """SymPy's solutions, computed once: the relation and the check both need them."""
        return sp.solve(sp.Eq(self.before.lhs, self.before.rhs, evaluate=False), self.variable)

    @property
    def relation(self) -> Relation:
        shown = self.stated if self.stated is not None else (self.solutions or [sp.nan])[0]
        return Relation(self.variable, shown)

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        solutions = self.solutions
        if len(solutions) != 1:
            return StepVerdict(self.index, "failed", time.perf_counter() - start,
                               f"SymPy found {len(solutions)} solutions for {self.variable}, "
                               f"not exactly one: {solutions}")
        solution = solutions[0]
        at = {self.variable: solution}
        claims = [("the solution satisfies the equation",
                   ctx.equal(self.before.lhs.subs(at), self.before.rhs.subs(at)))]
        if self.stated is not None:
            claims.append(("the stated solution", ctx.equal(solution, self.stated)))
        return combine(self.index, start, claims)
