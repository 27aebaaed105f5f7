"""A student's working, line by line: the public API (``check_steps``, ``StepsReport``).

Input (``derivkit steps FILE``): plain text or LaTeX, read into statements that keep their
line numbers by :mod:`derivkit.grading.reading`. The whole working is then read and checked
in one sandbox worker (:func:`derivkit.grading.chain.check_working`): what a line means
depends on the lines before it (definitions, given values), and one task per working keeps
a batch of many workings on a pool of workers cheap.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from derivkit.grading.chain import LineResult, Outcome, check_working
from derivkit.grading.reading import WorkingLine, is_latex_block, read_working
from derivkit.grading.sandbox import Outcome as SandboxOutcome
from derivkit.grading.sandbox import WorkerPool, run_bounded
from derivkit.grading.single import (
    EXIT_CODES,
    CheckRequest,
    CheckResult,
    limits_for,
    make_request,
    outcome_result,
    warm_up,
)

LineStatus = str  # "ok" | "wrong" | "unknown" | "invalid"

#: A file longer than this many expressions is refused (a working, not a data set).
MAX_EXPRESSIONS = 500


@dataclass(frozen=True)
class StepsReport:
    """Every line's verdict, the last line against the expected answer, and the summary."""

    lines: tuple[LineResult, ...]
    final: CheckResult | None = None
    seconds: float = 0.0
    error: str | None = None  # the whole working could not be checked (e.g. no expressions)
    notes: tuple[str, ...] = field(default=())

    conclusion: tuple[str, ...] | None = None  # what the working concludes (the final value or values)

    @property
    def first_wrong(self) -> LineResult | None:
        return next((r for r in self.lines if r.status == "wrong" and not r.follows_from_wrong), None)

    @property
    def verdict(self) -> str:
        """ok, wrong (a wrong line, or a last line not equal to the expected), invalid or unknown."""
        if self.error is not None:
            return "invalid"
        statuses = {r.status for r in self.lines if r.status != "text"}
        final = self.final.verdict if self.final is not None else None
        if "wrong" in statuses or final == "not_equivalent":
            return "wrong"
        if "invalid" in statuses or final == "invalid":
            return "invalid"
        if "unknown" in statuses or final == "unknown":
            return "unknown"
        return "ok"

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "wrong": 1, "invalid": 2, "unknown": 3}[self.verdict]

    def summary(self) -> str:
        if self.error is not None:
            return f"Invalid input: {self.error}"
        wrong = self.first_wrong
        if wrong is not None:
            text = f"The first wrong line is line {wrong.line}: {wrong.message}"
            return text
        if self.final is not None and self.final.verdict == "not_equivalent":
            return f"Every step follows, but the last line is not the expected answer. {self.final.message}"
        verdict = self.verdict
        if verdict == "ok":
            end = " and the last line equals the expected answer" if self.final is not None else ""
            return f"Every line follows from the one before{end}."
        if verdict == "invalid":
            bad = [str(r.line) for r in self.lines if r.status == "invalid"]
            where = f"line {', '.join(bad)}" if bad else "the expected answer"
            return f"Some input could not be read ({where}); the other lines were checked."
        undecided = [str(r.line) for r in self.lines if r.status == "unknown"]
        where = f"line {', '.join(undecided)}" if undecided else "the comparison with the expected answer"
        return f"No wrong line was found, but {where} could not be decided."

    def to_dict(self) -> dict[str, object]:
        wrong = self.first_wrong
        return {
            "verdict": self.verdict,
            "first_wrong_line": wrong.line if wrong else None,
            "lines": [r.to_dict() for r in self.lines],
            "final": self.final.to_dict() if self.final is not None else None,
            "message": self.summary(),
            "conclusion": list(self.conclusion) if self.conclusion is not None else None,
            "seconds": round(self.seconds, 3),
        }

    def text(self) -> str:
        """The report for a terminal."""
        marks = {"ok": "ok     ", "wrong": "WRONG  ", "unknown": "unknown", "invalid": "INVALID", "text": "text   "}
        width = max([len(r.text) for r in self.lines] + [10])
        width = min(width, 50)
        out = []
        for r in self.lines:
            shown = r.text if len(r.text) <= width else r.text[: width - 3] + "..."
            note = f" (read as: {r.note})" if r.note else ""
            out.append(f"line {r.line:>3}  {marks[r.status]}  {shown:<{width}}  {r.message}{note}")
        if self.final is not None:
            out.append(f"expected       {marks_final(self.final)}  {self.final.message}")
        out.append("")
        out.append(self.summary())
        return "\n".join(out)


def marks_final(result: CheckResult) -> str:
    return {"equivalent": "ok     ", "not_equivalent": "WRONG  ", "unknown": "unknown", "invalid": "INVALID"}[
        result.verdict]


# -- checking -----------------------------------------------------------------------------


Prepared = tuple[list[WorkingLine], CheckRequest, dict[str, str]]


def prepare(working: str | Iterable[WorkingLine], syntax: str, assume: object, timeout: float, semantics: str,
            given: Mapping[str, str] | Iterable[str] | None) -> Prepared | str:
    """The statements, the request template and the given values, or why the working cannot be checked."""
    lines = read_working(working, syntax) if isinstance(working, str) else list(working)
    template = make_request("0", "0", syntax, assume, timeout, semantics)  # type: ignore[arg-type]
    if isinstance(template, CheckResult):
        return template.message.removeprefix("Invalid input: ")
    try:
        givens = parse_givens(given)
    except ValueError as exc:
        return str(exc)
    if not any(w.options for w in lines):
        return "the working contains no expressions"
    expressions = sum(len(option) for w in lines for option in w.options)  # x = x = ... counts every side
    if max(len(lines), expressions) > MAX_EXPRESSIONS:
        return f"the working has {max(len(lines), expressions)} expressions, more than the limit of {MAX_EXPRESSIONS}"
    return lines, template, givens


def parse_givens(given: Mapping[str, object] | Iterable[str] | None) -> dict[str, str]:
    """``{"p": "0.2"}`` or ``["p=0.2"]`` as names and value texts; raises ValueError."""
    if given is None:
        return {}
    if isinstance(given, str):
        given = [given]
    items = list(given.items()) if isinstance(given, Mapping) else []
    if not isinstance(given, Mapping):
        for entry in given:
            if not isinstance(entry, str) or "=" not in entry:
                raise ValueError(f"bad given value {entry!r}: write VAR=VALUE, e.g. p=0.2")
            name, _, value = entry.partition("=")
            items.append((name.strip(), value.strip()))
    out = {}
    for name, value in items:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name):
            raise ValueError(f"bad variable name {name!r} in a given value: use a name such as p or x1")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or len(value) > 200:
            raise ValueError(f"the given value of {name} must be a short number or expression, e.g. {name}=0.2")
        out[name] = value
    return out


def report_from(outcome: Outcome | None, stopped: str | None, seconds: float) -> StepsReport:
    if outcome is None:
        return StepsReport((LineResult(0, "", "unknown", f"Unknown: {stopped}"),), None, seconds)
    if outcome.lines and outcome.lines[0].line == 0 and outcome.lines[0].status == "invalid":
        return StepsReport((), None, seconds, outcome.lines[0].message)
    return StepsReport(outcome.lines, outcome.final, seconds, conclusion=outcome.conclusion)


def check_steps(working: str | Iterable[WorkingLine], expected: str | None = None, syntax: str = "auto",
                assume: Mapping[str, str] | Iterable[str] | None = None, timeout: float = 10.0,
                semantics: str = "principal", jobs: int | None = None, diagnose: bool = True,
                given: Mapping[str, str] | Iterable[str] | None = None,
                pool: WorkerPool | None = None) -> StepsReport:
    """Check a working (file text, or WorkingLine statements) line by line, each line by its kind,
    and what it concludes against ``expected`` when given. ``given``: values put in
    (``{"p": "0.2"}`` or ``["p=0.2"]``). Runs in one sandbox worker (``pool``, or a shared one)."""
    start = time.perf_counter()
    prepared = prepare(working, syntax, assume, timeout, semantics, given)
    if isinstance(prepared, str):
        return StepsReport((), None, time.perf_counter() - start, prepared)
    lines, template, givens = prepared
    warm_up()
    args = (lines, template, givens, expected, template.timeout)
    outcome = pool.run(check_working, *args) if pool is not None else \
        run_bounded(check_working, *args, limits=limits_for(template.timeout))
    return finish(outcome, template.timeout, time.perf_counter() - start)


def finish(outcome: SandboxOutcome, timeout: float, seconds: float) -> StepsReport:
    """A sandbox outcome as a report (a stopped worker: every line unknown, with the reason)."""
    if outcome.ok and isinstance(outcome.value, Outcome):
        return report_from(outcome.value, None, seconds)
    reason = outcome_result(outcome, timeout).message.removeprefix("Unknown: ")
    return report_from(None, reason, seconds)


__all__ = [
    "EXIT_CODES",
    "LineResult",
    "StepsReport",
    "WorkingLine",
    "check_steps",
    "is_latex_block",
    "parse_givens",
    "read_working",
]
