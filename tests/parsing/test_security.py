"""Untrusted input: no code runs, nothing explodes, nothing hangs, only ParseError escapes."""

from __future__ import annotations

import ast
import builtins
import io
import json
import os
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import derivkit.parsing
from derivkit.errors import ParseError
from derivkit.parsing import ParseLimits, parse, parse_latex, parse_text

PACKAGE = Path(derivkit.parsing.__file__).parent

CODE_ATTEMPTS = [
    ("__import__('os').system('echo pwned')", "names may not start with '_'"),
    ("().__class__.__bases__[0].__subclasses__()", "'.' is not allowed here"),
    ("x.__class__", "'.' is not allowed here"),
    ("x.y", "'.' is not allowed here"),
    ("lambda: 0", "':' is not allowed"),
    ("[x for x in ()]", "missing operator between 'x' and 'for'"),
    ("'abc'", "strings are not allowed"),
    ('"abc"', "strings are not allowed"),
    ("x; import os", "';' is not allowed"),
    ("x = 1", "'=' is not allowed"),
    ("x == 1", "'=' is not allowed"),
    ("a @ b", "'@' is not allowed"),
    ("`ls`", "backticks are not allowed"),
    ("x, y", "',' is only allowed between the arguments of a function"),
    ("a__b", "names may not contain '__'"),
    ("_x + 1", "names may not start with '_'"),
    ("eval(x)", "unknown function 'eval'"),
    ("exec(x)", "unknown function 'exec'"),
    ("open(x)", "unknown function 'open'"),
    ("getattr(x, y)", "unknown function 'getattr'"),
    ("Symbol(x)", "unknown function 'Symbol'"),
    ("x # comment", "'#' is not allowed"),
    ("x if y else z", "missing operator between 'x' and 'if'"),
    ("{'a': 1}", "'{' is not allowed in the text syntax"),
]

LATEX_ATTEMPTS = [
    r"\input{/etc/passwd}", r"\include{secrets}", r"\immediate\write18{rm -rf /}",
    r"\write18{ls}", r"\def\x{1}\x", r"\newcommand{\x}{1}", r"\csname x\endcsname",
    r"\catcode`\^=12", r"\openout1=file", r"\openin1=file", r"\read1 to \x",
    r"\usepackage{shellesc}", r"\begin{verbatim}", r"\directlua{os.execute('ls')}",
    r"\special{ps: x}", r"\let\x\y",
]

DOS_INPUTS = [
    ("9^(9^9)", "max_power_bits"),
    ("9**9**9", "max_power_bits"),
    ("2^(10^100)", "max_power_bits"),
    ("(2^5000)^(2^5000)", "max_power_bits"),
    ("*".join(["10^99"] * 40), "max_power_bits"),
    ("*".join(["2^9999"] * 100), "max_power_bits"),
    ("exp(1000*log(3^5000))", "max_power_bits"),
    ("e^(100000*log(x+1))", "max_symbolic_exponent"),
    ("factorial(10^10)", "max_factorial"),
    ("factorial(factorial(7))", "max_factorial"),
    ("binomial(10^100, 10^50)", "max_factorial"),
    ("(x+1)^100000", "max_symbolic_exponent"),
    ("(x+1)^(10^100)", "max_symbolic_exponent"),
    ("sqrt(2)^(10^6)", "max_symbolic_exponent"),
    ("*".join(["(x+1)^1000"] * 5), "max_symbolic_exponent"),
    ("x" + "⁹" * 30, "max_symbolic_exponent"),
    ("1" * 101, "max_integer_digits"),
    ("1e999999999", "max_integer_digits"),
    ("diff(x^2, x, 1000)", "max_derivative_order"),
    ("diff(diff(x^20, x, 6), x, 6)", "max_derivative_order"),
    ("diff(" + "*".join(f"sin(x+{i})" for i in range(150)) + ", x, 10)", "max_diff_nodes"),
    ("(" * 150 + "x" + ")" * 150, "max_depth"),
    ("-" * 500 + "x", "max_depth"),
    ("^".join(["x"] * 500), "max_depth"),
    ("sin(" * 120 + "x" + ")" * 120, "max_depth"),
    ("|x" * 3000, "max_symbolic_exponent"),
    ("-x" * 3000, "max_nodes"),
]

LATEX_DOS_INPUTS = [
    (r"9^{9^{9}}", "max_power_bits"),
    (r"(x+1)^{100000}", "max_symbolic_exponent"),
    (r"\frac{1}{" * 150 + "x" + "}" * 150, "max_depth"),
    ("{" * 150 + "x" + "}" * 150, "max_depth"),
    (r"\sqrt{" * 150 + "x" + "}" * 150, "max_depth"),
    (r"x^{" * 150 + "2" + "}" * 150, "max_depth"),
    (r"\frac{d}{dz}" * 11 + "z", "max_derivative_order"),
    (r"\frac{d^{10}}{dz^{10}} \frac{d}{dz} z", "max_derivative_order"),
]


@pytest.fixture
def no_code_execution(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any shell command; record eval/exec/sympify calls that receive a string."""
    calls: list[str] = []

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a command was run: {args!r}")

    def spy(name: str, real: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            if args and isinstance(args[0], str):
                calls.append(f"{name}({args[0]!r})")
            return real(*args, **kwargs)  # type: ignore[operator]
        return wrapper

    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(os, "popen", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr(builtins, "eval", spy("eval", builtins.eval))
    monkeypatch.setattr(builtins, "exec", spy("exec", builtins.exec))
    monkeypatch.setattr(sp, "sympify", spy("sympify", sp.sympify))
    monkeypatch.setattr(sp, "parse_expr", spy("parse_expr", sp.parse_expr))
    return calls


# -- no code ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), CODE_ATTEMPTS)
def test_code_is_refused(text: str, message: str, no_code_execution: list[str]) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, "text")
    assert info.value.message.startswith(message)
    assert info.value.column is not None
    assert no_code_execution == []


@pytest.mark.parametrize("text", LATEX_ATTEMPTS)
def test_tex_programs_are_refused(text: str, no_code_execution: list[str]) -> None:
    with pytest.raises(ParseError, match="not allowed"):
        parse(text, "latex")
    assert no_code_execution == []


def test_valid_input_runs_no_code_either(no_code_execution: list[str]) -> None:
    parse("diff(sigma(z)*log(1+exp(x)), z) + 2(z+1)^2")
    parse_latex(r"\frac{d}{dz}\left(y\ln\sigma(z) + (1-y)\ln(1-\sigma(z))\right)")
    assert no_code_execution == []


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_parser_source_never_evaluates_text() -> None:
    """Statically: no eval/exec/compile/sympify/parse_expr, no SymPy parsers, in the package."""
    banned_calls = {"eval", "exec", "compile", "sympify", "parse_expr", "__import__", "S"}
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 6
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                assert _called_name(node) not in banned_calls, f"{path.name}:{node.lineno}"
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("sympy.parsing"), path.name
                assert all(alias.name not in {"sympify", "parse_expr", "parse_latex"} for alias in node.names)
            if isinstance(node, ast.Import):
                assert all(not alias.name.startswith("sympy.parsing") for alias in node.names), path.name


# -- nothing explodes ------------------------------------------------------------------------------

@pytest.mark.timeout(60)
@pytest.mark.parametrize(("text", "limit"), DOS_INPUTS)
def test_explosive_text_is_refused(text: str, limit: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, "text")
    assert limit in info.value.message


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("text", "limit"), LATEX_DOS_INPUTS)
def test_explosive_latex_is_refused(text: str, limit: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, "latex")
    assert limit in info.value.message


@pytest.mark.timeout(30)
def test_megabyte_input_is_refused_by_length_first() -> None:
    for text in ("x" * 1_000_000, "(" * 1_000_000, "\\frac{" * 200_000, "9^" * 500_000 + "9"):
        with pytest.raises(ParseError, match=r"input is \d+ characters long, more than the limit of 10000 \(max_length\)"):
            parse(text)


@pytest.mark.timeout(30)
def test_ten_thousand_nested_brackets_are_a_parse_error() -> None:
    limits = ParseLimits(max_length=100_000)
    for text, syntax in (("(" * 10_000 + "x" + ")" * 10_000, "text"), ("{" * 10_000 + "x" + "}" * 10_000, "latex"),
                         ("[" * 10_000, "text"), ("-(" * 10_000 + "x", "text")):
        with pytest.raises(ParseError, match="max_depth"):
            parse(text, syntax, limits=limits)


def test_limits_are_configurable() -> None:
    assert parse("(x+1)^2000", limits=ParseLimits(max_symbolic_exponent=5000)) == (sp.Symbol("x") + 1) ** 2000
    assert parse("2^20000", limits=ParseLimits(max_power_bits=30_000)) == sp.Integer(2) ** 20000
    with pytest.raises(ParseError, match="max_nodes"):
        parse("x+x+x+x", limits=ParseLimits(max_nodes=3))
    with pytest.raises(ParseError, match="max_length"):
        parse("x+1", limits=ParseLimits(max_length=2))
    with pytest.raises(ParseError, match="max_depth"):
        parse("((x))", limits=ParseLimits(max_depth=2))


def test_refusals_name_the_value() -> None:
    with pytest.raises(ParseError) as info:
        parse("factorial(5000)")
    assert "5000" in info.value.message and "1000" in info.value.message
    with pytest.raises(ParseError) as info:
        parse("(x+1)^100000")
    assert "100000" in info.value.message and info.value.column == 5


# -- nothing hangs ---------------------------------------------------------------------------------

@pytest.mark.timeout(30)
def test_wall_clock_bound() -> None:
    """Nested hyperbolic functions make SymPy's assumptions exponential; the clock stops them."""
    text = "tanh(" * 12 + "x" + ")" * 12
    started = time.monotonic()
    with pytest.raises(ParseError, match="max_seconds"):
        parse(text, limits=ParseLimits(max_seconds=0.5))
    assert time.monotonic() - started < 10
    time.sleep(0.2)  # no stray exception arrives after the parse returned
    assert parse("x+1") == sp.Symbol("x") + 1


@pytest.mark.timeout(30)
def test_wall_clock_bound_in_a_thread() -> None:
    outcome: list[str] = []

    def work() -> None:
        try:
            parse("tanh(" * 12 + "x" + ")" * 12, limits=ParseLimits(max_seconds=0.5))
            outcome.append("parsed")
        except ParseError as exc:
            outcome.append(exc.message)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(20)
    assert outcome and "max_seconds" in outcome[0]


def test_fast_parses_leave_no_pending_timeout() -> None:
    limits = ParseLimits(max_seconds=0.2)  # short, yet above a garbage-collection pause under load
    for _ in range(50):
        assert parse("2z", limits=limits) == 2 * sp.Symbol("z")
    time.sleep(0.3)  # a deadline left behind would fire here, in this thread


# -- fuzzing: only ParseError may escape -----------------------------------------------------------

FUZZ_LIMITS = ParseLimits(max_seconds=1.0)
FUZZ_SETTINGS = settings(max_examples=250, deadline=timedelta(seconds=3), database=None,
                         suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "(", ")", "[", "]", "{", "}", "^", "_", "**", "*", "/", "+", "-", "|", ",", " ", ".", "'",
    "0", "2", "10", "0.5", "1e-3", "99", "x", "z", "y_2", "e", "E", "pi", "I", "d", "dz",
    "sigma", "exp", "log", "ln", "sqrt", "abs", "tanh", "diff", "factorial", "binomial", "root",
    "\\frac", "\\dfrac", "\\sqrt", "\\left(", "\\right)", "\\left|", "\\right|", "\\sigma",
    "\\ln", "\\log", "\\exp", "\\sin", "\\cdot", "\\times", "\\partial", "\\frac{d}{dz}",
    "\\frac{\\partial}{\\partial z}", "\\mathrm{e}", "\\mathrm{d}", "\\operatorname{softplus}",
    "\\alpha", "\\theta_1", "\\pi", "\\,", "\\binom", "\\input", "\\", "$", "√", "²", "⁻¹",
    "σ", "·", "−", "π", "é", "\x00", "\n",
]
grammarish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


def _only_parse_errors(text: str, syntax: str) -> None:
    try:
        result = parse(text, syntax, limits=FUZZ_LIMITS)
    except ParseError as exc:
        assert exc.message
        return
    assert isinstance(result, sp.Expr)


@FUZZ_SETTINGS
@given(st.text(max_size=80))
def test_fuzz_text_random(text: str) -> None:
    _only_parse_errors(text, "text")


@FUZZ_SETTINGS
@given(st.text(max_size=80))
def test_fuzz_latex_random(text: str) -> None:
    _only_parse_errors(text, "latex")


@FUZZ_SETTINGS
@given(grammarish, st.sampled_from(["text", "latex", "auto"]))
def test_fuzz_grammarish(text: str, syntax: str) -> None:
    _only_parse_errors(text, syntax)


@FUZZ_SETTINGS
@given(st.lists(st.sampled_from(["(", ")", "{", "}", "|", "\\left(", "\\right)", "x", "+", "^", "2", "\\frac"]),
                max_size=300).map("".join), st.sampled_from(["text", "latex"]))
def test_fuzz_brackets(text: str, syntax: str) -> None:
    _only_parse_errors(text, syntax)


# -- the whole batch path: bytes in, one valid UTF-8 JSON line out per input line -----------------

_ids = st.one_of(st.integers(), st.floats(), st.text(st.characters(exclude_categories=()), max_size=6), st.none())
_expressions = st.one_of(grammarish, st.text(st.characters(exclude_categories=()), max_size=30))
_records = st.builds(
    lambda item_id, expected, answer, syntax: json.dumps(
        {"id": item_id, "expected": expected, "answer": answer, "syntax": syntax}).encode(),
    _ids, _expressions, _expressions, st.sampled_from(["text", "latex", "auto"]))
_batch_lines = st.lists(st.one_of(_records, st.binary(max_size=40), st.sampled_from(
    [b"NaN", b'{"id": NaN, "expected": "x", "answer": "x"}', b"\xef\xbb\xbf{}", b'{"answer": 1e999}',
     b'{"expected": "x", "answer": "x", "assume": {"x": "(1/0,1)"}}', b"\"unterminated"])), min_size=1, max_size=6)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(_batch_lines)
def test_fuzz_the_batch_path(lines: list[bytes]) -> None:
    from derivkit.grading.batch import grade_batch, iter_jsonl
    from derivkit.grading.output import json_line

    data = b"\n".join(lines) + b"\n"
    pieces = data.split(b"\n")[:-1]
    if pieces and pieces[0].startswith(b"\xef\xbb\xbf"):
        pieces[0] = pieces[0][3:]
    numbers = [n for n, raw in enumerate(pieces, start=1) if raw.rstrip(b"\r").strip()]
    out: list[bytes] = []
    grade_batch(iter_jsonl(io.BytesIO(data)), jobs=2, timeout=2.0, diagnose=False,
                emit=lambda record: out.append(json_line(record).encode("utf-8")))  # strict UTF-8
    records = [json.loads(line.decode("utf-8"), parse_constant=_refuse_constant) for line in out]
    assert [r["line"] for r in records] == numbers  # one result per input line, in order
    assert all(r["verdict"] in ("equivalent", "not_equivalent", "invalid", "unknown") for r in records)


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"non-standard JSON constant {name}")
