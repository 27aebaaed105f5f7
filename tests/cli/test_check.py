"""`derivkit check` (single and --batch) and `derivkit steps`: the command-line contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from derivkit.cli import main

SIGMOID_PRIME = "sigma(z)*(1-sigma(z))"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


# -- the done-when of the issue, through the installed console script -------------------


def _derivkit(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "derivkit", *argv], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_done_when_equivalent_exits_0() -> None:
    done = _derivkit("check", "--expected", SIGMOID_PRIME, "--answer", "exp(-z)/(1+exp(-z))^2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Equivalent")


def test_done_when_wrong_exits_1_with_a_counterexample() -> None:
    done = _derivkit("check", "--expected", SIGMOID_PRIME, "--answer", "sigma(z)*(1+sigma(z))")
    assert done.returncode == 1
    assert "Not equivalent: at z = " in done.stdout and "your answer is" in done.stdout


# -- in process -------------------------------------------------------------------------


def test_latex_pair(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "check", "--expected", r"\sigma(z)(1-\sigma(z))",
                          "--answer", r"\frac{e^{-z}}{(1+e^{-z})^2}", "--syntax", "latex")
    assert code == 0 and data["verdict"] == "equivalent" and data["method"] == "symbolic"
    code, data = run_json(capsys, "check", "--expected", r"\sigma(z)(1-\sigma(z))",
                          "--answer", r"\sigma(z)(1+\sigma(z))")
    assert code == 1 and data["verdict"] == "not_equivalent"
    assert data["counterexample"]["point"].keys() == {"z"}


def test_json_output_is_exactly_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "check", "--expected", SIGMOID_PRIME, "--answer", "sigma(z)*(1+sigma(z))")
    assert code == 1
    assert list(data) == ["verdict", "method", "counterexample", "message", "seconds"]
    assert list(data["counterexample"]) == ["point", "expected", "answer"]
    assert data["message"].startswith("Not equivalent: at z = ")


def test_diff_through_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "check", "--expected", SIGMOID_PRIME, "--answer", "diff(sigma(z), z)")
    assert code == 0 and data["verdict"] == "equivalent"


def test_assume_decides_on_the_domain(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("check", "--expected", "log(p/(1-p))", "--answer", "log(p)-log(1-p)")
    assert run_json(capsys, *args)[0] == 1
    code, data = run_json(capsys, *args, "--assume", "p=(0,1)")
    assert code == 0 and data["verdict"] == "equivalent"


@pytest.mark.parametrize("assume", ["p=(0,1", "p", "=positive", "p=sometimes", "p=[2,1]"])
def test_bad_domain_is_invalid_exit_2(capsys: pytest.CaptureFixture[str], assume: str) -> None:
    code, data = run_json(capsys, "check", "--expected", "p", "--answer", "p", "--assume", assume)
    assert code == 2 and data["verdict"] == "invalid" and data["message"].startswith("Invalid input:")


def test_semantics_option(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("check", "--expected", "2*log(a)+log(b)", "--answer", "log(a^2*b)")
    assert run_json(capsys, *args)[0] == 1
    assert run_json(capsys, *args, "--semantics", "principal")[0] == 1
    assert run_json(capsys, *args, "--semantics", "natural")[0] == 0


def test_invalid_input_exit_2_with_caret_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--expected", "x", "--answer", "x +* 2")
    assert code == 2
    assert out.startswith("Invalid input: Your answer could not be read:")
    assert "^" in err


def test_missing_arguments_are_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "check", "--expected", "x")
    assert code == 2 and "--answer is required" in data["message"]


def test_timeout_gives_unknown_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    hard = ("(sqrt((4*(cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3)))))^(2))+21)"
            "-(2*cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3))))))^(2) + x - x")
    code, data = run_json(capsys, "check", "--expected", "(41-sqrt(511))/2 + sin(x)^2+cos(x)^2-1",
                          "--answer", hard, "--timeout", "0.3")
    assert data["seconds"] < 0.3 + 1.0
    assert (code, data["verdict"]) in ((3, "unknown"), (0, "equivalent"))
    if code == 3:
        assert "stopped" in data["message"] or "could not decide" in data["message"]


def test_human_output_shows_the_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--expected", "2*x*cos(x^2)", "--answer", "cos(x^2)")
    assert code == 1
    assert "at        x = " in out and "expected  " in out and "answer    " in out
    assert "2*x, the derivative of the inner function x^2" in out


# -- batch ------------------------------------------------------------------------------


def test_batch_jsonl(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps({"id": "a", "expected": SIGMOID_PRIME, "answer": "exp(-z)/(1+exp(-z))^2"}).encode(),
        json.dumps({"id": "b", "expected": SIGMOID_PRIME, "answer": "sigma(z)*(1+sigma(z))"}).encode(),
        b"{broken",
        b"\xff\xfe",
        json.dumps({"id": "e", "expected": "log(p/(1-p))", "answer": "log(p)-log(1-p)",
                    "syntax": "text", "assume": {"p": "(0,1)"}}).encode(),
        json.dumps({"id": "f", "expected": "p", "answer": "p", "assume": {"p": "(0,"}}).encode(),
    ]) + b"\n")
    code, out, err = run(capsys, "check", "--batch", str(path), "--jobs", "2", "--timeout", "10")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["a", "b", None, None, "e", "f"]
    assert [r["verdict"] for r in records] == ["equivalent", "not_equivalent", "invalid", "invalid",
                                               "equivalent", "invalid"]
    assert all({"verdict", "method", "counterexample", "message", "seconds"} <= set(r) for r in records)
    assert "6 checks" in err


def test_batch_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("id,expected,answer\n1,x^2,x*x\n2,x^2,x^3\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--batch", str(path), "--no-progress")
    assert code == 0
    assert [json.loads(line)["verdict"] for line in out.splitlines()] == ["equivalent", "not_equivalent"]


def test_batch_missing_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--batch", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "cannot read" in err


def test_batch_and_single_are_exclusive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, data = run_json(capsys, "check", "--batch", str(tmp_path / "x.jsonl"), "--expected", "x", "--answer", "x")
    assert code == 2 and data["verdict"] == "invalid"


# -- steps ------------------------------------------------------------------------------


def test_steps_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "working.txt"
    path.write_text("diff(sin(x^2), x)\n= 2*x*cos(x^2)\n= x*cos(x^2)\n", encoding="utf-8")
    code, out, _ = run(capsys, "steps", str(path))
    assert code == 1
    assert "line   3  WRONG" in out and "first wrong line is line 3" in out
    code, data = run_json(capsys, "steps", str(path))
    assert data["first_wrong_line"] == 3 and data["lines"][2]["counterexample"] is not None
    path.write_text("diff(sin(x^2), x)\n= 2*x*cos(x^2)\n", encoding="utf-8")
    assert run(capsys, "steps", str(path), "--expected", "2*x*cos(x^2)")[0] == 0
    assert run(capsys, "steps", str(path), "--expected", "cos(x^2)")[0] == 1


def test_steps_latex_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "working.tex"
    path.write_text("\\begin{align*}\n\\frac{d}{dx} x^3 &= 3x^2 \\\\\n &= 3 x \\cdot x\n\\end{align*}\n",
                    encoding="utf-8")
    code, data = run_json(capsys, "steps", str(path))
    assert code == 0 and [line["status"] for line in data["lines"]] == ["ok", "ok"]
    assert data["lines"][0]["kind"] == "derivative"  # d/dx x^3 = 3x^2: checked against the derivative


def test_steps_bad_files_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "steps", str(tmp_path / "missing.txt"))[0] == 2
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"x\n\xff\n")
    code, out, _ = run(capsys, "steps", str(binary))
    assert code == 2 and "UTF-8" in out
    invalid = tmp_path / "invalid.txt"
    invalid.write_text("x^2\n= x^^2\n", encoding="utf-8")
    assert run(capsys, "steps", str(invalid))[0] == 2


def test_an_answer_may_start_with_a_minus_sign(capsys):
    from derivkit.cli import main

    assert main(["check", "--expected", "-sigma(z)", "--answer", "-1/(1+exp(-z))"]) == 0
    assert main(["check", "--expected", "-x", "--answer", "x"]) == 1
