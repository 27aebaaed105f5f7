"""Batch grading: many checks from a JSON-lines (or CSV) file, on reusable sandbox workers.

Input lines (the ``derivkit check --batch`` contract)::

    {"id": 7, "expected": "...", "answer": "...", "syntax": "text", "assume": {"p": "(0,1)"}}

with optional ``"semantics": "principal" | "natural"`` (an extension). A CSV file (name
ending in ``.csv``) has a header with the columns ``id``, ``expected``, ``answer`` and
optionally ``syntax``, ``semantics`` and ``assume`` (``p=(0,1); x=positive``).

Output: one JSON object per input item, in input order, with the item's ``id``, its
``line`` in the file and the check's fields. A line that cannot be read (bad JSON, a
missing field, invalid UTF-8, a bad domain, an unterminated CSV quote) gets an ``invalid``
verdict; the batch goes on. Output lines are always valid UTF-8 (:mod:`~derivkit.grading.output`).

The input is streamed: it is read a line at a time, and no further ahead than the checks
still running need (a window), so memory does not grow with the file; a line longer than
``MAX_LINE_BYTES`` is an invalid item, and input with no line end in ``MAX_SKIP_BYTES``
(``/dev/zero``) stops the batch with :class:`~derivkit.errors.BatchInputError`.

Identical lines (a class's answers repeat) are checked once and share the result.
Passes: every check runs on one pool of ``jobs`` workers (SymPy is imported once per worker,
never per item; at most one worker per CPU, and their memory together is capped, see
:func:`~derivkit.grading.sandbox.plan_workers`). A check stopped at its time limit gets a
numeric-only second attempt and a wrong answer a short pass that names the mistake; both
start as soon as the first result is known, ahead of new lines, so they hold back later
lines no longer than they run. Results are written as soon as every earlier item is final;
on Ctrl-C every finished line that can be written in order is written, then the batch stops.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import typing
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from derivkit.errors import BatchInputError
from derivkit.grading.diagnose import diagnose_task
from derivkit.grading.executors import Executor, LocalExecutor
from derivkit.grading.output import printable
from derivkit.grading.sandbox import Limits, Outcome, Task, TaskSource, WorkerPool, plan_workers
from derivkit.grading.single import (
    DIAGNOSIS_SECONDS,
    MAIN_SHARE,
    MEMORY_MB,
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
#: Input without a line end for this long is not a batch file (``/dev/zero``): the batch stops.
MAX_SKIP_BYTES = 64 * 1024 * 1024


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


class _NotAFiniteNumber(str):
    """NaN, Infinity or -Infinity in the input: not JSON, kept as text (an id is echoed as a string)."""


class _BigNumber(str):
    """An integer literal too long for Python's int conversion, kept as its text."""


#: Longest integer literal converted to int (Python refuses more than 4,300 digits).
MAX_INT_DIGITS = 4000


def _int_or_text(text: str) -> object:
    return int(text) if len(text) <= MAX_INT_DIGITS else _BigNumber(text)


def _decode_json(text: str) -> object:
    return json.loads(text, parse_constant=_NotAFiniteNumber, parse_int=_int_or_text)


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
        if isinstance(value, _NotAFiniteNumber):
            return _bad(line, item_id, f"\"{key}\" on line {line} is {value}, which is not a number JSON allows")
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


def _numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes without the line end) of a stream, read a line at a time; None for
    a line longer than MAX_LINE_BYTES (skipped up to its end). A byte-order mark is dropped."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            skipped = len(raw)
            while True:
                chunk = stream.readline(1 << 20)
                skipped += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
                if skipped > MAX_SKIP_BYTES:
                    raise BatchInputError(f"line {number} has no line end in its first {MAX_SKIP_BYTES >> 20} MB; "
                                          "the input is not a JSON-lines or CSV file of answers")
            yield number, None
            continue
        yield number, raw.rstrip(b"\n").rstrip(b"\r")


def _too_long(number: int) -> str:
    return f"line {number} is longer than the limit of {MAX_LINE_BYTES} bytes"


def _read_json_line(number: int, raw: bytes, defaults: Defaults) -> BatchItem:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _bad(number, None, f"line {number} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                                  f"position {exc.start + 1})")
    try:
        record = _decode_json(text)
    except json.JSONDecodeError as exc:
        return _bad(number, None, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return _bad(number, None, f"line {number} is JSON nested too deeply")
    except ValueError as exc:  # a number Python cannot convert
        return _bad(number, None, f"line {number} could not be read: {exc}")
    return item_from_record(number, record, defaults)


def iter_jsonl(stream: BinaryIO, defaults: Defaults = Defaults()) -> Iterator[BatchItem]:
    """Items of a JSON-lines stream, read lazily; blank lines are skipped, bad lines become
    invalid items."""
    for number, raw in _numbered_lines(stream):
        if raw is None:
            yield _bad(number, None, _too_long(number))
        elif raw.strip():
            yield _read_json_line(number, raw, defaults)


def read_jsonl(data: bytes, defaults: Defaults = Defaults()) -> list[BatchItem]:
    """Items of a JSON-lines file; blank lines are skipped, bad lines become invalid items."""
    return list(iter_jsonl(io.BytesIO(data), defaults))


def _assume_cell(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


#: A quoted CSV field may span at most this many lines; longer, its quote is taken as unterminated.
MAX_FIELD_LINES = 50


class _Unterminated(Exception):
    pass


def _csv_rows(lines: Iterator[tuple[int, str | None]]) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line, cells, problem) per CSV row. A row that cannot be read (an unterminated
    quote, a stray quote, an overlong line) is reported with the line it starts on, and
    reading resumes on the next line, so one bad quote never swallows the rows after it."""
    pending: deque[tuple[int, str | None]] = deque()
    source = iter(lines)
    while True:
        if not pending:
            nxt = next(source, None)
            if nxt is None:
                return
            pending.append(nxt)
        first, text = pending[0]
        if text is None:
            pending.popleft()
            yield first, None, _too_long(first)
            continue
        consumed: list[tuple[int, str | None]] = []

        def feed(consumed: list[tuple[int, str | None]] = consumed) -> Iterator[str]:
            while True:
                item = pending.popleft() if pending else next(source, None)
                if item is None:
                    return
                consumed.append(item)
                if item[1] is None or len(consumed) > MAX_FIELD_LINES:
                    raise _Unterminated
                yield item[1] + "\n"

        try:
            row = next(csv.reader(feed(), strict=True), None)
        except (csv.Error, _Unterminated) as exc:
            unterminated = isinstance(exc, _Unterminated) or "unexpected end of data" in str(exc)
            problem = (f"line {first} has a quote that is never closed (the quoted field starts on line {first}); "
                       "close it or remove it" if unterminated else f"line {first} could not be read: {exc}")
            pending.extendleft(reversed(consumed[1:]))
            yield first, None, problem
            continue
        if row is None:
            return
        yield first, row, ""


def iter_csv(stream: BinaryIO, defaults: Defaults = Defaults()) -> Iterator[BatchItem]:
    """Items of a CSV stream with a header row (id, expected, answer, [syntax, semantics, assume])."""
    decoded = ((n, None if raw is None else raw.decode("utf-8", errors="surrogateescape"))
               for n, raw in _numbered_lines(stream))
    rows = _csv_rows(decoded)
    header: list[str] | None = None
    for line, row, problem in rows:
        if header is None:
            if problem or row is None:
                yield _bad(1, None, f"the CSV header could not be read: {problem}")
                return
            if not any(cell.strip() for cell in row):
                continue
            columns = [h.strip().lower() for h in row]
            missing = [c for c in ("expected", "answer") if c not in columns]
            twice = sorted({c for c in columns if c and columns.count(c) > 1})
            if missing or twice:
                what = (f"has no column {' or '.join(missing)} (expected columns: id, expected, answer)" if missing
                        else f"has the column {printable(twice[0])!r} twice")
                yield _bad(line, None, f"the CSV header {what}")
                return
            header = columns
            continue
        if row is None:
            yield _bad(line, None, problem)
            continue
        if not any(cell.strip() for cell in row):
            continue
        record: dict[str, object] = dict(zip(header, row))
        if any(_has_surrogates(v) for v in row):
            yield _bad(line, record.get("id"), f"line {line} is not valid UTF-8")
            continue
        if len(row) != len(header):
            yield _bad(line, record.get("id"), f"line {line} has {len(row)} columns, the header has {len(header)}")
            continue
        if isinstance(record.get("assume"), str):
            record["assume"] = _assume_cell(record["assume"])  # type: ignore[arg-type]
        yield item_from_record(line, record, defaults)


def read_csv(data: bytes, defaults: Defaults = Defaults()) -> list[BatchItem]:
    """Items of a CSV file with a header row (id, expected, answer, [syntax, semantics, assume])."""
    return list(iter_csv(io.BytesIO(data), defaults))


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def iter_batch(path: str | Path, timeout: float = 10.0, semantics: str = "principal", syntax: str = "auto",
               assume: Iterable[str] = ()) -> Iterator[BatchItem]:
    """Items of a batch file, read lazily (CSV if the name ends in .csv, else JSON lines; '-'
    is stdin). ``timeout`` applies to every line; ``semantics``, ``syntax`` and ``assume``
    (VAR=DOMAIN strings) to lines that do not set their own. The file is opened at once
    (OSError if it cannot be), read as the items are taken, and closed at the end."""
    defaults = Defaults(timeout, semantics, syntax, tuple(assume))
    reader = iter_csv if str(path).lower().endswith(".csv") else iter_jsonl
    if str(path) == "-":
        return reader(sys.stdin.buffer, defaults)
    stream = open(path, "rb")  # noqa: SIM115 - closed by _closing when the items are done
    return _closing(reader(stream, defaults), stream)


def _closing(items: Iterator[BatchItem], stream: BinaryIO) -> Iterator[BatchItem]:
    with stream:
        yield from items


def read_batch(path: str | Path, timeout: float = 10.0, semantics: str = "principal", syntax: str = "auto",
               assume: Iterable[str] = ()) -> list[BatchItem]:
    """Every item of a batch file at once (see :func:`iter_batch`, which streams)."""
    return list(iter_batch(path, timeout, semantics, syntax, assume))


def output_record(item: BatchItem, result: CheckResult) -> dict[str, object]:
    return {"id": item.id, "line": item.line, **result.to_dict()}


#: Identical requests answered from memory: at most this many recent ones are remembered.
MAX_REMEMBERED = 4096


class _Batch(TaskSource):
    """The batch as a task source for one worker pool: reads items as workers free up (no
    further ahead than ``window`` items past the first unwritten one), runs each request's
    passes (full check; numeric-only after a stop; naming the mistake of a wrong answer),
    follow-up passes first, and writes results in input order as soon as they are final."""

    def __init__(self, items: Iterable[BatchItem], timeout: float, memory_mb: int, window: int,
                 emit: Callable[[dict], None] | None, progress: object, diagnose: bool, collect: bool) -> None:
        self.source = iter(items)
        self.exhausted = False
        self.timeout, self.diagnose, self.window = timeout, diagnose, window
        self.main = timeout * MAIN_SHARE if timeout >= 0.4 else timeout
        self.limits = {
            "first": Limits(self.main, memory_mb),
            "second": Limits(max(0.1, timeout - self.main), memory_mb),
            "diagnose": Limits(min(DIAGNOSIS_SECONDS, timeout), memory_mb),
        }
        self.emit, self.progress, self.collect = emit, progress, collect
        self.items: dict[int, BatchItem] = {}
        self.finals: dict[int, CheckResult] = {}
        self.verdicts: dict[int, CheckResult] = {}  # not equivalent, waiting for the diagnosis
        self.read = 0  # items read so far
        self.written = 0  # items written so far
        self.results: list[CheckResult] = []
        self.counts: dict[str, int] = {}
        self.followups: deque[Task] = deque()
        self.waiting: dict[CheckRequest, list[int]] = {}  # a request being checked -> its items
        self.remembered: OrderedDict[CheckRequest, CheckResult] = OrderedDict()
        self.stopped: dict[int, Outcome] = {}
        self.input_error: Exception | None = None  # the input could not be read on

    # -- TaskSource --------------------------------------------------------------------
    def take(self) -> Task | None:
        if self.followups:
            return self.followups.popleft()
        while not self.exhausted and self.read - self.written < self.window:
            try:
                item = next(self.source, None)
            except (BatchInputError, OSError) as exc:  # finish the lines read so far, then report it
                self.input_error, item = exc, None
            if item is None:
                self.exhausted = True
                break
            index = self.read
            self.read += 1
            self.items[index] = item
            if item.error is not None or item.request is None:
                self._final(index, item.error or invalid("the line could not be read"))
                continue
            request = item.request
            if request in self.remembered:
                self.remembered.move_to_end(request)
                self._final(index, self.remembered[request])
                continue
            if request in self.waiting:
                self.waiting[request].append(index)
                continue
            self.waiting[request] = [index]
            return ("first", index), run_check, ((request,), {}), self.limits["first"]
        return None

    def take_again(self) -> bool:
        return bool(self.followups) or (not self.exhausted and self.read - self.written < self.window)

    def done(self, key: object, outcome: Outcome) -> None:
        kind, index = typing.cast(tuple[str, int], key)
        request = self.items[index].request
        assert request is not None
        if kind == "first":
            if outcome.status == "timeout":
                self.stopped[index] = outcome
                self.followups.append((("second", index), run_check, ((request, 0.0), {}), self.limits["second"]))
            else:
                self._settle(index, outcome_result(outcome, self.timeout))
        elif kind == "second":
            self._settle(index, settle_after_stop(self.stopped.pop(index), outcome, self.timeout))
        else:
            result = self.verdicts.pop(index)
            if outcome.ok:
                result = with_diagnosis(result, outcome.value)  # type: ignore[arg-type]
            self._answer(index, result)

    # -- results -----------------------------------------------------------------------
    def _settle(self, index: int, result: CheckResult) -> None:
        if self.diagnose and result.verdict == "not_equivalent":
            self.verdicts[index] = result
            seconds = self.limits["diagnose"].timeout
            request = self.items[index].request
            self.followups.append((("diagnose", index), diagnose_task, ((request, seconds), {}),
                                   self.limits["diagnose"]))
        else:
            self._answer(index, result)

    def _answer(self, index: int, result: CheckResult) -> None:
        """A request's final result, for its item and every identical one waiting for it."""
        request = self.items[index].request
        assert request is not None
        self.remembered[request] = result
        if len(self.remembered) > MAX_REMEMBERED:
            self.remembered.popitem(last=False)
        for i in self.waiting.pop(request, [index]):
            self._final(i, result)

    def _final(self, index: int, result: CheckResult) -> None:
        self.finals[index] = result
        if self.progress is not None:
            self.progress.update(1)  # type: ignore[attr-defined]
        self._write_ready()

    def _write_ready(self) -> None:
        while self.written in self.finals:
            self._write(self.written, self.finals.pop(self.written))

    def _write(self, index: int, result: CheckResult) -> None:
        item = self.items.pop(index)
        self.written += 1
        self.counts[result.verdict] = self.counts.get(result.verdict, 0) + 1
        if self.collect:
            self.results.append(result)
        if self.emit is not None:
            self.emit(output_record(item, result))

    def interrupted(self) -> None:
        """Write every finished line that can be written in order (a wrong answer whose
        mistake was not yet named is finished: it goes, with its identical lines, without
        the name)."""
        for index in sorted(self.verdicts):
            self._answer(index, self.verdicts.pop(index))


def grade_batch(items: Iterable[BatchItem], jobs: int | None = None, timeout: float = 10.0, *,
                emit: Callable[[dict], None] | None = None, progress: bool = False,
                diagnose: bool = True, collect: bool = True, executor: Executor | None = None) -> list[CheckResult]:
    """Check every item on up to ``jobs`` workers (never more than the CPUs; memory capped
    in total); returns the results in input order (unless ``collect`` is False: then an
    empty list, so a long stream does not accumulate) and passes each output record to
    ``emit`` (in order) as soon as it and all earlier ones are final. Items may be any
    iterable: they are read as the workers need them; an error reading them
    (BatchInputError, OSError) is raised once every item before it is written. Ctrl-C
    (KeyboardInterrupt) writes the finished lines that can be written in order, then
    propagates. A remote ``executor`` (Dask: :mod:`~derivkit.grading.executors`) runs the
    same passes, each check in the worker's sandbox, on the items read up front."""
    if executor is not None and not isinstance(executor, LocalExecutor):
        return _grade_on(executor, list(items), timeout, emit, progress, diagnose)
    workers, memory_mb = plan_workers(jobs, MEMORY_MB)
    bar = None
    if progress:
        from tqdm import tqdm

        total = len(items) if isinstance(items, list) else None
        bar = tqdm(total=total, file=sys.stderr, unit="check", dynamic_ncols=True, leave=True)
    batch = _Batch(items, timeout, memory_mb, max(64, 32 * workers), emit, bar, diagnose, collect)
    warm_up()
    try:
        with WorkerPool(workers, limits_for(timeout)) as pool:
            pool.serve(batch)
    except KeyboardInterrupt:
        batch.interrupted()
        raise
    finally:
        if bar is not None:
            bar.close()
    if batch.input_error is not None:  # every line before it was graded and written
        raise batch.input_error
    return batch.results


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


def _grade_on(executor: Executor, items: list[BatchItem], timeout: float, emit: Callable[[dict], None] | None,
              progress: bool, diagnose: bool) -> list[CheckResult]:
    """The batch on a remote executor: three passes over the items (full checks, numeric
    screening for the stopped ones, naming the mistakes), each pass mapped onto the executor."""
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


def summary(results: Iterable[CheckResult] | Mapping[str, int]) -> str:
    """'3 equivalent, 1 invalid' from results or from verdict counts."""
    if isinstance(results, Mapping):
        counts = dict(results)
    else:
        counts = {}
        for r in results:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
    order = ("equivalent", "not_equivalent", "unknown", "invalid")
    return ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in order if counts.get(k))


__all__ = [
    "BatchItem",
    "Defaults",
    "grade_batch",
    "item_from_record",
    "iter_batch",
    "iter_csv",
    "iter_jsonl",
    "read_batch",
    "read_csv",
    "read_jsonl",
    "summary",
]
