"""Scoring submissions: the issue's example (5/5 and 3/5 with a counterexample), workings
that lose their share at the first wrong line, format errors scored 0 with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import pytest

from derivkit.cli import main
from derivkit.grading.assignment import load_assignment, parse_assignment
from derivkit.grading.scoring import grade_submission
from derivkit.grading.submission import read_markdown, read_submission

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sigmoid-homework"


@pytest.fixture(scope="module")
def assignment():
    return load_assignment(EXAMPLE / "assignment.toml")


def sigma_slope(z: mpmath.mpf) -> mpmath.mpf:
    s = 1 / (1 + mpmath.exp(-z))
    return s * (1 - s)


def test_right_answer_and_correct_working_score_five_of_five(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["grade", str(EXAMPLE / "assignment.toml"), str(EXAMPLE / "submissions" / "ada.md"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (data["score"], data["max_score"]) == (5, 5)
    assert [(q["id"], q["score"], q["max_score"], q["verdict"]) for q in data["questions"]] == [
        ("q1", 2, 2, "correct"), ("q2", 3, 3, "correct")]
    assert all(set(q) >= {"id", "score", "max_score", "verdict", "feedback"} for q in data["questions"])


def test_wrong_answer_scores_three_of_five_and_shows_the_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["grade", str(EXAMPLE / "assignment.toml"), str(EXAMPLE / "submissions" / "bob.md"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0 and (data["score"], data["max_score"]) == (3, 5)
    q1 = data["questions"][0]
    assert (q1["verdict"], q1["score"]) == ("wrong", 0)
    cex = q1["counterexample"]
    z = mpmath.mpf(cex["point"]["z"])
    # the counterexample is real: the expected value is sigma' there, the answer sigma(1 + sigma)
    assert mpmath.almosteq(mpmath.mpf(cex["expected"]), sigma_slope(z), 1e-9)
    s = 1 / (1 + mpmath.exp(-z))
    assert mpmath.almosteq(mpmath.mpf(cex["answer"]), s * (1 + s), 1e-9)
    assert f"z = {cex['point']['z']}" in q1["feedback"] and cex["answer"] in q1["feedback"]
    # the text report says the same
    main(["grade", str(EXAMPLE / "assignment.toml"), str(EXAMPLE / "submissions" / "bob.md")])
    text = capsys.readouterr().out
    assert "q1  0/2  wrong" in text and "total  3/5" in text and "at z = " in text


WORKING = '''title = "t"
[[question]]
id = "w"
expected = "1/(1+exp(-z))"
kind = "working"
points = 3
{extra}
'''


@pytest.mark.parametrize(("lines", "share", "score", "verdict", "first_wrong"), [
    # every line follows and the last is the answer
    (["p = exp(z)/(1+exp(z))", "  = 1/(1+exp(-z))"], 0.5, 3.0, "correct", None),
    # a wrong middle line, the right final answer: the working's share is lost at line 4
    (["p = exp(z)/(1+exp(z))", "  = exp(z)/(1-exp(z))", "  = 1/(1+exp(-z))"], 0.5, 1.5, "partial", 4),
    (["p = exp(z)/(1+exp(z))", "  = exp(z)/(1-exp(z))", "  = 1/(1+exp(-z))"], 0.2, 2.4, "partial", 4),
    # every line follows from the one before, but from a wrong start: the working's share only
    (["p = exp(z)/(2+exp(z))", "  = 1/(1+2*exp(-z))"], 0.5, 1.5, "partial", None),
    # wrong line and wrong answer
    (["p = exp(z)/(1+exp(z))", "  = 1/(1-exp(-z))"], 0.5, 0.0, "wrong", 4),
])
def test_a_working_scores_its_answer_and_loses_its_share_at_the_first_wrong_line(
        lines: list[str], share: float, score: float, verdict: str, first_wrong: int | None) -> None:
    assignment = parse_assignment(WORKING.format(extra=f"working_share = {share}"))
    submission = read_markdown("## w\n\n" + "\n".join(lines) + "\n", assignment)
    grade = grade_submission(assignment, submission).questions[0]
    assert (grade.score, grade.verdict, grade.first_wrong_line) == (pytest.approx(score), verdict, first_wrong)
    if first_wrong is not None:
        assert f"the first wrong line is line {first_wrong}" in grade.feedback
        assert grade.counterexample is not None


def test_a_named_mistake_is_reported() -> None:
    assignment = parse_assignment('title = "t"\n[[question]]\nid = "c"\nexpected = "2*x*cos(x^2)"\n')
    grade = grade_submission(assignment, read_markdown("## c\ncos(x^2)\n", assignment)).questions[0]
    assert grade.verdict == "wrong" and grade.mistake is not None
    assert "chain rule" in grade.mistake and "2*x" in grade.mistake
    assert grade.to_dict()["mistake"] == grade.mistake


def test_unreadable_and_missing_answers_score_zero_with_a_reason(assignment) -> None:
    grade = grade_submission(assignment, read_submission(EXAMPLE / "submissions" / "dan.md", assignment))
    q1, q2 = grade.questions
    assert (q1.verdict, q1.score) == ("invalid", 0)
    assert q1.format_error is not None and "never closed" in q1.format_error and "column 12" in q1.format_error
    assert q1.to_dict()["format_error"] == q1.format_error
    assert (q2.verdict, q2.score) == ("correct", 3)
    empty = grade_submission(assignment, read_markdown("# nothing answered\n", assignment))
    assert [(q.verdict, q.score) for q in empty.questions] == [("missing", 0), ("missing", 0)]
    assert empty.score == 0 and empty.max_score == 5


def test_a_line_of_a_working_that_cannot_be_read_is_a_format_error(assignment) -> None:
    submission = read_markdown("## q1\nsigma(z)*(1-sigma(z))\n## q2\np = exp(z)/(1+exp(z)\n  = 1/(1+exp(-z))\n",
                               assignment)
    q1, q2 = grade_submission(assignment, submission).questions
    assert q1.verdict == "correct"
    assert q2.verdict == "invalid" and q2.score == 0
    assert q2.format_error is not None and q2.format_error.startswith("line 4 could not be read")


def test_bad_submission_file_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"q1": ', encoding="utf-8")
    assert main(["grade", str(EXAMPLE / "assignment.toml"), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derivkit: error: bad.json: not valid JSON") and err.count("\n") == 1
