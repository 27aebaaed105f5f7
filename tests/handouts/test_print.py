"""What a page shows beyond its content: blanks sized to their answers and never tagged or boxed
twice, hiding decided on expressions (a lone 1 is hidden only where it is the blank's fact),
warnings naming what a worksheet had to leave out, repeated cases said once as a table,
counterexamples set as math, long worked examples and matrices laid out to be read."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derivkit import Derivation, sigmoid
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.handouts import linebreak
from derivkit.handouts.assemble import point_latex
from derivkit.handouts.hiding import Hider
from derivkit.handouts.latex_printer import to_latex
from derivkit.ordering import as_written

DATE = "2024-01-01"


def _counting() -> Derivation:
    """A blank whose answer is the lone number 1, and other displays equal to 1 that are not it."""
    d = Derivation("ones", "Ones", "")
    x = d.symbol("x", "real", "")
    c = d.chain("A ratio")
    c.start((x ** 2 + 1) / (x ** 2 + 1), rule="start")
    c.equals(1, rule="cancel", justification="Equal numerator and denominator.", exercise=True)
    c.conclude("ratio")
    e = d.chain("A difference")
    e.start(sp.cos(x) ** 2 + sp.sin(x) ** 2, rule="start")
    e.equals(1, rule="Pythagoras")
    return d


def test_a_lone_number_blank_hides_its_own_fact_only() -> None:
    d = _counting()
    report = d.verify()
    worksheet, key = (render.handout(d, report, v, date=DATE) for v in ("worksheet", "key"))
    ratio, pythagoras = worksheet.chains
    assert ratio.rows[0].blank and worksheet.results[0].blank  # the step and its boxed result
    assert not pythagoras.rows[0].blank and pythagoras.rows[0].rhs == "1"  # another "= 1" stays
    assert key.chains[0].rows[0].highlight and not key.chains[1].rows[0].highlight
    hider = Hider(d, active=True)
    x = sp.Symbol("x", real=True)
    assert hider.reveals(sp.Integer(1), (x ** 2 + 1) / (x ** 2 + 1)) and not hider.reveals(sp.Integer(1), x)


def test_a_compound_blank_is_found_inside_expressions_not_by_value() -> None:
    d = Derivation("s", "S", "")
    z = d.symbol("z", "real", "")
    c = d.chain("Slope")
    c.start(sp.Derivative(sigmoid(z), z), rule="start")
    c.equals(sigmoid(z) * (1 - sigmoid(z)), rule="differentiate", exercise=True)
    hider = Hider(d, active=True)
    s = sigmoid(z)
    assert hider.reveals(2 * s * (1 - s)) and hider.reveals(sp.Add(s * (1 - s), z, evaluate=False))
    assert hider.reveals(sp.Mul(3, s, 1 - s, evaluate=False))  # its factors among a product's
    assert not hider.reveals(s - s ** 2)  # equal, in another form: that is the question, not the answer
    assert hider.revealed(s * (1 - s)) == [1]


def test_blanks_are_sized_to_their_answers_and_carry_no_verdict_nor_second_box() -> None:
    x = sp.Symbol("x")
    short, long = linebreak.blank_box(x), linebreak.blank_box(sp.Add(*(sp.sin(k * x) / k for k in range(1, 9))))
    assert short[0] < long[0] and short[1] < long[1]
    d = registry.load("sigmoid-derivative")
    model = render.handout(d, d.verify(), "worksheet", date=DATE)
    tex = render.latex(model)
    sizes = {(r.layout.blank.width, r.layout.blank.height) for c in model.chains for r in c.rows if r.blank}
    assert len(sizes) > 1  # not one fixed box
    for item in re.findall(r"\\item\[\(\d+\)\] \{\\bfseries Your turn.*", tex):
        assert "proved" not in item
    assert not re.search(r"\\boxed\{[^\n]*\\blank", tex)
    md = render.markdown(model)
    assert "Your turn: fill in this step.** *" not in md and not re.search(r"\\boxed\{[^\n$]*\\boxed\{\\rule", md)


def test_a_worksheet_that_must_drop_prose_warns_naming_the_step() -> None:
    d = Derivation("w", "W", "")
    z = d.symbol("z", "real", "")
    c = d.chain("Slope")
    c.start(sp.Derivative(sigmoid(z), z), rule="start")
    c.equals(sigmoid(z) * (1 - sigmoid(z)), rule="differentiate", exercise=True)
    c.equals(sigmoid(z) - sigmoid(z) ** 2, rule="expand", justification=r"Multiply out $\sigma(z)(1 - \sigma(z))$.")
    report = d.verify()
    worksheet = render.handout(d, report, "worksheet", date=DATE)
    assert any("step 2" in w and "justification" in w for w in worksheet.warnings)
    assert worksheet.chains[0].rows[1].justification == ""
    assert render.handout(d, report, "handout", date=DATE).warnings == ()


def test_repeated_cases_are_one_table_with_every_verdict() -> None:
    d = registry.load("softmax-from-multinomial")
    model = render.handout(d, d.verify(), "handout", date=DATE)
    (table,) = model.tables
    assert [value for value, _ in table.rows] == ["2", "3", "4", "5", "6"] and len(table.claims) == 2
    assert all(cell is not None and cell.verdict.status == "proved" for _, cells in table.rows for cell in cells)
    assert not any(re.match(r"\$K = \d", chain.title) for chain in model.chains)
    md, tex = render.markdown(model), render.latex(model)
    assert md.count("### ") == len(model.chains) + 1 and "(steps 14–15)" in md and "steps 14--15" in tex


def test_a_failed_case_shows_in_its_cell() -> None:
    d = Derivation("cases", "Cases", "")
    x = d.symbol("x", "real", "")
    table = d.cases("$n$", "Powers")
    for n in (2, 3):
        chain = table.chain(n, "the derivative")
        chain.start(x ** n, rule="start")
        chain.differentiate(x, n * x ** (n - 1) if n == 2 else x ** 2, rule="power rule")
    model = render.handout(d, d.verify(), "handout", date=DATE)
    (table_view,) = model.tables
    assert [cells[0].verdict.status for _, cells in table_view.rows] == ["proved", "failed"]
    assert "FAILED" in render.latex(model).split("Powers")[1]


def test_counterexamples_are_math() -> None:
    assert point_latex({"z1": "0.5", "z2": "-2", "p": "-1/3"}) == r"z_{1} = 0.5,\ z_{2} = -2,\ p = -\frac{1}{3}"
    d = registry.load("softmax-vs-sigmoid")
    key = render.latex(render.handout(d, d.verify(), "key", date=DATE))
    answers = key.split(r"\section*{Answers}")[1]
    assert "the checker rejects it: at $" in answers and not re.search(r"rejects it: at [a-z]", answers)


@pytest.mark.parametrize("derivation_id", ["loss-surface-two-weights"])
def test_long_worked_examples_are_set_over_lines(derivation_id: str) -> None:
    d = registry.load(derivation_id)
    model = render.handout(d, d.verify(), "handout", date=DATE)
    assert all(e.layout.wide for e in model.examples)
    assert all(linebreak.width(e.expr) <= linebreak.LINE for e in d.examples) is False
    tex = render.latex(model)
    assert tex.count(r"\tag*{at $w_{1} = 0,\ w_{2} = 0$}") == len(model.examples)


def test_matrix_rows_stand_apart_and_sums_of_fractions_are_not_numerators() -> None:
    w = sp.Symbol("w")
    tex = to_latex(sp.Matrix([[w / 2], [w]]))
    assert tex.count(r"\rule[-") == 2 and r"\rule[-1.6ex]{0pt}{4.0ex}" in tex  # a row strut, taller with a fraction
    quarter = sp.Mul(sp.Rational(1, 4), sp.Add(sigmoid(w), w / 2, evaluate=False), evaluate=False)
    assert to_latex(quarter).startswith(r"\frac{1}{4} \left(")
    plain = sp.Mul(sp.Rational(1, 4), w + 1, evaluate=False)
    assert to_latex(plain) == r"\frac{w + 1}{4}"  # no fraction inside: one fraction


# -- forms written as on paper (Derivation.read) keep their written shape -----------------------------
def _written_latex(d: Derivation, form: sp.Basic) -> str:
    with as_written(d.written):
        return to_latex(form)


def test_a_bracketed_sum_inside_a_written_sum_stays_added() -> None:
    d = Derivation("paper", "On paper")
    d.symbol("p", "(0,1)")
    form = d.read("(p + (1 - p))/p")
    assert _written_latex(d, form) == r"\frac{p + \left(1 - p\right)}{p}"  # not p - (p - 1)
    assert _written_latex(d, d.read("p - (1 - p)")) == r"p - \left(1 - p\right)"
    p = sp.Symbol("p", real=True)
    evaluated_elsewhere = sp.Add(p, sp.Add(1, -p, evaluate=False), evaluate=False)  # not written: SymPy's order
    assert to_latex(evaluated_elsewhere) == r"p - \left(p - 1\right)"


def test_a_form_read_twice_prints_as_written_both_times() -> None:
    d = Derivation("paper", "On paper")
    d.symbol("p", "(0,1)")
    inner = d.read("(p + (1 - p))/p")
    alone = d.read("p + (1 - p)")  # equal to a node of the first form, a distinct object
    assert _written_latex(d, alone) == r"p + \left(1 - p\right)"
    assert _written_latex(d, inner) == r"\frac{p + \left(1 - p\right)}{p}"


def test_one_over_a_written_fraction_is_one_fraction_over_another() -> None:
    d = Derivation("paper", "On paper")
    d.symbol("p", "(0,1)")
    assert _written_latex(d, d.read("1/((p + (1 - p))/p)")) == r"\frac{1}{\frac{p + \left(1 - p\right)}{p}}"
    assert _written_latex(d, d.read("1/(p*(1 - p))")) == r"\frac{1}{p \left(1 - p\right)}"
    p = sp.Symbol("p", real=True)
    assert to_latex(1 / (p * (1 - p))) == r"\frac{1}{p \left(1 - p\right)}"


def test_a_written_reciprocal_first_is_its_own_fraction() -> None:
    d = Derivation("paper", "On paper")
    d.symbol("z")
    assert _written_latex(d, d.read("(1/2)*(1 - 1/2)")) == r"\frac{1}{2} \left(1 - \frac{1}{2}\right)"
    assert _written_latex(d, d.read(r"\frac{1}{2} \left(1 - \frac{1}{2}\right)")) == \
        r"\frac{1}{2} \left(1 - \frac{1}{2}\right)"
    assert _written_latex(d, d.read("(1/(1 + exp(-z)))*(exp(-z)/(1 + exp(-z)))")) == \
        r"\frac{1}{1 + e^{- z}} \frac{e^{- z}}{1 + e^{- z}}"
    assert _written_latex(d, d.read("(1/2)*3")) == r"\frac{1}{2} \cdot 3"  # not a mixed number
    assert _written_latex(d, d.read("z/2")) == r"\frac{z}{2}"  # a quotient stays one fraction
    z = sp.Symbol("z", real=True)
    assert to_latex(sp.Mul(sp.Pow(2, -1, evaluate=False), 1 - z, evaluate=False)) == r"\frac{1 - z}{2}"  # not written


def test_a_written_negated_numerator_puts_its_minus_before_the_fraction() -> None:
    d = Derivation("paper", "On paper")
    d.symbol("delta", "positive")
    assert _written_latex(d, d.read("exp(-delta/2)")) == r"e^{- \frac{\delta}{2}}"  # not e^{\frac{- \delta}{2}}
    assert _written_latex(d, d.read(r"e^{-\delta/2}")) == r"e^{- \frac{\delta}{2}}"
    assert _written_latex(d, d.read("delta/2")) == r"\frac{\delta}{2}"


def test_a_written_term_subtracted_keeps_its_written_form() -> None:
    d = Derivation("paper", "On paper")
    for name in ("a", "b", "x"):
        d.symbol(name)
    assert _written_latex(d, d.read("x - (1/3)*(a + b)")) == r"x - \frac{1}{3} \left(a + b\right)"  # not (a + b)/3
    assert _written_latex(d, d.read("x - b*a")) == "x - b a"  # the factors in the order written
    a, b, x = sp.symbols("a b x", real=True)
    assert to_latex(x - b * a) == "- a b + x"  # SymPy's own form is ordered as usual
