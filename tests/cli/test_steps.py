"""`derivkit steps`: the reproductions of issue 11 through the command line, --given and --batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivkit.cli import main


def steps(capsys: pytest.CaptureFixture[str], tmp_path: Path, working: str, *options: str) -> tuple[int, dict]:
    path = tmp_path / "working.txt"
    path.write_text(working, encoding="utf-8")
    code = main(["steps", str(path), *options, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_equation_working(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, data = steps(capsys, tmp_path, "log(p/(1-p)) = z\np/(1-p) = exp(z)\n", "--assume", "p=(0,1)")
    assert code == 0 and data["verdict"] == "ok"
    assert [(line["kind"], line["relation"]) for line in data["lines"]] == [("equation", None),
                                                                           ("equation", "equivalent")]


def test_derivative_sign_error_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    working = "L = -y*log(sigma(z)) - (1-y)*log(1-sigma(z))\ndL/dz = -y*(1-sigma(z)) - (1-y)*sigma(z)\n"
    code, data = steps(capsys, tmp_path, working)
    assert code == 1 and data["first_wrong_line"] == 2
    assert data["lines"][1]["kind"] == "derivative" and data["lines"][1]["counterexample"] is not None


def test_inner_derivative_then_back_on_track(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    working = "sigma(z) = (1+exp(-z))^(-1)\nsigma'(z) = -(1+exp(-z))^(-2)*exp(-z)\n= exp(-z)/(1+exp(-z))^2\n"
    code, data = steps(capsys, tmp_path, working)
    assert code == 1 and data["first_wrong_line"] == 2 and data["lines"][2]["status"] == "ok"


def test_composite_definition(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, data = steps(capsys, tmp_path, "f(x) = x^2\ng(x) = sin(x)\nh(f(x),g(x)) = x^2*sin(x)\n")
    assert code == 0 and [line["kind"] for line in data["lines"]] == ["definition"] * 3


def test_given_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    working = "odds = p/(1-p)\n= 0.2/0.8\n= 1/4\n"
    code, data = steps(capsys, tmp_path, working, "--assume", "p=(0,1)", "--given", "p=0.2", "--expected", "1/4")
    assert code == 0 and data["final"]["verdict"] == "equivalent"
    code, data = steps(capsys, tmp_path, working, "--assume", "p=(0,1)", "--given", "p=0.3")
    assert code == 1 and data["first_wrong_line"] == 2


def test_softmax_outputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    working = "p1 = exp(z1)/(exp(z1)+exp(z2))\np2 = exp(z2)/(exp(z1)+exp(z2))\np1 = 1 - p2\n"
    code, data = steps(capsys, tmp_path, working)
    assert code == 0, data["message"]


def test_unreadable_lines_now_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for working in ["-y(1-sigma(z))\n= y*sigma(z) - y\n", "p e^z\n= e^z p\n", "f(x) = x^2\nf'(x) = 2x\n",
                    "\\sigma'(z) = \\sigma(z)(1-\\sigma(z))\n", "f(x, y) = x*y\n\\nabla f = (y, x)\n",
                    "h(u,v) = u\\,e^{v}, \\quad f(x) = x^2\n", "d/dz sigma(z)\n= sigma(z)*(1-sigma(z))\n"]:
        code, data = steps(capsys, tmp_path, working)
        assert code == 0, (working, data["message"])
    code, data = steps(capsys, tmp_path, "p(1+e^z) = e^z\n")
    assert data["lines"][0]["kind"] == "equation"


def test_batch_in_input_order_with_a_bad_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "workings.jsonl"
    records = [
        {"id": "a", "working": "log(p/(1-p)) = z\np/(1-p) = e^z\np = e^z", "assume": {"p": "(0,1)"}},
        "not json",
        {"id": "c", "working": "odds = p/(1-p)\n= 0.2/0.8", "given": {"p": "0.2"}, "expected": "1/4"},
        {"id": "d", "working": "x^2 - 1\n= (x-1)(x+1)", "syntax": "text"},
    ]
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code = main(["steps", "--batch", str(path), "--jobs", "2", "--no-progress"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [o["id"] for o in out] == ["a", None, "c", "d"]
    assert [o["verdict"] for o in out] == ["wrong", "invalid", "ok", "ok"]
    assert out[0]["first_wrong_line"] == 3 and out[0]["lines"][2]["mistake"] == "one_side_only"
