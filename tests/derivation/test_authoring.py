"""Authoring that says what is wrong: where a step was stated, what was stated and computed, which
step kind fits, which failures only follow from an earlier one; steps written as on paper; the main
result; exercises checked; a script run on its own reports (issue 13's frictions, one test each)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derivkit import Derivation, sigmoid
from derivkit.derivation import registry
from derivkit.engine.domains import parse_domain
from derivkit.errors import DerivationError
from derivkit.parsing import parse
from derivkit.handouts import handout, markdown

ROOT = Path(__file__).resolve().parents[2]


def run_script(path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(path)], cwd=cwd, capture_output=True, text=True, timeout=300)


README_SNIPPET = '''
import sympy as sp
from derivkit import Derivation

d = Derivation("odds", "Odds to probability")
p = d.symbol("p", "(0,1)", "a probability")
o = d.symbol("o", "positive", "the odds")
c = d.chain("Solve the odds for p")
c.given("p/(1 - p)", "o", rule="the odds")
c.solve_for(p, {stated}, rule="solve for p")
'''


# -- a script run on its own ---------------------------------------------------------------------------------
def test_a_script_run_on_its_own_reports_and_exits_1_on_a_wrong_solve_for(tmp_path: Path) -> None:
    script = tmp_path / "mine.py"
    script.write_text(README_SNIPPET.format(stated='"o/(1 - o)"'))
    result = run_script(script, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout and "mine.py:10" in result.stdout
    assert "computed:" in result.stdout and "o/(o + 1)" in result.stdout


def test_a_right_script_run_on_its_own_reports_and_exits_0(tmp_path: Path) -> None:
    script = tmp_path / "mine.py"
    script.write_text(README_SNIPPET.format(stated='"o/(1 + o)"'))
    result = run_script(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Status: every step verified" in result.stdout
    assert result.stdout.count("Status:") == 1  # reported once


def test_a_script_that_raises_reports_only_its_traceback(tmp_path: Path) -> None:
    script = tmp_path / "mine.py"
    script.write_text(README_SNIPPET.format(stated='"o/(1 - o)"') + "\nraise RuntimeError('boom')\n")
    result = run_script(script, tmp_path)
    assert result.returncode == 1 and "boom" in result.stderr and "Status:" not in result.stdout


# -- domains ------------------------------------------------------------------------------------------------
def test_positive_integer_domain_is_N_and_known_to_proofs_as_integer_and_positive() -> None:
    d = Derivation("n", "N")
    n = d.symbol("N", "positive integer", "the number of examples")
    assert n.is_integer and n.is_positive
    assert d.variables[0].domain.latex() == r"\mathbb{N}"
    assert parse_domain("nonnegative integer").latex() == r"\mathbb{N}_0"
    m = parse_domain("nonnegative integer").symbol("M")
    assert m.is_integer and m.is_nonnegative and m.is_positive is None
    assert all(v > 0 and v.denominator == 1 for v in parse_domain("positive integer").samples(30, __import__("random").Random(0)))


@pytest.mark.parametrize(("domain", "accepted"), [("positive integer", True), ("integer", False)])
def test_scaling_an_equation_by_N_over_2(domain: str, accepted: bool) -> None:
    d = Derivation("scale", "Scale")
    n = d.symbol("N", domain)
    w = d.symbol("w")
    c = d.chain("Scale")
    c.given(2 * w / n, 3)
    c.apply(lambda side: side * n / 2, w, 3 * n / 2, rule="multiply both sides by $N/2$")
    report = d.verify()
    assert report.verified is accepted
    if not accepted:
        assert "not shown to be strictly monotonic" in report.steps[0].message


# -- written as on paper ------------------------------------------------------------------------------------
def test_steps_written_as_text_or_latex_are_verified_and_shown_in_the_order_written() -> None:
    d = Derivation("paper", "On paper")
    y = d.symbol("y", "[0,1]")
    z = d.symbol("z")
    c = d.chain("Collect")
    c.start(-(y * (1 - sigmoid(z)) - (1 - y) * sigmoid(z)))
    c.equals("-y + y*sigma(z) + sigma(z) - y*sigma(z)", rule="expand")
    c.equals(r"\sigma(z) - y", rule="cancel")
    report = d.verify()
    assert report.verified, report.failures
    assert sp.simplify(c.current - (sigmoid(z) - y)) == 0
    md = markdown(handout(d, report))
    assert r"= - y + y \sigma\left(z\right) + \sigma\left(z\right) - y \sigma\left(z\right)" in md


def test_a_mean_over_indexed_examples_is_shown_as_written_in_every_step() -> None:
    """1/N in front of a sum stays in front, and a sum written again in a later step keeps its order
    too (the written forms were a set, so the second, equal, object was forgotten)."""
    d = Derivation("mean", "A mean")
    n = d.symbol("N", "positive integer")
    w, b = d.symbol("w"), d.symbol("b")
    d.declare(sp.IndexedBase("x", real=True), "real")
    d.declare(sp.IndexedBase("y", real=True), "real")
    c = d.chain("Differentiate")
    c.start(r"\frac{1}{2N} \sum_{i=1}^{N} (w x_i + b - y_i)^2")
    c.differentiate(w, r"\frac{1}{2N} \sum_{i=1}^{N} 2 (w x_i + b - y_i) x_i", rule="the chain rule")
    c.equals(r"\frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i) x_i", rule="cancel the 2")
    c.equals(r"\frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i) x_i + 0", rule="add nothing")
    report = d.verify()
    assert report.verified, report.failures
    md = markdown(handout(d, report))
    written = r"\frac{1}{N} \sum_{i=1}^{N} \left(w x_{i} + b - y_{i}\right) x_{i}"
    assert md.count(written) == 3, md  # steps 2 and 3, and the boxed result
    assert r"\frac{1}{2 N} \sum_{i=1}^{N} \left(w x_{i} + b - y_{i}\right)^{2}" in md
    assert "b + w x_{i}" not in md
    i = sp.Symbol("i", integer=True)
    x, y = sp.IndexedBase("x", real=True), sp.IndexedBase("y", real=True)
    expected = sp.Sum((w * x[i] + b - y[i]) * x[i], (i, 1, n)) / n
    assert sp.simplify((c.current - expected).doit()) == 0


def test_a_wrong_step_written_as_text_fails() -> None:
    d = Derivation("paper", "On paper")
    z = d.symbol("z")
    c = d.chain("Wrong")
    c.start(sigmoid(z))
    c.differentiate(z, "sigma(z)^2", rule="differentiate")
    assert not d.verify().verified


def test_text_is_read_by_the_safe_parser_never_eval(tmp_path: Path) -> None:
    d = Derivation("safe", "Safe")
    z = d.symbol("z")
    c = d.chain("c")
    c.start(z)
    with pytest.raises(DerivationError, match=r"test_authoring\.py:\d+: cannot read"):
        c.equals("__import__('os').system('true')", rule="no")


# -- saying what is wrong -----------------------------------------------------------------------------------
def test_a_failure_names_file_and_line_and_shows_stated_and_computed_forms() -> None:
    d = Derivation("where", "Where")
    z = d.symbol("z")
    c = d.chain("c")
    c.start(sigmoid(z))
    line = sys._getframe().f_lineno + 1
    c.differentiate(z, sigmoid(z) ** 2, rule="differentiate")
    failure = d.verify().failures[0]
    assert failure.where == f"{Path(__file__).relative_to(Path.cwd()) if Path(__file__).is_relative_to(Path.cwd()) else __file__}:{line}"
    forms = dict(failure.forms)
    assert forms["stated"] == "sigmoid(z)**2"
    assert forms["computed"] == "sigmoid(z)*(1 - sigmoid(z))"  # derivkit's text syntax: it can be pasted back
    assert parse(forms["computed"], variables=["z"]) == sp.diff(sigmoid(sp.Symbol("z")), sp.Symbol("z"))
    assert "where" in failure.to_dict() and "forms" in failure.to_dict()


def test_a_rewrite_that_is_a_derivative_suggests_differentiate() -> None:
    d = Derivation("hint", "Hint")
    x = d.symbol("x")
    c = d.chain("c")
    c.start(x ** 3)
    c.equals(3 * x ** 2, rule="?")
    failure = d.verify().failures[0]
    assert "differentiate(x, ...)" in failure.suggestion


def test_an_equation_rewrite_that_scales_both_sides_suggests_apply() -> None:
    d = Derivation("hint", "Hint")
    x = d.symbol("x", "positive")
    c = d.chain("c")
    c.given(x / 2, 3)
    c.rewrite(x, 6, rule="?")  # true, but a scaling, not a rewrite: no rewrite rule shows it
    failure = d.verify().steps[0]
    assert not failure.ok
    assert failure.suggestion == "both sides were multiplied by 2: use apply(lambda side: side * (2), lhs, rhs)"


def test_an_equation_rewrite_that_solves_suggests_solve_for() -> None:
    d = Derivation("hint", "Hint")
    p = d.symbol("p", "(0,1)")
    z = d.symbol("z")
    c = d.chain("c")
    c.given(sp.log(p / (1 - p)), z)
    c.rewrite(p, 1 / (1 + sp.exp(-z)), rule="?")
    failure = d.verify().steps[0]
    assert not failure.ok and "solve_for(p, ...)" in failure.suggestion


def test_one_wrong_form_is_one_mistake_and_the_steps_after_it_depend_on_it() -> None:
    d = Derivation("cascade", "Cascade")
    z = d.symbol("z")
    c = d.chain("c")
    c.start(sigmoid(z))
    c.differentiate(z, sp.exp(-z) / (1 + sp.exp(-z)) ** 3, rule="differentiate")  # wrong power
    c.equals(sigmoid(z) * (1 - sigmoid(z)), rule="factor")  # right from the true derivative
    c.equals(sigmoid(z) - sigmoid(z) ** 2, rule="expand")  # right from the line before
    report = d.verify()
    first, second, third = report.steps
    assert not first.ok and first.depends_on is None
    assert not second.ok and second.depends_on == 1 and "follows from step 1" in second.message
    assert third.ok
    assert [v.index for v in report.mistakes] == [1]
    from derivkit.handouts.build import summary

    assert summary(report) == "FAILED at step 1 (step 2 only follows from it)"


def test_two_independent_mistakes_are_two_mistakes() -> None:
    d = Derivation("two", "Two")
    x = d.symbol("x")
    c = d.chain("c")
    c.start(x ** 2)
    c.differentiate(x, 3 * x, rule="d")  # wrong
    c.equals(5 * x, rule="e")  # wrong from 2x as well
    report = d.verify()
    assert [v.index for v in report.mistakes] == [1, 2]


# -- exercises ----------------------------------------------------------------------------------------------
def test_a_wrong_answer_that_is_right_is_an_error() -> None:
    d = Derivation("ex", "Exercises")
    z = d.symbol("z")
    d.exercise("Differentiate sigma.", sigmoid(z) * (1 - sigmoid(z)), wrong=sigmoid(z) - sigmoid(z) ** 2)
    report = d.verify()
    assert not report.verified
    assert "is equivalent to the answer" in report.problems[0] and "test_authoring.py:" in report.problems[0]


def test_an_answer_that_is_not_the_result_it_asks_for_is_an_error() -> None:
    d = Derivation("ex", "Exercises")
    z = d.symbol("z")
    c = d.chain("c")
    c.start(sigmoid(z))
    c.differentiate(z, sigmoid(z) * (1 - sigmoid(z)), rule="d")
    c.conclude("slope")
    d.exercise("Differentiate sigma.", sigmoid(z) * (1 + sigmoid(z)), of="slope")
    d.exercise("Differentiate sigma again.", "sigma(z)*(1 - sigma(z))", of="slope", wrong="sigma(z)^2")
    report = d.verify()
    assert len(report.problems) == 1 and "does not equal the result 'slope'" in report.problems[0]


def test_every_built_in_exercise_is_consistent() -> None:
    for derivation in registry.load_all():
        assert derivation.check_exercises() == (), derivation.id


# -- the main result ----------------------------------------------------------------------------------------
def test_the_main_result_is_the_handouts_result() -> None:
    d = Derivation("main", "Main")
    x = d.symbol("x")
    first = d.chain("A lemma")
    first.start(x * (x + 1))
    first.equals(x ** 2 + x, rule="expand")
    first.conclude("lemma")
    second = d.chain("The theorem")
    second.start(x ** 3)
    second.differentiate(x, 3 * x ** 2, rule="d")
    second.conclude("theorem", main=True)
    assert d.main_result == "theorem" and d.result.rhs == 3 * x ** 2
    report = d.verify()
    md = markdown(handout(d, report))
    result_section = md.split("## Result", 1)[1].split("## Also derived", 1)
    assert "`theorem`" in result_section[0] and "`lemma`" in result_section[1]
    assert "Result: Derivative(x**3, x) = 3*x**2" in d.report_text(report)


def test_built_in_derivations_with_several_results_name_their_main_one() -> None:
    d = registry.load("sigmoid-from-logit")
    assert d.main_result == "sigmoid"
    assert registry.load("bce-gradient").main_result == "bce-grad-logit"


def test_the_readme_snippet_runs_as_a_script(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Your own course", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "derivations" / "snippet.py"
    script.parent.mkdir()
    script.write_text(textwrap.dedent(code))
    result = run_script(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every step verified" in result.stdout


def test_the_readme_notation_snippet_verifies(tmp_path: Path) -> None:
    """The README's indexed-notation example (sums, p_k, p_1) runs and every step is proved."""
    section = (ROOT / "README.md").read_text().split("## Your own course", 1)[1]
    code = section.split("```python\n")[2].split("```", 1)[0]
    script = tmp_path / "derivations" / "notation.py"
    script.parent.mkdir()
    script.write_text('import sympy as sp\nfrom derivkit import Derivation\n\n'
                      'd = Derivation("notation", "Indexed notation")\n' + code + "derivation = d\n")
    result = run_script(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every step verified" in result.stdout


def test_a_failure_shows_the_stated_form_as_written_and_says_which_side_is_which() -> None:
    d = Derivation("written", "Written")
    x, w = d.symbol("x"), d.symbol("w")
    c = d.chain("c")
    c.start("sigma(w*x)")
    c.differentiate(w, "(1 - sigma(w*x))*x", rule="forgot a factor")
    failure = d.verify().failures[0]
    assert dict(failure.forms)["stated"] == "(1 - sigmoid(w*x))*x"  # not SymPy's x*(1 - sigmoid(w*x))
    assert "SymPy's result is" in failure.message and "the stated form is" in failure.message
    assert "first side" not in failure.message


def test_a_script_with_no_chain_yet_says_so_instead_of_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "derivations" / "empty.py"
    script.parent.mkdir()
    script.write_text('from derivkit import Derivation\n\nd = Derivation("empty", "Empty")\nd.symbol("x")\n')
    result = run_script(script, tmp_path)
    assert result.returncode == 1
    assert "no chains yet" in result.stdout and "Traceback" not in result.stderr


def test_a_written_number_after_a_factor_keeps_its_dot() -> None:
    """2 \\cdot \\sigma(2z)(1 - \\sigma(2z)) \\cdot 2: the last 2 must not read as a juxtaposed digit."""
    d = Derivation("dot", "Dot")
    z = d.symbol("z")
    c = d.chain("c")
    c.start(r"2 \sigma(2z) - 1")
    c.differentiate(z, r"2 \cdot \sigma(2z)\left(1 - \sigma(2z)\right) \cdot 2", rule="the chain rule")
    report = d.verify()
    assert report.verified, report.failures
    md = markdown(handout(d, report))
    assert r"\left(1 - \sigma\left(2 z\right)\right) \cdot 2" in md
