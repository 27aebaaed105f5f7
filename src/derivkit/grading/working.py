"""A student's working, line by line: each expression is checked against the one before.

Input (``derivkit steps FILE``): plain text or a LaTeX ``align*`` block, read into expressions
that keep their line numbers by :mod:`derivkit.grading.reading`.

Each check is an ordinary :func:`derivkit.grading.worker.run_check` in a sandbox worker;
the checks of consecutive pairs are independent, so they run in parallel.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from derivkit.errors import ParseError
from derivkit.grading.diagnose import diagnose_task
from derivkit.grading.reading import WorkingLine, is_latex_block, label_of, read_working
from derivkit.grading.sandbox import WorkerPool, plan_workers
from derivkit.grading.single import (
    EXIT_CODES,
    MAIN_SHARE,
    MEMORY_MB,
    CheckRequest,
    CheckResult,
    after_timeout,
    check_limits,
    limits_for,
    make_request,
    outcome_result,
    parse_error_text,
    run_check,
    shared_runner,
    warm_up,
    with_diagnosis,
)
from derivkit.parsing import parse

LineStatus = str  # "ok" | "wrong" | "unknown" | "invalid"

#: A file longer than this many expressions is refused (a working, not a data set).
MAX_EXPRESSIONS = 500


@dataclass(frozen=True)
class LineResult:
    """The verdict on one expression: is it equal to the previous one?"""

    line: int
    text: str
    status: LineStatus
    message: str
    method: str | None = None
    counterexample: object = None
    seconds: float = 0.0
    diagnosis: str | None = None
    compared_with: int | None = None  # the line it was checked against

    def to_dict(self) -> dict[str, object]:
        cex = self.counterexample
        return {
            "line": self.line, "text": self.text, "status": self.status, "method": self.method,
            "counterexample": cex.to_dict() if cex is not None else None,  # type: ignore[attr-defined]
            "message": self.message, "seconds": round(self.seconds, 3), "compared_with": self.compared_with,
        }


@dataclass(frozen=True)
class StepsReport:
    """Every line's verdict, the last line against the expected answer, and the summary."""

    lines: tuple[LineResult, ...]
    final: CheckResult | None = None
    seconds: float = 0.0
    error: str | None = None  # the whole working could not be checked (e.g. no expressions)
    notes: tuple[str, ...] = field(default=())

    @property
    def first_wrong(self) -> LineResult | None:
        return next((r for r in self.lines if r.status == "wrong"), None)

    @property
    def verdict(self) -> str:
        """ok, wrong (a wrong line, or a last line not equal to the expected), invalid or unknown."""
        if self.error is not None:
            return "invalid"
        statuses = {r.status for r in self.lines}
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
            "seconds": round(self.seconds, 3),
        }

    def text(self) -> str:
        """The report for a terminal."""
        marks = {"ok": "ok     ", "wrong": "WRONG  ", "unknown": "unknown", "invalid": "INVALID"}
        width = max([len(r.text) for r in self.lines] + [10])
        width = min(width, 50)
        out = []
        for r in self.lines:
            shown = r.text if len(r.text) <= width else r.text[: width - 3] + "..."
            out.append(f"line {r.line:>3}  {marks[r.status]}  {shown:<{width}}  {r.message}")
        if self.final is not None:
            out.append(f"expected       {marks_final(self.final)}  {self.final.message}")
        out.append("")
        out.append(self.summary())
        return "\n".join(out)


def marks_final(result: CheckResult) -> str:
    return {"equivalent": "ok     ", "not_equivalent": "WRONG  ", "unknown": "unknown", "invalid": "INVALID"}[
        result.verdict]


# -- checking -----------------------------------------------------------------------------


def parse_task(text: str, syntax: str, variables: tuple[str, ...], timeout: float = 10.0) -> tuple[str, str] | None:
    """Sandbox task: None if ``text`` parses, else (one-line message, caret display)."""
    try:
        parse(text, syntax, variables, check_limits(timeout))
    except ParseError as exc:
        return parse_error_text("This line", exc), exc.render()
    return None


def check_steps(working: str | Iterable[WorkingLine], expected: str | None = None, syntax: str = "auto",
                assume: Mapping[str, str] | Iterable[str] | None = None, timeout: float = 10.0,
                semantics: str = "principal", jobs: int | None = None, diagnose: bool = True) -> StepsReport:
    """Check every expression of ``working`` (file text, or WorkingLine items) against the
    previous one, and the last against ``expected`` when given."""
    start = time.perf_counter()
    lines = read_working(working, syntax) if isinstance(working, str) else list(working)
    template = make_request("0", "0", syntax, assume, timeout, semantics)
    if isinstance(template, CheckResult):
        return StepsReport((), None, time.perf_counter() - start, template.message.removeprefix("Invalid input: "))
    if not lines:
        return StepsReport((), None, time.perf_counter() - start, "the working contains no expressions")
    if len(lines) > MAX_EXPRESSIONS:
        return StepsReport((), None, time.perf_counter() - start,
                           f"the working has {len(lines)} expressions, more than the limit of {MAX_EXPRESSIONS}")
    jobs, memory_mb = plan_workers(min(jobs or os.cpu_count() or 1, len(lines)), MEMORY_MB)
    warm_up()
    with WorkerPool(jobs, replace(limits_for(template.timeout * MAIN_SHARE), memory_mb=memory_mb)) as pool:
        parsed = pool.map(parse_task, [(w.text, w.syntax, template.variables, template.timeout) for w in lines])
        problems: list[tuple[str, ...] | None] = []
        for outcome in parsed:
            if outcome.ok:
                problems.append(outcome.value)  # type: ignore[arg-type]
            else:
                # stopped by the sandbox (a busy machine, a huge input): undecided, not unreadable
                problems.append((outcome_result(outcome, template.timeout).message, "", "unknown"))
        # Pair every readable line with the readable line before it.
        pairs: list[tuple[int, int]] = []
        previous = None
        for index, problem in enumerate(problems):
            if problem is None:
                if previous is not None and lines[previous].chain == lines[index].chain:
                    pairs.append((previous, index))
                previous = index
        requests = [replace(template, expected=lines[i].text, answer=lines[j].text,
                            syntax=_pair_syntax(lines[i], lines[j], syntax)) for i, j in pairs]
        final_request = None
        if expected is not None and previous is not None:
            final_request = replace(template, expected=expected, answer=lines[previous].text,
                                    syntax=syntax if lines[previous].syntax == syntax else "auto")
        tasks = [(r,) for r in requests + ([final_request] if final_request else [])]
        outcomes = pool.map(run_check, tasks)
        results = [after_timeout(t[0], o, shared_runner) for t, o in zip(tasks, outcomes)]
        final = results.pop() if final_request else None
        if expected is not None and previous is None:
            final = None
        # Name the mistake of the first wrong line and of a wrong final answer.
        if diagnose:
            first = next((k for k, r in enumerate(results) if r.verdict == "not_equivalent"), None)
            if first is not None:
                results[first] = _diagnosed(pool, requests[first], results[first])
            if final is not None and final_request is not None and final.verdict == "not_equivalent":
                final = _diagnosed(pool, final_request, final)
    report_lines = _line_results(lines, problems, pairs, results)
    return StepsReport(tuple(report_lines), final, time.perf_counter() - start)


def _pair_syntax(a: WorkingLine, b: WorkingLine, default: str) -> str:
    return a.syntax if a.syntax == b.syntax else default


def _diagnosed(pool: WorkerPool, request: CheckRequest, result: CheckResult) -> CheckResult:
    outcome = pool.run(diagnose_task, request, min(3.0, request.timeout))
    return with_diagnosis(result, outcome.value) if outcome.ok else result  # type: ignore[arg-type]


_STATUS = {"equivalent": "ok", "not_equivalent": "wrong", "unknown": "unknown", "invalid": "invalid"}


def _line_results(lines: list[WorkingLine], problems: list, pairs: list[tuple[int, int]],
                  results: list[CheckResult]) -> list[LineResult]:
    by_answer = {j: (i, r) for (i, j), r in zip(pairs, results)}
    out: list[LineResult] = []
    started: set[int] = set()
    for index, w in enumerate(lines):
        problem = problems[index]
        if problem is not None:
            out.append(LineResult(w.line, w.text, problem[2] if len(problem) > 2 else "invalid", problem[0]))
            continue
        if index not in by_answer:
            of = f" of {w.label}" if w.label else ""
            note = f"the starting expression{of}" if w.chain not in started else "not compared"
            out.append(LineResult(w.line, w.text, "ok", note))
            started.add(w.chain)
            continue
        started.add(w.chain)
        i, r = by_answer[index]
        message = _line_message(r, lines[i], w)
        out.append(LineResult(w.line, w.text, _STATUS[r.verdict], message, r.method, r.counterexample,
                              r.seconds, r.diagnosis, lines[i].line))
    return out


def _line_message(result: CheckResult, before: WorkingLine, line: WorkingLine) -> str:
    """The check's sentence, in the words of a working: "this line" and "the line before"."""
    if result.verdict == "equivalent":
        how = "proved" if result.method == "symbolic" else "checked numerically (no symbolic proof)"
        return f"follows from line {before.line} ({how})"
    if result.verdict == "not_equivalent" and result.counterexample is not None:
        cex = result.counterexample
        at = f"at {cex.where()} " if cex.point else ""
        text = (f"does not follow from line {before.line}: {at}this line is {cex.answer} "
                f"but line {before.line} is {cex.expected}.")
        if result.diagnosis:
            text += " " + result.diagnosis.replace("your answer", "this line").replace("Your answer", "This line") \
                .replace("the expected one", f"line {before.line}")
        return text
    return result.message


__all__ = [
    "EXIT_CODES",
    "LineResult",
    "StepsReport",
    "WorkingLine",
    "check_steps",
    "is_latex_block",
    "label_of",
    "read_working",
]
