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
``\\$`` for a dollar sign. Handouts typeset it (:mod:`derivkit.derivation.prose`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields

import sympy as sp

from derivkit.derivation.cases import Cases
from derivkit.derivation.chain import Chain
from derivkit.derivation.steps import Context, Relation, Step, StepVerdict
from derivkit.engine.domains import Domain, parse_domain
from derivkit.functions import as_expr


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


def grading_domains(exercise: Exercise, derivation: Derivation) -> dict[str, str]:
    """The --assume domains ``derivkit check`` grades this exercise with: the derivation's
    non-real domains of the answer's symbols, then the exercise's own. (The answer key prints
    them and assignments that take a question ``from`` an exercise grade with them.)"""
    domains = {name: str(dom) for name, dom in derivation.domains.items() if str(dom) != "real"}
    used = {str(s) for s in exercise.answer.free_symbols}
    return {**{k: v for k, v in domains.items() if k in used}, **exercise.assume}


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


class Derivation:
    """A titled derivation: variables with domains, chains of steps, examples, exercises, figures."""

    def __init__(self, id: str, title: str, motivation: str = "") -> None:
        self.id = id
        self.title = title
        self.motivation = motivation
        self.variables: list[Variable] = []
        self.chains: list[Chain] = []
        self.examples: list[Example] = []
        self.exercises: list[Exercise] = []
        self.figures: list[str] = []
        self.tables: list[Cases] = []
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

    def cases(self, label: str, title: str, intro: str = "") -> Cases:
        """A family of chains checking the same claims for several values of parameter ``label``
        (a handout shows them as one table; see :mod:`derivkit.derivation.cases`)."""
        table = Cases(self, label, title, intro)
        self.tables.append(table)
        return table

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
        """Attach a figure by its name in :mod:`derivkit.handouts.figures`."""
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
        from derivkit.derivation.report import render_text

        return render_text(self, report or self.verify())

    def _repr_markdown_(self) -> str:
        """Jupyter shows a derivation as its rendered handout."""
        from derivkit.handouts.notebook import markdown

        return markdown(self)

    def _repr_latex_(self) -> str:
        from derivkit.handouts.notebook import latex

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
