"""Assemble the render model from a derivation and its verification report.

This is where a variant is decided. A worksheet leaves the right side of every step marked
``exercise=True`` blank, and also blanks any other displayed expression that contains such
an answer (a later step restating it, a result, a worked example), so the answer is not on
the page in any form (:mod:`derivkit.handouts.hiding` decides what reveals one). A blank step
shows neither its rule nor its justification, which often state the answer; other prose
(a justification, the motivation, a figure caption) loses the sentences that write a hidden
answer, and a figure whose labels state one is left out. The key shows the same blanks
filled in and highlighted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import sympy as sp

import derivkit
from derivkit.derivation import prose
from derivkit.derivation.cases import Cases
from derivkit.derivation.derivation import (
    Chain,
    Derivation,
    DerivationReport,
    Example,
    Exercise,
    grading_domains,
)
from derivkit.derivation.steps import Relation, StepVerdict
from derivkit.engine.equivalence import Verdict, equivalent
from derivkit.errors import DerivationError
from derivkit.handouts import build_date, linebreak
from derivkit.handouts.hiding import Hider
from derivkit.handouts.latex_printer import to_latex
from derivkit.handouts.model import (
    BlankSize,
    CaseCell,
    CaseTable,
    ChainView,
    CourseInfo,
    ExampleView,
    ExerciseView,
    FailureView,
    FigureView,
    Footer,
    Handout,
    Layout,
    Premise,
    ResultView,
    StepRow,
    SymbolRow,
    Variant,
    VerdictView,
)
from derivkit.ordering import as_written
from derivkit.parsing.printer import answer_text

RELATIONS = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\ne"}
LABELS = {"proved": "proved", "numeric": "numerically checked", "failed": "FAILED", "unchecked": "not verified"}


def verdict_view(verdict: StepVerdict | None) -> VerdictView:
    if verdict is None:
        return VerdictView("unchecked", LABELS["unchecked"], "")
    ce = verdict.counterexample
    pairs = () if ce is None else (("at", ce.where()), ("left side", ce.expected), ("right side", ce.answer))
    return VerdictView(verdict.status, LABELS[verdict.status], verdict.message, pairs)


def _layout(lhs: sp.Basic, rhs: sp.Basic, column: float, lhs_blank: bool = False, blank: bool = False) -> Layout:
    left, right, wide = linebreak.split_equation(lhs, rhs, column)
    hidden = rhs if blank else lhs if lhs_blank else None
    beside = max(column, 8.0) if wide or lhs_blank else max(column, linebreak.width(lhs), 8.0)
    size = None if hidden is None else BlankSize(*linebreak.blank_box(hidden, linebreak.LINE - beside - 4.0))
    return Layout(() if lhs_blank else left, () if blank else right, wide, size)


def _chain_view(number: int, chain: Chain, verdicts: Mapping[int, StepVerdict], variant: Variant,
                hider: Hider) -> ChainView:
    expression_chain = chain.premise is None
    shown: list[bool] = []
    previous = chain.start_expr  # which rows show their left side ("= rhs" continues the last line)
    for step in chain.steps:
        shown.append(not (expression_chain and shown and step.relation.lhs == previous))
        previous = step.relation.rhs
    lefts = [s.relation.lhs for s, show in zip(chain.steps, shown) if show]
    if chain.premise is not None:
        lefts.append(chain.premise.lhs)
    column = max([linebreak.width(e) for e in lefts if linebreak.width(e) <= linebreak.NARROW_LHS], default=0.0)
    hide, mark = variant == "worksheet", variant == "key"
    premise = None
    if chain.premise is not None:
        lhs, rhs = chain.premise.lhs, chain.premise.rhs
        fill, lhs_fill = hider.reveals(rhs, lhs), hider.reveals(lhs)
        rule, justification = _prose_pair(hider, chain.premise_rule, chain.premise_justification,
                                          hidden=hide and (fill or lhs_fill), where=f"the premise of chain {number}")
        premise = Premise("given", "" if hide and lhs_fill else to_latex(lhs), RELATIONS[chain.premise.op],
                          "" if hide and fill else to_latex(rhs), rule, justification,
                          _layout(lhs, rhs, column, hide and lhs_fill, hide and fill),
                          blank=hide and fill, lhs_blank=hide and lhs_fill, highlight=mark and fill,
                          lhs_highlight=mark and lhs_fill)
    elif chain.start_expr is not None:
        # Shown once: as the left side of the first step (the template only refers to it), or
        # on its own when the chain has no steps.
        start = chain.start_expr
        rule, justification = _prose_pair(hider, chain.premise_rule, chain.premise_justification,
                                          where=f"the start of chain {number}")
        premise = Premise("start", to_latex(start), "", "", rule, justification,
                          Layout(linebreak.lines(start), (), not linebreak.fits(start, linebreak.LINE / 2)))
    rows: list[StepRow] = []
    for step, show in zip(chain.steps, shown):
        relation: Relation = step.relation
        fill = step.exercise or hider.reveals(relation.rhs, relation.lhs)  # blank on the worksheet, marked in the key
        lhs_fill = show and hider.reveals(relation.lhs)
        blank, lhs_blank = hide and fill, hide and lhs_fill
        rule, justification = _prose_pair(hider, step.rule, step.justification, hidden=blank or lhs_blank,
                                          where=f"step {step.index}")
        rows.append(StepRow(
            number=step.index,
            lhs="" if lhs_blank else to_latex(relation.lhs),
            relation=RELATIONS.get(relation.op, relation.op),
            rhs="" if blank else to_latex(relation.rhs),
            rule=rule, justification=justification, verdict=verdict_view(verdicts.get(step.index)),
            exercise=step.exercise, blank=blank, highlight=mark and fill, lhs_blank=lhs_blank,
            lhs_highlight=mark and lhs_fill, continues=not show,
            layout=_layout(relation.lhs, relation.rhs, column, lhs_blank, blank),
        ))
    if hider.active and hider.reveals_prose(chain.title):
        hider.note(f"the title of chain {number}", "cannot be left out")
    return ChainView(number, chain.title, hider.prose(chain.intro, f"the intro of chain {number}"), premise,
                     tuple(rows), chain.conclusion or "")


def _prose_pair(hider: Hider, rule: str, justification: str, hidden: bool = False,
                where: str = "") -> tuple[str, str]:
    """A step's rule and justification as the variant shows them: none at all for a blank (they
    tend to state its answer); on a worksheet, no rule that writes a hidden answer and only the
    sentences of the justification that write none."""
    if hidden:
        return "", ""
    if hider.active and hider.reveals_prose(rule):
        hider.note(f"the rule of {where}")
        rule = ""
    return rule, hider.prose(justification, f"the justification of {where}" if where else "")


def _results(derivation: Derivation, hider: Hider, variant: Variant) -> tuple[ResultView, ...]:
    titles = {c.conclusion: c.title for c in derivation.chains if c.conclusion}
    views = []
    main = derivation.main_result
    for name, rel in sorted(derivation.results.items(), key=lambda item: item[0] != main):
        fill = hider.reveals(rel.rhs, rel.lhs)
        hidden = fill and variant == "worksheet"
        views.append(ResultView(name, to_latex(rel.lhs), RELATIONS.get(rel.op, rel.op),
                                "" if hidden else to_latex(rel.rhs), hidden,
                                _layout(rel.lhs, rel.rhs, 0.0, blank=hidden), titles.get(name, ""),
                                highlight=fill and variant == "key", main=name == main))
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
    at = sum(linebreak.width(k) + linebreak.width(v) + 3.0 for k, v in example.values.items())
    one_line = linebreak.width(example.expr) + at + linebreak.width(substituted) + linebreak.width(value) + 6.0
    layout = Layout(linebreak.lines(example.expr, linebreak.LINE - 4), linebreak.lines(substituted, linebreak.LINE - 8),
                    wide=one_line > linebreak.LINE)
    return ExampleView(example.text, to_latex(example.expr), point, to_latex(substituted), to_latex(value), is_exact,
                       layout)


def point_latex(point: Mapping[str, str]) -> str:
    """A counterexample's point as math, ``z_{1} = 0.5, z_{2} = -2``: the names printed as the
    handout prints its symbols, the engine's decimals and fractions as numbers."""
    return r",\ ".join(f"{to_latex(sp.Symbol(name))} = {_number_latex(value)}" for name, value in point.items())


def _number_latex(value: str) -> str:
    """The engine writes points as decimals or p/q; a fraction is set as one."""
    sign, _, digits = value.strip().rpartition("-")
    numerator, slash, denominator = digits.partition("/")
    if slash and numerator.isdigit() and denominator.isdigit() and not sign.strip():
        return ("-" if value.strip().startswith("-") else "") + rf"\frac{{{numerator}}}{{{denominator}}}"
    return value.strip()


def exercise_view(number: int, exercise: Exercise, derivation: Derivation, show_answer: bool) -> ExerciseView:
    if not show_answer:
        return ExerciseView(number, exercise.prompt)
    text = answer_text(exercise.answer)
    view = ExerciseView(number, exercise.prompt, to_latex(exercise.answer), text or "",
                        check_command(text, exercise, derivation) if text else "")
    if exercise.wrong is None:
        return view
    refuted = _refutation(exercise.answer, exercise.wrong, tuple(sorted(grading_domains(exercise, derivation).items())))
    if refuted.status != "refuted" or refuted.counterexample is None:
        return view  # a mistake is only shown with the counterexample that proves it one
    ce = refuted.counterexample
    return replace(view, mistake=to_latex(exercise.wrong), mistake_where=ce.where(),
                   mistake_values=(ce.expected, ce.answer),
                   mistake_at=point_latex(ce.point) if ce.point else r"\text{every point}")


@cache
def _refutation(answer: sp.Expr, wrong: sp.Expr, domains: tuple[tuple[str, str], ...]) -> Verdict:
    """The engine's verdict on a recorded mistake; the handout and the key both show it, once computed."""
    return equivalent(answer, wrong, dict(domains))


def check_command(text: str, exercise: Exercise, derivation: Derivation) -> str:
    """The ``derivkit check`` command that grades a student's answer to this exercise."""
    assume = grading_domains(exercise, derivation)
    parts = ["derivkit check", f'--expected "{text}"', '--answer "YOUR ANSWER"']
    parts += [f'--assume {name}="{domain}"' for name, domain in sorted(assume.items())]
    return " ".join(parts)


def figure_views(names: Iterable[str], hider: Hider | None = None, module: Path | None = None,
                 captions: Mapping[str, str] | None = None) -> tuple[FigureView, ...]:
    """The figures as a variant shows them: on a worksheet, none whose labels state a hidden answer,
    and captions without the sentences that do. A caption given where the figure is used
    (``captions``) comes before the figure's own; ``module`` is the course's figures module."""
    from derivkit.handouts.figures import spec

    views = []
    for name in names:
        figure = spec(name, module)
        if hider is not None and hider.active and hider.any_reveals(figure.formulas):
            hider.note(f"the figure {name!r}")
            continue
        text = (captions or {}).get(name, figure.caption)
        caption = text if hider is None else hider.prose(text, f"the caption of figure {name!r}")
        views.append(FigureView(name, caption, f"figures/{name}.svg", f"figures/{name}.pdf"))
    return tuple(views)


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
    for name, caption in derivation.captions.items():
        yield f"caption of figure {name!r}", caption


def check_prose(derivation: Derivation) -> None:
    """Every ``$`` of the derivation's prose pairs up; else a DerivationError naming the derivation and field."""
    for where, text in prose_fields(derivation):
        try:
            prose.split(text)
        except prose.ProseError as exc:
            raise DerivationError(f"derivation {derivation.id!r}, {where}: {exc}") from None


def handout(derivation: Derivation, report: DerivationReport, variant: Variant = "handout", *,
            date: dt.date | str | None = None, figures: Sequence[str] | None = None,
            course: CourseInfo | None = None) -> Handout:
    """The render model of one derivation in one variant (``figures`` defaults to the derivation's).
    Raises DerivationError when the prose has an unpaired ``$`` (see :mod:`derivkit.derivation.prose`)."""
    check_prose(derivation)
    with as_written(derivation.written):
        return _handout(derivation, report, variant, date, figures, course)


def _handout(derivation: Derivation, report: DerivationReport, variant: Variant, date: dt.date | str | None,
             figures: Sequence[str] | None, course: CourseInfo | None) -> Handout:
    verdicts = {v.index: v for v in report.steps}
    hider = Hider(derivation, active=variant == "worksheet")
    tabled = {id(case.chain) for table in derivation.tables for case in table.cases
              if not any(step.exercise for step in case.chain.steps)}
    chains = tuple(_chain_view(i, c, verdicts, variant, hider) for i, c in enumerate(derivation.chains, start=1)
                   if id(c) not in tabled)
    tables = tuple(_case_table(t, verdicts, tabled) for t in derivation.tables)
    examples = tuple(example_view(e) for number, e in enumerate(derivation.examples, start=1)
                     if not (hider.active and _gives_away(hider, e, number)))
    exercises = tuple(exercise_view(i, e, derivation, variant != "worksheet")
                      for i, e in enumerate(derivation.exercises, start=1))
    symbols = tuple(SymbolRow(to_latex(v.symbol), v.domain.latex(),
                              hider.prose(v.meaning, f"the meaning of {v.symbol}"))
                    for v in derivation.variables)
    titles = {step.index: chain.title for chain in derivation.chains for step in chain.steps}
    blanks = {row.number for chain in chains for row in chain.rows if row.blank or row.lhs_blank}
    rules = {step.index: "" if step.index in blanks else step.rule for step in derivation.steps}
    failures = tuple(FailureView(v.index, rules.get(v.index, ""), titles.get(v.index, ""), verdict_view(v))
                     for v in report.failures)
    counts = {s: sum(1 for v in report.steps if v.status == s) for s in ("proved", "numeric", "failed")}
    footer = Footer(derivkit.__version__, sp.__version__, build_date(date), report.verified, **counts,
                    course=course or CourseInfo())
    figure_names = derivation.figures if figures is None else figures
    motivation = hider.prose(derivation.motivation, "the motivation")
    if hider.active and hider.reveals_prose(derivation.title):
        hider.note("the title", "cannot be left out")
    views = figure_views(figure_names, hider, derivation.figures_module, derivation.captions)
    warnings = tuple(f"{derivation.id} worksheet: {note}" for note in dict.fromkeys(hider.notes))
    return Handout(derivation.id, derivation.title, motivation, variant, symbols, chains,
                   _results(derivation, hider, variant), examples, views, exercises, failures, footer,
                   tuple(t for t in tables if t.rows), warnings)


#: Which verdict a cell of several steps shows: the worst of them.
_SEVERITY = {"proved": 0, "numeric": 1, "unchecked": 2, "failed": 3}


def _case_table(table: Cases, verdicts: Mapping[int, StepVerdict], tabled: set[int]) -> CaseTable:
    """The chains of a family of cases as one table (those with a blank stay chains, so are left out here)."""
    cells: dict[tuple[object, str], CaseCell] = {}
    for case in table.cases:
        steps = case.chain.steps
        if id(case.chain) not in tabled or not steps:
            continue
        views = [verdict_view(verdicts.get(step.index)) for step in steps]
        cells[(case.value, case.claim)] = CaseCell(steps[0].index, steps[-1].index,
                                                   max(views, key=lambda v: _SEVERITY[v.status]))
    claims = tuple(c for c in table.claims if any(key[1] == c for key in cells))
    rows = tuple((to_latex(value), tuple(cells.get((value, claim)) for claim in claims)) for value in table.values
                 if any((value, claim) in cells for claim in claims))
    return CaseTable(table.title, table.intro, table.label, claims, rows)


def _gives_away(hider: Hider, example: Example, number: int) -> bool:
    """Whether a worked example shows a blank's answer (then the worksheet leaves it out, and says so)."""
    if hider.reveals(example.expr) or hider.reveals_prose(example.text):
        hider.note(f"worked example {number}")
        return True
    return False
