"""The corpus of realistic workings (tests/data/workings): first-wrong-line agreement.

Run through the batch path (one sandbox task per working on a pool of two workers), as a
TA's batch would. Ground truth is verified by tests/data/workings/verify_ground_truth.py
with SymPy alone, not by derivkit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivkit.grading.steps_batch import check_batch, read_items

CORPUS = Path(__file__).resolve().parents[1] / "data" / "workings" / "workings.jsonl"


@pytest.fixture(scope="module")
def graded() -> list[tuple[dict, object]]:
    if not CORPUS.exists():
        pytest.skip("the corpus is not in this checkout")
    data = CORPUS.read_bytes()
    records = [json.loads(line) for line in data.splitlines() if line.strip()]
    reports = check_batch(read_items(data), jobs=2, timeout=10.0)
    return list(zip(records, reports))


def test_first_wrong_line_agreement_is_at_least_95_percent(graded: list) -> None:
    agree = [rec["id"] for rec, rep in graded
             if (rep.first_wrong.line if rep.first_wrong else None) == rec["first_wrong_line"]]
    disagree = [rec["id"] for rec, _ in graded if rec["id"] not in agree]
    assert len(agree) >= 0.95 * len(graded), disagree


def test_no_false_alarm_on_a_correct_working(graded: list) -> None:
    alarms = [rec["id"] for rec, rep in graded if rec["first_wrong_line"] is None and rep.first_wrong is not None]
    assert alarms == []


def test_wrong_workings_are_found_wrong(graded: list) -> None:
    missed = [rec["id"] for rec, rep in graded if rec["first_wrong_line"] is not None and rep.verdict == "ok"]
    assert len(missed) <= 0.05 * len(graded), missed
