"""Scoring a submission: each question's answer checked, turned into points and feedback.

An ``answer`` question earns its points when :func:`~derivkit.grading.single.check` finds the
answer equivalent to the reference. A ``working`` question is checked line by line with
:func:`~derivkit.grading.working.check_steps`: the final answer earns ``1 - working_share`` of
the points, the working (every line following from the one before) earns ``working_share``,
lost at the first wrong line. An answer that cannot be read is a *format error*: scored 0,
with the reason, never an exception. An undecided check (time limit) scores 0 and says the
answer needs a person; it is never counted right or wrong on a guess.

Verdicts: ``correct`` (full points), ``partial``, ``wrong``, ``invalid`` (format error),
``unknown`` (could not be decided), ``missing`` (no answer in the submission).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from derivkit.grading.assignment import Assignment, Question
from derivkit.grading.request import CheckResult
from derivkit.grading.single import check
from derivkit.grading.submission import Answer, Submission
from derivkit.grading.working import StepsReport, check_steps

VERDICTS = ("correct", "partial", "wrong", "invalid", "unknown", "missing")
REVIEW = "A person should look at this answer: it is scored 0 until then."


@dataclass(frozen=True)
class QuestionGrade:
    """One question's score and feedback. ``to_dict`` gives the contract's fields, plus the
    evidence (counterexample, first wrong line, named mistake, format error) when there is some."""

    id: str
    score: float
    max_score: float
    verdict: str
    feedback: str
    counterexample: dict | None = None
    first_wrong_line: int | None = None
    mistake: str | None = None
    format_error: str | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.id, "score": _round(self.score), "max_score": _round(self.max_score),
                                   "verdict": self.verdict, "feedback": self.feedback}
        extras = {"counterexample": self.counterexample, "first_wrong_line": self.first_wrong_line,
                  "mistake": self.mistake, "format_error": self.format_error}
        data.update({k: v for k, v in extras.items() if v is not None})
        return data


@dataclass(frozen=True)
class SubmissionGrade:
    """Every question's grade, in the assignment's order, and the total."""

    questions: tuple[QuestionGrade, ...]
    student: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"score": _round(self.score), "max_score": _round(self.max_score),
                                   "questions": [q.to_dict() for q in self.questions]}
        if self.student:
            data["student"] = self.student
        if self.notes:
            data["notes"] = list(self.notes)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        """The report for a terminal."""
        out = []
        for q in self.questions:
            out.append(f"{q.id}  {points(q.score)}/{points(q.max_score)}  {q.verdict}")
            out.extend(f"    {line}" for line in q.feedback.splitlines())
        out.extend(f"note: {n}" for n in self.notes)
        out.append(f"total  {points(self.score)}/{points(self.max_score)}")
        return "\n".join(out)


def _round(value: float) -> float | int:
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def points(value: float) -> str:
    return f"{_round(value):g}"


def _verdict(score: float, max_score: float) -> str:
    if score >= max_score - 1e-9:
        return "correct"
    return "partial" if score > 0 else "wrong"


# -- answer questions ------------------------------------------------------------------------


def grade_answer(question: Question, answer: Answer) -> QuestionGrade:
    """An ``answer`` question: one check against the reference."""
    result = check(question.expected, answer.text, syntax=question.syntax, assume=question.assume_map,
                   timeout=question.timeout, semantics=question.semantics)
    return answer_grade(question, result)


def answer_grade(question: Question, result: CheckResult) -> QuestionGrade:
    """The grade of an answer question from its check result."""
    cex = result.counterexample.to_dict() if result.counterexample is not None else None
    if result.verdict == "equivalent":
        return QuestionGrade(question.id, question.points, question.points, "correct", f"Correct. {result.message}")
    if result.verdict == "not_equivalent":
        return QuestionGrade(question.id, 0.0, question.points, "wrong", result.message, cex,
                             mistake=result.diagnosis)
    if result.verdict == "invalid":
        reason = result.message.removeprefix("Invalid input: ")
        if reason.startswith("The expected answer"):  # the assignment's fault: load_assignment normally catches it
            return QuestionGrade(question.id, 0.0, question.points, "unknown", f"{reason} {REVIEW}")
        return QuestionGrade(question.id, 0.0, question.points, "invalid", f"Format error: {reason}",
                             format_error=reason)
    return QuestionGrade(question.id, 0.0, question.points, "unknown", f"{result.message} {REVIEW}")


# -- working questions -----------------------------------------------------------------------


def steps_options(question: Question, jobs: int | None) -> dict[str, object]:
    """Keyword arguments of check_steps for this question."""
    return {"expected": question.expected, "syntax": question.syntax, "assume": question.assume_map,
            "given": question.given_map, "timeout": question.timeout, "semantics": question.semantics,
            "jobs": jobs}


def grade_working(question: Question, answer: Answer, jobs: int | None = None) -> QuestionGrade:
    """A ``working`` question: line by line, then the last line against the reference."""
    report = check_steps(answer.text, **steps_options(question, jobs))  # type: ignore[arg-type]
    return working_grade(question, report)


def working_grade(question: Question, report: StepsReport) -> QuestionGrade:
    """The grade of a working from its steps report."""
    total = question.points
    if report.error is not None:
        return QuestionGrade(question.id, 0.0, total, "invalid", f"Format error: {report.error}",
                             format_error=report.error)
    stopped = [r for r in report.lines if r.status == "invalid" and r.message.startswith("Unknown")]
    if stopped:  # reading the line was stopped at a limit: not the student's format error
        return QuestionGrade(question.id, 0.0, total, "unknown",
                             f"Line {stopped[0].line}: {stopped[0].message} {REVIEW}")
    unreadable = [r for r in report.lines if r.status == "invalid"]
    if unreadable:
        reason = f"line {unreadable[0].line} could not be read: {unreadable[0].message}"
        return QuestionGrade(question.id, 0.0, total, "invalid", f"Format error: {reason}", format_error=reason)
    final = report.final
    final_ok = final is not None and final.verdict == "equivalent"
    wrong = report.first_wrong
    undecided = [r for r in report.lines if r.status == "unknown"]
    working_ok = wrong is None and not undecided
    score = total * (1 - question.working_share) * final_ok + total * question.working_share * working_ok
    feedback = []
    if final is not None:
        head = "Final answer: correct." if final_ok else "Final answer: not the expected answer."
        feedback.append(f"{head} {final.message}" if not final_ok else head)
    if wrong is not None:
        feedback.append(f"Working: the first wrong line is line {wrong.line}: {wrong.message}")
    elif undecided:
        feedback.append(f"Working: line {undecided[0].line} could not be decided ({undecided[0].message}).")
    else:
        feedback.append("Working: every line follows from the one before.")
    cex = None
    if wrong is not None and wrong.counterexample is not None:
        cex = wrong.counterexample.to_dict()
    elif final is not None and final.counterexample is not None:
        cex = final.counterexample.to_dict()
    mistake = _mistake(wrong) if wrong is not None else (final.diagnosis if final is not None else None)
    verdict = _verdict(score, total)
    if verdict != "correct" and (undecided or (final is not None and final.verdict == "unknown")):
        verdict = "unknown"
        feedback.append(REVIEW)
    return QuestionGrade(question.id, score, total, verdict, "\n".join(feedback), cex,
                         wrong.line if wrong is not None else None, mistake)


def _mistake(line: object) -> str | None:
    """The named mistake of a line: its ``mistake`` when the checker names one, else its diagnosis."""
    return getattr(line, "mistake", None) or getattr(line, "diagnosis", None)


# -- a whole submission ----------------------------------------------------------------------


def missing_grade(question: Question) -> QuestionGrade:
    return QuestionGrade(question.id, 0.0, question.points, "missing",
                         f"No answer found for {question.id} (a '## {question.id}' section, or a \"{question.id}\" key "
                         "in JSON).")


def format_error_grade(question: Question, reason: str) -> QuestionGrade:
    return QuestionGrade(question.id, 0.0, question.points, "invalid", f"Format error: {reason}", format_error=reason)


def grade_question(question: Question, answer: Answer | None, jobs: int | None = None) -> QuestionGrade:
    """One question of one submission; never raises for anything the student wrote."""
    if answer is None:
        return missing_grade(question)
    if answer.format_error is not None:
        return format_error_grade(question, answer.format_error)
    if question.kind == "working":
        return grade_working(question, answer, jobs)
    return grade_answer(question, answer)


def grade_submission(assignment: Assignment, submission: Submission, student: str = "") -> SubmissionGrade:
    """Every question of ``assignment`` graded on ``submission``."""
    grades = tuple(grade_question(q, submission.answer(q.id)) for q in assignment.questions)
    return SubmissionGrade(grades, student, submission.notes)


def assemble(assignment: Assignment, grades: Iterable[QuestionGrade], student: str = "",
             notes: tuple[str, ...] = ()) -> SubmissionGrade:
    """A SubmissionGrade from question grades computed elsewhere (a class batch), in question order."""
    by_id = {g.id: g for g in grades}
    return SubmissionGrade(tuple(by_id[q.id] for q in assignment.questions), student, notes)


__all__ = [
    "VERDICTS",
    "QuestionGrade",
    "SubmissionGrade",
    "answer_grade",
    "assemble",
    "grade_answer",
    "grade_question",
    "grade_submission",
    "grade_working",
    "points",
    "working_grade",
]
