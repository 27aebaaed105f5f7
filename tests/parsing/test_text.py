"""The plain-text parser: the contract's syntax, constants, errors with columns, and limits."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivkit.errors import DerivkitError, ParseError
from derivkit.functions import logit, logsumexp, sigmoid, softplus
from derivkit.parsing import ParseLimits, detect_syntax, parse, parse_latex, parse_text, parse_tree
from derivkit.parsing.nodes import Num, Product, Sum

x, y, z, p, a, b = sp.symbols("x y z p a b")


def same(got: sp.Expr, want: sp.Expr) -> bool:
    """Structural equality, or a zero difference after simplification."""
    return got == want or sp.simplify(got - want) == 0


def error_of(text: str, syntax: str = "text", **kwargs: object) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text, syntax, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- the contract's syntax -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("2(z+1)", 2 * (z + 1)),
    ("2z", 2 * z),
    ("(a+b)(a-b)", (a + b) * (a - b)),
    ("x + y*z", x + y * z),
    ("x - y - z", x - y - z),
    ("x/y/z", x / (y * z)),
    ("1/2x", x / 2),
    ("x^2", x**2),
    ("x**2", x**2),
    ("2^3^2", sp.Integer(512)),          # right-associative
    ("-x^2", -(x**2)),                     # power binds tighter than unary minus
    ("-2^2", sp.Integer(-4)),
    ("2^-1", sp.Rational(1, 2)),
    ("2^-x^2", 2 ** (-(x**2))),
    ("+x", x),
    ("--x", x),
    ("[x+1]*2", 2 * x + 2),
    ("|x| + |y|", sp.Abs(x) + sp.Abs(y)),
    ("2|x|", 2 * sp.Abs(x)),
    ("|x - |y||", sp.Abs(x - sp.Abs(y))),
    ("||x| - |y||", sp.Abs(sp.Abs(x) - sp.Abs(y))),
    ("|x||y|", sp.Abs(x) * sp.Abs(y)),
    ("(|x|)(|y|)", sp.Abs(x) * sp.Abs(y)),
    ("2 x", 2 * x),
])
def test_arithmetic(text: str, want: sp.Expr) -> None:
    assert parse(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("0.5", sp.Rational(1, 2)),
    (".25", sp.Rational(1, 4)),
    ("1e-3", sp.Rational(1, 1000)),
    ("2.5e2", sp.Integer(250)),
    ("1E3", sp.Integer(1000)),
    ("2e", 2 * sp.E),                      # no digits after e: Euler's number
    ("0.1 + 0.2", sp.Rational(3, 10)),     # exact, not floating point
])
def test_numbers_are_exact(text: str, want: sp.Expr) -> None:
    got = parse(text)
    assert got == want
    assert not got.has(sp.Float)


def test_names_are_plain_symbols() -> None:
    got = parse("rho + epsilon_0 + z1 + y_2 + xy + Z")
    assert got == sum(sp.Symbol(n) for n in ("rho", "epsilon_0", "z1", "y_2", "xy", "Z"))
    for symbol in got.free_symbols:
        assert symbol == sp.Symbol(symbol.name)  # no assumptions attached


def test_constants_unless_declared() -> None:
    assert parse("e") == sp.E and parse("E") == sp.E
    assert parse("pi") == sp.pi and parse("I") == sp.I
    assert parse("i") == sp.Symbol("i")  # not the imaginary unit
    assert parse("e^x") == sp.exp(x)
    assert parse("e^x", variables=["e"]) == sp.Symbol("e") ** x
    assert parse("pi*r", variables={"pi"}) == sp.Symbol("pi") * sp.Symbol("r")
    assert parse("I", variables=("I",)) == sp.Symbol("I")


@pytest.mark.parametrize(("text", "want"), [
    ("exp(z)", sp.exp(z)),
    ("log(x)", sp.log(x)),
    ("ln(x)", sp.log(x)),
    ("log(8, 2)", sp.Integer(3)),
    ("log(x, b)", sp.log(x) / sp.log(b)),
    ("sqrt(x)", sp.sqrt(x)),
    ("abs(x)", sp.Abs(x)),
    ("sin(x)+cos(x)+tan(x)", sp.sin(x) + sp.cos(x) + sp.tan(x)),
    ("sinh(x)*cosh(x)*tanh(x)", sp.sinh(x) * sp.cosh(x) * sp.tanh(x)),
    ("sec(x)+csc(x)+cot(x)", sp.sec(x) + sp.csc(x) + sp.cot(x)),
    ("asin(x)+acos(x)+atan(x)", sp.asin(x) + sp.acos(x) + sp.atan(x)),
    ("arcsin(x)", sp.asin(x)),
    ("asinh(x)+acosh(x)+atanh(x)", sp.asinh(x) + sp.acosh(x) + sp.atanh(x)),
    ("csch(x)+sech(x)+coth(x)", sp.csch(x) + sp.sech(x) + sp.coth(x)),
    ("sign(x)", sp.sign(x)),
    ("factorial(5)", sp.Integer(120)),
    ("binomial(5, 2)", sp.Integer(10)),
    ("sigma(z)", sigmoid(z)),
    ("sigmoid(z)", sigmoid(z)),
    ("logit(p)", logit(p)),
    ("softplus(x)", softplus(x)),
    ("logsumexp(a, b)", logsumexp(a, b)),
    ("sigma(z)(1-sigma(z))", sigmoid(z) * (1 - sigmoid(z))),
    ("root(x, 3)", x ** sp.Rational(1, 3)),
])
def test_functions(text: str, want: sp.Expr) -> None:
    assert parse(text) == want


def test_sigmoid_is_the_logistic_function() -> None:
    assert same(parse("sigma(z)").rewrite(sp.exp), 1 / (1 + sp.exp(-z)))


@pytest.mark.parametrize(("text", "want"), [
    ("diff(sigma(z), z)", sigmoid(z) * (1 - sigmoid(z))),
    ("diff(x^3, x)", 3 * x**2),
    ("diff(x^3, x, 2)", 6 * x),
    ("diff(x*y, y)", x),
    ("diff(diff(x^2*y^2, x), y)", 4 * x * y),
    ("diff(-(y*log(p) + (1-y)*log(1-p)), p)", -y / p + (1 - y) / (1 - p)),
])
def test_derivatives_are_evaluated(text: str, want: sp.Expr) -> None:
    got = parse(text)
    assert not got.has(sp.Derivative)
    assert same(got, want)


def test_derivatives_are_taken_on_the_reals() -> None:
    """The default domain is real: d|x|/dx is sign(x), and the result has plain symbols again."""
    got = parse("diff(abs(x), x)")
    assert got == sp.sign(x)
    assert all(s == sp.Symbol(s.name) for s in got.free_symbols)
    assert parse("diff(abs(x - y), y)") == -sp.sign(x - y)


def test_declared_variable_before_bracket_multiplies() -> None:
    assert parse("z(1-z)", variables=["z"]) == z * (1 - z)
    assert parse("sigma(z)", variables=["sigma"]) == sp.Symbol("sigma") * z
    assert parse("e(x+1)") == sp.E * (x + 1)  # a constant is not a function


@pytest.mark.parametrize(("text", "want"), [
    ("σ(z)", sigmoid(z)),
    ("2·x", 2 * x),
    ("2×x", 2 * x),
    ("x − 1", x - 1),
    ("x²", x**2),
    ("x³ + 2x²", x**3 + 2 * x**2),
    ("x⁻¹", 1 / x),
    ("√x", sp.sqrt(x)),
    ("√(x+1)", sp.sqrt(x + 1)),
    ("√2x", sp.sqrt(2) * x),               # √ takes the next atom
    ("π", sp.pi),
    ("2πr", 2 * sp.pi * sp.Symbol("r")),
    ("θ + λ", sp.Symbol("theta") + sp.Symbol("lambda")),
])
def test_unicode(text: str, want: sp.Expr) -> None:
    assert parse(text) == want


# -- API -------------------------------------------------------------------------------------------

def test_syntax_detection() -> None:
    assert detect_syntax("x^2") == "text"
    assert detect_syntax(r"\frac12") == "latex"
    assert detect_syntax("x^{2}") == "latex"
    assert parse("xy") == sp.Symbol("xy")          # auto -> text: one name
    assert parse("xy", "latex") == x * y           # LaTeX: a product
    assert parse("x^{2}") == x**2                  # auto -> LaTeX because of the brace


def test_entry_points_agree() -> None:
    assert parse_text("2z") == parse("2z", "text") == 2 * z
    assert parse_latex(r"\frac{1}{2}") == parse(r"\frac{1}{2}", "latex") == sp.Rational(1, 2)


def test_parse_returns_expr() -> None:
    assert isinstance(parse("x+1"), sp.Expr)


def test_tree_is_flat_and_frozen() -> None:
    tree = parse_tree("1+2+3+4")
    assert isinstance(tree, Sum) and len(tree.terms) == 4
    assert isinstance(parse_tree("2*x*y/z"), Product)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.col = 3  # type: ignore[misc]
    assert isinstance(parse_tree("7"), Num)


def test_limits_are_frozen_and_validated() -> None:
    limits = ParseLimits()
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_length = 5  # type: ignore[misc]
    with pytest.raises(ValueError):
        ParseLimits(max_depth=0)
    assert ParseLimits(max_seconds=0.5).max_seconds == 0.5


@pytest.mark.parametrize("bad", [None, 12, b"x+1", ["x"]])
def test_non_string_input_is_a_parse_error(bad: object) -> None:
    with pytest.raises(ParseError):
        parse(bad)  # type: ignore[arg-type]


def test_bad_arguments_are_parse_errors() -> None:
    with pytest.raises(ParseError, match="unknown syntax"):
        parse("x", "python")
    with pytest.raises(ParseError, match="variable names must be strings"):
        parse("x", variables=[1])  # type: ignore[list-item]
    with pytest.raises(ParseError, match="empty"):
        parse("   ")


# -- errors: what, where, how to fix --------------------------------------------------------------

def test_parse_error_is_a_derivkit_error() -> None:
    err = error_of("x +")
    assert isinstance(err, DerivkitError) and isinstance(err, ValueError)


def test_unknown_function_suggestion() -> None:
    err = error_of("1 + sigmoid_(z)")
    assert err.message == "unknown function 'sigmoid_'; did you mean sigmoid?"
    assert err.column == 4
    rendered = str(err)
    assert "at column 5" in rendered
    assert rendered.splitlines()[1:3] == ["  1 + sigmoid_(z)", "      ^"]


def test_unknown_function_without_suggestion_says_how_to_multiply() -> None:
    err = error_of("x(y+1)")
    assert err.message == "unknown function 'x'"
    assert "x*(...)" in err.hint


@pytest.mark.parametrize(("text", "message", "column"), [
    ("x +", "expression ends too early after '+'", 3),
    ("(x+1", "'(' is never closed", 0),
    ("x+1)", "unmatched closing bracket", 3),
    ("(x+1]", "'(' at column 1 is closed by ']'", 4),
    ("()", "empty brackets '()'", 0),
    ("* x", "'*' needs something on its left", 0),
    ("x y", "missing operator between 'x' and 'y'", 2),
    ("x 2", "missing operator between 'x' and the number '2'", 2),
    ("(x)2", "missing operator between ')' and the number '2'", 3),
    ("sin x", "function 'sin' needs its argument in parentheses", 0),
    ("sigma", "function 'sigma' needs its argument in parentheses", 0),
    ("sin()", "sin() needs an argument", 4),
    ("sin(x, y)", "sin takes 1 argument, got 2", 0),
    ("binomial(5)", "binomial takes 2 arguments, got 1", 0),
    ("x, y", "',' is only allowed between the arguments of a function", 1),
    ("|x", "'|' is never closed", 0),
    ("diff(x^2)", "diff takes 2 or 3 arguments, got 1", 0),
    ("diff(x^2, 2)", "the second argument of diff must be a variable name", 10),
    ("diff(x^2, x, 0)", "the order of diff must be a whole number from 1 to 10 (max_derivative_order)", 13),
    ("diff(x^2, x, 1/2)", "the order of diff must be a whole number", 14),
    ("diff(x^2, x, 11)", "the order of diff must be a whole number from 1 to 10", 13),
    ("diff(x^2, e)", "cannot differentiate with respect to the constant 'e'", 10),
    ("x ü", "character 'ü' (U+00FC) is not allowed", 2),
    ("x\u200b", "character '\\u200b' (U+200B) is not allowed", 1),
    ("x⁻", "superscript minus '⁻' must be followed by superscript digits", 1),
    ("x\\y", "'\\' is not allowed in the text syntax", 1),
    ("x!", "'!' is not allowed", 1),
    ("1" * 101, "number with 101 digits is longer than the limit of 100 (max_integer_digits)", 0),
    ("1e101", "exponent in '1e101' is larger than the limit of 100 (max_integer_digits)", 0),
])
def test_error_messages_and_columns(text: str, message: str, column: int) -> None:
    err = error_of(text)
    assert err.message.startswith(message)
    assert err.column == column
    assert err.hint  # every error says how to fix it


def test_diff_of_a_declared_constant_name() -> None:
    assert parse("diff(e*x, e)", variables=["e"]) == x


def test_deep_but_allowed_nesting() -> None:
    assert parse("(" * 90 + "x" + ")" * 90) == x
    assert parse("sin(" * 40 + "x" + ")" * 40).count(sp.sin) == 40


def test_long_flat_chains_are_not_deep() -> None:
    assert parse("+".join(["x"] * 2000)) == 2000 * x
    assert parse("*".join(["2"] * 500)) == 2**500
