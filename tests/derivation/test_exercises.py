"""Every exercise of every derivation, graded the way a student's answer is: ``derivkit check``
accepts the reference answer and rejects the common wrong answer the derivation records, with a
counterexample. The command is the one the answer key prints (same --assume flags)."""

from __future__ import annotations

import json
import shlex

import pytest

from derivkit.derivation import registry
from derivkit.cli import main
from derivkit.derivation import Derivation, Exercise
from derivkit.handouts.assemble import check_command
from derivkit.parsing.printer import answer_text

CASES = [pytest.param(d, n, e, id=f"{d.id}-{n}") for d in registry.load_all() for n, e in enumerate(d.exercises, 1)]


def graded(exercise: Exercise, derivation: Derivation, answer: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    reference = answer_text(exercise.answer)
    assert reference, "the reference answer must be typeable"
    argv = [answer if a == "YOUR ANSWER" else a for a in shlex.split(check_command(reference, exercise, derivation))]
    assert argv[:2] == ["derivkit", "check"]
    capsys.readouterr()
    status = main([*argv[1:], "--json"])
    return status, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("derivation", "number", "exercise"), CASES)
def test_reference_answer_is_accepted(derivation: Derivation, number: int, exercise: Exercise,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    status, result = graded(exercise, derivation, answer_text(exercise.answer), capsys)
    assert (status, result["verdict"]) == (0, "equivalent"), result["message"]


@pytest.mark.parametrize(("derivation", "number", "exercise"), CASES)
def test_common_wrong_answer_is_rejected_with_a_counterexample(derivation: Derivation, number: int,
                                                              exercise: Exercise,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert exercise.wrong is not None, f"{derivation.id} exercise {number} records no common wrong answer"
    wrong = answer_text(exercise.wrong)
    assert wrong, "the wrong answer must be typeable"
    status, result = graded(exercise, derivation, wrong, capsys)
    assert (status, result["verdict"]) == (1, "not_equivalent"), result["message"]
    assert result["counterexample"] is not None
