"""Conformance with STACK's AlgEquiv answer test (tests/data/stack, see its README).

STACK compares expressions as real-valued where both sides are real, which is our
``natural`` semantics; that is the semantics the agreement is measured under. Every case on
which we depart from STACK is listed, with the mathematical reason, in
tests/conformance_departures.md. The agreement under the default ``principal`` semantics
(complex values, principal branches) is printed for information.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from derivkit.grading.batch import Defaults, grade_batch, item_from_record
from derivkit.grading.single import CheckResult

HERE = Path(__file__).resolve().parents[1]
DATA = HERE / "data" / "stack"
DEPARTURES = HERE / "conformance_departures.md"
TIMEOUT = 5.0
MAX_DEPARTURES = 5  # of 114: agreement of at least 95 %


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = load("stack_algequiv.jsonl")
KNOWN_FAILURES = load("stack_algequiv_known_failures.jsonl")


def grade(runs: list[tuple[list[dict], str]], timeout: float = TIMEOUT) -> list[list[CheckResult]]:
    """Every case of every (cases, semantics) run through the checker, as one batch so the
    workers stay busy (text syntax, every variable real, the teacher's side is expected)."""
    defaults = Defaults(timeout=timeout, syntax="text")
    records = [{"id": c["id"], "expected": c["teacher"], "answer": c["student"], "semantics": semantics}
               for cases, semantics in runs for c in cases]
    items = [item_from_record(line, record, defaults) for line, record in enumerate(records, start=1)]
    results = grade_batch(items, jobs=os.cpu_count() or 2, timeout=timeout, diagnose=False)
    out, start = [], 0
    for cases, _ in runs:
        out.append(results[start:start + len(cases)])
        start += len(cases)
    return out


def agrees(case: dict, result: CheckResult) -> bool:
    stack = case["expected"] if "expected" in case else case["expected_math"]
    return result.verdict == ("equivalent" if stack else "not_equivalent")


def table(title: str, cases: list[dict], results: list[CheckResult], only_departures: bool = True) -> str:
    key = "expected" if "expected" in cases[0] else "expected_math"
    rows = [f"{title}", f"{'id':<22} {'STACK':<6} {'derivkit':<15} {'method':<9} agree  message"]
    for case, result in zip(cases, results):
        ok = agrees(case, result)
        if only_departures and ok:
            continue
        rows.append(f"{case['id']:<22} {str(case[key]).lower():<6} {result.verdict:<15} {str(result.method):<9} "
                    f"{'yes' if ok else 'NO ':<5}  {result.message[:90]}")
    agreed = sum(agrees(c, r) for c, r in zip(cases, results))
    rows.append(f"agreement: {agreed}/{len(cases)} ({100 * agreed / len(cases):.1f} %)")
    return "\n".join(rows)


def documented_departures() -> set[str]:
    return set(re.findall(r"stack-algequiv-\d{3}", DEPARTURES.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def graded() -> dict[str, list[CheckResult]]:
    natural, known, principal = grade([(CASES, "natural"), (KNOWN_FAILURES, "natural"), (CASES, "principal")])
    return {"natural": natural, "known": known, "principal": principal}


@pytest.fixture(scope="module")
def natural(graded: dict[str, list[CheckResult]]) -> list[CheckResult]:
    return graded["natural"]


def _show(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print("\n" + text)


def test_the_data_is_complete() -> None:
    assert len(CASES) == 114 and len(KNOWN_FAILURES) == 13
    assert sum(c["expected"] for c in CASES) == 82
    assert (DATA / "README.md").exists()  # attribution travels with the data


def test_agreement_with_stack_under_natural_semantics(natural: list[CheckResult],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _show(capsys, table("STACK AlgEquiv, natural semantics (departures only)", CASES, natural))
    departures = [c["id"] for c, r in zip(CASES, natural) if not agrees(c, r)]
    assert len(departures) <= MAX_DEPARTURES, departures


def test_every_departure_is_documented(natural: list[CheckResult]) -> None:
    departures = {c["id"] for c, r in zip(CASES, natural) if not agrees(c, r)}
    assert departures <= documented_departures(), departures - documented_departures()


def test_no_check_runs_past_its_timeout(natural: list[CheckResult]) -> None:
    assert max(r.seconds for r in natural) < TIMEOUT + 1.0


def test_large_powers_are_decided_not_hung(natural: list[CheckResult]) -> None:
    by_id = {c["id"]: r for c, r in zip(CASES, natural)}
    assert by_id["stack-algequiv-052"].verdict == "not_equivalent"  # (x-a)^6000 vs (x-a)^5999
    for case in ("stack-algequiv-049", "stack-algequiv-050", "stack-algequiv-051"):
        assert by_id[case].verdict == "equivalent"


def test_known_stack_failures(graded: dict[str, list[CheckResult]], capsys: pytest.CaptureFixture[str]) -> None:
    """13 identities STACK cannot confirm; how many does derivkit get right?"""
    results = graded["known"]
    right = sum(r.verdict == "equivalent" for r in results)
    _show(capsys, table("STACK known failures (equal in truth), natural semantics", KNOWN_FAILURES, results,
                        only_departures=False))
    assert right >= 11
    assert not any(r.verdict == "not_equivalent" for r in results)  # never a false refutation


def test_agreement_under_principal_semantics_for_information(graded: dict[str, list[CheckResult]],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    results = graded["principal"]
    _show(capsys, table("STACK AlgEquiv, principal semantics (departures only; information)", CASES, results))
    # Principal semantics refutes identities that need real or positive variables, so it
    # departs more; it must still never call equal what STACK refutes, except the cases
    # documented as departures under natural semantics too.
    false_equal = {c["id"] for c, r in zip(CASES, results) if not c["expected"] and r.verdict == "equivalent"}
    assert false_equal <= documented_departures()
