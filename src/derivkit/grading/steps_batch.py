"""Many workings at once: ``derivkit steps --batch FILE.jsonl [--jobs N]``.

Input lines: ``{"id": .., "working": "..", "expected": "..", "assume": {"p": "(0,1)"},
"given": {"p": "0.2"}, "syntax": "text"}`` (only ``working`` is required). Output: one JSON
object per input item, in input order, with its ``id``, its ``line`` in the file and the
report's fields (``verdict``, ``first_wrong_line``, ``lines``, ...). Each working is one task on
a pool of sandbox workers (as ``check --batch``); a line that cannot be read, or a working
stopped at its time limit, gets its own verdict and the batch goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from derivkit.grading.batch import MAX_LINE_BYTES
from derivkit.grading.executors import Executor, LocalExecutor
from derivkit.grading.sandbox import Outcome as SandboxOutcome
from derivkit.grading.single import limits_for, warm_up
from derivkit.grading.working import StepsReport, check_working, finish, prepare

EXIT_INVALID = 2


@dataclass(frozen=True)
class WorkingItem:
    """One working of a batch: the task's arguments, or why the line could not be read."""

    line: int
    id: object
    args: tuple | None = None
    error: str | None = None


def item_from_record(
    line: int,
    record: object,
    timeout: float = 10.0,
    semantics: str = "principal",
    syntax: str = "auto",
    assume: tuple[str, ...] = (),
) -> WorkingItem:
    if not isinstance(record, dict):
        return WorkingItem(line, None, error=f'line {line} must be a JSON object with "working"')
    item_id = record.get("id")
    working = record.get("working")
    if not isinstance(working, str):
        return WorkingItem(line, item_id, error=f'line {line} has no "working" text')
    expected = record.get("expected")
    if expected is not None and not isinstance(expected, str):
        expected = str(expected) if isinstance(expected, int | float) and not isinstance(expected, bool) else None
    merged: dict[str, object] = {k.strip(): v.strip() for k, _, v in (a.partition("=") for a in assume)}
    line_assume = record.get("assume") or {}
    if isinstance(line_assume, dict):
        merged.update(line_assume)
    elif isinstance(line_assume, list):
        merged.update({k.strip(): v.strip() for k, _, v in (str(a).partition("=") for a in line_assume)})
    else:
        return WorkingItem(line, item_id, error=f'"assume" on line {line} must be an object such as {{"p": "(0,1)"}}')
    given = record.get("given") or {}
    if not isinstance(given, dict | list):
        return WorkingItem(line, item_id, error=f'"given" on line {line} must be an object such as {{"p": "0.2"}}')
    prepared = prepare(
        working, str(record.get("syntax") or syntax), merged, timeout, str(record.get("semantics") or semantics), given
    )
    if isinstance(prepared, str):
        return WorkingItem(line, item_id, error=prepared)
    lines, template, givens = prepared
    return WorkingItem(line, item_id, (lines, template, givens, expected, template.timeout))


def read_items(data: bytes, **defaults: object) -> list[WorkingItem]:
    items = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            items.append(WorkingItem(number, None, error=f"line {number} is longer than {MAX_LINE_BYTES} bytes"))
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            items.append(
                WorkingItem(number, None, error=f"line {number} is not valid UTF-8 (position {exc.start + 1})")
            )
            continue
        except (json.JSONDecodeError, RecursionError) as exc:
            items.append(WorkingItem(number, None, error=f"line {number} is not valid JSON: {exc}"))
            continue
        items.append(item_from_record(number, record, **defaults))  # type: ignore[arg-type]
    return items


def check_batch(
    items: list[WorkingItem],
    jobs: int | None = None,
    timeout: float = 10.0,
    *,
    emit: Callable[[dict], None] | None = None,
    progress: bool = False,
    executor: Executor | None = None,
) -> list[StepsReport]:
    """Check every working on ``jobs`` sandbox workers (or on ``executor``: a Dask cluster); reports
    in input order, each passed to ``emit`` (in order) as soon as it and every earlier one are final."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    reports: list[StepsReport | None] = [None] * len(items)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), file=sys.stderr, unit="working", dynamic_ncols=True, leave=True)
    state = {"next": 0}

    def final(index: int, report: StepsReport) -> None:
        reports[index] = report
        if bar is not None:
            bar.update(1)
        while state["next"] < len(items) and reports[state["next"]] is not None:
            if emit is not None:
                item = items[state["next"]]
                emit({"id": item.id, "line": item.line, **reports[state["next"]].to_dict()})  # type: ignore[union-attr]
            state["next"] += 1

    todo = [i for i, item in enumerate(items) if item.args is not None]
    for i, item in enumerate(items):
        if item.args is None:
            final(i, StepsReport((), None, 0.0, item.error))
    warm_up()
    try:
        if todo:

            def done(k: int, outcome: SandboxOutcome) -> None:
                final(todo[k], finish(outcome, timeout, outcome.seconds))

            runner = executor or LocalExecutor(jobs)
            runner.map_sandboxed(check_working, [items[i].args for i in todo],  # type: ignore[misc]
                                 limits_for(timeout), on_done=done)
    finally:
        if bar is not None:
            bar.close()
    return reports  # type: ignore[return-value]


def run_steps_batch(args: argparse.Namespace, executor: Executor | None = None) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("derivkit: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = sys.stdin.buffer.read() if args.batch == "-" else Path(args.batch).read_bytes()
    except OSError as exc:
        print(f"derivkit: error: cannot read {args.batch}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    items = read_items(
        data, timeout=args.timeout, semantics=args.semantics, syntax=args.syntax, assume=tuple(args.assume)
    )
    out = sys.stdout

    def emit(record: dict) -> None:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()

    check_batch(items, args.jobs, args.timeout, emit=emit, progress=not args.no_progress and sys.stderr.isatty(),
                executor=executor)
    return 0


__all__ = ["WorkingItem", "check_batch", "item_from_record", "read_items", "run_steps_batch"]
