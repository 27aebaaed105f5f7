"""PrairieLearn: grade a question's submitted answer from its ``server.py``.

PrairieLearn calls ``parse(data)`` and ``grade(data)`` in a question's ``server.py`` with the
question's ``data`` dictionary. A question folder (``info.json``, ``question.html``,
``server.py``) delegates to this module::

    from derivkit.integrations import prairielearn as derivkit_pl

    QUESTION = derivkit_pl.question(id="dsigma", expected="sigma(z)*(1-sigma(z))", points=1)

    def parse(data):
        derivkit_pl.parse(data, QUESTION)

    def grade(data):
        derivkit_pl.grade(data, QUESTION)

The answer is ``data["submitted_answers"][question.id]`` (the ``answers-name`` of the input
element). ``grade`` fills ``data["partial_scores"][id]`` (``score`` 0..1, ``weight``,
``feedback``), ``data["feedback"][id]`` and ``data["score"]`` (the weighted mean of the partial
scores, as PrairieLearn computes it). An answer that cannot be read is a *format error*
(``data["format_errors"][id]``): PrairieLearn then treats the submission as invalid, which
costs the student no attempt. A ``working`` question takes the lines of a multi-line input.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from derivkit.grading.assignment import Question, question_from_fields
from derivkit.grading.scoring import grade_question
from derivkit.grading.submission import Answer, unwrap

Data = MutableMapping[str, Any]


def question(**fields: object) -> Question:
    """A question from the fields of an assignment's ``[[question]]`` table (``id``,
    ``expected`` or ``from``, ``assume``, ``kind``, ``points``, ...), validated the same way."""
    return question_from_fields(fields, f"question {fields.get('id', '')}".strip())


def _submitted(data: Data, q: Question) -> str | None:
    value = data.get("submitted_answers", {}).get(q.id)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = repr(value)
    return value if isinstance(value, str) else None


def _answer(data: Data, q: Question) -> Answer | str:
    """The answer to grade, or the format error that stops it."""
    text = _submitted(data, q)
    if text is None or not text.strip():
        return "Enter an answer."
    if q.kind == "working":
        return Answer(q.id, "\n".join(unwrap(line) for line in text.splitlines()))
    lines = [unwrap(line) for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return "Write the answer on one line."
    return Answer(q.id, lines[0])


def parse(data: Data, q: Question) -> None:
    """Format errors that need no grading (an empty answer, several lines for one answer);
    PrairieLearn also calls this on "Save only", so the student hears of them early."""
    answer = _answer(data, q)
    if isinstance(answer, str):
        data.setdefault("format_errors", {})[q.id] = answer


def grade(data: Data, q: Question) -> None:
    """Grade ``data["submitted_answers"][q.id]`` and fill the scores, feedback and format errors."""
    answer = _answer(data, q)
    if isinstance(answer, str):
        data.setdefault("format_errors", {})[q.id] = answer
        return
    result = grade_question(q, answer)
    if result.verdict == "invalid":
        data.setdefault("format_errors", {})[q.id] = result.format_error or result.feedback
        data.setdefault("partial_scores", {}).pop(q.id, None)
        return
    share = result.score / result.max_score if result.max_score else 0.0
    data.setdefault("partial_scores", {})[q.id] = {"score": share, "weight": 1, "feedback": result.feedback}
    data.setdefault("feedback", {})[q.id] = result.feedback
    data["score"] = weighted_score(data["partial_scores"])


def weighted_score(partial_scores: Mapping[str, Mapping[str, Any]]) -> float:
    """The question's score from its parts: the weight-averaged part scores."""
    total = sum(float(part.get("weight", 1)) for part in partial_scores.values())
    if total <= 0:
        return 0.0
    return sum(float(part.get("score") or 0) * float(part.get("weight", 1)) for part in partial_scores.values()) / total


__all__ = ["grade", "parse", "question", "weighted_score"]
