"""Security and robustness at the level of a check: hostile input is `invalid` and nothing
runs; inputs built to exhaust time or memory end `invalid` or `unknown` within the time
limit (plus a second of slack); malformed input is `invalid` with a message. The DoS subset
also runs in fresh interpreters with SymPy's pure-Python integers and with its default
(gmpy2 when installed), because big-integer arithmetic is where the two differ.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derivkit.cli import main
from derivkit.grading import check
from derivkit.grading.single import MEMORY_MB, outcome_result
from derivkit.grading.sandbox import Outcome

TIMEOUT = 2.0
SLACK = 1.0

# -- code execution ----------------------------------------------------------------------

CODE_ATTEMPTS = [
    "__import__('os').system('touch {marker}')",
    "__import__(\"os\").system(\"touch {marker}\")",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "sin.__globals__",
    "lambda: 0",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "[x for x in ()]",
    "exec('open(\"{marker}\", \"w\")')",
    "eval('1')",
    "open('{marker}', 'w')",
    "'abc'",
    "\"abc\"",
    "x if x else 0",
    "import os",
    "x; __import__('os')",
    "Symbol('x')",
    "globals()",
    "x.real",
    r"\input{/etc/passwd}",
    r"\include{secret}",
    r"\write18{touch {marker}}",
    r"\immediate\write18{touch {marker}}",
    r"\def\x{1}\x",
    r"\catcode`\^^M=13",
    r"\csname input\endcsname{/etc/passwd}",
    r"\openout1=pwned",
]


@pytest.mark.parametrize("attempt", CODE_ATTEMPTS)
def test_code_is_never_executed(attempt: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = attempt.replace("{marker}", str(marker))
    result = check("x", text, timeout=TIMEOUT)
    assert result.verdict == "invalid", (text, result.message)
    assert "could not be read" in result.message
    assert not marker.exists()
    # the expected side is guarded the same way
    assert check(text, "x", timeout=TIMEOUT).verdict == "invalid"
    assert not marker.exists()


def test_code_through_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    code = main(["check", "--expected", "x", "--answer", f"__import__('os').system('touch {marker}')", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and data["verdict"] == "invalid"
    assert not marker.exists()


# -- denial of service ---------------------------------------------------------------------

#: (expected, answer) pairs whose honest outcome is invalid (refused by a limit) or unknown.
DOS = [
    ("x", "9^9^9^9"),
    ("x", "10^10^10"),
    ("x", "x^(10^100)"),
    ("x", "(x+1)^100000"),
    ("(x+1)^100000", "x^100000 + 1"),
    ("x", "factorial(10^10)"),
    ("x", "binomial(10^9, 10^8)"),
    ("x", "(" * 10_000 + "x" + ")" * 10_000),
    ("x", "sin(" * 5_000 + "x" + ")" * 5_000),
    ("x", "-" * 100_000 + "x"),
    ("x", "x+" * 500_000 + "x"),  # 1 MB
    ("x", "diff(exp(sin(exp(sin(x)))), x, 10)"),
    ("x", "diff(x, x, 100000)"),
    ("x", "1/(x-x)"),
    ("x", r"\frac{1}{" * 3000 + "x" + "}" * 3000),
    ("x", "x" * 200_000),
    ("x", "9" * 100_000),
]

#: Heavy but legitimate: any verdict is fine as long as it comes within the limit.
HEAVY = [
    ("sin(exp(exp(exp(exp(z)))))", "cos(exp(exp(exp(exp(z)))))"),
    ("sin(exp(exp(exp(exp(z)))))", "sin(exp(exp(exp(exp(z)))))*cos(z)^2 + sin(exp(exp(exp(exp(z)))))*sin(z)^2"),
    ("(x-a)^6000", "(a-x)^6000 + 1"),
    ("(x+y+z+1)^40", "(x+y+z+1)^39*(x+y+z+1)"),
    ("exp(exp(exp(exp(exp(x)))))", "exp(exp(exp(exp(exp(x)))))*(1+10^-50)"),
    ("tan(10^100*x)", "sin(10^100*x)/cos(10^100*x)"),
    ("(41-sqrt(511))/2", "(sqrt((4*(cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3)))))^(2))+21)"
                         "-(2*cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3))))))^(2)"),
]


def _timed(expected: str, answer: str):  # noqa: ANN202
    start = time.monotonic()
    result = check(expected, answer, timeout=TIMEOUT)
    return result, time.monotonic() - start


@pytest.mark.parametrize(("expected", "answer"), DOS, ids=[f"dos{i}" for i in range(len(DOS))])
def test_denial_of_service_is_refused_in_time(expected: str, answer: str) -> None:
    result, seconds = _timed(expected, answer)
    assert result.verdict in ("invalid", "unknown"), result.message
    assert seconds <= TIMEOUT + SLACK, (seconds, result.message)
    assert result.message and len(result.message) < 1000  # a sentence, not an echo of the input


@pytest.mark.parametrize(("expected", "answer"), HEAVY, ids=[f"heavy{i}" for i in range(len(HEAVY))])
def test_heavy_input_ends_within_the_limit(expected: str, answer: str) -> None:
    result, seconds = _timed(expected, answer)
    assert seconds <= TIMEOUT + SLACK, (seconds, result.message)
    assert result.verdict in ("equivalent", "not_equivalent", "unknown")


def test_known_verdicts_of_heavy_input() -> None:
    assert check("(x-a)^6000", "(a-x)^6000 + 1", timeout=TIMEOUT).verdict == "not_equivalent"
    # an exact rational difference is a difference, however small
    assert check("1", "1 + 10^-50", timeout=TIMEOUT).verdict == "not_equivalent"
    assert check("99999998/99999999", "99999999/10^8", timeout=TIMEOUT).verdict == "not_equivalent"


def test_a_stopped_check_says_so() -> None:
    stopped = outcome_result(Outcome("timeout", None, "", 2.0), 2.0)
    assert stopped.verdict == "unknown" and "stopped after 2 s" in stopped.message
    memory = outcome_result(Outcome("memory", None, "", 0.5), 2.0)
    assert memory.verdict == "unknown" and f"{MEMORY_MB} MB" in memory.message
    crashed = outcome_result(Outcome("crashed", None, "the worker died from signal SIGSEGV", 0.1), 2.0)
    assert crashed.verdict == "unknown" and "stopped" in crashed.message


def test_memory_of_a_check_is_bounded() -> None:
    assert 0 < MEMORY_MB <= 4096


# -- malformed input -------------------------------------------------------------------------

MALFORMED = ["((x+1)", "(x+1))", "x+1)", "[x+1", "{x", "", "   ", "+", "*", "+-*/", "^^", "x +* 2", "x^",
             "sin()", "sin(x,", "x\x00", "x\x07+1", "\x1b[31mx", "x\u202e+1", "1..2", "2x3y(", "\\frac{1}",
             "\\frac{1}{", "\\left( x", "|x", "x = 1", "x == 1", "x < 1", "@x", "x$", "x ? 1 : 0", "x & y"]


@pytest.mark.parametrize("text", MALFORMED, ids=[f"m{i}" for i in range(len(MALFORMED))])
def test_malformed_input_is_invalid_with_a_message(text: str) -> None:
    result = check("x", text, timeout=TIMEOUT)
    assert result.verdict == "invalid", (text, result.message)
    assert result.exit_code == 2
    assert result.message.startswith("Invalid input: ") and len(result.message) > 30


def test_invalid_utf8_in_a_batch_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"id": 1, "expected": "x", "answer": "x"}\n'
                     b'{"id": 2, "expected": "x", "answer": "\xff\xfe"}\n'
                     b'\xc3\x28\n'
                     b'{"id": 4, "expected": "x", "answer": "x\\u0000"}\n')
    code = main(["check", "--batch", str(path), "--no-progress", "--timeout", str(TIMEOUT)])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["verdict"] for r in records] == ["equivalent", "invalid", "invalid", "invalid"]
    assert "UTF-8" in records[1]["message"] and "UTF-8" in records[2]["message"]


def test_hostile_batch_lines_do_not_stop_the_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [{"id": i, "expected": "x", "answer": answer} for i, (_, answer) in enumerate(DOS[:6])]
    lines.append({"id": "ok", "expected": "x^2", "answer": "x*x"})
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    start = time.monotonic()
    code = main(["check", "--batch", str(path), "--no-progress", "--timeout", str(TIMEOUT), "--jobs", "2"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and len(records) == len(lines)
    assert records[-1]["verdict"] == "equivalent"
    assert all(r["verdict"] in ("invalid", "unknown") for r in records[:-1])
    assert time.monotonic() - start < len(lines) * (TIMEOUT + SLACK)


# -- with and without gmpy2 ----------------------------------------------------------------

_SUBPROCESS = r"""
import json, sys, time
from sympy.external.gmpy import GROUND_TYPES
from derivkit.grading import check
pairs = json.loads(sys.stdin.read())
out = []
for expected, answer in pairs:
    start = time.monotonic()
    result = check(expected, answer, timeout=float(sys.argv[1]))
    out.append([result.verdict, time.monotonic() - start])
print(json.dumps({"ground_types": GROUND_TYPES, "results": out}))
"""


@pytest.mark.parametrize("ground_types", ["python", "default"])
def test_dos_subset_with_and_without_gmpy2(ground_types: str) -> None:
    env = dict(os.environ)
    env.pop("SYMPY_GROUND_TYPES", None)
    if ground_types == "python":
        env["SYMPY_GROUND_TYPES"] = "python"
    pairs = [p for p in DOS if len(p[1]) < 50_000] + HEAVY[:3]
    done = subprocess.run([sys.executable, "-c", _SUBPROCESS, str(TIMEOUT)], input=json.dumps(pairs),
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if ground_types == "python":
        assert report["ground_types"] == "python"
    for (expected, answer), (verdict, seconds) in zip(pairs, report["results"]):
        assert seconds <= TIMEOUT + SLACK, (answer[:60], seconds, report["ground_types"])
        if (expected, answer) in DOS:
            assert verdict in ("invalid", "unknown"), (answer[:60], verdict, report["ground_types"])
