"""The authoring API: a derivation is named chains of steps, each verified by the engine.

A derivation script reads like the blackboard::

    d = Derivation("sigmoid-from-logit", "The sigmoid from the logit model", motivation)
    p = d.symbol("p", "(0,1)", "probability that $y = 1$")
    z = d.symbol("z", "real", "the score w.x + b")
    c = d.chain("Solve the logit model for $p$")
    c.given(sp.log(p / (1 - p)), z, rule="logit model", justification="...")
    c.apply(sp.exp, p / (1 - p), sp.exp(z), rule="exponentiate both sides", justification="...")
    c.solve_for(p, 1 / (1 + sp.exp(-z)), rule="solve for $p$", justification="...")

Two kinds of chain: rewriting an expression (``start`` then ``equals``/``differentiate``/
``substitute``), and transforming an equation (``given`` then ``apply``/``solve_for``/
``rewrite``). ``verify()`` checks every step; nothing a derivation prints is taken on trust.

Prose (titles, motivation, intros, rules, justifications, symbol meanings, example texts,
exercise prompts) may hold inline LaTeX math between dollars, ``"$e^z > 0$, so ..."``; write
``\\$`` for a dollar sign. Handouts typeset it (:mod:`derivkit.render.prose`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields

import sympy as sp

from derivkit.domains import Domain, parse_domain
from derivkit.errors import DerivationError
from derivkit.functions import as_expr
from derivkit.inequalities import RELATIONS
from derivkit.steps import (ApplyToBothSides, Compare, Context, EquationRewrite, Operation, Relation, Rewrite, SolveFor,
                            Step, StepVerdict)


@dataclass(frozen=True)
class Variable:
    """A symbol of the derivation, with its domain and what it means."""

    symbol: sp.Basic
    domain: Domain
    meaning: str = ""


@dataclass(frozen=True)
class Example:
    """A worked numeric example: ``expr`` evaluated at ``values`` (computed, never typed)."""

    expr: sp.Expr
    values: Mapping[sp.Symbol, sp.Expr]
    text: str = ""

    def value(self, digits: int = 4) -> sp.Expr:
        return sp.N(self.expr.doit().subs(self.values), digits)


@dataclass(frozen=True)
class Exercise:
    """A question for students with an answer ``derivkit check`` can grade."""

    prompt: str
    answer: sp.Expr
    assume: Mapping[str, str] = field(default_factory=dict)
    #: A common wrong answer (the grader must reject it; a key may show it as a pitfall).
    wrong: sp.Expr | None = None


@dataclass(frozen=True)
class DerivationReport:
    """Verdicts for every step of one derivation."""

    id: str
    title: str
    steps: tuple[StepVerdict, ...]

    @property
    def verified(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failures(self) -> tuple[StepVerdict, ...]:
        return tuple(step for step in self.steps if not step.ok)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "verified": self.verified,
                "steps": [s.to_dict() for s in self.steps]}


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
    def start(self, expr: sp.Expr, rule: str = "definition", justification: str = "") -> Chain:
        """Begin an expression chain at ``expr``."""
        self.start_expr = as_expr(expr)
        self.premise_rule, self.premise_justification = rule, justification
        self.current = self.start_expr
        return self

    def given(self, lhs: sp.Expr, rhs: sp.Expr, rule: str = "model", justification: str = "") -> Chain:
        """Begin an equation chain at the premise lhs = rhs."""
        self.premise = Relation(as_expr(lhs), as_expr(rhs))
        self.premise_rule, self.premise_justification = rule, justification
        self.current = self.premise
        return self

    # -- expression chains ---------------------------------------------------------------
    def equals(self, expr: sp.Expr, rule: str, justification: str = "", needs: tuple[Relation, ...] = (),
               exercise: bool = False) -> Chain:
        """The expression equals ``expr`` (verified on the domain, using the facts in ``needs``)."""
        before = self._expression()
        return self._add(Rewrite(self._next(), rule, justification, before=before, after=as_expr(expr),
                                 needs=tuple(needs), exercise=exercise), as_expr(expr))

    def differentiate(self, var: sp.Basic, stated: sp.Expr | None = None, rule: str = "differentiate",
                      justification: str = "", needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """d/d(var) of the current expression, computed by SymPy; ``stated`` is checked against it."""
        before = self._expression()
        return self._operate(sp.Derivative(before, var), sp.diff(before, var), stated, rule, justification, needs,
                             exercise)

    def compare(self, op: str, expr: sp.Expr, rule: str, justification: str = "",
                needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """The expression is ``op`` (<, <=, >, >=, !=) ``expr`` on the domain; a chain such as
        a = b <= c then concludes a <= c. ``!=`` shows the two are not identical (a counterexample)."""
        if op not in RELATIONS or op == "=":
            raise DerivationError(f"chain {self.title!r}: compare() takes one of <, <=, >, >=, !=, not {op!r}")
        before = self._expression()
        return self._add(Compare(self._next(), rule, justification, before=before, after=as_expr(expr), op=op,
                                 needs=tuple(needs), exercise=exercise), as_expr(expr))

    def limit(self, var: sp.Symbol, point: sp.Expr, stated: sp.Expr | None = None, direction: str = "+",
              rule: str = "take the limit", justification: str = "", exercise: bool = False) -> Chain:
        """The limit of the current expression as ``var`` tends to ``point`` from ``direction``
        (``"+"``, ``"-"`` or ``"+-"`` for both sides), computed by SymPy; ``stated`` is checked against it."""
        before = self._expression()
        point = as_expr(point)
        return self._operate(sp.Limit(before, var, point, direction), sp.limit(before, var, point, direction),
                             stated, rule, justification, (), exercise)

    def gradient(self, variables: tuple[sp.Symbol, ...], stated: sp.Expr | None = None,
                 rule: str = "the gradient", justification: str = "", needs: tuple[Relation, ...] = (),
                 exercise: bool = False) -> Chain:
        """The column of partial derivatives by ``variables`` (the layout of the variables'
        vector), computed by SymPy; ``stated`` (a Matrix) is checked entry by entry."""
        before = self._expression()
        shown = sp.ImmutableMatrix([[sp.Derivative(before, v)] for v in variables])
        result = sp.ImmutableMatrix([[sp.diff(before, v)] for v in variables])
        return self._operate(shown, result, stated, rule, justification, needs, exercise)

    def hessian(self, variables: tuple[sp.Symbol, ...], stated: sp.Expr | None = None,
                rule: str = "the Hessian", justification: str = "", needs: tuple[Relation, ...] = (),
                exercise: bool = False) -> Chain:
        """The matrix of second partial derivatives, computed by SymPy; ``stated`` is checked entry by entry."""
        before = self._expression()
        shown = sp.ImmutableMatrix([[sp.Derivative(before, a, b) for b in variables] for a in variables])
        result = sp.ImmutableMatrix([[sp.diff(before, a, b) for b in variables] for a in variables])
        return self._operate(shown, result, stated, rule, justification, needs, exercise)

    def substitute(self, mapping: Mapping[sp.Basic, sp.Expr], stated: sp.Expr | None = None,
                   rule: str = "substitute the definition", justification: str = "",
                   needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Replace symbols by their definitions (computed by SymPy); ``stated`` is checked against it."""
        before = self._expression()
        return self._operate(before, before.subs(dict(mapping)), stated, rule, justification, needs, exercise)

    def compute(self, operation: Callable[[sp.Expr], sp.Expr], stated: sp.Expr | None = None, *, rule: str,
                justification: str = "", needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Any other SymPy operation on the current expression whose result is not equal to it
        (e.g. evaluating a sum at K = 3); the result is computed, ``stated`` checked against it."""
        before = self._expression()
        return self._operate(before, operation(before), stated, rule, justification, needs, exercise)

    # -- equation chains -----------------------------------------------------------------
    def apply(self, function: Callable[[sp.Expr], sp.Expr], lhs: sp.Expr, rhs: sp.Expr, rule: str,
              justification: str = "", exercise: bool = False) -> Chain:
        """Apply a strictly monotonic function to both sides; the stated sides are checked."""
        before = self._equation()
        after = Relation(as_expr(lhs), as_expr(rhs))
        return self._add(ApplyToBothSides(self._next(), rule, justification, before=before, function=function,
                                          after=after, exercise=exercise), after)

    def rewrite(self, lhs: sp.Expr, rhs: sp.Expr, rule: str, justification: str = "",
                needs: tuple[Relation, ...] = (), exercise: bool = False) -> Chain:
        """Rewrite the sides of the equation (or move terms across); verified on the domain."""
        before = self._equation()
        after = Relation(as_expr(lhs), as_expr(rhs))
        return self._add(EquationRewrite(self._next(), rule, justification, before=before, after=after,
                                         needs=tuple(needs), exercise=exercise), after)

    def solve_for(self, var: sp.Symbol, stated: sp.Expr | None = None, rule: str = "solve", justification: str = "",
                  exercise: bool = False) -> Chain:
        """Solve the equation for ``var``; SymPy must find exactly one solution."""
        before = self._equation()
        step = SolveFor(self._next(), rule, justification, before=before, variable=var,
                        stated=None if stated is None else as_expr(stated), exercise=exercise)
        return self._add(step, step.relation)

    # -- results -------------------------------------------------------------------------
    def conclude(self, name: str) -> Chain:
        """Name this chain's final formula as a result of the derivation."""
        self.conclusion = name
        return self

    @property
    def final(self) -> Relation:
        """The chain's final statement: the equation, or start = last form for expressions."""
        if isinstance(self.current, Relation):
            return self.current
        if not self.steps:
            raise DerivationError(f"chain {self.title!r} has no steps")
        first = self.steps[0]
        origin = first.shown if isinstance(first, Operation) else self.start_expr
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

    def _operate(self, shown: sp.Expr, result: sp.Expr, stated: sp.Expr | None, rule: str, justification: str,
                 needs: tuple[Relation, ...], exercise: bool) -> Chain:
        stated_expr = None if stated is None else as_expr(stated)
        step = Operation(self._next(), rule, justification, shown=shown, result=result, stated=stated_expr,
                         needs=tuple(needs), exercise=exercise)
        return self._add(step, stated_expr if stated_expr is not None else result)

    def _add(self, step: Step, new_current: sp.Expr | Relation) -> Chain:
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


class Derivation:
    """A titled derivation: variables with domains, chains of steps, examples, exercises, figures."""

    def __init__(self, id: str, title: str, motivation: str = "") -> None:  # noqa: A002 - 'id' is the contract's word
        self.id = id
        self.title = title
        self.motivation = motivation
        self.variables: list[Variable] = []
        self.chains: list[Chain] = []
        self.examples: list[Example] = []
        self.exercises: list[Exercise] = []
        self.figures: list[str] = []
        self._count = 0

    def symbol(self, name: str, domain: str | Domain = "real", meaning: str = "") -> sp.Symbol:
        """Declare a variable; the symbol carries the domain's SymPy assumptions."""
        dom = parse_domain(domain)
        sym = dom.symbol(name)
        self.variables.append(Variable(sym, dom, meaning))
        return sym

    def declare(self, obj: sp.Basic, domain: str | Domain = "real", meaning: str = "") -> sp.Basic:
        """Declare an already built object (an IndexedBase, an undefined function) for the symbol table."""
        self.variables.append(Variable(obj, parse_domain(domain), meaning))
        return obj

    def chain(self, title: str, intro: str = "") -> Chain:
        chain = Chain(self, title, intro)
        self.chains.append(chain)
        return chain

    def example(self, expr: sp.Expr, values: Mapping[sp.Symbol, object], text: str = "") -> Example:
        example = Example(as_expr(expr), {k: as_expr(v) for k, v in values.items()}, text)
        self.examples.append(example)
        return example

    def exercise(self, prompt: str, answer: sp.Expr, assume: Mapping[str, str] | None = None,
                 wrong: sp.Expr | None = None) -> Exercise:
        """A question whose ``answer`` ``derivkit check`` grades; ``wrong`` is a common mistake it must reject."""
        exercise = Exercise(prompt, as_expr(answer), dict(assume or {}), None if wrong is None else as_expr(wrong))
        self.exercises.append(exercise)
        return exercise

    def figure(self, name: str) -> None:
        """Attach a figure by its name in :mod:`derivkit.plots`."""
        self.figures.append(name)

    @property
    def steps(self) -> list[Step]:
        return [step for chain in self.chains for step in chain.steps]

    @property
    def domains(self) -> dict[str, Domain]:
        return {str(getattr(v.symbol, "name", v.symbol)): v.domain for v in self.variables}

    @property
    def results(self) -> dict[str, Relation]:
        named = {c.conclusion: c.final for c in self.chains if c.conclusion}
        return named or {"result": self.result}

    @property
    def result(self) -> Relation:
        """The derivation's formula: the first concluded chain's final statement (else the first chain's)."""
        concluded = [c for c in self.chains if c.conclusion]
        return (concluded or self.chains)[0].final

    def verify(self, budget: float = 10.0) -> DerivationReport:
        ctx = Context(self.domains, budget)
        return DerivationReport(self.id, self.title, tuple(step.check(ctx) for step in self.steps))

    def fingerprint(self) -> str:
        """A hash of everything verification depends on, for caching verdicts."""
        h = hashlib.sha256()
        h.update(sp.__version__.encode())
        for v in self.variables:
            h.update(f"{sp.srepr(v.symbol)}|{v.domain}".encode())
        for step in self.steps:
            for f in fields(step):
                h.update(f"{f.name}={_stable_text(getattr(step, f.name))};".encode())
        return h.hexdigest()

    def iter_chains(self) -> Iterator[tuple[Chain, list[Step]]]:
        for chain in self.chains:
            yield chain, chain.steps

    def _claim_index(self) -> int:
        self._count += 1
        return self._count

    def report_text(self, report: DerivationReport | None = None) -> str:
        """A plain-text rendering with each step's verdict (what ``derivkit show`` prints)."""
        from derivkit.textreport import render_text

        return render_text(self, report or self.verify())

    def _repr_markdown_(self) -> str:
        """Jupyter shows a derivation as its rendered handout."""
        from derivkit.render.notebook import markdown

        return markdown(self)

    def _repr_latex_(self) -> str:
        from derivkit.render.notebook import latex

        return latex(self)

    def print_report(self) -> int:
        """Verify and print; the exit status for scripts is 0 only when every step holds."""
        report = self.verify()
        print(self.report_text(report))
        return 0 if report.verified else 1


def _stable_text(value: object) -> str:
    """A text that changes exactly when the value changes (no memory addresses)."""
    if isinstance(value, sp.Basic):
        return sp.srepr(value)
    if isinstance(value, Relation):
        return f"{sp.srepr(value.lhs)} {value.op} {sp.srepr(value.rhs)}"
    if isinstance(value, tuple):
        return "(" + ",".join(_stable_text(v) for v in value) + ")"
    if callable(value):
        return sp.srepr(value(sp.Symbol("u")))
    return repr(value)
