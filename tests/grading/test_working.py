"""A working checked line by line (`derivkit steps`): reading the file, each line's verdict."""

from __future__ import annotations

import json

from derivkit.grading import check_steps, read_working

TEXT_WORKING = """\
# d/dx of x*sin(x^2)
diff(x*sin(x^2), x)
= sin(x^2) + x*cos(x^2)*2*x

= sin(x^2) + 2*x^2*cos(x^2)
= sin(x^2) + x^2*cos(x^2)
= x^2*cos(x^2) + sin(x^2)
"""

LATEX_WORKING = r"""
\begin{align*}
\frac{d}{dz}\sigma(z) &= \frac{e^{-z}}{(1+e^{-z})^2} \\
  &= \frac{1}{1+e^{-z}} \cdot \frac{e^{-z}}{1+e^{-z}} \\[2pt]
  &= \sigma(z)\left(1+\sigma(z)\right) % the mistake
\end{align*}
"""


def test_reading_text_lines_keeps_file_line_numbers() -> None:
    lines = read_working(TEXT_WORKING)
    assert [w.line for w in lines] == [1, 2, 3, 5, 6, 7]
    assert lines[0].kind_hint == "text"
    assert lines[1].pieces == ("diff(x*sin(x^2), x)",)
    assert lines[2].continues and lines[2].pieces == ("sin(x^2) + x*cos(x^2)*2*x",)


def test_reading_a_latex_align_block() -> None:
    lines = read_working(LATEX_WORKING)
    assert [w.line for w in lines] == [3, 4, 5]
    assert lines[0].pieces == (r"\frac{d}{dz}\sigma(z)", r"\frac{e^{-z}}{(1+e^{-z})^2}")
    assert lines[2].continues and lines[2].pieces == (r"\sigma(z)\left(1+\sigma(z)\right)",)
    assert {w.syntax for w in lines} == {"latex"}


def test_reading_aligned_inside_display_math_with_labels() -> None:
    working = "$$\\begin{aligned}\nf(x) &= \\sin(x^2) \\\\\nf'(x) &= 2x\\cos(x^2)\n\\end{aligned}$$\n"
    lines = read_working(working)
    assert [(w.line, w.pieces) for w in lines] == [(2, ("f(x)", r"\sin(x^2)")), (3, ("f'(x)", r"2x\cos(x^2)"))]
    report = check_steps(working)
    assert [r.kind for r in report.lines] == ["definition", "derivative"]
    assert report.verdict == "ok"  # d/dx sin(x^2) = 2x cos(x^2)


def test_every_line_gets_a_verdict_and_the_first_wrong_one_is_named() -> None:
    report = check_steps(TEXT_WORKING)
    assert [r.status for r in report.lines] == ["text", "ok", "ok", "ok", "wrong", "ok"]
    wrong = report.first_wrong
    assert wrong is not None and wrong.line == 6 and wrong.compared_with == 5
    assert report.lines[5].follows_from_wrong  # line 7 repeats line 6's mistake: marked, not wrong again
    assert wrong.counterexample is not None
    assert "does not follow from line 5" in wrong.message
    assert report.verdict == "wrong" and report.exit_code == 1
    assert "line 6" in report.summary()


def test_last_line_against_expected() -> None:
    good = "x^2 + 2*x + 1\n= (x+1)^2\n"
    report = check_steps(good, expected="(1+x)^2")
    assert report.verdict == "ok" and report.exit_code == 0
    assert report.final is not None and report.final.verdict == "equivalent"
    wrong_end = check_steps(good, expected="(x-1)^2")
    assert wrong_end.verdict == "wrong" and wrong_end.first_wrong is None
    assert wrong_end.final is not None and wrong_end.final.verdict == "not_equivalent"


def test_latex_working_with_the_sign_mistake() -> None:
    report = check_steps(LATEX_WORKING)
    assert [r.status for r in report.lines] == ["ok", "ok", "wrong"]
    assert report.first_wrong is not None and report.first_wrong.line == 5


def test_mistake_is_named_in_the_words_of_a_working() -> None:
    report = check_steps("diff(sin(x^2), x)\n= cos(x^2)\n")
    wrong = report.first_wrong
    assert wrong is not None and wrong.diagnosis is not None
    assert "this line lacks the factor 2*x" in wrong.message


def test_invalid_line_is_marked_and_the_next_is_compared_with_the_last_readable() -> None:
    report = check_steps("x*(x+1)\n= x^2 +* x\n= x^2 + x\n")
    assert [r.status for r in report.lines] == ["ok", "invalid", "ok"]
    assert report.lines[2].compared_with == 1
    assert report.verdict == "invalid" and report.exit_code == 2
    assert "could not be read" in report.lines[1].message


def test_empty_working_is_invalid() -> None:
    report = check_steps("# nothing here\n\n")
    assert report.verdict == "invalid" and report.exit_code == 2
    assert "no expressions" in report.summary()


def test_bad_assumption_is_invalid() -> None:
    report = check_steps("x\n= x\n", assume=["x=(0,"])
    assert report.exit_code == 2 and "bad domain" in report.summary()


def test_domain_applies_to_every_line() -> None:
    working = "log(p/(1-p))\n= log(p) - log(1-p)\n"
    assert check_steps(working).verdict == "wrong"
    assert check_steps(working, assume={"p": "(0,1)"}).verdict == "ok"


def test_json_report_shape() -> None:
    data = check_steps("x^2\n= x*x\n", expected="x^2").to_dict()
    json.dumps(data)
    assert set(data) == {"verdict", "first_wrong_line", "lines", "final", "message", "seconds", "conclusion"}
    assert {"line", "text", "kind", "status", "relation", "compared_with", "follows_from_wrong", "mistake",
            "message", "counterexample"} <= set(data["lines"][0])
    assert data["verdict"] == "ok" and data["first_wrong_line"] is None
    assert [line["line"] for line in data["lines"]] == [1, 2]
    assert data["final"]["verdict"] == "equivalent"


def test_text_report_marks_every_line() -> None:
    text = check_steps(TEXT_WORKING).text()
    assert "line   6  WRONG" in text
    assert text.count(" ok ") >= 4
