"""Executors: the local pool and a Dask LocalCluster give the same results, in input order,
one per input, with the sandbox's limits holding inside a Dask worker."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from derivkit.cli import main
from derivkit.errors import ExecutorError
from derivkit.grading.assignment import load_assignment
from derivkit.grading.batch import grade_batch, read_jsonl
from derivkit.grading.executors import DaskExecutor, LocalExecutor, make_executor
from derivkit.grading.gradebook import grade_class
from derivkit.grading.sandbox import Limits
from derivkit.grading.steps_batch import check_batch, read_items

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sigmoid-homework"

LINES = [
    {"id": 1, "expected": "sigma(z)*(1-sigma(z))", "answer": "exp(-z)/(1+exp(-z))^2"},
    {"id": 2, "expected": "2*x*cos(x^2)", "answer": "cos(x^2)"},
    {"id": 3, "expected": "x", "answer": "x+"},
    {"id": 4, "expected": "log(p/(1-p))", "answer": "log(p)-log(1-p)", "assume": {"p": "(0,1)"}},
    {"id": 5, "expected": "sigma(z)*(1-sigma(z))", "answer": "exp(-z)/(1+exp(-z))^2"},
    {"id": 6, "expected": "x^2", "answer": "-x^2"},
]


def spin() -> None:
    while True:
        pass


def double(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return 2 * x


def without_seconds(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "seconds"}


@pytest.fixture(scope="module")
def dask_executor():
    pytest.importorskip("distributed")
    with DaskExecutor(jobs=2, processes=False) as executor:
        yield executor


def test_local_tasks_keep_order_and_a_failing_task_costs_one_result() -> None:
    outcomes = LocalExecutor(2).map_tasks(double, [(k,) for k in range(6)])
    assert [o.value for o in outcomes] == [0, 2, 4, None, 8, 10]
    assert outcomes[3].status == "error" and outcomes[3].message == "ValueError: three"


def test_dask_gives_the_local_pool_s_output_for_check_batch(dask_executor: DaskExecutor) -> None:
    data = "\n".join(json.dumps(line) for line in LINES).encode() + b"\nnot json\n"
    local, remote = [], []
    grade_batch(read_jsonl(data), 2, 10.0, emit=local.append)
    grade_batch(read_jsonl(data), 2, 10.0, emit=remote.append, executor=dask_executor)
    assert [without_seconds(r) for r in remote] == [without_seconds(r) for r in local]
    assert [r["id"] for r in remote] == [1, 2, 3, 4, 5, 6, None]
    assert [r["verdict"] for r in remote] == ["equivalent", "not_equivalent", "invalid", "equivalent", "equivalent",
                                              "not_equivalent", "invalid"]
    assert "chain rule" in remote[1]["message"] and "sign error" in remote[5]["message"]


WORKINGS = [
    {"id": "sign", "working": "L = -y*log(sigma(z)) - (1-y)*log(1-sigma(z))\ndL/dz = -y*(1-sigma(z)) - (1-y)*sigma(z)"},
    {"id": "logit", "working": "log(p/(1-p)) = z\np/(1-p) = exp(z)", "assume": {"p": "(0,1)"}},
    {"id": "unreadable", "working": "p = (("},
]


def timeless(value: object) -> object:
    """The record without its timings (at any depth), which differ from run to run."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


def test_dask_gives_the_local_pool_s_output_for_steps_batch(dask_executor: DaskExecutor) -> None:
    data = "\n".join(json.dumps(w) for w in WORKINGS).encode()

    def run(**options: object) -> list[object]:
        out: list[dict] = []
        check_batch(read_items(data), 2, 10.0, emit=out.append, **options)  # type: ignore[arg-type]
        return [timeless(r) for r in out]

    local, remote = run(), run(executor=dask_executor)
    assert [r["id"] for r in remote] == ["sign", "logit", "unreadable"]  # type: ignore[index]
    assert [r["first_wrong_line"] for r in remote[:2]] == [2, None]  # type: ignore[index]
    assert remote[2]["verdict"] != "ok"  # type: ignore[index]
    assert remote == local


def test_the_sandbox_limits_hold_in_a_dask_worker(dask_executor: DaskExecutor) -> None:
    start = time.monotonic()
    outcomes = dask_executor.map_sandboxed(spin, [(), ()], Limits(timeout=0.5))
    assert [o.status for o in outcomes] == ["timeout", "timeout"]
    assert time.monotonic() - start < 20
    tasks = dask_executor.map_tasks(double, [(k,) for k in range(5)])
    assert [o.value for o in tasks] == [0, 2, 4, None, 8] and tasks[3].status == "error"


def test_dask_grades_a_class_as_the_local_pool_does(dask_executor: DaskExecutor, tmp_path: Path) -> None:
    assignment = load_assignment(EXAMPLE / "assignment.toml")
    folder = tmp_path / "class"
    shutil.copytree(EXAMPLE / "submissions", folder)
    local = grade_class(assignment, folder, LocalExecutor(2))
    remote = grade_class(assignment, folder, dask_executor)
    assert remote.csv_text() == local.csv_text()
    assert remote.feedback_lines() == local.feedback_lines()


def test_check_batch_command_with_the_dask_executor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in LINES[:3]) + "\n", encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--jobs", "1", "--no-progress"]) == 0
    local = [without_seconds(json.loads(line)) for line in capsys.readouterr().out.splitlines()]
    assert main(["check", "--batch", str(batch), "--jobs", "1", "--no-progress", "--executor", "dask"]) == 0
    remote = [without_seconds(json.loads(line)) for line in capsys.readouterr().out.splitlines()]
    assert remote == local and len(remote) == 3


def test_bad_executor_options_are_one_line_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(ExecutorError, match="--scheduler needs --executor dask"):
        make_executor("local", 1, "tcp://127.0.0.1:1")
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"expected": "x", "answer": "x"}\n', encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--executor", "local", "--scheduler", "tcp://x:1"]) == 2
    assert capsys.readouterr().err.startswith("derivkit: error: --scheduler needs --executor dask")
