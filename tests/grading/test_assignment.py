"""Assignment files: the contract's fields, references from verified exercises, and errors
that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from derivkit.derivation import registry
from derivkit.errors import AssignmentError
from derivkit.grading.assignment import ExerciseReference, load_assignment, parse_assignment, question_from_fields
from derivkit.parsing import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sigmoid-homework" / "assignment.toml"


def no_exercises(derivation_id: str, number: int) -> ExerciseReference:
    raise AssertionError("no question of this file takes its reference from an exercise")


def test_the_issue_example_loads_with_every_field() -> None:
    assignment = load_assignment(EXAMPLE)
    assert assignment.title == "Sigmoid homework"
    q1, q2 = assignment.questions
    assert (q1.id, q1.kind, q1.points, q1.expected) == ("q1", "answer", 2, "sigma(z)*(1-sigma(z))")
    assert (q2.id, q2.kind, q2.points, q2.assume, q2.given) == ("q2", "working", 3, (("p", "(0,1)"),), ())
    assert assignment.max_score == 5
    assert q2.working_share == 0.5


def test_a_reference_from_a_verified_exercise_is_the_exercise_answer() -> None:
    text = '''title = "From the course"
[[question]]
id = "tanh"
from = "sigmoid-derivative#2"
points = 1
'''
    question = parse_assignment(text).questions[0]
    exercise = registry.load("sigmoid-derivative").exercises[1]
    assert question.source == "sigmoid-derivative#2"
    assert question.prompt == exercise.prompt  # the exercise's prompt unless the file gives one
    parsed = parse(question.expected, "text")
    by_name = {s.name: s for s in exercise.answer.free_symbols}
    parsed = parsed.xreplace({s: by_name[s.name] for s in parsed.free_symbols})
    assert parsed.free_symbols == exercise.answer.free_symbols
    assert sp.simplify((parsed - exercise.answer).rewrite(sp.exp)) == 0


def test_an_exercise_that_does_not_exist_is_an_error_naming_the_line() -> None:
    text = 'title = "t"\n\n[[question]]\nid = "a"\nfrom = "sigmoid-derivative#9"\n'
    with pytest.raises(AssignmentError, match=r"line 5: question 1 \(a\), field 'from': .*3 exercises"):
        parse_assignment(text)


Q = '[[question]]\nid = "a"\n'


@pytest.mark.parametrize(("body", "pattern"), [
    (Q + 'expected = "x"\npoint = 2\n', r"line 6: question 1 \(a\), field 'point': unknown field; did you mean"),
    (Q + 'points = 2\n', r"line 3: question 1 \(a\), field 'expected': give exactly one of"),
    (Q + 'expected = "x"\nfrom = "sigmoid-derivative#1"\n', r"line 6: .*field 'from': give exactly one"),
    (Q + 'expected = "x"\npoints = -1\n', r"line 6: .*field 'points': must be a positive number"),
    (Q + 'expected = "x"\nkind = "essay"\n', r"line 6: .*field 'kind': must be \"answer\" or \"working\""),
    (Q + 'expected = "x"\nassume = { p = "(0,1" }\n', r"line 6: .*field 'assume': bad domain for p"),
    (Q + 'expected = "x"\nworking_share = 2\n', r"line 6: .*field 'working_share': must be a number from 0 to 1"),
    (Q + 'expected = "x"\ngiven = { x = "1" }\n', r"line 6: .*field 'given': given values apply to working"),
    (Q + 'expected = "x"\n[[question]]\nid = "a"\nexpected = "y"\n',
     r"line 7: question 2 \(a\), field 'id': .*already used by question 1"),
    ('[[question]]\nprompt = "no id"\n', r"line 3: question 1, field 'id': every question needs an id"),
    (Q + 'expected = "sigma(z"\n',
     r"line 5: question 1 \(a\), field 'expected': the reference answer could not be read: '\(' is never closed"),
])
def test_errors_name_the_line_and_the_field(body: str, pattern: str) -> None:
    with pytest.raises(AssignmentError, match=pattern):
        parse_assignment('title = "t"\n\n' + body, resolve=no_exercises)


def test_file_level_errors() -> None:
    with pytest.raises(AssignmentError, match=r"assignment.toml: not valid TOML: .*line 2"):
        parse_assignment('title = "t"\n[[question]\n')
    with pytest.raises(AssignmentError, match="needs a title"):
        parse_assignment('[[question]]\nid = "a"\nexpected = "x"\n')
    with pytest.raises(AssignmentError, match="has no questions"):
        parse_assignment('title = "t"\n')
    with pytest.raises(AssignmentError, match=r"line 1: field 'titel': unknown field; did you mean 'title'"):
        parse_assignment('titel = "t"\n')


def test_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'title = "t"\n\xff\n')
    with pytest.raises(AssignmentError, match=r"bad.toml, line 2: not valid UTF-8"):
        load_assignment(bad)
    with pytest.raises(AssignmentError, match="cannot read"):
        load_assignment(tmp_path / "missing.toml")


def test_top_level_defaults_and_overrides() -> None:
    text = '''title = "t"
working_share = 0.25
timeout = 5
[[question]]
id = "a"
expected = "x"
kind = "working"
[[question]]
id = "b"
expected = "x"
kind = "working"
working_share = 0.75
semantics = "natural"
'''
    a, b = parse_assignment(text, resolve=no_exercises).questions
    assert (a.working_share, a.timeout, a.semantics, a.points) == (0.25, 5.0, "principal", 1.0)
    assert (b.working_share, b.semantics) == (0.75, "natural")


def test_a_question_from_fields_is_validated_like_a_file() -> None:
    question = question_from_fields({"id": "d", "expected": r"\sigma(z)(1-\sigma(z))", "points": 2})
    assert (question.id, question.points, question.kind) == ("d", 2.0, "answer")
    with pytest.raises(AssignmentError, match=r"field 'kind'"):
        question_from_fields({"id": "d", "expected": "x", "kind": "nope"})
