"""Assemble the render model from a derivation and its verification report.

This is where a variant is decided. A worksheet leaves the right side of every step marked
``exercise=True`` blank, and also blanks any other displayed expression that contains such
an answer (a later step restating it, a result, a worked example), so the answer is not on
the page in any form. The key shows the same blanks filled in and highlighted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence

import sympy as sp

import derivkit
from derivkit.derivation import Chain, Derivation, DerivationReport, Example, Exercise
from derivkit.errors import DerivationError
from derivkit.render import build_date, linebreak, prose
from derivkit.render.latex_printer import to_latex
from derivkit.render.model import (ChainView, ExampleView, ExerciseView, FailureView, FigureView, Footer, Handout,
                                   Layout, Premise, ResultView, StepRow, SymbolRow, Variant, VerdictView)
from derivkit.render.text_printer import answer_text
from derivkit.steps import Relation, StepVerdict

RELATIONS = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\ne"}
LABELS = {"proved": "proved", "numeric": "numerically checked", "failed": "FAILED", "unchecked": "not verified"}


def verdict_view(verdict: StepVerdict | None) -> VerdictView:
    if verdict is None:
        return VerdictView("unchecked", LABELS["unchecked"], "")
    ce = verdict.counterexample
    pairs = () if ce is None else (("at", ce.where()), ("left side", ce.expected), ("right side", ce.answer))
    return VerdictView(verdict.status, LABELS[verdict.status], verdict.message, pairs)


class _Hider:
    """Knows a worksheet's hidden answers and whether a displayed expression shows one.

    "Shows" is decided on the printed LaTeX, because that is what ends up on the page: an
    expression reveals an answer when the answer's LaTeX occurs in its LaTeX (single symbols
    and numbers only when the whole expression is that answer).
    """

    def __init__(self, derivation: Derivation, variant: Variant) -> None:
        self.active = variant == "worksheet"
        steps = [s for s in derivation.steps if s.exercise] if self.active else []
        self.answers = [(s.relation.rhs.is_Atom, to_latex(s.relation.rhs)) for s in steps]

    def reveals(self, expr: sp.Basic) -> bool:
        if not self.answers:
            return False
        tex = to_latex(expr)
        return any(tex == answer or (not atom and answer in tex) for atom, answer in self.answers)


def _layout(lhs: sp.Basic, rhs: sp.Basic, column: float, lhs_blank: bool = False, blank: bool = False) -> Layout:
    left, right, wide = linebreak.split_equation(lhs, rhs, column)
    return Layout(() if lhs_blank else left, () if blank else right, wide)


def _chain_view(number: int, chain: Chain, verdicts: Mapping[int, StepVerdict], variant: Variant,
                hider: _Hider) -> ChainView:
    expression_chain = chain.premise is None
    shown, previous = [], chain.start_expr  # which rows show their left side ("= rhs" continues the last line)
    for step in chain.steps:
        shown.append(not (expression_chain and shown and step.relation.lhs == previous))
        previous = step.relation.rhs
    lefts = [s.relation.lhs for s, show in zip(chain.steps, shown) if show]
    if chain.premise is not None:
        lefts.append(chain.premise.lhs)
    column = max([linebreak.width(e) for e in lefts if linebreak.width(e) <= linebreak.NARROW_LHS], default=0.0)
    premise = None
    if chain.premise is not None:
        lhs, rhs = chain.premise.lhs, chain.premise.rhs
        premise = Premise("given", to_latex(lhs), RELATIONS[chain.premise.op], to_latex(rhs), chain.premise_rule,
                          chain.premise_justification, _layout(lhs, rhs, column))
    elif chain.start_expr is not None:
        start = chain.start_expr
        premise = Premise("start", to_latex(start), "", "", chain.premise_rule, chain.premise_justification,
                          Layout(linebreak.lines(start), (), not linebreak.fits(start, linebreak.LINE / 2)))
    rows: list[StepRow] = []
    for step, show in zip(chain.steps, shown):
        relation: Relation = step.relation
        blank = hider.active and (step.exercise or hider.reveals(relation.rhs))
        lhs_blank = hider.active and hider.reveals(relation.lhs)
        rows.append(StepRow(
            number=step.index,
            lhs="" if lhs_blank else to_latex(relation.lhs),
            relation=RELATIONS.get(relation.op, relation.op),
            rhs="" if blank else to_latex(relation.rhs),
            rule=step.rule, justification=step.justification, verdict=verdict_view(verdicts.get(step.index)),
            exercise=step.exercise, blank=blank, highlight=variant == "key" and step.exercise, lhs_blank=lhs_blank,
            continues=not show, layout=_layout(relation.lhs, relation.rhs, column, lhs_blank, blank),
        ))
    return ChainView(number, chain.title, chain.intro, premise, tuple(rows), chain.conclusion or "")


def _results(derivation: Derivation, hider: _Hider) -> tuple[ResultView, ...]:
    titles = {c.conclusion: c.title for c in derivation.chains if c.conclusion}
    views = []
    for name, rel in derivation.results.items():
        hidden = hider.reveals(rel.rhs)
        views.append(ResultView(name, to_latex(rel.lhs), RELATIONS.get(rel.op, rel.op),
                                "" if hidden else to_latex(rel.rhs), hidden,
                                _layout(rel.lhs, rel.rhs, 0.0, blank=hidden), titles.get(name, "")))
    return tuple(views)


def example_view(example: Example) -> ExampleView:
    """Substitute (unevaluated, so the reader sees sigma(2)) and evaluate with SymPy. Sums with
    numeric bounds are written out first, so their terms show the values too."""
    finite = {s: s.doit() for s in example.expr.atoms(sp.Sum)
              if all(bound.is_number for limit in s.limits for bound in limit[1:])}
    with sp.evaluate(False):
        substituted = example.expr.xreplace(finite).xreplace(dict(example.values))
    exact = sp.simplify(example.expr.doit().subs(example.values))
    is_exact = bool(exact.is_Rational)
    value = exact if is_exact else example.value(4)
    point = tuple((to_latex(k), to_latex(v)) for k, v in example.values.items())
    return ExampleView(example.text, to_latex(example.expr), point, to_latex(substituted), to_latex(value), is_exact)


def exercise_view(number: int, exercise: Exercise, derivation: Derivation, show_answer: bool) -> ExerciseView:
    if not show_answer:
        return ExerciseView(number, exercise.prompt)
    text = answer_text(exercise.answer)
    return ExerciseView(number, exercise.prompt, to_latex(exercise.answer), text or "",
                        check_command(text, exercise, derivation) if text else "")


def check_command(text: str, exercise: Exercise, derivation: Derivation) -> str:
    """The ``derivkit check`` command that grades a student's answer to this exercise."""
    domains = {name: str(dom) for name, dom in derivation.domains.items() if str(dom) != "real"}
    used = {str(s) for s in exercise.answer.free_symbols}
    assume = {**{k: v for k, v in domains.items() if k in used}, **exercise.assume}
    parts = ["derivkit check", f'--expected "{text}"', '--answer "YOUR ANSWER"']
    parts += [f'--assume {name}="{domain}"' for name, domain in sorted(assume.items())]
    return " ".join(parts)


def figure_views(names: Iterable[str]) -> tuple[FigureView, ...]:
    from derivkit.plots import spec

    return tuple(FigureView(n, spec(n).caption, f"figures/{n}.svg", f"figures/{n}.pdf") for n in names)


def prose_fields(derivation: Derivation) -> Iterator[tuple[str, str]]:
    """Every piece of author prose in a derivation, with where it is (for error messages)."""
    yield "title", derivation.title
    yield "motivation", derivation.motivation
    for var in derivation.variables:
        yield f"meaning of the symbol {var.symbol}", var.meaning
    for number, chain in enumerate(derivation.chains, start=1):
        yield f"title of chain {number}", chain.title
        yield f"intro of chain {number}", chain.intro
        start = "premise" if chain.premise is not None else "start"
        yield f"rule of the {start} of chain {number}", chain.premise_rule
        yield f"justification of the {start} of chain {number}", chain.premise_justification
        for step in chain.steps:
            yield f"rule of step {step.index}", step.rule
            yield f"justification of step {step.index}", step.justification
    for number, example in enumerate(derivation.examples, start=1):
        yield f"text of example {number}", example.text
    for number, exercise in enumerate(derivation.exercises, start=1):
        yield f"prompt of exercise {number}", exercise.prompt


def check_prose(derivation: Derivation) -> None:
    """Every ``$`` of the derivation's prose pairs up; else a DerivationError naming the derivation and field."""
    for where, text in prose_fields(derivation):
        try:
            prose.split(text)
        except prose.ProseError as exc:
            raise DerivationError(f"derivation {derivation.id!r}, {where}: {exc}") from None


def handout(derivation: Derivation, report: DerivationReport, variant: Variant = "handout", *,
            date: dt.date | str | None = None, figures: Sequence[str] | None = None) -> Handout:
    """The render model of one derivation in one variant (``figures`` defaults to the derivation's).
    Raises DerivationError when the prose has an unpaired ``$`` (see :mod:`derivkit.render.prose`)."""
    check_prose(derivation)
    verdicts = {v.index: v for v in report.steps}
    hider = _Hider(derivation, variant)
    chains = tuple(_chain_view(i, c, verdicts, variant, hider) for i, c in enumerate(derivation.chains, start=1))
    examples = tuple(example_view(e) for e in derivation.examples if not hider.reveals(e.expr))
    exercises = tuple(exercise_view(i, e, derivation, variant != "worksheet")
                      for i, e in enumerate(derivation.exercises, start=1))
    symbols = tuple(SymbolRow(to_latex(v.symbol), v.domain.latex(), v.meaning) for v in derivation.variables)
    titles = {step.index: chain.title for chain in derivation.chains for step in chain.steps}
    rules = {step.index: step.rule for step in derivation.steps}
    failures = tuple(FailureView(v.index, rules.get(v.index, ""), titles.get(v.index, ""), verdict_view(v))
                     for v in report.failures)
    counts = {s: sum(1 for v in report.steps if v.status == s) for s in ("proved", "numeric", "failed")}
    footer = Footer(derivkit.__version__, sp.__version__, build_date(date), report.verified, **counts)
    return Handout(derivation.id, derivation.title, derivation.motivation, variant, symbols, chains,
                   _results(derivation, hider), examples,
                   figure_views(derivation.figures if figures is None else figures), exercises, failures, footer)
