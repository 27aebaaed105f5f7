"""A class at once: every submission in a folder graded into a CSV gradebook and a summary.

Each (student, question) answer is one task on an :class:`~derivkit.grading.executors.Executor`
(this machine or a Dask cluster); every check a task makes runs in derivkit's sandbox.
Identical answers to a question (a class's answers repeat) are graded once. A file that
cannot be read still gets its row: every question a format error naming the reason.

Outputs: the gradebook (``student``, one column per question id, ``total``: the CSV LMS
imports read), one JSON line of feedback per student, and a summary per question: the share
right, the mean score, format errors and the most common named mistakes, with a bar chart.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from derivkit.errors import SubmissionError
from derivkit.grading.assignment import Assignment, Question
from derivkit.grading.executors import Executor, LocalExecutor
from derivkit.grading.sandbox import Outcome
from derivkit.grading.scoring import (
    QuestionGrade,
    SubmissionGrade,
    assemble,
    format_error_grade,
    grade_question,
    missing_grade,
    points,
)
from derivkit.grading.submission import Answer, read_submission, submission_files

#: Named mistakes listed per question in the summary.
TOP_MISTAKES = 3


@dataclass(frozen=True)
class QuestionSummary:
    """How the class did on one question."""

    id: str
    students: int
    correct: int
    partial: int
    format_errors: int
    undecided: int
    mean: float
    max_score: float
    mistakes: tuple[tuple[str, int], ...]

    @property
    def share_right(self) -> float:
        return self.correct / self.students if self.students else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "students": self.students, "share_right": round(self.share_right, 4),
                "correct": self.correct, "partial": self.partial, "format_errors": self.format_errors,
                "undecided": self.undecided, "mean": round(self.mean, 4), "max_score": self.max_score,
                "mistakes": [{"mistake": m, "count": c} for m, c in self.mistakes]}


@dataclass(frozen=True)
class ClassGrades:
    """Every student's grade, in file-name order."""

    assignment: Assignment
    grades: tuple[tuple[str, SubmissionGrade], ...]

    def csv_text(self) -> str:
        """The gradebook: student, one column per question, total (numbers, no units)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        ids = [q.id for q in self.assignment.questions]
        writer.writerow(["student", *ids, "total"])
        for student, grade in self.grades:
            writer.writerow([student, *(points(q.score) for q in grade.questions), points(grade.score)])
        return out.getvalue()

    def feedback_lines(self) -> str:
        """One JSON object per student (the ``grade --json`` object plus ``student``)."""
        return "".join(json.dumps(g.to_dict(), ensure_ascii=False) + "\n" for _, g in self.grades)

    def summary(self) -> tuple[QuestionSummary, ...]:
        out = []
        for index, q in enumerate(self.assignment.questions):
            grades = [g.questions[index] for _, g in self.grades]
            verdicts = Counter(g.verdict for g in grades)
            mistakes = Counter(g.mistake for g in grades if g.mistake)
            mean = sum(g.score for g in grades) / len(grades) if grades else 0.0
            out.append(QuestionSummary(q.id, len(grades), verdicts["correct"], verdicts["partial"],
                                       verdicts["invalid"], verdicts["unknown"], mean, q.points,
                                       tuple(mistakes.most_common(TOP_MISTAKES))))
        return tuple(out)

    def summary_markdown(self) -> str:
        lines = [f"# {self.assignment.title}: summary of {len(self.grades)} submissions", "",
                 "| question | right | partial | mean | format errors | undecided | most common mistakes |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for s in self.summary():
            mistakes = "; ".join(f"{m} ({c})" for m, c in s.mistakes) or "none named"
            lines.append(f"| {s.id} | {s.share_right:.0%} ({s.correct}/{s.students}) | {s.partial} | "
                         f"{points(s.mean)}/{points(s.max_score)} | {s.format_errors} | {s.undecided} | "
                         f"{mistakes.replace('|', '/')} |")
        if self.grades:
            mean = sum(g.score for _, g in self.grades) / len(self.grades)
            lines += ["", f"Mean total: {points(mean)}/{points(self.assignment.max_score)}."]
        return "\n".join(lines) + "\n"

    def chart(self, path: str | Path) -> None:
        """A bar chart of the share right (and partially right) per question."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        summary = self.summary()
        ids = [s.id for s in summary]
        right = [s.share_right * 100 for s in summary]
        partial = [s.partial / s.students * 100 if s.students else 0 for s in summary]
        fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(ids) + 2), 3.2), dpi=120)
        ax.bar(ids, right, color="#3a7d44", label="right")
        ax.bar(ids, partial, bottom=right, color="#e0a030", label="partly right")
        ax.set_ylim(0, 100)
        ax.set_ylabel("% of students")
        ax.set_title(f"{self.assignment.title} ({len(self.grades)} submissions)")
        ax.legend(loc="upper right", frameon=False, fontsize="small")
        for x, value in enumerate(right):
            ax.annotate(f"{value:.0f}%", (x, value), ha="center", va="bottom", fontsize="small")
        fig.tight_layout()
        fig.savefig(path, metadata={"Software": None})
        plt.close(fig)


def _student(path: Path) -> str:
    return path.stem


def grade_class(assignment: Assignment, folder: str | Path, executor: Executor | None = None, *,
                progress: bool = False, on_student: Callable[[str, SubmissionGrade], None] | None = None
                ) -> ClassGrades:
    """Grade every submission file in ``folder`` (``.md``, ``.json``, ``.txt``)."""
    files = submission_files(folder)
    executor = executor if executor is not None else LocalExecutor()
    rows: list[tuple[str, dict[str, QuestionGrade], tuple[str, ...]]] = []
    tasks: list[tuple[Question, Answer, int]] = []
    waiting: dict[tuple[str, str, int], list[dict[str, QuestionGrade]]] = {}
    for path in files:
        grades: dict[str, QuestionGrade] = {}
        try:
            submission = read_submission(path, assignment)
        except SubmissionError as exc:
            reason = str(exc)
            rows.append((_student(path), {q.id: format_error_grade(q, reason) for q in assignment.questions}, ()))
            continue
        rows.append((_student(path), grades, submission.notes))
        for q in assignment.questions:
            answer = submission.answer(q.id)
            if answer is None:
                grades[q.id] = missing_grade(q)
            elif answer.format_error is not None:
                grades[q.id] = format_error_grade(q, answer.format_error)
            else:
                key = (q.id, answer.text, answer.line)
                if key not in waiting:
                    waiting[key] = []
                    tasks.append((q, answer, 1))
                waiting[key].append(grades)
    bars: list = []

    def tick() -> None:
        # Made at the first result, once the task pool has started: tqdm's monitor thread must
        # not exist yet when the local executor forks its processes.
        if not progress:
            return
        if not bars:
            from tqdm import tqdm

            bars.append(tqdm(total=len(tasks), file=sys.stderr, unit="answer", dynamic_ncols=True, leave=True))
        bars[0].update(1)

    def done(k: int, outcome: Outcome) -> None:
        q, answer, _ = tasks[k]
        grade = outcome.value if outcome.ok and isinstance(outcome.value, QuestionGrade) else QuestionGrade(
            q.id, 0.0, q.points, "unknown", f"Unknown: grading stopped ({outcome.message}). A person should look "
                                            "at this answer: it is scored 0 until then.")
        for grades in waiting[(q.id, answer.text, answer.line)]:
            grades[q.id] = grade
        tick()

    try:
        executor.map_tasks(grade_question, tasks, on_done=done)
    finally:
        for bar in bars:
            bar.close()
    result = tuple((student, assemble(assignment, grades.values(), student, notes))
                   for student, grades, notes in rows)
    if on_student is not None:
        for student, grade in result:
            on_student(student, grade)
    return ClassGrades(assignment, result)


def write_outputs(grades: ClassGrades, gradebook: str | Path) -> dict[str, Path]:
    """The gradebook CSV and, beside it, ``<stem>-feedback.jsonl``, ``<stem>-summary.md`` and
    ``<stem>-summary.png``; returns the paths written."""
    gradebook = Path(gradebook)
    gradebook.parent.mkdir(parents=True, exist_ok=True)
    paths = {"gradebook": gradebook,
             "feedback": gradebook.with_name(f"{gradebook.stem}-feedback.jsonl"),
             "summary": gradebook.with_name(f"{gradebook.stem}-summary.md"),
             "chart": gradebook.with_name(f"{gradebook.stem}-summary.png")}
    paths["gradebook"].write_text(grades.csv_text(), encoding="utf-8", newline="")
    paths["feedback"].write_text(grades.feedback_lines(), encoding="utf-8")
    paths["summary"].write_text(grades.summary_markdown(), encoding="utf-8")
    grades.chart(paths["chart"])
    return paths


__all__ = ["ClassGrades", "QuestionSummary", "grade_class", "write_outputs"]
