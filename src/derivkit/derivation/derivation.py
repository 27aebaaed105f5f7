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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import sympy as sp

from derivkit.derivation import script
from derivkit.derivation.cases import Cases
from derivkit.derivation.chain import Chain, Form
from derivkit.derivation.steps import Context, Relation, Step, StepVerdict
from derivkit.engine.domains import Domain, parse_domain
from derivkit.engine.equivalence import equivalent
from derivkit.errors import DerivationError, ParseError
from derivkit.functions import as_expr
from derivkit.ordering import as_written
from derivkit.parsing import Notation, parse_as_written
from derivkit.parsing.printer import answer_text


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
    #: The named result this exercise asks for (its answer must equal that result's right side).
    of: str | None = None
    #: Where the exercise was stated (``file.py:LINE``).
    where: str = ""


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
    #: Errors of the derivation's exercises (a ``wrong=`` answer that is right, an answer that is not
    #: the result it asks for): each fails the build like a failed step.
    problems: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return all(step.ok for step in self.steps) and not self.problems

    @property
    def failures(self) -> tuple[StepVerdict, ...]:
        return tuple(step for step in self.steps if not step.ok)

    @property
    def mistakes(self) -> tuple[StepVerdict, ...]:
        """The failures that are mistakes of their own (not consequences of an earlier wrong form)."""
        return tuple(step for step in self.steps if step.own_failure)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.id, "title": self.title, "verified": self.verified,
                                   "steps": [s.to_dict() for s in self.steps]}
        if self.problems:
            data["problems"] = list(self.problems)
        return data


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
        #: A figure's caption where this derivation uses it (captions belong to the use).
        self.captions: dict[str, str] = {}
        #: The course's figures module (set when a course loads the script); None: built-in figures only.
        self.figures_module: Path | None = None
        #: The name of the main result (``conclude(name, main=True)``); None: the first concluded chain.
        self.main: str | None = None
        #: Where each step was stated, by step index: ``(file, line)`` in the author's script.
        self.origins: dict[int, tuple[str, int]] = {}
        #: The sums and products of forms written as text or LaTeX: handouts print them in the order written.
        #: A list, not a set: the printer knows them by identity, and a set would keep only the first of
        #: two equal forms read apart (the second, a distinct object, would print in SymPy's order).
        self.written: list[sp.Basic] = []
        self.tables: list[Cases] = []
        self._count = 0
        self._reported = False
        script.report_when_main(self)

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

    def exercise(self, prompt: str, answer: Form, assume: Mapping[str, str] | None = None,
                 wrong: Form | None = None, of: str | None = None) -> Exercise:
        """A question whose ``answer`` ``derivkit check`` grades; ``wrong`` is a common mistake it must
        reject; ``of`` names the result it asks for. Verification checks both (:meth:`check_exercises`)."""
        read = self._form
        exercise = Exercise(prompt, read(answer), dict(assume or {}), None if wrong is None else read(wrong), of,
                            script.where_text(script.caller()))
        self.exercises.append(exercise)
        return exercise

    def figure(self, name: str, caption: str | None = None) -> None:
        """Attach a figure by name: one of the course's own (its figures module) or a built-in one
        (:mod:`derivkit.handouts.figures`). ``caption`` is this use's caption (prose), else the figure's own."""
        self.figures.append(name)
        if caption is not None:
            self.captions[name] = caption

    # -- steps written as on paper ----------------------------------------------------------
    def read(self, text: str, syntax: str = "auto") -> sp.Expr:
        """A form written in derivkit's text syntax or LaTeX, kept as written (not reordered or
        simplified by SymPy), its names the derivation's symbols. Read by the safe parser that reads
        students' answers: never ``sympify``."""
        notation = Notation.of(v.symbol for v in self.variables)
        try:
            form = parse_as_written(text, syntax, variables=notation.symbols, notation=notation)
            self.written.extend(node for node in sp.preorder_traversal(form) if isinstance(node, (sp.Add, sp.Mul)))
            return form
        except ParseError as exc:
            where = script.where_text(script.caller())
            raise DerivationError(f"{where + ': ' if where else ''}cannot read {text!r}: {exc}") from None

    def _form(self, form: Form) -> sp.Expr:
        return self.read(form) if isinstance(form, str) else as_expr(form)

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
    def main_result(self) -> str:
        """The name of the main result: the one concluded with ``main=True``, else the first concluded."""
        concluded = [c.conclusion for c in self.chains if c.conclusion]
        if self.main is not None:
            return self.main
        return concluded[0] if concluded else "result"

    @property
    def result(self) -> Relation:
        """The derivation's formula: its main result's final statement (else the first chain's)."""
        for chain in self.chains:
            if chain.conclusion and chain.conclusion == self.main_result:
                return chain.final
        if not self.chains:
            raise DerivationError(f"derivation {self.id!r} has no chains")
        return self.chains[0].final

    def verify(self, budget: float = 10.0) -> DerivationReport:
        """Check every step, chain by chain. A step that fails only because an earlier step of its chain
        stated a wrong form (it holds when taken from the form that should have been there) is reported
        as depending on that step, not as a mistake of its own."""
        ctx = Context(self.domains, budget)
        verdicts: list[StepVerdict] = []
        for chain in self.chains:
            wrong_at: int | None = None
            truth: sp.Expr | Relation | None = None  # the form that should stand after the wrong step
            for step in chain.steps:
                verdict = step.check(ctx)
                rebased = step.rebased(truth) if truth is not None else None
                if verdict.ok:
                    truth = None if rebased is None else rebased.sound_form()
                    if truth is None:
                        wrong_at = None
                elif rebased is not None and rebased.check(ctx).ok and wrong_at is not None:
                    verdict = replace(verdict, depends_on=wrong_at,
                                      message=f"follows from step {wrong_at}, whose form was wrong (taken from the "
                                              f"form step {wrong_at} should have stated, this step holds)")
                    wrong_at, truth = None, None
                else:
                    verdict = self._explain(step, verdict, ctx)
                    wrong_at, truth = step.index, (rebased or step).sound_form()
                verdicts.append(replace(verdict, where=self.where(step.index)))
        return DerivationReport(self.id, self.title, tuple(verdicts), self.check_exercises(budget))

    def _explain(self, step: Step, verdict: StepVerdict, ctx: Context) -> StepVerdict:
        """A failure with what was stated, what it was compared with, and the step kind that fits."""
        forms = tuple((label, self._plain(form)) for label, form in step.forms())
        return replace(verdict, forms=forms, suggestion=step.suggest(ctx))

    def _plain(self, form: sp.Basic | Relation) -> str:
        """A form in derivkit's text syntax (what the author may paste back into a step), as written;
        SymPy's own text where the syntax has no words for it."""
        if isinstance(form, Relation):
            return str(form)
        with as_written(self.written):
            return answer_text(form) or sp.sstr(form)

    def check_exercises(self, budget: float = 10.0) -> tuple[str, ...]:
        """Errors of the exercises: a ``wrong=`` answer the engine finds equivalent to the answer (it
        would be marked right), and an answer that does not equal the result it asks for (``of=``)."""
        problems = []
        results = self.results if any(x.of is not None for x in self.exercises) else {}
        for number, exercise in enumerate(self.exercises, start=1):
            where = f"{exercise.where}: " if exercise.where else ""
            domains = {**self.domains, **{k: parse_domain(v) for k, v in exercise.assume.items()}}
            if exercise.wrong is not None:
                verdict = equivalent(exercise.answer, exercise.wrong, domains, budget=budget)
                if verdict.equivalent:
                    problems.append(f"{where}exercise {number}: the wrong answer {sp.sstr(exercise.wrong)} is "
                                    f"equivalent to the answer {sp.sstr(exercise.answer)} ({verdict.message}); "
                                    "a grader would accept it, so it is not a mistake")
            if exercise.of is not None:
                if exercise.of not in results:
                    problems.append(f"{where}exercise {number}: of={exercise.of!r} names no result; results: "
                                    f"{', '.join(results)}")
                    continue
                target = results[exercise.of].rhs
                verdict = equivalent(target, exercise.answer, domains, budget=budget)
                if not verdict.equivalent:
                    problems.append(f"{where}exercise {number}: the answer {sp.sstr(exercise.answer)} does not equal "
                                    f"the result {exercise.of!r} it asks for, {sp.sstr(target)} ({verdict.message})")
        return tuple(problems)

    def where(self, index: int) -> str:
        """``file.py:LINE`` where step ``index`` was stated ('' when unknown)."""
        return script.where_text(self.origins.get(index))

    def _record_origin(self, index: int) -> None:
        origin = script.caller()
        if origin is not None:
            self.origins[index] = origin

    def fingerprint(self) -> str:
        """A hash of everything verification depends on, for caching verdicts."""
        h = hashlib.sha256()
        h.update(sp.__version__.encode())
        for v in self.variables:
            h.update(f"{sp.srepr(v.symbol)}|{v.domain}".encode())
        for step in self.steps:
            for f in fields(step):
                if not f.metadata.get("fingerprint", True):
                    continue
                h.update(f"{f.name}={_stable_text(getattr(step, f.name))};".encode())
        for chain in self.chains:  # the results exercises are checked against
            h.update(f"conclusion={chain.conclusion}|main={self.main};".encode())
        for x in self.exercises:
            h.update(f"exercise={_stable_text(x.answer)}|{_stable_text(x.wrong)}|{x.of}|"
                     f"{sorted(x.assume.items())};".encode())
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
        """Verify and print; the exit status for scripts is 0 only when every step holds. (A script run
        as ``python mine.py`` reports on its own at exit: :mod:`derivkit.derivation.script`.)"""
        self._reported = True
        report = self.verify()
        print(self.report_text(report))
        return 0 if report.verified and not self.incomplete else 1

    @property
    def incomplete(self) -> str:
        """What a script still lacks before it has a result ('' when nothing): a chain, or a chain's steps."""
        if not self.chains:
            return "the derivation has no chains yet (add one with d.chain(...))"
        empty = [c.title for c in self.chains if not c.steps]
        return f"chain {empty[0]!r} has no steps yet (add one, e.g. .equals(...))" if empty else ""


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
