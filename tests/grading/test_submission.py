"""Reading submissions: Markdown sections and JSON, with the file's line numbers kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivkit.errors import SubmissionError
from derivkit.grading.assignment import Assignment, Question
from derivkit.grading.submission import read_json, read_markdown, read_submission

ASSIGNMENT = Assignment("t", (Question("q1", "", "sigma(z)*(1-sigma(z))", 2.0),
                              Question("q2", "", "1/(1+exp(-z))", 3.0, kind="working")))


def test_markdown_sections_answers_and_workings_keep_file_lines() -> None:
    text = "\n".join([
        "# Homework, Ada",           # 1
        "Some words before.",        # 2
        "## Q1:",                    # 3
        "",                          # 4
        r"$\sigma(z)(1-\sigma(z))$",  # 5
        "## q2 (3 points)",          # 6
        "```",                       # 7
        "p = exp(z)/(1+exp(z))",     # 8
        "  = 1/(1+exp(-z))",         # 9
        "```",                       # 10
        "## q7",                     # 11
        "x",                         # 12
    ])
    sub = read_markdown(text, ASSIGNMENT)
    q1, q2 = sub.answer("q1"), sub.answer("q2")
    assert q1 is not None and (q1.text, q1.line, q1.format_error) == (r"\sigma(z)(1-\sigma(z))", 5, None)
    assert q2 is not None and q2.line == 8
    lines = q2.text.split("\n")
    assert lines[7] == "p = exp(z)/(1+exp(z))" and lines[8] == "= 1/(1+exp(-z))"
    assert not any(lines[:7]) and lines[9] == ""
    assert sub.notes == ("line 11: the heading '## q7' names no question of this assignment (q1, q2); "
                         "its text was not graded",)


def test_an_answer_of_several_lines_or_none_is_a_format_error_for_that_question() -> None:
    sub = read_markdown("## q1\nsigma(z)\n1 - sigma(z)\n## q2\n\n", ASSIGNMENT)
    q1, q2 = sub.answer("q1"), sub.answer("q2")
    assert q1 is not None and q1.format_error is not None and "lines 2, 3" in q1.format_error
    assert q2 is not None and q2.format_error == "no answer under the heading"
    assert read_markdown("nothing here", ASSIGNMENT).answers == ()


def test_json_submissions() -> None:
    sub = read_json('{"q1": "$x$", "Q2": ["a", "= b"], "extra": "1"}', ASSIGNMENT)
    q1, q2 = sub.answer("q1"), sub.answer("q2")
    assert q1 is not None and q1.text == "x"
    assert q2 is not None and q2.text == "a\n= b"
    assert sub.notes == ('"extra" is not a question of this assignment; it was not graded',)
    odd = read_json('{"answers": {"q1": {"not": "text"}}}', ASSIGNMENT).answer("q1")
    assert odd is not None and odd.format_error is not None and "must be text" in odd.format_error
    with pytest.raises(SubmissionError, match=r"not valid JSON: .*line 1"):
        read_json('{"q1": ', ASSIGNMENT)
    with pytest.raises(SubmissionError, match="must be a JSON object"):
        read_json("[1, 2]", ASSIGNMENT)


def test_files_by_suffix_and_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"q1": "x"}', encoding="utf-8")
    (tmp_path / "b.md").write_text("## q1\nx\n", encoding="utf-8")
    (tmp_path / "c.md").write_bytes(b"## q1\n\xff\n")
    assert read_submission(tmp_path / "a.json", ASSIGNMENT).answer("q1").text == "x"  # type: ignore[union-attr]
    assert read_submission(tmp_path / "b.md", ASSIGNMENT).answer("q1").text == "x"  # type: ignore[union-attr]
    with pytest.raises(SubmissionError, match=r"c.md, line 2: not valid UTF-8"):
        read_submission(tmp_path / "c.md", ASSIGNMENT)
    with pytest.raises(SubmissionError, match="cannot read"):
        read_submission(tmp_path / "none.md", ASSIGNMENT)
