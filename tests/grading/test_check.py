"""derivkit.check: one answer against the expected one (the Python API of `derivkit check`)."""

from __future__ import annotations

import dataclasses
import json

import pytest

import derivkit
from derivkit.errors import DomainError
from derivkit.grading import EXIT_CODES, CheckResult, check
from derivkit.grading.single import make_request, parse_assumptions, run_check

SIGMOID_PRIME = "sigma(z)*(1-sigma(z))"


def test_public_api_is_exported() -> None:
    assert derivkit.check is check
    assert "check" in derivkit.__all__


@pytest.mark.parametrize(("expected", "answer"), [
    (SIGMOID_PRIME, "exp(-z)/(1+exp(-z))^2"),
    (SIGMOID_PRIME, "diff(sigma(z), z)"),
    ("(x+1)^2", "x^2 + 2x + 1"),
    ("2*x*cos(x^2)", "diff(sin(x^2), x)"),
    (r"\sigma(z)(1-\sigma(z))", r"\frac{e^{-z}}{(1+e^{-z})^2}"),
    (r"\frac{d}{dz}\sigma(z)", SIGMOID_PRIME),
])
def test_equivalent_answers(expected: str, answer: str) -> None:
    result = check(expected, answer)
    assert result.verdict == "equivalent", result.message
    assert result.method == "symbolic"
    assert result.counterexample is None
    assert result.exit_code == 0
    assert result.message.startswith("Equivalent")


def test_wrong_answer_has_a_counterexample_in_words() -> None:
    result = check(SIGMOID_PRIME, "sigma(z)*(1+sigma(z))")
    assert result.verdict == "not_equivalent"
    assert result.exit_code == 1
    assert result.method in ("numeric", "symbolic")
    cex = result.counterexample
    assert cex is not None and set(cex.point) == {"z"}
    assert result.message.startswith(f"Not equivalent: at z = {cex.point['z']} your answer is {cex.answer} "
                                     f"but the expected value is {cex.expected}.")
    # the values are those of the two sides at the point
    z = float(cex.point["z"])
    s = 1 / (1 + 2.718281828459045 ** (-z))
    assert float(cex.expected) == pytest.approx(s * (1 - s), rel=1e-9)
    assert float(cex.answer) == pytest.approx(s * (1 + s), rel=1e-9)


def test_latex_done_when() -> None:
    assert check(r"\sigma(z)(1-\sigma(z))", r"\frac{e^{-z}}{(1+e^{-z})^2}", syntax="latex").verdict == "equivalent"
    wrong = check(r"\sigma(z)(1-\sigma(z))", r"\sigma(z)(1+\sigma(z))", syntax="latex")
    assert wrong.verdict == "not_equivalent" and wrong.counterexample is not None


def test_json_has_exactly_the_contract_fields() -> None:
    data = json.loads(check("x^2", "x*x").to_json())
    assert list(data) == ["verdict", "method", "counterexample", "message", "seconds"]
    assert data["verdict"] == "equivalent" and data["method"] == "symbolic" and data["counterexample"] is None
    assert isinstance(data["seconds"], float)
    wrong = json.loads(check("x^2", "x^3").to_json())
    assert set(wrong["counterexample"]) == {"point", "expected", "answer"}
    assert all(isinstance(v, str) for v in wrong["counterexample"]["point"].values())


def test_result_is_frozen_and_exit_codes_follow_the_contract() -> None:
    result = check("x", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "unknown"  # type: ignore[misc]
    assert EXIT_CODES == {"equivalent": 0, "not_equivalent": 1, "invalid": 2, "unknown": 3}
    assert CheckResult("unknown", None, None, "m").exit_code == 3


def test_numeric_only_agreement_is_equivalent_with_method_numeric() -> None:
    # STACK's (x-a)^6000 family: too large to expand, so only screening can decide
    result = check("(x-a)^6000", "((x-a)^2)^3000", timeout=5)
    assert result.verdict == "equivalent", result.message
    assert result.method in ("numeric", "symbolic")
    big = check("(x-a)^5999", "(x-a)^6000", timeout=5)
    assert big.verdict == "not_equivalent"


def test_variable_on_one_side_is_said_plainly() -> None:
    result = check("x^2", "x^2 + w")
    assert result.verdict == "not_equivalent"
    assert "Your answer uses w, which the expected answer does not." in result.message
    reverse = check("x*y", "x")
    assert "The expected answer uses y, which your answer does not." in reverse.message


def test_domain_decides_an_identity_that_holds_only_there() -> None:
    expected, answer = "log(p/(1-p))", "log(p) - log(1-p)"
    assert check(expected, answer).verdict == "not_equivalent"
    on_domain = check(expected, answer, assume={"p": "(0,1)"})
    assert on_domain.verdict == "equivalent"
    assert "p in (0, 1)" in on_domain.message
    assert check(expected, answer, assume=["p=(0,1)"]).verdict == "equivalent"
    assert check("sqrt(x^2)", "x", assume=["x=positive"]).verdict == "equivalent"


def test_bad_domain_is_invalid_with_a_clear_message() -> None:
    result = check("x", "x", assume=["p=(0,1"])
    assert result.verdict == "invalid" and result.exit_code == 2
    assert "bad domain for p" in result.message
    assert check("x", "x", assume=["p"]).verdict == "invalid"
    assert check("x", "x", assume={"2p": "real"}).verdict == "invalid"
    assert check("x", "x", assume={"p": "(1,0)"}).verdict == "invalid"
    with pytest.raises(DomainError):
        parse_assumptions(["x=positive", "x=negative"])


def test_declared_variable_shadows_a_constant() -> None:
    # e is Euler's number unless declared a variable
    assert check("e^x", "exp(x)").verdict == "equivalent"
    assert check("e*x", "x*e", assume={"e": "positive"}).verdict == "equivalent"
    assert check("e^x", "exp(x)", assume={"e": "positive"}).verdict == "not_equivalent"


def test_invalid_input_names_the_side_and_column() -> None:
    result = check("x^2", "x^2 +* 3")
    assert result.verdict == "invalid"
    assert result.message.startswith("Invalid input: Your answer could not be read:")
    assert "column" in result.message
    assert "^" in result.detail  # the caret display
    both = check("(", ")")
    assert "expected answer" in both.message and "your answer" in both.message


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"syntax": "python"}, "syntax"),
    ({"semantics": "real"}, "semantics"),
    ({"timeout": -1}, "timeout"),
    ({"timeout": float("nan")}, "timeout"),
])
def test_bad_arguments_are_invalid_not_exceptions(kwargs: dict, word: str) -> None:
    result = check("x", "x", **kwargs)
    assert result.verdict == "invalid" and word in result.message


def test_non_text_input_is_invalid() -> None:
    assert check(1, "x").verdict == "invalid"  # type: ignore[arg-type]
    assert check("x", None).verdict == "invalid"  # type: ignore[arg-type]


def test_natural_semantics_compares_where_both_sides_are_real() -> None:
    expected, answer = "2*log(a) + log(b)", "log(a^2*b)"
    assert check(expected, answer).verdict == "not_equivalent"  # a = -1: log(-1) = i*pi
    assert check(expected, answer, semantics="natural").verdict == "equivalent"


def test_natural_semantics_with_the_imaginary_unit_compares_complex_values() -> None:
    result = check("E^(I*t)", "cos(t) + I*sin(t)", semantics="natural")
    assert result.verdict == "equivalent"
    assert "complex" in result.message
    assert check("E^(I*200*t)", "E^(I*199*t)", semantics="natural").verdict == "not_equivalent"


def test_natural_semantics_falls_back_when_a_side_is_nowhere_real() -> None:
    result = check("(5*sqrt(2)-7)^7", "(19601-13861*sqrt(2))^(7/4)", semantics="natural")
    assert result.verdict == "not_equivalent"
    assert "not real anywhere" in result.message


def test_close_but_different_rationals_are_refuted_in_both_semantics() -> None:
    for semantics in ("principal", "natural"):
        assert check("99999998/99999999", "99999999/10^8", semantics=semantics).verdict == "not_equivalent"


def test_worker_task_directly() -> None:
    request = make_request("x+1", "1+x")
    assert not isinstance(request, CheckResult)
    assert run_check(request).verdict == "equivalent"


# -- naming the mistake ---------------------------------------------------------------


def test_sign_flip_is_named() -> None:
    result = check("-sin(x)", "sin(x)")
    assert result.verdict == "not_equivalent"
    assert result.diagnosis is not None and "sign" in result.diagnosis
    assert result.diagnosis in result.message


def test_missing_chain_rule_factor_is_named() -> None:
    result = check("2*x*cos(x^2)", "cos(x^2)")
    assert result.diagnosis is not None
    assert "missing factor" in result.diagnosis or "lacks the factor 2*x" in result.diagnosis
    assert "the derivative of the inner function x^2" in result.diagnosis


def test_missing_chain_rule_factor_of_a_sigmoid() -> None:
    result = check("diff(sigma(3*z^2), z)", "sigma(3*z^2)*(1-sigma(3*z^2))")
    assert result.diagnosis is not None and "6*z" in result.diagnosis and "3*z^2" in result.diagnosis


def test_constant_factor_is_named() -> None:
    result = check("x^3/3", "x^3")
    assert result.diagnosis is not None and "constant factor" in result.diagnosis and "3 times" in result.diagnosis


def test_constant_term_is_named() -> None:
    result = check("x^2 + 1", "x^2 + 3")
    assert result.diagnosis is not None and "2 more" in result.diagnosis


def test_unrecognised_mistake_has_no_diagnosis() -> None:
    result = check("x^2 + x", "x^3 - 1")
    assert result.verdict == "not_equivalent" and result.diagnosis is None


def test_diagnosis_can_be_turned_off() -> None:
    assert check("-sin(x)", "sin(x)", diagnose=False).diagnosis is None


# -- the ML answers corpus (tests/data/ml_answers.jsonl, also used by bench/check_latency.py) --


def test_ml_answers_corpus() -> None:
    from pathlib import Path

    from derivkit.grading.batch import Defaults, grade_batch, read_jsonl

    path = Path(__file__).resolve().parents[1] / "data" / "ml_answers.jsonl"
    expected = [json.loads(line)["verdict"] for line in path.read_text(encoding="utf-8").splitlines()]
    results = grade_batch(read_jsonl(path.read_bytes(), Defaults(timeout=10)), jobs=2, timeout=10, diagnose=False)
    wrong = [(i + 1, r.verdict, r.message) for i, (r, v) in enumerate(zip(results, expected)) if r.verdict != v]
    assert not wrong


def test_complex_counterexample_says_how_to_declare_the_domain():
    from derivkit import check

    result = check("log(p/(1-p))", "log(p)-log(1-p)")
    assert result.verdict == "not_equivalent"
    assert "--assume p=(0,1)" in result.message
    assert check("log(p/(1-p))", "log(p)-log(1-p)", assume={"p": "(0,1)"}).verdict == "equivalent"
