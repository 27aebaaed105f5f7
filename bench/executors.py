"""Benchmark: ``check --batch`` on the local sandbox pool versus a Dask LocalCluster, in one run.

    python bench/executors.py [--checks 10000] [--jobs 2] [--timeout 10] [--markdown]

The batch: ``--checks`` distinct lines (no two identical, so the batch's de-duplication does
not shortcut them), derivative answers of the kind a class hands in: correct rewritings
(exp form, expanded, factored) and typical mistakes (sign, missing chain-rule factor, a
constant off), each with a different coefficient or shift. The same items go through
:func:`derivkit.grading.batch.grade_batch` twice, with ``jobs`` workers each:

* ``local``: the sandbox's WorkerPool on this machine (what ``check --batch`` always did);
* ``dask``: ``--executor dask`` with no scheduler: a LocalCluster of ``jobs`` single-threaded
  worker processes, every check through ``Client.get_executor()`` into the worker's sandbox.
  The cluster's start-up is timed separately and excluded from the throughput.

Reported: wall-clock and checks per second of each, the ratio, and whether the two produced
the same output (every field but ``seconds``). Not a pytest test: timings never run as
assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import derivkit
from derivkit.grading.batch import BatchItem, grade_batch, item_from_record
from derivkit.grading.executors import DaskExecutor

#: (expected, answer) templates; {k} is a coefficient and {c} a shift that make every line distinct.
TEMPLATES = (
    ("{k}*sigma({k}*z+{c})*(1-sigma({k}*z+{c}))", "{k}*exp(-{k}*z-{c})/(1+exp(-{k}*z-{c}))^2"),
    ("{k}*sigma({k}*z+{c})*(1-sigma({k}*z+{c}))", "sigma({k}*z+{c})*(1-sigma({k}*z+{c}))"),
    ("2*{k}*x*cos({k}*x^2+{c})", "cos({k}*x^2+{c})"),
    ("2*{k}*x*cos({k}*x^2+{c})", "2*{k}*x*cos({c}+{k}*x^2)"),
    ("({k}*x+{c})^2", "{k}^2*x^2+2*{k}*{c}*x+{c}^2"),
    ("({k}*x+{c})^2", "-({k}*x+{c})^2"),
    ("log({k}*p/(1-p))+{c}", "{c}+log({k})+log(p)-log(1-p)"),
    ("exp({k}*x)*{c}", "{c}*exp(x)^{k}"),
    ("{k}*tanh(x)+{c}", "{k}*(2*sigma(2*x)-1)+{c}"),
    ("{k}*x^3+{c}*x", "{k}*x^3+{c}*x+1"),
)


def items(count: int, timeout: float) -> list[BatchItem]:
    out = []
    for n in range(count):
        expected, answer = TEMPLATES[n % len(TEMPLATES)]
        k, c = 2 + n // len(TEMPLATES) % 97, 1 + n // (len(TEMPLATES) * 97)
        record: dict[str, object] = {"id": n, "expected": expected.format(k=k, c=c),
                                     "answer": answer.format(k=k, c=c)}
        if "p" in expected:
            record["assume"] = {"p": "(0,1)"}
        out.append(item_from_record(n + 1, record))
    assert len({(i.request.expected, i.request.answer) for i in out if i.request}) == count, "lines repeat"
    return out


def run(batch: list[BatchItem], jobs: int, timeout: float, executor: DaskExecutor | None) -> tuple[float, list]:
    records: list[dict] = []
    start = time.perf_counter()
    grade_batch(batch, jobs, timeout, emit=records.append, executor=executor)
    return time.perf_counter() - start, records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    batch = items(args.checks, args.timeout)

    local_seconds, local = run(batch, args.jobs, args.timeout, None)
    start = time.perf_counter()
    with DaskExecutor(args.jobs) as executor:
        startup = time.perf_counter() - start
        dask_seconds, remote = run(batch, args.jobs, args.timeout, executor)
    same = [{k: v for k, v in r.items() if k != "seconds"} for r in local] == \
           [{k: v for k, v in r.items() if k != "seconds"} for r in remote]
    verdicts: dict[str, int] = {}
    for r in local:
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1

    rows = [("local pool", local_seconds, args.checks / local_seconds),
            ("Dask LocalCluster", dask_seconds, args.checks / dask_seconds)]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"derivkit {derivkit.__version__}; {machine}; {args.checks} distinct checks, --jobs {args.jobs}, "
          f"--timeout {args.timeout:g}; verdicts: {json.dumps(verdicts)}")
    if args.markdown:
        print("\n| executor | seconds | checks/s |\n| --- | --- | --- |")
        for name, seconds, rate in rows:
            print(f"| {name} | {seconds:.1f} | {rate:.0f} |")
    else:
        for name, seconds, rate in rows:
            print(f"{name:<18} {seconds:8.1f} s  {rate:8.0f} checks/s")
    print(f"Dask / local wall-clock: {dask_seconds / local_seconds:.2f}; LocalCluster start-up {startup:.1f} s "
          f"(not included); same output: {same}")
    return 0 if same and len(remote) == args.checks else 1


if __name__ == "__main__":
    sys.exit(main())
