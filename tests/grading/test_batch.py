"""Batch grading: reading JSON lines and CSV, one invalid line never stops the batch."""

from __future__ import annotations

import json

from derivkit.grading.batch import Defaults, grade_batch, read_csv, read_jsonl


def _lines(*records: object) -> bytes:
    return b"\n".join(r if isinstance(r, bytes) else json.dumps(r).encode() for r in records) + b"\n"


def test_bad_lines_become_invalid_items_with_a_reason() -> None:
    data = _lines(
        {"id": 1, "expected": "x^2", "answer": "x*x"},
        b"{not json",
        {"id": 3, "expected": "x"},
        b"\xff\xfe{}",
        {"id": 5, "expected": "x", "answer": "x", "assume": {"x": "(0,"}},
        [1, 2],
        {"id": 7, "expected": "x", "answer": ["x"]},
        b"[" * 100_000 + b"]" * 100_000,
        {"id": 9, "expected": "x", "answer": "x", "syntax": "python"},
        b"",
        {"id": 10, "expected": 2, "answer": "1+1"},
    )
    items = read_jsonl(data)
    assert [it.line for it in items] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    reasons = {it.line: it.error.message for it in items if it.error is not None}
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert "not valid JSON" in reasons[2]
    assert 'no "answer"' in reasons[3]
    assert "not valid UTF-8" in reasons[4]
    assert "bad domain for x" in reasons[5]
    assert "JSON object" in reasons[6]
    assert "must be a string" in reasons[7]
    assert "syntax" in reasons[9]
    assert items[2].id == 3  # the id is kept when the object could be read


def test_grade_batch_keeps_input_order_and_ids() -> None:
    data = _lines(*[{"id": f"s{i}", "expected": "(x+1)^2", "answer": answer}
                    for i, answer in enumerate(["x^2+2*x+1", "x^2+1", "x^2 +", "(1+x)*(x+1)"])])
    items = read_jsonl(data, Defaults(timeout=10))
    emitted: list[dict] = []
    results = grade_batch(items, jobs=2, timeout=10, emit=emitted.append)
    assert [r.verdict for r in results] == ["equivalent", "not_equivalent", "invalid", "equivalent"]
    assert [e["id"] for e in emitted] == ["s0", "s1", "s2", "s3"]
    assert list(emitted[1]) == ["id", "line", "verdict", "method", "counterexample", "message", "seconds"]
    assert emitted[1]["counterexample"] is not None


def test_per_line_semantics_and_assume() -> None:
    data = _lines(
        {"id": "p", "expected": "log(p/(1-p))", "answer": "log(p)-log(1-p)", "assume": {"p": "(0,1)"}},
        {"id": "n", "expected": "2*log(a)+log(b)", "answer": "log(a^2*b)", "semantics": "natural"},
        {"id": "c", "expected": "2*log(a)+log(b)", "answer": "log(a^2*b)"},
    )
    results = grade_batch(read_jsonl(data), jobs=2, timeout=10, diagnose=False)
    assert [r.verdict for r in results] == ["equivalent", "equivalent", "not_equivalent"]


def test_command_line_defaults_apply_to_lines_without_their_own() -> None:
    data = _lines({"id": 1, "expected": "log(p/(1-p))", "answer": "log(p)-log(1-p)"},
                  {"id": 2, "expected": "sqrt(p^2)", "answer": "-p", "assume": ["p=negative"]})
    items = read_jsonl(data, Defaults(assume=("p=(0,1)",)))
    assert items[0].request is not None and items[0].request.assume == (("p", "(0,1)"),)
    assert items[1].request is not None and items[1].request.assume == (("p", "negative"),)


def test_csv_batch() -> None:
    data = ("id,expected,answer,assume\n"
            "1,x^2,x*x,\n"
            "2,\"log(p/(1-p))\",\"log(p)-log(1-p)\",\"p=(0,1)\"\n"
            "3,x\n"
            "4,x,x,p=(0,1)\n").encode() + b"5,x,\xff,\n"
    items = read_csv(data)
    assert [it.line for it in items] == [2, 3, 4, 5, 6]
    assert items[2].error is not None and "columns" in items[2].error.message
    assert items[3].error is not None and "columns" in items[3].error.message  # an unquoted comma
    assert items[4].error is not None and "UTF-8" in items[4].error.message
    results = grade_batch(items, jobs=2, timeout=10)
    assert [r.verdict for r in results] == ["equivalent", "equivalent", "invalid", "invalid", "invalid"]


def test_csv_without_required_columns() -> None:
    items = read_csv(b"id,student\n1,x\n")
    assert len(items) == 1 and items[0].error is not None and "no column expected or answer" in items[0].error.message


def test_timeout_in_a_batch_is_unknown_and_the_rest_is_graded() -> None:
    hard = ("(sqrt((4*(cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3)))))^(2))+21)"
            "-(2*cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3))))))^(2)")
    data = _lines({"id": "hard", "expected": "(41-sqrt(511))/2", "answer": hard},
                  {"id": "easy", "expected": "x", "answer": "x+0"})
    results = grade_batch(read_jsonl(data, Defaults(timeout=1.5)), jobs=2, timeout=1.5)
    # the proof is stopped; numeric screening in the remaining time still decides it
    assert results[0].verdict in ("equivalent", "unknown")
    assert results[0].seconds < 1.5 + 1.0
    assert results[1].verdict == "equivalent"


def test_identical_lines_are_checked_once_and_all_answered() -> None:
    record = {"expected": "sigma(z)*(1-sigma(z))", "answer": "exp(-z)/(1+exp(-z))^2"}
    data = _lines(*[{"id": i, **record} for i in range(6)], {"id": "other", "expected": "x", "answer": "x^2"})
    emitted: list[dict] = []
    results = grade_batch(read_jsonl(data), jobs=2, timeout=10, emit=emitted.append)
    assert [e["id"] for e in emitted] == [0, 1, 2, 3, 4, 5, "other"]
    assert [r.verdict for r in results] == ["equivalent"] * 6 + ["not_equivalent"]
    assert len({id(r) for r in results[:6]}) == 1  # one check, shared
