"""Batch grading: many checks from a JSON-lines (or CSV) file, on reusable sandbox workers.

Input lines (the ``derivkit check --batch`` contract)::

    {"id": 7, "expected": "...", "answer": "...", "syntax": "text", "assume": {"p": "(0,1)"}}

with optional ``"semantics": "principal" | "natural"`` (an extension). A CSV file (name
ending in ``.csv``) has a header with the columns ``id``, ``expected``, ``answer`` and
optionally ``syntax``, ``semantics`` and ``assume`` (``p=(0,1); x=positive``).

Output: one JSON object per input item, in input order, with the item's ``id``, its
``line`` in the file and the check's fields. A line that cannot be read (bad JSON, a
missing field, invalid UTF-8, a bad domain) gets an ``invalid`` verdict; the batch goes on.

Identical lines (a class's answers repeat) are checked once and share the result.
Passes: every check runs on a pool of ``jobs`` workers (SymPy is imported once per worker,
never per item); checks stopped at their time limit get a numeric-only second pass; wrong
answers get a third, short pass that names the mistake. Results are written as soon as
every earlier item is final.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derivkit.grading.diagnose import diagnose_task
from derivkit.grading.executors import Executor, LocalExecutor
from derivkit.grading.sandbox import Outcome
from derivkit.grading.single import (
    DIAGNOSIS_SECONDS,
    MAIN_SHARE,
    CheckRequest,
    CheckResult,
    invalid,
    limits_for,
    make_request,
    outcome_result,
    run_check,
    settle_after_stop,
    warm_up,
    with_diagnosis,
)

#: Lines longer than this are refused before JSON decoding (the parser refuses far less).
MAX_LINE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch: a request to check, or the reason the line could not be read."""

    line: int
    id: object
    request: CheckRequest | None = None
    error: CheckResult | None = None


def _bad(line: int, item_id: object, message: str) -> BatchItem:
    return BatchItem(line, item_id, None, invalid(message))


@dataclass(frozen=True)
class Defaults:
    """Settings for lines that do not give their own (from the command line)."""

    timeout: float = 10.0
    semantics: str = "principal"
    syntax: str = "auto"
    assume: tuple[str, ...] = ()


def _merged_assume(line_assume: dict[Any, Any] | list[Any] | str | None,
                   defaults: Defaults) -> Mapping[str, object] | Iterable[str] | None:
    """The command line's assumptions, overridden per variable by the line's own."""
    if not defaults.assume:
        return line_assume
    merged: dict[str, object] = {}
    for entry in defaults.assume:
        name, _, text = entry.partition("=")
        merged[name.strip()] = text.strip()
    if isinstance(line_assume, str):
        line_assume = [line_assume]
    if isinstance(line_assume, list):
        for entry in line_assume:
            if not isinstance(entry, str) or "=" not in entry:
                return line_assume  # let validation explain what is wrong with it
            name, _, text = entry.partition("=")
            merged[name.strip()] = text.strip()
    elif isinstance(line_assume, dict):
        merged.update(line_assume)
    return merged


def item_from_record(line: int, record: object, defaults: Defaults = Defaults()) -> BatchItem:
    """A BatchItem from one decoded record (a dict from JSON or CSV)."""
    if not isinstance(record, dict):
        return _bad(line, None, f"line {line} must be a JSON object with \"expected\" and \"answer\", "
                                f"not {type(record).__name__}")
    item_id = record.get("id")
    fields = {}
    for key in ("expected", "answer"):
        value = record.get(key)
        if value is None:
            return _bad(line, item_id, f"line {line} has no \"{key}\"")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return _bad(line, item_id, f"\"{key}\" on line {line} must be a string, not {type(value).__name__}")
        fields[key] = value
    syntax = record.get("syntax") or defaults.syntax
    chosen = record.get("semantics") or defaults.semantics
    assume = record.get("assume")
    if assume is not None and not isinstance(assume, dict | list | str):
        return _bad(line, item_id, f"\"assume\" on line {line} must be an object such as {{\"p\": \"(0,1)\"}}")
    request = make_request(fields["expected"], fields["answer"], syntax, _merged_assume(assume, defaults),
                           defaults.timeout, chosen)
    if isinstance(request, CheckResult):
        return BatchItem(line, item_id, None, request)
    return BatchItem(line, item_id, request)


def read_jsonl(data: bytes, defaults: Defaults = Defaults()) -> list[BatchItem]:
    """Items of a JSON-lines file; blank lines are skipped, bad lines become invalid items."""
    items = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            items.append(_bad(number, None, f"line {number} is {len(raw)} bytes long, more than the limit of "
                                            f"{MAX_LINE_BYTES}"))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            items.append(_bad(number, None, f"line {number} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                                            f"position {exc.start + 1})"))
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            items.append(_bad(number, None, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            items.append(_bad(number, None, f"line {number} is JSON nested too deeply"))
            continue
        items.append(item_from_record(number, record, defaults))
    return items


def _assume_cell(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def read_csv(data: bytes, defaults: Defaults = Defaults()) -> list[BatchItem]:
    """Items of a CSV file with a header row (id, expected, answer, [syntax, semantics, assume])."""
    text = data.decode("utf-8-sig", errors="surrogateescape")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
    except csv.Error as exc:
        return [_bad(1, None, f"the CSV header could not be read: {exc}")]
    if header is None:
        return []
    columns = [h.strip().lower() for h in header]
    missing = [c for c in ("expected", "answer") if c not in columns]
    if missing:
        return [_bad(1, None, f"the CSV header has no column {' or '.join(missing)} "
                              "(expected columns: id, expected, answer)")]
    items = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            items.append(_bad(reader.line_num, None, f"row on line {reader.line_num} could not be read: {exc}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        record: dict[str, object] = {c: v for c, v in zip(columns, row)}
        if any(_has_surrogates(v) for v in row):
            items.append(_bad(line, record.get("id"), f"line {line} is not valid UTF-8"))
            continue
        if len(row) != len(columns):
            items.append(_bad(line, record.get("id"), f"line {line} has {len(row)} columns, the header has "
                                                      f"{len(columns)}"))
            continue
        if isinstance(record.get("assume"), str):
            record["assume"] = _assume_cell(record["assume"])  # type: ignore[arg-type]
        items.append(item_from_record(line, record, defaults))
    return items


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def read_batch(path: str | Path, timeout: float = 10.0, semantics: str = "principal", syntax: str = "auto",
               assume: Iterable[str] = ()) -> list[BatchItem]:
    """Items of a batch file (CSV if the name ends in .csv, else JSON lines; '-' is stdin).

    ``timeout`` applies to every line; ``semantics``, ``syntax`` and ``assume`` (VAR=DOMAIN
    strings) to lines that do not set their own.
    """
    defaults = Defaults(timeout, semantics, syntax, tuple(assume))
    if str(path) == "-":
        data = sys.stdin.buffer.read()
    else:
        data = Path(path).read_bytes()
    if str(path).lower().endswith(".csv"):
        return read_csv(data, defaults)
    return read_jsonl(data, defaults)


def output_record(item: BatchItem, result: CheckResult) -> dict[str, object]:
    return {"id": item.id, "line": item.line, **result.to_dict()}


class _Ordered:
    """Collects final results and hands them on in input order as soon as possible."""

    def __init__(self, items: list[BatchItem], emit: Callable[[dict], None] | None, progress: object) -> None:
        self.items = items
        self.results: list[CheckResult | None] = [None] * len(items)
        self.emit = emit
        self.progress = progress
        self.next = 0

    def final(self, index: int, result: CheckResult) -> None:
        self.results[index] = result
        if self.progress is not None:
            self.progress.update(1)  # type: ignore[attr-defined]
        while self.next < len(self.items) and self.results[self.next] is not None:
            if self.emit is not None:
                self.emit(output_record(self.items[self.next], self.results[self.next]))  # type: ignore[arg-type]
            self.next += 1


def grade_batch(items: list[BatchItem], jobs: int | None = None, timeout: float = 10.0, *,
                emit: Callable[[dict], None] | None = None, progress: bool = False,
                diagnose: bool = True, executor: Executor | None = None) -> list[CheckResult]:
    """Check every item on ``jobs`` workers (or on ``executor``: see
    :mod:`~derivkit.grading.executors`); returns the results in input order and passes
    each output record to ``emit`` (in order) as soon as it and all earlier ones are final."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    executor = executor if executor is not None else LocalExecutor(jobs)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), file=sys.stderr, unit="check", dynamic_ncols=True, leave=True)
    ordered = _Ordered(items, emit, bar)
    warm_up()
    try:
        _run_passes(items, executor, timeout, ordered, diagnose)
    finally:
        if bar is not None:
            bar.close()
    return ordered.results  # type: ignore[return-value]


def _run_passes(items: list[BatchItem], executor: Executor, timeout: float, ordered: _Ordered,
                diagnose: bool) -> None:
    # A class's answers repeat: identical requests are checked once and share the result.
    first_of: dict[CheckRequest, int] = {}
    copies: dict[int, list[int]] = {}
    todo: list[int] = []
    for i, item in enumerate(items):
        if item.error is not None:
            ordered.final(i, item.error)
        elif item.request is not None:
            if item.request in first_of:
                copies[first_of[item.request]].append(i)
            else:
                first_of[item.request] = i
                copies[i] = []
                todo.append(i)
    stopped: list[tuple[int, Outcome]] = []
    wrong: list[int] = []

    def final(index: int, result: CheckResult) -> None:
        for i in [index, *copies[index]]:
            ordered.final(i, result)

    def settle(index: int, result: CheckResult) -> None:
        if diagnose and result.verdict == "not_equivalent":
            wrong.append(index)
            pending[index] = result
        else:
            final(index, result)

    pending: dict[int, CheckResult] = {}

    def first_done(k: int, outcome: Outcome) -> None:
        index = todo[k]
        if outcome.status == "timeout":
            stopped.append((index, outcome))
        else:
            settle(index, outcome_result(outcome, timeout))

    # Pass 1: the full checks.
    main = timeout * MAIN_SHARE if timeout >= 0.4 else timeout
    if todo:
        executor.map_sandboxed(run_check, [(items[i].request,) for i in todo], limits_for(main), on_done=first_done)
    # Pass 2: numeric screening for the checks stopped at the time limit.
    if stopped:
        stopped.sort()
        left = max(0.1, timeout - main)

        def second_done(k: int, outcome: Outcome) -> None:
            index, first = stopped[k]
            settle(index, settle_after_stop(first, outcome, timeout))

        executor.map_sandboxed(run_check, [(items[i].request, 0.0) for i, _ in stopped], limits_for(left),
                               on_done=second_done)
    # Pass 3: name the mistakes.
    if wrong:
        wrong.sort()
        seconds = min(DIAGNOSIS_SECONDS, timeout)

        def third_done(k: int, outcome: Outcome) -> None:
            index = wrong[k]
            result = pending.pop(index)
            if outcome.ok:
                result = with_diagnosis(result, outcome.value)  # type: ignore[arg-type]
            final(index, result)

        executor.map_sandboxed(diagnose_task, [(items[i].request, seconds) for i in wrong], limits_for(seconds),
                               on_done=third_done)


def summary(results: Iterable[CheckResult]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    order = ("equivalent", "not_equivalent", "unknown", "invalid")
    return ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in order if counts.get(k))


__all__ = [
    "BatchItem",
    "Defaults",
    "grade_batch",
    "item_from_record",
    "read_batch",
    "read_csv",
    "read_jsonl",
    "summary",
]
