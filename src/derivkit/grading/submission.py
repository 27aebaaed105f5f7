"""Reading a student's submission: Markdown with a ``## q1`` heading per question, or JSON.

Markdown::

    # Sigmoid homework, Ada Lovelace        (ignored: anything before the first question)
    ## q1
    sigma(z)*(1 - sigma(z))
    ## q2
    log(p/(1-p)) = z
    p/(1-p) = exp(z)
    p = exp(z)/(1+exp(z))

An answer question takes one line; a working question takes its lines (text, or a LaTeX
``align*`` block). Math delimiters (``$...$``, ``$$``, ``\\[ \\]``, code fences) are removed,
keeping line numbers: a working's lines are numbered as in the file, so feedback names the
line the student sees. JSON: ``{"q1": "...", "q2": "line 1\\nline 2"}`` (a working may also be
a list of lines).

Nothing here parses an expression; a submission that is not a submission at all (not UTF-8,
bad JSON) raises :class:`~derivkit.errors.SubmissionError`, and one question whose answer cannot
be taken from the file gets a format error of its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from derivkit.errors import SubmissionError
from derivkit.grading.assignment import Assignment
from derivkit.grading.textfile import read_small_text

MAX_FILE_BYTES = 1024 * 1024
SUFFIXES = (".md", ".markdown", ".json", ".txt")

_HEADING = re.compile(r"^\s{0,3}(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_DELIMITER_LINE = re.compile(r"^\s*(\$\$|\\\[|\\\]|```.*|~~~.*|<!--.*-->)\s*$")
_WRAPPERS = (
    re.compile(r"^\$\$(?P<inner>.*)\$\$$"), re.compile(r"^\$(?P<inner>.*)\$$"),
    re.compile(r"^\\\((?P<inner>.*)\\\)$"), re.compile(r"^\\\[(?P<inner>.*)\\\]$"),
    re.compile(r"^`(?P<inner>[^`]*)`$"),
)


@dataclass(frozen=True)
class Answer:
    """A student's answer to one question, as taken from the file.

    ``text`` is the answer line, or a working's text with its lines where they are in the
    file (earlier lines blank). ``line`` is where the answer starts; ``format_error`` says why
    no answer could be taken (then ``text`` is empty).
    """

    question: str
    text: str
    line: int = 1
    format_error: str | None = None


@dataclass(frozen=True)
class Submission:
    """The answers of one student, by question id, and notes about the file."""

    name: str
    answers: tuple[Answer, ...]
    notes: tuple[str, ...] = field(default=())

    def answer(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question == question_id), None)


def unwrap(line: str) -> str:
    """A line without the math or code delimiters around it."""
    text = line.strip()
    for pattern in _WRAPPERS:
        match = pattern.match(text)
        if match:
            return match["inner"].strip()
    return text


def _section_id(title: str, ids: dict[str, str]) -> str | None:
    """The question id a heading names: ``q1``, ``Q1:``, ``Question q1``, ``q1 (3 points)``."""
    words = re.split(r"[\s:.)(,]+", title.strip())
    words = [w for w in words if w]
    if words and words[0].lower() in ("question", "problem", "exercise") and len(words) > 1:
        words = words[1:]
    return ids.get(words[0].lower()) if words else None


def read_markdown(text: str, assignment: Assignment, name: str = "submission.md") -> Submission:
    """The answers of a Markdown submission (a ``## id`` heading per question)."""
    ids = {q.id.lower(): q.id for q in assignment.questions}
    kinds = {q.id: q.kind for q in assignment.questions}
    lines = text.splitlines()
    sections: dict[str, tuple[int, int]] = {}  # id -> (first line index, end index)
    notes: list[str] = []
    current: str | None = None
    start = 0
    for index, line in enumerate([*lines, "## "]):  # a sentinel heading closes the last section
        heading = _HEADING.match(line)
        if heading is None or len(heading["level"]) > 2:
            continue
        if current is not None:
            sections[current] = (start, index)
        current = None
        if index == len(lines):
            break
        if len(heading["level"]) == 1:
            continue  # the title of the document
        qid = _section_id(heading["title"], ids)
        if qid is None:
            notes.append(f"line {index + 1}: the heading '{line.strip()}' names no question of this assignment "
                         f"({', '.join(q.id for q in assignment.questions)}); its text was not graded")
        elif qid in sections:
            notes.append(f"line {index + 1}: a second section for {qid}; only the first was graded")
        else:
            current, start = qid, index + 1
    answers = [_answer(qid, kinds[qid], lines, first, end) for qid, (first, end) in sections.items()]
    return Submission(name, tuple(answers), tuple(notes))


def _answer(qid: str, kind: str, lines: list[str], first: int, end: int) -> Answer:
    body = ["" if _DELIMITER_LINE.match(line) else unwrap(line) for line in lines[first:end]]
    filled = [(first + i + 1, text) for i, text in enumerate(body) if text.strip()]
    if not filled:
        return Answer(qid, "", first, "no answer under the heading")
    if kind == "working":
        padded = "\n" * first + "\n".join(body)
        return Answer(qid, padded, filled[0][0])
    if len(filled) > 1:
        where = ", ".join(str(n) for n, _ in filled[:4]) + (", ..." if len(filled) > 4 else "")
        return Answer(qid, "", filled[0][0], f"an answer question takes one line, but {len(filled)} lines were "
                                             f"found (lines {where}); write the answer alone on one line")
    return Answer(qid, filled[0][1], filled[0][0])


def read_json(text: str, assignment: Assignment, name: str = "submission.json") -> Submission:
    """The answers of a JSON submission: an object of question id to text (or list of lines)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise SubmissionError(f"{name}: JSON nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise SubmissionError(f"{name}: must be a JSON object such as {{\"q1\": \"...\"}}, not {type(data).__name__}")
    ids = {q.id.lower(): q.id for q in assignment.questions}
    kinds = {q.id: q.kind for q in assignment.questions}
    answers, notes = [], []
    for key, value in data.items():
        qid = ids.get(str(key).lower())
        if qid is None:
            notes.append(f"\"{key}\" is not a question of this assignment; it was not graded")
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n".join(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = repr(value)
        if not isinstance(value, str):
            answers.append(Answer(qid, "", 1, f"the answer must be text (or a list of lines), not "
                                              f"{type(value).__name__}"))
            continue
        body = ["" if _DELIMITER_LINE.match(line) else unwrap(line) for line in value.splitlines()]
        filled = [text for text in body if text.strip()]
        if not filled:
            answers.append(Answer(qid, "", 1, "the answer is empty"))
        elif kinds[qid] == "working":
            answers.append(Answer(qid, "\n".join(body), 1))
        elif len(filled) > 1:
            answers.append(Answer(qid, "", 1, f"an answer question takes one line, but {len(filled)} were found"))
        else:
            answers.append(Answer(qid, filled[0], 1))
    return Submission(name, tuple(answers), tuple(notes))


def read_submission_text(text: str, assignment: Assignment, name: str) -> Submission:
    """JSON when the name ends in .json (or the text starts with '{'), else Markdown."""
    if name.lower().endswith(".json") or (not name.lower().endswith((".md", ".markdown"))
                                          and text.lstrip().startswith("{")):
        return read_json(text, assignment, name)
    return read_markdown(text, assignment, name)


def read_submission(path: str | Path, assignment: Assignment) -> Submission:
    """Read a submission file; raises SubmissionError when the file itself cannot be read."""
    path = Path(path)
    text = read_small_text(path, MAX_FILE_BYTES, SubmissionError, "a submission is a few answers")
    return read_submission_text(text, assignment, path.name)


def submission_files(folder: str | Path) -> list[Path]:
    """The submission files of a folder (sorted; hidden files skipped)."""
    folder = Path(folder)
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUFFIXES)


__all__ = [
    "Answer",
    "Submission",
    "read_json",
    "read_markdown",
    "read_submission",
    "read_submission_text",
    "submission_files",
    "unwrap",
]
