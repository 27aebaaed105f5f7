"""Benchmark: `derivkit check` latency and agreement against naive SymPy (and Maxima), in one run.

    python bench/check_latency.py [--timeout 10] [--peer-timeout 10] [--batch 1000] [--jobs 2]
                                  [--no-maxima] [--markdown]

Corpora (all under tests/data): the 114 STACK AlgEquiv cases and STACK's 13 known failures
(derivkit with --semantics natural, STACK's convention), and the 57 ML answers of
ml_answers.jsonl (derivkit's default semantics, with their --assume domains).

Per check, wall-clock, one check at a time:
* derivkit: ``derivkit.check(...)`` on warm sandbox workers (parse + engine in a worker,
  IPC included), diagnosis off (the verdict's latency);
* naive SymPy, the peer: ``simplify(parse_expr(a) - parse_expr(b)) == 0`` (convert_xor,
  implicit multiplication, sigma as the logistic function), run in a sandbox worker with its
  own per-case timeout so a hang cannot stop the bench; LaTeX cases are outside its reach;
Each case is run by each tool in turn (derivkit, then the peers), so a load spike on the
machine hits all of them.

* Maxima (optional, when ``maxima`` is on PATH): ``radcan(ratsimp(a - b)) = 0`` in a fresh
  ``maxima`` process per case (time measured inside Maxima, so its start-up is excluded).

Reported: median and 95th percentile per corpus and overall, the agreement of each tool
with the expected verdicts (STACK's verdict, or the corpus's), the slowest derivkit check
against its timeout, and the throughput of ``derivkit check --batch --jobs 2`` on 1,000
lines: the corpora once each (without STACK's known failures, hard on purpose), then
generated answers to derivative questions (correct forms and typical mistakes), which
repeat as a class's answers do (identical lines are checked once). Targets: derivkit's
median at most a third of naive SymPy's; no check past its timeout; 1,000 batch checks in
under 60 s on 2 cores. Not a pytest test: timings never run as assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

import derivkit
from derivkit.grading import check
from derivkit.grading.sandbox import Limits, WorkerPool

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TARGET_RATIO = 1 / 3
BATCH_TARGET_SECONDS = 60.0


@dataclass
class Case:
    corpus: str
    id: str
    expected: str
    answer: str
    truth: str  # "equivalent" | "not_equivalent"
    syntax: str = "text"
    semantics: str = "principal"
    assume: dict = field(default_factory=dict)


def load_cases() -> list[Case]:
    cases = []
    for name, corpus in (("stack/stack_algequiv.jsonl", "stack"), ("stack/stack_algequiv_known_failures.jsonl",
                                                                    "stack-known-failures")):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            c = json.loads(line)
            truth = c.get("expected", c.get("expected_math"))
            cases.append(Case(corpus, c["id"], c["teacher"], c["student"],
                              "equivalent" if truth else "not_equivalent", "text", "natural"))
    for line in (DATA / "ml_answers.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        cases.append(Case("ml-answers", c["id"], c["expected"], c["answer"], c["verdict"], c["syntax"], "principal",
                          c.get("assume", {})))
    return cases


# -- the naive SymPy peer (runs in a sandbox worker) ----------------------------------------

_TRANSFORMS = standard_transformations + (implicit_multiplication, convert_xor)


def _naive_names() -> dict[str, object]:
    z = sp.Symbol("z")
    return {"E": sp.E, "e": sp.E, "I": sp.I, "pi": sp.pi, "sigma": sp.Lambda(z, 1 / (1 + sp.exp(-z))),
            "sigmoid": sp.Lambda(z, 1 / (1 + sp.exp(-z)))}


def naive_sympy(expected: str, answer: str) -> bool:
    """The peer: trusted-input SymPy, the way a quick script would do it."""
    names = _naive_names()
    a = parse_expr(expected, local_dict=dict(names), transformations=_TRANSFORMS)
    b = parse_expr(answer, local_dict=dict(names), transformations=_TRANSFORMS)
    return sp.simplify(a - b) == 0


# -- Maxima (optional second peer) --------------------------------------------------------

_MAXIMA_NAMES = {"E": "%e", "e": "%e", "I": "%i", "pi": "%pi", "sign": "signum"}


def to_maxima(text: str) -> str:
    return re.sub(r"(?<![A-Za-z0-9_])(E|e|I|pi|sign)(?![A-Za-z0-9_])", lambda m: _MAXIMA_NAMES[m.group(1)], text)


def run_maxima(expected: str, answer: str, timeout: float) -> tuple[str, float]:
    """(verdict, seconds inside Maxima); verdict 'unknown' on timeout or error."""
    program = ("display2d:false$ sigma(z):=1/(1+exp(-z))$ t0:elapsed_real_time()$ "
               f"r:radcan(ratsimp(({to_maxima(expected)})-({to_maxima(answer)})))$ "
               'print("@@", if r = 0 then "eq" else "ne", elapsed_real_time()-t0)$')
    try:
        done = subprocess.run(["maxima", "--very-quiet", "--batch-string", program], capture_output=True,
                              text=True, timeout=timeout + 2)
    except subprocess.TimeoutExpired:
        return "unknown", timeout
    match = re.search(r"^@@ (eq|ne) ([0-9.eE+-]+)", done.stdout, re.M)
    if not match:
        return "unknown", 0.0
    return ("equivalent" if match.group(1) == "eq" else "not_equivalent"), float(match.group(2))


# -- measurement --------------------------------------------------------------------------


@dataclass
class Measured:
    verdict: str
    seconds: float


def measure(cases: list[Case], timeout: float, peer_timeout: float, maxima: bool
            ) -> tuple[list[Measured], list[Measured | None], list[Measured | None] | None]:
    """Each case by each tool in turn, so a load spike on the machine hits all of them."""
    check("x", "x+0", timeout=timeout)  # fork and warm derivkit's shared workers
    dk: list[Measured] = []
    naive: list[Measured | None] = []
    mx: list[Measured | None] | None = [] if maxima else None
    with WorkerPool(1, Limits(timeout=peer_timeout, memory_mb=2048)) as pool:
        pool.run(naive_sympy, "x", "x")  # warm the peer's worker too
        for c in cases:
            start = time.perf_counter()
            r = check(c.expected, c.answer, c.syntax, c.assume or None, timeout, c.semantics, diagnose=False)
            dk.append(Measured(r.verdict, time.perf_counter() - start))
            if c.syntax == "latex":  # neither peer reads LaTeX
                naive.append(None)
                if mx is not None:
                    mx.append(None)
                continue
            start = time.perf_counter()
            outcome = pool.run(naive_sympy, c.expected, c.answer)
            seconds = time.perf_counter() - start
            verdict = ("equivalent" if outcome.value else "not_equivalent") if outcome.ok else "unknown"
            naive.append(Measured(verdict, seconds))
            if mx is not None:
                mx.append(Measured(*run_maxima(c.expected, c.answer, peer_timeout)))
    return dk, naive, mx


def quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    if not ordered:
        return float("nan"), float("nan")
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered), p95


def homework_answers(n: int, seed: int = 1) -> list[dict]:
    """``n`` generated answers to derivative questions, as a class would hand them in: the
    question (``diff(f, x)``) as the expected side, and a correct form (often rewritten) or a
    typical mistake (missing chain-rule factor, sign, dropped term) as the answer."""
    import random

    rng = random.Random(seed)
    questions = [
        ("sin({a}*x+{b})", ["{a}*cos({a}*x+{b})", "{a}*cos({b}+{a}*x)"], ["cos({a}*x+{b})", "-{a}*cos({a}*x+{b})"]),
        ("exp({a}*x^2)", ["2*{a}*x*exp({a}*x^2)", "{a}*exp({a}*x^2)*2*x"], ["exp({a}*x^2)", "{a}*x*exp({a}*x^2)"]),
        ("log({a}*x+{b})", ["{a}/({a}*x+{b})", "1/(x+{b}/{a})"], ["1/({a}*x+{b})", "{a}*log({a}*x+{b})"]),
        ("sigma({a}*x)", ["{a}*sigma({a}*x)*(1-sigma({a}*x))", "{a}*exp(-{a}*x)/(1+exp(-{a}*x))^2"],
         ["sigma({a}*x)*(1-sigma({a}*x))", "{a}*sigma({a}*x)*(1+sigma({a}*x))"]),
        ("tanh({a}*x)", ["{a}*(1-tanh({a}*x)^2)", "{a}/cosh({a}*x)^2"], ["1-tanh({a}*x)^2", "{a}*(1+tanh({a}*x)^2)"]),
        ("({a}*x+{b})^{n}", ["{n}*{a}*({a}*x+{b})^({n}-1)", "{a}*{n}*({b}+{a}*x)^{m}"], ["{n}*({a}*x+{b})^{m}"]),
        ("x^{n}*exp({a}*x)", ["({n}*x^{m} + {a}*x^{n})*exp({a}*x)", "x^{m}*exp({a}*x)*({n}+{a}*x)"],
         ["{n}*x^{m}*exp({a}*x)", "{a}*x^{n}*exp({a}*x)"]),
        ("-y*log(sigma({a}*x)) - (1-y)*log(1-sigma({a}*x))", ["{a}*(sigma({a}*x) - y)"],
         ["sigma({a}*x) - y", "{a}*(y - sigma({a}*x))"]),
        ("log(1+exp({a}*x))", ["{a}*sigma({a}*x)", "{a}/(1+exp(-{a}*x))"], ["sigma({a}*x)", "{a}/(1+exp({a}*x))"]),
    ]
    latex = [(r"\frac{{d}}{{dx}}\sin({a}x+{b})", r"{a}\cos({a}x+{b})", r"\cos({a}x+{b})"),
             (r"\frac{{d}}{{dx}}\sigma({a}x)", r"{a}\sigma({a}x)\left(1-\sigma({a}x)\right)",
              r"\sigma({a}x)\left(1-\sigma({a}x)\right)")]
    out = []
    for i in range(n):
        a, b, k = rng.randint(2, 9), rng.randint(1, 9), rng.randint(2, 5)
        values = {"a": a, "b": b, "n": k, "m": k - 1}
        if rng.random() < 0.1:
            question, good, bad = rng.choice(latex)
            right = rng.random() < 0.6
            answer = good if right else bad
            out.append({"id": f"hw-{i}", "expected": question.format(**values), "answer": answer.format(**values),
                        "syntax": "latex", "verdict": "equivalent" if right else "not_equivalent"})
            continue
        f, goods, bads = rng.choice(questions)
        right = rng.random() < 0.6
        answer = rng.choice(goods) if right else rng.choice(bads)
        out.append({"id": f"hw-{i}", "expected": f"diff({f.format(**values)}, x)", "answer": answer.format(**values),
                    "syntax": "text", "verdict": "equivalent" if right else "not_equivalent"})
    return out


def batch_throughput(cases: list[Case], n: int, jobs: int, timeout: float
                     ) -> tuple[float, int, int, dict[str, int], int]:
    """The corpora once each (but STACK's known failures, which are hard on purpose), then
    generated homework answers up to ``n`` lines; run through the command line."""
    records = []
    for c in cases:
        if c.corpus == "stack-known-failures" or len(records) >= n:
            continue
        record = {"id": c.id, "expected": c.expected, "answer": c.answer, "syntax": c.syntax,
                  "semantics": c.semantics, "verdict": c.truth}
        if c.assume:
            record["assume"] = c.assume
        records.append(record)
    records += homework_answers(n - len(records))
    unique = len({json.dumps({k: v for k, v in r.items() if k not in ("id", "verdict")}, sort_keys=True)
                  for r in records})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "derivkit", "check", "--batch", str(path), "--jobs", str(jobs),
                               "--timeout", str(timeout), "--no-progress"], capture_output=True, text=True)
        seconds = time.perf_counter() - start
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    counts: dict[str, int] = {}
    for line in lines:
        counts[line["verdict"]] = counts.get(line["verdict"], 0) + 1
    truth = {r["id"]: r["verdict"] for r in records}
    right = sum(1 for line in lines if truth.get(line["id"]) == line["verdict"])
    return seconds, len(lines), unique, counts, right


def fmt(x: float) -> str:
    return "n/a" if x != x else (f"{x * 1000:.1f} ms" if x < 10 else f"{x:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="derivkit's time limit per check")
    parser.add_argument("--peer-timeout", type=float, default=10.0, help="the peers' time limit per case")
    parser.add_argument("--batch", type=int, default=1000, help="lines in the batch throughput run (0: skip)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-maxima", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args(argv)

    cases = load_cases()
    from sympy.external.gmpy import GROUND_TYPES

    print(f"derivkit {derivkit.__version__}, SymPy {sp.__version__} (ground types {GROUND_TYPES}), "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {len(cases)} cases", flush=True)
    use_maxima = not args.no_maxima and shutil.which("maxima") is not None
    if not args.no_maxima and not use_maxima:
        print("Maxima not found on PATH: skipped", flush=True)
    dk, naive, maxima = measure(cases, args.timeout, args.peer_timeout, use_maxima)

    tools: list[tuple[str, list[Measured | None]]] = [("derivkit", dk), ("naive SymPy", naive)]  # type: ignore[list-item]
    if maxima is not None:
        tools.append(("Maxima", maxima))
    corpora = ["stack", "stack-known-failures", "ml-answers"]
    header = ["corpus", "tool", "cases", "median", "p95", "agree"]
    rows = []
    for corpus in corpora + ["all"]:
        for tool, results in tools:
            picked = [(c, m) for c, m in zip(cases, results) if (corpus == "all" or c.corpus == corpus) and m]
            if not picked:
                continue
            med, p95 = quantiles([m.seconds for _, m in picked])
            agree = sum(m.verdict == c.truth for c, m in picked)
            rows.append([corpus, tool, str(len(picked)), fmt(med), fmt(p95), f"{agree}/{len(picked)}"])
    # the ratio on the cases both tools ran (text syntax)
    common = [(d, n) for d, n in zip(dk, naive) if n is not None]
    dk_med, _ = quantiles([d.seconds for d, _ in common])
    nv_med, _ = quantiles([n.seconds for _, n in common])  # type: ignore[union-attr]
    _print_table(header, rows, args.markdown)
    ratio = dk_med / nv_med if nv_med else float("inf")
    slowest = max(m.seconds for m in dk)
    print(f"\nmedian on the {len(common)} cases both ran: derivkit {fmt(dk_med)}, naive SymPy {fmt(nv_med)}: "
          f"ratio {ratio:.2f} (target at most {TARGET_RATIO:.2f})")
    print(f"slowest derivkit check {slowest:.2f} s (timeout {args.timeout:g} s)")
    timeouts = sum(1 for m in naive if m is not None and m.verdict == "unknown")
    print(f"naive SymPy timeouts ({args.peer_timeout:g} s): {timeouts}")
    ok = ratio <= TARGET_RATIO and slowest <= args.timeout + 1.0
    if args.batch:
        seconds, count, unique, counts, right = batch_throughput(cases, args.batch, args.jobs, args.timeout)
        print(f"batch: {count}/{args.batch} lines ({unique} distinct checks) with --jobs {args.jobs} "
              f"in {seconds:.1f} s "
              f"({count / seconds:.1f} lines/s; target under {BATCH_TARGET_SECONDS:g} s), process start included; "
              f"{counts}; {right}/{count} as expected")
        ok = ok and count == args.batch and seconds <= BATCH_TARGET_SECONDS
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def _print_table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":
    sys.exit(main())
