"""Benchmark: checking students' workings line by line (`derivkit steps --batch`).

Measures, on the corpus (tests/data/workings/workings.jsonl):

- the CPU time per working of the sandbox task (:func:`derivkit.grading.chain.check_working`,
  run here in-process so that other load on the machine does not count): median, p95, and
  the median of the 5-7 statement ("6-line") workings;
- the same for a peer in the same run: NAIVE line-by-line SymPy, which splits every line at
  '=' and asks ``simplify(a - b) == 0`` of consecutive pieces (read by derivkit's reader; no
  equations, definitions or follow-through: a cost reference, not a competitor in correctness);
- 1,000 workings (the corpus repeated) through ``check_batch`` with --jobs 2: wall time, with
  the machine's load average printed alongside (the wall time depends on it).

Run: .venv/bin/python bench/workings.py [--count 1000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import sympy as sp

from derivkit.grading.chain import check_working
from derivkit.grading.interpret import Interpreter
from derivkit.grading.reading import read_working
from derivkit.grading.single import warm_up
from derivkit.grading.steps_batch import check_batch, read_items

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "workings" / "workings.jsonl"


def derivkit_cpu(items: list) -> list[tuple[float, int]]:
    """CPU seconds of the sandbox task per working, and its number of statements."""
    times = []
    for item in items:
        start = time.process_time()
        check_working(*item.args)
        times.append((time.process_time() - start, len(item.args[0])))
    return times


def naive_peer(records: list[dict]) -> list[float]:
    """CPU seconds per working for the naive peer: simplify(a - b) == 0 on consecutive pieces."""
    times = []
    for record in records:
        start = time.process_time()
        interpreter = Interpreter(record.get("syntax") or "auto", (), {})
        previous = None
        for statement in read_working(record["working"], record.get("syntax") or "auto"):
            for piece in statement.pieces:
                try:
                    value = interpreter.value(piece, statement.syntax)
                except Exception:
                    continue
                if previous is not None and not isinstance(value, tuple) and not isinstance(previous, tuple):
                    sp.simplify(previous - value) == 0  # noqa: B015 - the peer's work is the point
                previous = value
        times.append(time.process_time() - start)
    return times


def _ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[int(q * (len(ordered) - 1))] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a workings.jsonl (default: the test corpus)")
    args = parser.parse_args()
    lines = [line for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    batch = "\n".join(lines[i % len(lines)] for i in range(args.count)).encode()
    warm_up()
    corpus_items = [item for item in read_items("\n".join(lines).encode()) if item.args]
    ours = derivkit_cpu(corpus_items)
    per = [t for t, _ in ours]
    six = [t for t, n in ours if 5 <= n <= 7]
    peer = naive_peer(records)
    print(f"CPU per working, {len(per)} corpus workings (median / p95):")
    print(f"  derivkit steps (the sandbox task)          {_ms(per, 0.5)} / {_ms(per, 0.95)}; "
          f"6-line workings ({len(six)}): median {_ms(six, 0.5)}")
    print(f"  NAIVE peer: simplify(a-b)==0 per pair      {_ms(peer, 0.5)} / {_ms(peer, 0.95)}")
    items = read_items(batch)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    check_batch(items, jobs=args.jobs, timeout=10.0)
    wall = time.perf_counter() - start
    print(f"derivkit steps --batch: {len(items)} workings, --jobs {args.jobs}: {wall:.1f} s wall "
          f"({wall / len(items) * 1000:.0f} ms per working; load average {load:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
