"""derivkit.testing.assert_equivalent: passes on proofs (and numeric agreement), fails with the
counterexample, and says honestly when the engine could not decide."""

from __future__ import annotations

import pytest
import sympy as sp

from derivkit import sigmoid
from derivkit.engine.equivalence import Verdict
from derivkit.errors import ParseError
from derivkit.testing import assert_equivalent

z, x, t, u = sp.symbols("z x t u")


def test_sympy_expressions_that_are_equal_pass_and_return_the_verdict():
    verdict = assert_equivalent(sp.diff(1 / (1 + sp.exp(-z)), z), sigmoid(z) * (1 - sigmoid(z)))
    assert verdict.status == "proved"


def test_strings_are_parsed_in_the_safe_syntax_text_and_latex():
    assert assert_equivalent("sigma(z) * (1 - sigma(z))", "diff(sigma(z), z)").status == "proved"
    assert assert_equivalent(r"\frac{1}{1+e^{-z}}", "sigma(z)").status == "proved"
    assert assert_equivalent("2z + 2", sp.Integer(2) * (sp.Symbol("z") + 1)).status == "proved"


def test_assume_restricts_the_domain():
    assert_equivalent("log(p/(1-p))", "log(p) - log(1-p)", assume={"p": "(0,1)"})
    with pytest.raises(AssertionError, match=r"not equivalent.*at p = 2"):
        assert_equivalent("log(p/(1-p))", "log(p) - log(1-p)")


def test_assume_declares_e_as_a_variable():
    # with e declared, 'e' is a variable and e*e = e^2 holds for it; log(e) = 1 would not
    assert_equivalent("e*e", "e^2", assume={"e": "positive"})
    with pytest.raises(AssertionError):
        assert_equivalent("log(e)", "1", assume={"e": "positive"})
    assert_equivalent("log(e)", "1")  # Euler's number when not declared


def test_a_wrong_answer_fails_with_the_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_equivalent("sigma(z)", "sigma(-z)")
    text = str(info.value)
    assert "not equivalent" in text and "z = " in text
    assert "0.622459" in text and "0.377540" in text  # sigma(1/2) and sigma(-1/2), computed


def test_msg_prefixes_the_failure():
    with pytest.raises(AssertionError, match=r"^my step 3: "):
        assert_equivalent(z + 1, z + 2, msg="my step 3")


def test_numeric_agreement_passes_unless_a_proof_is_required():
    a, b = sp.Max(0, x) + sp.Min(0, x), x  # true, but no rung proves it
    verdict = assert_equivalent(a, b)
    assert verdict.status == "numeric"
    with pytest.raises(AssertionError, match="no symbolic proof"):
        assert_equivalent(a, b, require_proof=True)


def test_undecided_fails_and_says_it_could_not_decide():
    a = sp.Integral(sp.exp(-x * t**4) * sp.cos(t), (t, 0, 1))
    b = sp.Integral(sp.exp(-x * u**4) * sp.cos(u), (u, 0, 1))
    with pytest.raises(AssertionError, match="could not decide.*neither proved nor refuted"):
        assert_equivalent(a, b)


def test_unknown_message_carries_the_engine_reason(monkeypatch: pytest.MonkeyPatch):
    unknown = Verdict("unknown", None, message="could not decide: time budget spent")
    monkeypatch.setattr("derivkit.testing.equivalent", lambda *args, **kwargs: unknown)
    with pytest.raises(AssertionError, match="time budget spent"):
        assert_equivalent(z, z + 0 * x)


def test_bad_input_raises_parse_error_not_assertion_error():
    with pytest.raises(ParseError):
        assert_equivalent("2 +* z", "z")
    with pytest.raises(TypeError):
        assert_equivalent([1, 2], "z")


def test_numbers_are_accepted():
    assert_equivalent("sin(x)^2 + cos(x)^2", 1)
    assert_equivalent(0.5, "1/2")
