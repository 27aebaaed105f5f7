"""Worksheets and keys: a worksheet gives no blank away, in any form; the key shows and marks every one.

A blank's answer can leak as a displayed expression (a later step, the boxed result, a worked
example), through the blank step's own rule and justification ("factor as sigma (1 - sigma)"),
or through prose elsewhere that writes the same formula by hand (a justification, the
motivation, a figure caption). Also here: the start of an expression chain is shown once.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derivkit import Derivation
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.derivation import DerivationReport
from derivkit.derivation import prose
from derivkit.handouts.hiding import Hider, normalise, sentences
from derivkit.handouts.latex_printer import to_latex
from derivkit.ordering import as_written
from derivkit.handouts.model import Handout

DATE = "2024-01-01"
IDS = registry.ids()
FILL_IN = "Your turn: fill in this step"


@pytest.fixture(scope="module")
def verified() -> dict[str, tuple[Derivation, DerivationReport]]:
    return {d.id: (d, d.verify()) for d in registry.load_all()}


def model(verified: dict, derivation_id: str, variant: str) -> Handout:
    derivation, report = verified[derivation_id]
    return render.handout(derivation, report, variant, date=DATE)


def texts(handout: Handout) -> tuple[str, str]:
    return render.markdown(handout), render.latex(handout)


def prose_forms(text: str) -> set[str]:
    """How a piece of prose can appear in the Markdown or LaTeX output."""
    return {prose.markdown(text), prose.latex(text), prose.latex(prose.capitalise(text))} - {""}


def displays(md: str) -> list[str]:
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.S | re.M)


def inline_math(md: str) -> list[str]:
    """The $...$ formulas of the Markdown outside display blocks (prose, titles, captions)."""
    outside = re.sub(r"^\$\$\n.*?\n\$\$$", "", md, flags=re.S | re.M)
    return [s.text for line in outside.splitlines() for s in prose.split(line) if s.math]


@pytest.mark.parametrize("derivation_id", IDS)
def test_worksheet_shows_no_blank_result_nor_its_rule_and_the_key_shows_them(verified: dict,
                                                                            derivation_id: str) -> None:
    derivation, _ = verified[derivation_id]
    steps = {s.index: s for s in derivation.steps}
    worksheet, key = model(verified, derivation_id, "worksheet"), model(verified, derivation_id, "key")
    blanks = {row.number: row for row in worksheet.fill_ins}
    assert blanks and {s.index for s in derivation.steps if s.exercise} <= set(blanks)
    shown = [steps[row.number] for chain in worksheet.chains for row in chain.rows if not row.fill_in]
    shared = {text for s in shown for text in (s.rule, s.justification)}  # a generic rule a shown step also has
    ws_texts, key_texts = texts(worksheet), texts(key)
    for number, row in blanks.items():
        step = steps[number]
        assert row.rule == row.justification == ""
        with as_written(derivation.written):  # a step written as text prints in the order written
            answer = to_latex(step.relation.rhs)
        for text in ws_texts:
            if not step.relation.rhs.is_Atom:  # a lone symbol appears everywhere
                assert answer not in text, f"step {number}'s result is on the {derivation_id} worksheet"
            for said in (step.rule, step.justification):
                if said and (step.exercise or said not in shared):
                    for form in prose_forms(said):
                        assert form not in text, f"step {number}'s {said!r} is on the {derivation_id} worksheet"
        for text in key_texts:
            assert answer in text or (row.blank and _lines_in(key, number, text))
            for said in (step.rule, step.justification):
                assert not said or any(form in text for form in prose_forms(said))
    md, tex = ws_texts
    assert md.count(f"**Step ") and md.count(FILL_IN) == tex.count(FILL_IN) == len(blanks)
    assert FILL_IN not in key_texts[0] + key_texts[1]


def _lines_in(key: Handout, number: int, text: str) -> bool:
    """A long answer is broken into lines in LaTeX: every line is there, highlighted."""
    row = next(r for chain in key.chains for r in chain.rows if r.number == number)
    return all(f"\\answer{{{line}}}" in text for line in row.layout.rhs)


@pytest.mark.parametrize("derivation_id", IDS)
def test_key_highlights_exactly_what_the_worksheet_leaves_blank(verified: dict, derivation_id: str) -> None:
    worksheet, key = model(verified, derivation_id, "worksheet"), model(verified, derivation_id, "key")
    ws_rows = [row for chain in worksheet.chains for row in chain.rows]
    key_rows = [row for chain in key.chains for row in chain.rows]
    assert [(r.blank, r.lhs_blank) for r in ws_rows] == [(r.highlight, r.lhs_highlight) for r in key_rows]
    assert [r.blank for r in worksheet.results] == [r.highlight for r in key.results]
    md, tex = texts(key)
    for row in key_rows:
        if row.highlight:
            assert f"\\textcolor{{blue}}{{{row.rhs}}}" in md
            assert f"\\answer{{{row.layout.rhs[0]}}}" in tex
    for result in key.results:
        if result.highlight:
            assert f"\\textcolor{{blue}}{{{result.rhs}}}" in md
    handout = model(verified, derivation_id, "handout")
    assert not any(r.highlight or r.lhs_highlight or r.blank for c in handout.chains for r in c.rows)
    assert "textcolor{blue}" not in texts(handout)[0]


@pytest.mark.parametrize("derivation_id", IDS)
def test_no_prose_on_the_worksheet_writes_a_hidden_answer(verified: dict, derivation_id: str) -> None:
    """Every $...$ outside the displays (motivation, titles, rules, justifications, meanings, examples,
    captions, exercises) read as a formula: none is a hidden answer. The key keeps the prose."""
    derivation, _ = verified[derivation_id]
    hider = Hider(derivation, active=True)
    md = texts(model(verified, derivation_id, "worksheet"))[0]
    leaks = [formula for formula in inline_math(md) if hider.reveals_formula(formula)]
    assert not leaks, f"the {derivation_id} worksheet states hidden answers: {leaks}"
    key_md = texts(model(verified, derivation_id, "key"))[0]
    assert prose.markdown(derivation.motivation) in key_md


@pytest.mark.parametrize(("derivation_id", "leak"), [
    ("bce-gradient", r"\sigma(z) - y"),  # the motivation and three justifications state dL/dz
    ("sigmoid-from-logit", r"1/(1+e^{-z})"),  # step 4's answer, in later justifications and a rule
    ("sigmoid-from-logit", r"\sigma(z)\,(1 - \sigma(z))"),  # step 14's answer, in the figure caption
    ("softmax-from-multinomial", r"\sum_j e^{z_j}"),  # step 5's answer (Z), in the motivation
])
def test_hand_written_answers_are_dropped_from_the_worksheet_only(verified: dict, derivation_id: str,
                                                                  leak: str) -> None:
    worksheet, key = (texts(model(verified, derivation_id, v)) for v in ("worksheet", "key"))
    for ws_text, key_text in zip(worksheet, key):
        assert leak not in ws_text and leak in key_text


def test_sigmoid_worksheet_keeps_the_figure_without_its_formula(verified: dict) -> None:
    worksheet, key = (model(verified, "sigmoid-from-logit", v) for v in ("worksheet", "key"))
    (ws_figure,), (key_figure,) = worksheet.figures, key.figures
    assert ws_figure.pdf == key_figure.pdf == "figures/sigmoid.pdf"
    assert r"$\sigma'(z)$" in ws_figure.caption and r"\sigma(z)\,(1 - \sigma(z))" not in ws_figure.caption
    assert key_figure.caption.endswith(r"The slope is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.")


def _bowl(exercise: bool = True) -> Derivation:
    """A derivation whose blank is x^2 + y^2: the paraboloid figure's title states it."""
    d = Derivation("bowl", "A bowl", "")
    x, y = d.symbol("x", "real", ""), d.symbol("y", "real", "")
    c = d.chain("The bowl")
    c.start((x + y) ** 2 - 2 * x * y, rule="start")
    c.equals(x ** 2 + y ** 2, rule="expand", exercise=exercise)
    return d


def test_a_figure_whose_labels_state_a_hidden_answer_is_left_out_of_the_worksheet(verified: dict) -> None:
    from derivkit.handouts.assemble import figure_views

    names = ["paraboloid-level-curve"]
    assert [f.name for f in figure_views(names, Hider(verified["chain-rule"][0], active=True))] == names
    assert figure_views(names, Hider(_bowl(), active=True)) == ()
    assert [f.name for f in figure_views(names, Hider(_bowl(), active=False))] == names
    assert [f.name for f in figure_views(names, Hider(_bowl(exercise=False), active=True))] == names


def test_a_given_equation_that_restates_a_blank_is_blank_too() -> None:
    d = Derivation("given", "Given", "")
    x, y = d.symbol("x", "real", ""), d.symbol("y", "real", "")
    first = d.chain("Expand")
    first.start((x + 1) ** 2 - 2 * x, rule="start")
    first.equals(x ** 2 + 1, rule="expand", exercise=True)
    second = d.chain("Use it")
    second.given(y, x ** 2 + 1, rule="write $y = x^2 + 1$", justification="From $x^2 + 1$ above.")
    second.rewrite(y - 1, x ** 2, rule="subtract one")
    report = d.verify()
    worksheet, key = (render.handout(d, report, v, date=DATE) for v in ("worksheet", "key"))
    given, marked = worksheet.chains[1].premise, key.chains[1].premise
    assert given.blank and not given.rhs and given.rule == given.justification == ""
    assert marked.highlight and marked.rhs == "x^{2} + 1" and marked.rule
    md, tex = texts(worksheet)
    assert "x^{2} + 1" not in md + tex and "x^2 + 1" not in md + tex
    assert "y = \\boxed{\\rule" in md and "\\blank" in tex
    key_md, key_tex = texts(key)
    assert "y = \\boxed{\\textcolor{blue}{x^{2} + 1}}" in key_md and "\\answer{x^{2} + 1}" in key_tex


def test_hider_reads_hand_written_formulas_by_form_not_by_value() -> None:
    d = Derivation("s", "S", "")
    z = d.symbol("z", "real", "")
    c = d.chain("Sigmoid")
    c.start(sp.exp(z) / (1 + sp.exp(z)), rule="start")
    c.equals(1 / (1 + sp.exp(-z)), rule="divide", exercise=True)
    hider = Hider(d, active=True)
    assert hider.reveals_formula("1/(1+e^{-z})") and hider.reveals_formula(r"\frac{1}{1 + e^{-z}}")
    assert hider.reveals_formula(r"(1+e^{-z})^{-1}") and hider.reveals_formula(r"\sigma(z) = 1/(1 + e^{-z})")
    assert not hider.reveals_formula(r"e^z/(1+e^z)")  # the same value in another form: the question, not the answer
    assert not hider.reveals_formula("z") and not hider.reveals_formula(r"\sigma'(z)")
    assert hider.prose("Gone: $1/(1+e^{-z})$. Kept: $e^z > 0$.") == "Kept: $e^z > 0$."
    assert Hider(d, active=False).prose("Gone: $1/(1+e^{-z})$.") == "Gone: $1/(1+e^{-z})$."


def test_normalised_latex_matches_printed_and_hand_written_sums() -> None:
    assert normalise(r"\sum_{j=1}^{K} e^{z_{j}}") == normalise(r"\sum_j e^{z_j}") == r"\sum_j e^z_j"
    assert normalise(r"\sum_{j=1}^{2} e^{z_{j}}") != normalise(r"\sum_j e^{z_j}")  # a concrete case is another form
    assert normalise(r"\sigma\left(z\right) \left(1 - \sigma\left(z\right)\right)") == normalise(
        r"\sigma(z)\,(1 - \sigma(z))")


def test_sentences_split_outside_math_and_keep_prose_intact() -> None:
    text = r"First $a = 1.5$. Second costs \$3! Third: $b$"
    assert sentences(text) == ["First $a = 1.5$.", r"Second costs \$3!", "Third: $b$"]
    assert all(prose.split(s) for s in sentences(text))


@pytest.mark.parametrize("variant", ["handout", "worksheet", "key"])
@pytest.mark.parametrize("derivation_id", IDS)
def test_a_start_expression_is_shown_once(verified: dict, derivation_id: str, variant: str) -> None:
    derivation, _ = verified[derivation_id]
    md, tex = texts(model(verified, derivation_id, variant))
    no_matrices = [re.sub(r"\\begin\{bmatrix\}.*?\\end\{bmatrix\}", "", text, flags=re.S)  # entries: display style
                   for text in (md, tex)]
    assert r"\displaystyle" not in no_matrices[0] and r"\displaystyle" not in no_matrices[1].split(
        r"\begin{document}")[1].split(r"\section*{Answers}")[0]
    sections = md.split("\n### ")[1:]
    tabled = {id(case.chain) for table in derivation.tables for case in table.cases}  # shown as a table row
    starts = [c for c in derivation.chains if c.start_expr is not None and id(c) not in tabled]
    assert starts
    for chain in starts:
        section = next(s for s in sections if s.split("\n")[0].endswith(prose.markdown(chain.title)))
        intro, _, rest = section.partition("**Step ")
        assert "**Start** from the expression below" in intro and "$$" not in intro
        first = displays(rest)[0]
        with as_written(derivation.written):  # a start written as text prints in the order written
            start = to_latex(chain.start_expr)
        lhs_hidden = variant == "worksheet" and Hider(derivation, True).reveals(chain.steps[0].relation.lhs)
        assert lhs_hidden or start in first, f"{chain.title}: the first step does not show the start"
    assert md.count("**Start** from the expression below") == len(starts) == tex.count(
        "Start from the expression below")
