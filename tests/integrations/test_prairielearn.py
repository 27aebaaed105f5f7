"""The PrairieLearn example question, driven the way PrairieLearn drives server.py: a data
dictionary through generate, parse and grade."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from derivkit.integrations import prairielearn

ROOT = Path(__file__).resolve().parents[2]
QUESTION = ROOT / "examples" / "prairielearn" / "sigmoidDerivative"


@pytest.fixture(scope="module")
def server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pl_server", QUESTION / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def submit(server: ModuleType, answer: object) -> dict:
    """What PrairieLearn does with a submission: a fresh data dict, parse, then grade if valid."""
    data: dict = {"params": {}, "correct_answers": {}, "submitted_answers": {"dsigma": answer},
                  "raw_submitted_answers": {"dsigma": answer}, "format_errors": {}, "partial_scores": {},
                  "score": 0, "feedback": {}, "variant_seed": "1"}
    server.generate(data)
    server.parse(data)
    if not data["format_errors"]:
        server.grade(data)
    json.dumps(data)  # PrairieLearn stores data as JSON
    return data


def test_the_question_folder_is_what_prairielearn_reads() -> None:
    info = json.loads((QUESTION / "info.json").read_text(encoding="utf-8"))
    assert info["type"] == "v3" and {"uuid", "title", "topic"} <= set(info)
    html = (QUESTION / "question.html").read_text(encoding="utf-8")
    assert 'answers-name="dsigma"' in html and "{{feedback.dsigma}}" in html


@pytest.mark.parametrize("answer", ["exp(-z)/(1+exp(-z))^2", r"\sigma(z)\left(1-\sigma(z)\right)",
                                    "sigma(z) - sigma(z)^2"])
def test_an_equivalent_answer_in_any_form_scores_one(server: ModuleType, answer: str) -> None:
    data = submit(server, answer)
    assert data["format_errors"] == {}
    assert data["score"] == 1.0 and data["partial_scores"]["dsigma"]["score"] == 1.0
    assert data["feedback"]["dsigma"].startswith("Correct.")


def test_a_wrong_answer_scores_zero_with_a_counterexample(server: ModuleType) -> None:
    data = submit(server, "sigma(z)*(1+sigma(z))")
    assert data["score"] == 0.0 and data["partial_scores"]["dsigma"]["score"] == 0.0
    assert "at z = 0.5 your answer is 1.00991495 but the expected value is 0.2350037122" in data["feedback"]["dsigma"]


@pytest.mark.parametrize(("answer", "message"), [("sigma(z", "never closed"), ("", "Enter an answer"),
                                                  ("x\ny", "one line"), (None, "Enter an answer")])
def test_an_unreadable_answer_is_a_format_error_and_not_graded(server: ModuleType, answer: object,
                                                               message: str) -> None:
    data = submit(server, answer)
    assert message in data["format_errors"]["dsigma"]
    assert data["partial_scores"] == {} and data["score"] == 0


def test_grade_alone_also_reports_format_errors_and_weights_parts() -> None:
    question = prairielearn.question(id="a", expected="2*x")
    data: dict = {"submitted_answers": {"a": "2x +"}, "partial_scores": {"b": {"score": 1.0, "weight": 1}}}
    prairielearn.grade(data, question)
    assert "could not be read" in data["format_errors"]["a"] and "a" not in data["partial_scores"]
    data = {"submitted_answers": {"a": "x+x"}, "partial_scores": {"b": {"score": 0.0, "weight": 3}}}
    prairielearn.grade(data, question)
    assert data["score"] == pytest.approx(0.25)
