"""Assignments: a TOML file of questions, each with a reference answer and points.

The contract (``docs``: DESIGN.md, "Assignments and gradebooks")::

    title = "Sigmoid homework"
    [[question]]
    id = "q1"
    prompt = "Differentiate sigma(z)."
    expected = "sigma(z)*(1-sigma(z))"     # text or LaTeX, as check reads it
    points = 2
    [[question]]
    id = "q2"
    prompt = "Solve log(p/(1-p)) = z for p."
    expected = "1/(1+exp(-z))"
    assume = { p = "(0,1)" }
    given = {}                             # values, as steps --given
    kind = "working"                       # "answer" (default) or "working"
    points = 3

A question may take its reference from a verified derivation's exercise instead
(``from = "sigmoid-derivative#1"``: the first exercise of that derivation, graded with the
domains the answer key prints). Extensions: ``working_share`` (top level or per question: the
share of a working question's points given for the working, the rest for the final answer;
default 0.5), ``timeout`` (seconds per check) and ``semantics`` (principal | natural).

Every problem is reported as a :class:`~derivkit.errors.AssignmentError` naming the file, the
line and the field. Reference answers are parsed in a sandbox worker, never in this process.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from derivkit.errors import AssignmentError, DerivationError, DomainError, SandboxError
from derivkit.grading.request import DEFAULT_TIMEOUT, MAX_TIMEOUT, SEMANTICS, parse_assumptions
from derivkit.grading.textfile import read_small_text

KINDS = ("answer", "working")
DEFAULT_WORKING_SHARE = 0.5
MAX_FILE_BYTES = 1024 * 1024
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_FROM = re.compile(r"^(?P<derivation>[a-z0-9][a-z0-9-]*)#(?P<number>[0-9]+)$")

TOP_KEYS = ("title", "question", "working_share", "timeout", "semantics")
QUESTION_KEYS = ("id", "prompt", "expected", "from", "assume", "given", "kind", "points", "working_share",
                 "timeout", "semantics", "syntax")


@dataclass(frozen=True)
class Question:
    """One question: what is asked, the reference answer (check's input syntax) and its points."""

    id: str
    prompt: str
    expected: str
    points: float
    kind: str = "answer"
    assume: tuple[tuple[str, str], ...] = ()
    given: tuple[tuple[str, str], ...] = ()
    syntax: str = "auto"
    source: str | None = None  # "derivation-id#k" when the reference came from an exercise
    working_share: float = DEFAULT_WORKING_SHARE
    timeout: float = DEFAULT_TIMEOUT
    semantics: str = "principal"

    @property
    def assume_map(self) -> dict[str, str]:
        return dict(self.assume)

    @property
    def given_map(self) -> dict[str, str]:
        return dict(self.given)


@dataclass(frozen=True)
class Assignment:
    """A titled list of questions (ids unique, in file order)."""

    title: str
    questions: tuple[Question, ...]
    path: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise AssignmentError(f"{self.path or 'the assignment'} has no question {question_id!r}; "
                              f"its questions are {', '.join(q.id for q in self.questions)}")


class _Locator:
    """Lines of a TOML file's fields, for error messages (tomllib keeps no positions)."""

    def __init__(self, text: str, name: str) -> None:
        self.lines = text.splitlines()
        self.name = name
        self.blocks: list[int] = [i for i, line in enumerate(self.lines)
                                  if re.match(r"^\s*\[\[\s*question\s*\]\]", line)]

    def line(self, key: str | None, question: int | None = None) -> int | None:
        """1-based line of ``key`` in question block ``question`` (0-based), or of the block."""
        if question is None:
            start, end = 0, self.blocks[0] if self.blocks else len(self.lines)
        elif question < len(self.blocks):
            start = self.blocks[question]
            end = self.blocks[question + 1] if question + 1 < len(self.blocks) else len(self.lines)
        else:
            return None
        if key is not None:
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for i in range(start, end):
                if pattern.match(self.lines[i]):
                    return i + 1
        return start + 1 if question is not None else None

    def error(self, message: str, key: str | None = None, question: int | None = None,
              question_id: str | None = None) -> AssignmentError:
        line = self.line(key, question)
        where = f"{self.name}" + (f", line {line}" if line else "")
        what = []
        if question is not None:
            what.append(f"question {question + 1}" + (f" ({question_id})" if question_id else ""))
        if key is not None:
            what.append(f"field '{key}'")
        return AssignmentError(f"{where}: {', '.join(what)}: {message}" if what else f"{where}: {message}")


@dataclass(frozen=True)
class ExerciseReference:
    """What a question takes from a derivation's exercise."""

    expected: str
    assume: Mapping[str, str]
    prompt: str


#: Resolves ``from = "derivation-id#k"``; replaceable in tests.
ExerciseResolver = Callable[[str, int], ExerciseReference]


def exercise_reference(derivation_id: str, number: int) -> ExerciseReference:
    """The reference answer (text syntax), grading domains and prompt of a verified
    derivation's ``number``-th exercise (1-based)."""
    from derivkit.derivation import registry
    from derivkit.derivation.derivation import grading_domains
    from derivkit.parsing.printer import answer_text

    derivation = registry.load(derivation_id)
    if not 1 <= number <= len(derivation.exercises):
        raise DerivationError(f"{derivation_id} has {len(derivation.exercises)} exercises; there is no exercise "
                              f"#{number}")
    report = derivation.verify()
    if not report.verified:
        failed = report.failures[0]
        raise DerivationError(f"{derivation_id} is not verified (step {failed.index} fails), so its exercises "
                              "cannot be used as references")
    exercise = derivation.exercises[number - 1]
    text = answer_text(exercise.answer)
    if text is None:
        raise DerivationError(f"the answer of {derivation_id}#{number} has no plain-text form; write 'expected'")
    return ExerciseReference(text, grading_domains(exercise, derivation), exercise.prompt)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _text_map(value: object, what: str) -> dict[str, str]:
    """A TOML table of names to strings or numbers (numbers written as text)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a table such as {{ p = \"(0,1)\" }}, not {type(value).__name__}")
    out = {}
    for key, item in value.items():
        if isinstance(item, int | float) and not isinstance(item, bool):
            item = repr(item)
        if not isinstance(item, str):
            raise ValueError(f"the {what} of {key} must be text or a number, not {type(item).__name__}")
        out[str(key)] = item
    return out


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
    return f"unknown field{hint}"


class _Reader:
    """Validates the decoded TOML into an Assignment, one field at a time."""

    def __init__(self, data: dict, locator: _Locator, resolve: ExerciseResolver) -> None:
        self.data, self.at, self.resolve = data, locator, resolve

    def assignment(self, path: str) -> Assignment:
        data, at = self.data, self.at
        for key in data:
            if key not in TOP_KEYS:
                raise at.error(_unknown_key(key, TOP_KEYS), key)
        title = data.get("title", "")
        if not isinstance(title, str) or not title.strip():
            raise at.error("the assignment needs a title (text)", "title")
        defaults = {
            "working_share": self.share(data.get("working_share", DEFAULT_WORKING_SHARE), None, None),
            "timeout": self.timeout(data.get("timeout", DEFAULT_TIMEOUT), None, None),
            "semantics": self.semantics(data.get("semantics", "principal"), None, None),
        }
        raw = data.get("question")
        if not isinstance(raw, list) or not raw:
            raise at.error("the assignment has no questions: add [[question]] tables with id, prompt, expected "
                           "and points")
        questions: list[Question] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(raw):
            question = self.question(entry, index, defaults)
            if question.id in seen:
                raise at.error(f"the id {question.id!r} is already used by question {seen[question.id] + 1}", "id",
                               index, question.id)
            seen[question.id] = index
            questions.append(question)
        return Assignment(title.strip(), tuple(questions), path)

    def question(self, entry: object, index: int, defaults: dict) -> Question:
        at = self.at
        if not isinstance(entry, dict):
            raise at.error("must be a [[question]] table", None, index)
        qid = entry.get("id")
        if not isinstance(qid, str) or not _ID.match(qid):
            raise at.error("every question needs an id such as \"q1\" (letters, digits, '_', '-', '.')", "id", index)
        for key in entry:
            if key not in QUESTION_KEYS:
                raise at.error(_unknown_key(key, QUESTION_KEYS), key, index, qid)
        prompt = entry.get("prompt", "")
        if not isinstance(prompt, str):
            raise at.error("must be text", "prompt", index, qid)
        points = _number(entry.get("points", 1))
        if points is None or points <= 0:
            raise at.error(f"must be a positive number, not {entry.get('points')!r}", "points", index, qid)
        kind = entry.get("kind", "answer")
        if kind not in KINDS:
            raise at.error(f"must be \"answer\" or \"working\", not {kind!r}", "kind", index, qid)
        syntax = entry.get("syntax", "auto")
        if syntax not in ("text", "latex", "auto"):
            raise at.error(f"must be \"text\", \"latex\" or \"auto\", not {syntax!r}", "syntax", index, qid)
        expected, assume, source, default_prompt = self.reference(entry, index, qid)
        prompt = prompt or default_prompt
        if "assume" in entry:
            try:
                assume.update(_text_map(entry["assume"], "domain"))
                pairs = parse_assumptions(assume)
            except (ValueError, DomainError) as exc:
                raise at.error(str(exc), "assume", index, qid) from None
        else:
            try:
                pairs = parse_assumptions(assume)
            except DomainError as exc:  # the derivation's own domains: cannot fail, but say so if it does
                raise at.error(str(exc), "from", index, qid) from None
        try:
            given = _text_map(entry.get("given", {}), "value")
        except ValueError as exc:
            raise at.error(str(exc), "given", index, qid) from None
        if given and kind != "working":
            raise at.error("given values apply to working questions only (kind = \"working\")", "given", index, qid)
        return Question(
            id=qid, prompt=prompt, expected=expected, points=points, kind=kind, assume=pairs,
            given=tuple(given.items()), syntax=syntax, source=source,
            working_share=self.share(entry.get("working_share", defaults["working_share"]), index, qid),
            timeout=self.timeout(entry.get("timeout", defaults["timeout"]), index, qid),
            semantics=self.semantics(entry.get("semantics", defaults["semantics"]), index, qid),
        )

    def reference(self, entry: dict, index: int, qid: str) -> tuple[str, dict[str, str], str | None, str]:
        at = self.at
        has_expected, has_from = "expected" in entry, "from" in entry
        if has_expected == has_from:
            raise at.error("give exactly one of 'expected' (the answer) or 'from' (\"derivation-id#k\")",
                           "from" if has_from else "expected", index, qid)
        if has_expected:
            expected = entry["expected"]
            if isinstance(expected, int | float) and not isinstance(expected, bool):
                expected = repr(expected)
            if not isinstance(expected, str) or not expected.strip():
                raise at.error("must be the reference answer as text, e.g. \"sigma(z)*(1-sigma(z))\"", "expected",
                               index, qid)
            return expected, {}, None, ""
        source = entry["from"]
        match = _FROM.match(source) if isinstance(source, str) else None
        if match is None:
            raise at.error(f"must be \"derivation-id#k\" (the k-th exercise, from 1), not {source!r}", "from",
                           index, qid)
        try:
            found = self.resolve(match["derivation"], int(match["number"]))
        except DerivationError as exc:
            raise at.error(str(exc), "from", index, qid) from None
        return found.expected, dict(found.assume), source, found.prompt

    def share(self, value: object, index: int | None, qid: str | None) -> float:
        number = _number(value)
        if number is None or not 0 <= number <= 1:
            raise self.at.error(f"must be a number from 0 to 1 (the share of the points for the working), not "
                                f"{value!r}", "working_share", index, qid)
        return number

    def timeout(self, value: object, index: int | None, qid: str | None) -> float:
        number = _number(value)
        if number is None or not 0 < number <= MAX_TIMEOUT:
            raise self.at.error(f"must be a number of seconds between 0 and {MAX_TIMEOUT:g}, not {value!r}",
                                "timeout", index, qid)
        return number

    def semantics(self, value: object, index: int | None, qid: str | None) -> str:
        if value not in SEMANTICS:
            raise self.at.error(f"must be \"principal\" or \"natural\", not {value!r}", "semantics", index, qid)
        return str(value)


def parse_assignment(text: str, name: str = "assignment.toml", *, resolve: ExerciseResolver = exercise_reference,
                     check_references: bool = True) -> Assignment:
    """An Assignment from TOML text; raises AssignmentError naming the line and field.

    ``check_references`` parses every reference answer (in a sandbox worker) so that a typo
    in ``expected`` is the instructor's error now, not every student's later.
    """
    locator = _Locator(text, name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError(f"{name}: not valid TOML: {exc}") from None
    assignment = _Reader(data, locator, resolve).assignment(name)
    if check_references:
        _check_references(assignment, locator)
    return assignment


def question_from_fields(fields: Mapping[str, object], name: str = "question", *,
                         resolve: ExerciseResolver = exercise_reference, check_references: bool = True) -> Question:
    """One question from the fields of a ``[[question]]`` table (a dict), validated the same way
    (for a PrairieLearn ``server.py``, which has no assignment file)."""
    locator = _Locator("", name)
    defaults = {"working_share": DEFAULT_WORKING_SHARE, "timeout": DEFAULT_TIMEOUT, "semantics": "principal"}
    question = _Reader({}, locator, resolve).question(dict(fields), 0, defaults)
    if check_references:
        _check_references(Assignment(name, (question,), name), locator)
    return question


def load_assignment(path: str | Path, *, resolve: ExerciseResolver = exercise_reference,
                    check_references: bool = True) -> Assignment:
    """Read and validate an assignment file."""
    path = Path(path)
    text = read_small_text(path, MAX_FILE_BYTES, AssignmentError, "an assignment is a few questions")
    return parse_assignment(text, str(path), resolve=resolve, check_references=check_references)


def _check_references(assignment: Assignment, locator: _Locator) -> None:
    from derivkit.grading.sandbox import Limits, run_bounded
    from derivkit.grading.worker import parse_task

    for index, q in enumerate(assignment.questions):
        outcome = run_bounded(parse_task, q.expected, q.syntax, tuple(name for name, _ in q.assume),
                              limits=Limits(timeout=min(q.timeout, 10.0), memory_mb=1024))
        if not outcome.ok:
            raise SandboxError(f"{assignment.path}: the reference answer of {q.id} could not be read: "
                               f"{outcome.message}")
        if outcome.value is not None:
            message = str(outcome.value[0]).replace("This line", "the reference answer")  # type: ignore[index]
            raise locator.error(message, "from" if q.source else "expected", index, q.id)


__all__ = [
    "DEFAULT_WORKING_SHARE",
    "KINDS",
    "Assignment",
    "ExerciseReference",
    "Question",
    "exercise_reference",
    "load_assignment",
    "parse_assignment",
    "question_from_fields",
]
