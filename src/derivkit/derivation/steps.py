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
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import sympy as sp

from derivkit.engine.domains import Domain
from derivkit.engine.equivalence import Verdict, equivalent, samples_agree
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
    #: Where the step was stated: ``file.py:LINE`` of the script (set when a derivation is verified).
    where: str = ""
    #: On a failure: what was stated and what it was compared with, as (label, text) pairs.
    forms: tuple[tuple[str, str], ...] = ()
    #: On a failure: the step kind that fits what was written, when one does.
    suggestion: str = ""
    #: The earlier failed step this one fails only because of (its form was wrong); None for a mistake of its own.
    depends_on: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "numeric")

    @property
    def own_failure(self) -> bool:
        """A failure that is a mistake of its own, not the consequence of an earlier wrong form."""
        return not self.ok and self.depends_on is None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"index": self.index, "verdict": self.status,
                                   "seconds": round(self.seconds, 4), "message": self.message}
        if self.counterexample is not None:
            data["counterexample"] = self.counterexample.to_dict()
        if self.where:
            data["where"] = self.where
        if self.forms:
            data["forms"] = dict(self.forms)
        if self.suggestion:
            data["suggestion"] = self.suggestion
        if self.depends_on is not None:
            data["depends_on"] = self.depends_on
        return data


@dataclass(frozen=True)
class Context:
    """What every check needs: the variables' domains and a time budget per claim."""

    domains: Mapping[str, Domain]
    budget: float = 10.0

    def equal(self, a: sp.Expr, b: sp.Expr) -> Verdict:
        return equivalent(a, b, self.domains, budget=self.budget)


def combine(index: int, start: float, claims: list[tuple[str, Verdict]], reference: str | None = None) -> StepVerdict:
    """One step verdict from the verdicts of the claims it consists of (all must hold). ``reference``
    names what the stated form was compared with, so a counterexample reads "SymPy's result is 0.6 but
    the stated form is 3.6" rather than "the first side ... the second side"."""
    seconds = time.perf_counter() - start
    for what, verdict in claims:
        if not verdict.equivalent:
            word = "is false" if verdict.status == "refuted" else "could not be verified"
            cex = verdict.counterexample
            detail = verdict.message
            if cex is not None and reference is not None:  # keep what else the message says (a matrix entry)
                detail = detail.replace(cex.sentence(), cex.sentence(reference, "the stated form"))
            return StepVerdict(index, "failed", seconds, f"{what} {word}: {detail}", verdict.method, cex)
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

    # -- saying what is wrong (used only once a step failed) ------------------------------
    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        """What was stated and what it was checked against, for the failure message."""
        return ()

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        """This step taken from ``previous`` instead of the form it was written after (None: cannot)."""
        return None

    def sound_form(self) -> sp.Expr | Relation | None:
        """The form that truly follows from this step's starting form (what should have been written)."""
        return None

    def suggest(self, ctx: Context) -> str:
        """The step kind that fits what was written, when another kind does ('' if none)."""
        return ""


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
        return combine(self.index, start, [("the rewrite", ctx.equal(before, after))], "the previous form")

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        return (("stated", self.after), ("previous form", self.before))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        return replace(self, before=previous) if isinstance(previous, sp.Basic) else None

    def sound_form(self) -> sp.Expr | Relation | None:
        return self.before

    def suggest(self, ctx: Context) -> str:
        for var in sorted(self.before.free_symbols, key=str):
            if _holds(ctx, sp.diff(self.before, var), self.after):
                return f"the stated form is the derivative by {var}: use differentiate({var}, ...)"
        for op, method in (("<=", "is_nonnegative"), (">=", "is_nonpositive")):
            if _holds_sign(ctx, self.after - self.before, method):
                return (f"the stated form is not equal to the previous one but the previous is {op} it: "
                        f"use compare({op!r}, ...)")
        return ""


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
    #: The operation itself, to redo it from a corrected form (not part of what the step states).
    redo: Callable[[sp.Expr], sp.Expr] | None = field(default=None, kw_only=True, compare=False,
                                                     metadata={"fingerprint": False})

    @property
    def relation(self) -> Relation:
        return Relation(self.shown, self.stated if self.stated is not None else self.result)

    def check(self, ctx: Context) -> StepVerdict:
        start = time.perf_counter()
        if self.stated is None:
            return combine(self.index, start, [(self.rule, computed(self.rule))])
        stated = apply_facts(self.stated, self.needs)
        result = apply_facts(self.result, self.needs)
        return combine(self.index, start, [("the stated result", ctx.equal(result, stated))], "SymPy's result")

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        return (("stated", self.stated if self.stated is not None else self.result), ("computed", self.result))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        if self.redo is None or not isinstance(previous, sp.Basic):
            return None
        return replace(self, result=self.redo(previous))

    def sound_form(self) -> sp.Expr | Relation | None:
        return self.result


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

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        return (("stated", self.after), ("previous form", self.before))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        return replace(self, before=previous) if isinstance(previous, Relation) else None

    def sound_form(self) -> sp.Expr | Relation | None:
        return self.before

    def suggest(self, ctx: Context) -> str:
        return suggest_equation_step(ctx, self.before, self.after)


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

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        return (("stated", self.after), ("computed", self._applied()))

    def _applied(self) -> Relation:
        return Relation(self.function(self.before.lhs), self.function(self.before.rhs))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        return replace(self, before=previous) if isinstance(previous, Relation) else None

    def sound_form(self) -> sp.Expr | Relation | None:
        return self._applied()


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

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        return (("stated", self.after), ("previous form", self.before))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        return replace(self, before=previous) if isinstance(previous, sp.Basic) else None


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

    def forms(self) -> tuple[tuple[str, sp.Basic | Relation], ...]:
        solutions = self.solutions
        computed = solutions[0] if len(solutions) == 1 else sp.FiniteSet(*solutions)
        return (("stated", self.relation), ("computed", Relation(self.variable, computed)))

    def rebased(self, previous: sp.Expr | Relation) -> Step | None:
        return replace(self, before=previous) if isinstance(previous, Relation) else None

    def sound_form(self) -> sp.Expr | Relation | None:
        solutions = self.solutions
        return Relation(self.variable, solutions[0]) if len(solutions) == 1 else None


#: Functions an author may have applied to both sides (tried, in this order, to suggest apply()).
_MONOTONE = (("exp", sp.exp), ("log", sp.log))


def suggest_equation_step(ctx: Context, before: Relation, after: Relation) -> str:
    """Which step kind turns ``before`` into ``after``: applying a function or a factor to both
    sides, or solving for a variable ('' when none is found)."""
    for name, function in _MONOTONE:
        if _holds(ctx, function(before.lhs), after.lhs) and _holds(ctx, function(before.rhs), after.rhs):
            return f"both sides went through {name}: use apply(sp.{name}, lhs, rhs)"
    if before.lhs != 0 and before.rhs != 0 and sp.count_ops(after.lhs / before.lhs) <= HINT_MAX_OPS:
        factor = sp.simplify(after.lhs / before.lhs)
        if factor != 1 and factor.is_finite is not False and _holds(ctx, factor * before.rhs, after.rhs):
            shown = sp.sstr(factor)
            return f"both sides were multiplied by {shown}: use apply(lambda side: side * ({shown}), lhs, rhs)"
    if isinstance(after.lhs, sp.Symbol) and after.lhs not in after.rhs.free_symbols:
        found = sp.solve(sp.Eq(before.lhs, before.rhs, evaluate=False), after.lhs)
        if len(found) == 1 and _holds(ctx, found[0], after.rhs):
            return f"the stated form solves the equation for {after.lhs}: use solve_for({after.lhs}, ...)"
    return ""


#: A hint's symbolic work is skipped above this many operations: one SymPy call cannot be stopped,
#: and explaining a failure must not take longer than finding it (a backprop step took minutes).
HINT_MAX_OPS = 60


def _holds(ctx: Context, a: sp.Expr, b: sp.Expr) -> bool:
    """A quick equality for suggestions: agreement at sample points, no proof (a suggestion is a
    hint, never a verdict; the suggested step is verified like any other)."""
    try:
        return samples_agree(a, b, ctx.domains)
    except Exception:
        return False


def _holds_sign(ctx: Context, expr: sp.Expr, predicate: str) -> bool:
    try:
        small = sp.count_ops(expr) <= HINT_MAX_OPS
        return small and bool(expr != 0) and holds_everywhere(expr, ctx.domains, predicate)
    except Exception:
        return False
