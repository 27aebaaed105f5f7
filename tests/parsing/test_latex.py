r"""The LaTeX parser: fractions, scripts, \left..\right, functions, derivatives, errors."""

from __future__ import annotations

import pytest
import sympy as sp

from derivkit.errors import ParseError
from derivkit.functions import logit, sigmoid, softplus
from derivkit.parsing import parse, parse_latex

x, y, z, p, n, r = sp.symbols("x y z p n r")


def same(got: sp.Expr, want: sp.Expr) -> bool:
    return got == want or sp.simplify(got - want) == 0


def latex_error(text: str, **kwargs: object) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_latex(text, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- the contract's examples -----------------------------------------------------------------------

def test_cross_entropy_terms() -> None:
    got = parse_latex(r"y\ln(p)+(1-y)\ln(1-p)")
    assert got == y * sp.log(p) + (1 - y) * sp.log(1 - p)


def test_left_right_sigmoid() -> None:
    assert parse_latex(r"\left(1+e^{-z}\right)^{-1}") == 1 / (1 + sp.exp(-z))
    assert parse_latex(r"\frac{1}{1+e^{-z}}") == 1 / (1 + sp.exp(-z))


def test_derivative_of_sigmoid() -> None:
    got = parse_latex(r"\frac{d}{dz}\sigma(z)")
    assert same(got, sigmoid(z) * (1 - sigmoid(z)))
    assert not got.has(sp.Derivative)


@pytest.mark.parametrize(("text", "want"), [
    (r"\frac{1}{2}", sp.Rational(1, 2)),
    (r"\dfrac{x}{y}", x / y),
    (r"\tfrac{x}{y}", x / y),
    (r"\frac12", sp.Rational(1, 2)),
    (r"\frac 1 2", sp.Rational(1, 2)),
    (r"\frac1x", 1 / x),
    (r"\frac{1}2", sp.Rational(1, 2)),
    (r"\frac{\pi}{2}", sp.pi / 2),
    (r"\frac\pi2", sp.pi / 2),
    (r"x^{2}", x**2),
    (r"x^2", x**2),
    (r"x^{-1}", 1 / x),
    (r"x^{10}", x**10),
    (r"x^\pi", x**sp.pi),
    (r"a^{b^{c}}", sp.Symbol("a") ** (sp.Symbol("b") ** sp.Symbol("c"))),
    (r"-x^2", -(x**2)),
    (r"2 \cdot 3 \times x", 6 * x),
    (r"6 \div 3", sp.Integer(2)),
    (r"x * y", x * y),
    (r"xy", x * y),                                        # adjacent letters multiply
    (r"2z", 2 * z),
    (r"2(z+1)", 2 * (z + 1)),
    (r"0.5x", x / 2),
    (r"\left[x+1\right]", x + 1),
    (r"\left\{x+1\right\}", x + 1),
    (r"{x+1}^2", (x + 1) ** 2),
    (r"|x|", sp.Abs(x)),
    (r"\left|x\right|", sp.Abs(x)),
    (r"\lvert x \rvert", sp.Abs(x)),
    (r"\left. x \right.", x),
    (r"\bigl( x \bigr)", x),
    (r"\sqrt{x}", sp.sqrt(x)),
    (r"\sqrt2", sp.sqrt(2)),
    (r"\sqrt{x+1}", sp.sqrt(x + 1)),
    (r"\sqrt[3]{x}", x ** sp.Rational(1, 3)),
    (r"\sqrt[n]{x}", x ** (1 / n)),
    (r"\binom{5}{2}", sp.Integer(10)),
    (r"\pi r^2", sp.pi * r**2),
    (r"e^{x}", sp.exp(x)),
    (r"\mathrm{e}^{x}", sp.exp(x)),
    (r"\exp(x)", sp.exp(x)),
    (r"\exp\left(-z\right)", sp.exp(-z)),
    (r"\log(1-p)", sp.log(1 - p)),
    (r"\ln p", sp.log(p)),
    (r"\ln p^2", sp.log(p**2)),                           # the argument keeps its power
    (r"\ln(p)^2", sp.log(p) ** 2),                         # a bracketed argument does not
    (r"\ln|x|", sp.log(sp.Abs(x))),
    (r"\sin x", sp.sin(x)),
    (r"\sin x \cos x", sp.sin(x) * sp.cos(x)),
    (r"\sin^2 x + \cos^2 x", sp.sin(x) ** 2 + sp.cos(x) ** 2),
    (r"\tanh(x) + \sinh(x) + \cosh(x)", sp.tanh(x) + sp.sinh(x) + sp.cosh(x)),
    (r"\tan x", sp.tan(x)),
    (r"\arctan x", sp.atan(x)),
    (r"\log_2 8", sp.Integer(3)),
    (r"\log_{b} x", sp.log(x) / sp.log(sp.Symbol("b"))),
    (r"\sigma(z)", sigmoid(z)),
    (r"\sigma\left(z\right)", sigmoid(z)),
    (r"\sigma(z)(1-\sigma(z))", sigmoid(z) * (1 - sigmoid(z))),
    (r"\sigma^2(z)", sigmoid(z) ** 2),
    (r"\operatorname{sigmoid}(z)", sigmoid(z)),
    (r"\operatorname{softplus}(x)", softplus(x)),
    (r"\mathrm{logit}(p)", logit(p)),
    (r"\mathrm{exp}(x)", sp.exp(x)),
    (r"\displaystyle \frac{1}{2}\,x\;+\!\quad y~", x / 2 + y),
    (r"$x^2$", x**2),
    (r"$$x^2$$", x**2),
    (r"\(x^2\)", x**2),
    (r"\[x^2\]", x**2),
    (r"2 \times 10^{-3}", sp.Rational(1, 500)),
    (r"x²", x**2),
    (r"σ(z)", sigmoid(z)),
])
def test_latex(text: str, want: sp.Expr) -> None:
    assert parse_latex(text) == want


@pytest.mark.parametrize(("text", "want"), [
    (r"z_1", sp.Symbol("z1")),
    (r"z_{1}", sp.Symbol("z1")),
    (r"y_{k}", sp.Symbol("yk")),
    (r"w_{ij}", sp.Symbol("wij")),
    (r"z_{12}", sp.Symbol("z12")),
    (r"\theta_1", sp.Symbol("theta1")),
    (r"\sigma_1", sp.Symbol("sigma1")),
    (r"x_\alpha", sp.Symbol("xalpha")),
    (r"z_1^2", sp.Symbol("z1") ** 2),
    (r"\alpha\beta", sp.Symbol("alpha") * sp.Symbol("beta")),
    (r"\lambda + \mu + \epsilon + \varepsilon", sp.Symbol("lambda") + sp.Symbol("mu") + 2 * sp.Symbol("epsilon")),
    (r"\text{lr} \cdot g", sp.Symbol("lr") * sp.Symbol("g")),
    (r"\mathrm{loss}_2", sp.Symbol("loss2")),
])
def test_names(text: str, want: sp.Expr) -> None:
    assert parse_latex(text) == want


def test_declared_variables() -> None:
    rho = sp.Symbol("rho")
    assert parse_latex(r"\rho z") == rho * z
    assert parse_latex("rhoz", variables=["rho"]) == rho * z      # a declared multi-letter name
    assert parse_latex("rho") == sp.Symbol("r") * sp.Symbol("h") * sp.Symbol("o")
    assert parse_latex("e^{x}", variables=["e"]) == sp.Symbol("e") ** x
    assert parse_latex(r"\mathrm{e}^{x}", variables=["e"]) == sp.exp(x)  # upright e stays Euler's
    assert parse_latex(r"\sigma", variables=["sigma"]) == sp.Symbol("sigma")
    assert parse_latex(r"\sigma^2", variables=["sigma"]) == sp.Symbol("sigma") ** 2
    assert parse_latex("y_2", variables=["y_2"]) == sp.Symbol("y_2")  # the declared spelling wins
    assert parse_latex(r"\pi", variables=["pi"]) == sp.Symbol("pi")


@pytest.mark.parametrize(("text", "want"), [
    (r"\frac{d}{dz} z^2", 2 * z),
    (r"\frac{d}{dz}\left(z^2 + \sigma(z)\right)", 2 * z + sigmoid(z) * (1 - sigmoid(z))),
    (r"\frac{d}{dz} 2z + 1", sp.Integer(3)),                   # the operator takes the product only
    (r"\frac{d}{dz} z \cdot y", y),
    (r"2\frac{d}{dz}z^2", 4 * z),
    (r"\dfrac{d}{dz} z^3", 3 * z**2),
    (r"\frac{d^2}{dz^2} z^3", 6 * z),
    (r"\frac{d^{2}}{dz^{2}} z^3", 6 * z),
    (r"\frac{\partial}{\partial z} z^2 y", 2 * z * y),
    (r"\frac{\partial^2}{\partial x^2} x^3", 6 * x),
    (r"\frac{\partial (z^2)}{\partial z}", 2 * z),
    (r"\frac{\partial (z)}{\partial z}", sp.Integer(1)),    # brackets make it an expression
    (r"\frac{\partial \left(z^2 y\right)}{\partial y}", z**2),
    (r"\frac{d\sigma(z)}{dz}", sigmoid(z) * (1 - sigmoid(z))),
    (r"\frac{d (x^3)}{dx}", 3 * x**2),
    (r"\frac{\mathrm{d}}{\mathrm{d}z} z^2", 2 * z),
    (r"\frac{d}{dz_1} z_1^2", 2 * sp.Symbol("z1")),
    (r"\frac{d}{d\theta} \theta^2", 2 * sp.Symbol("theta")),
    (r"\frac{d}{dz}\frac{d}{dz} z^3", 6 * z),
    (r"\left(\frac{d}{dz} z^2\right)^2", 4 * z**2),
    (r"\frac{d}{dp}\left(-y\ln(p)-(1-y)\ln(1-p)\right)", -y / p + (1 - y) / (1 - p)),
    (r"\frac{d}{dx}|x|", sp.sign(x)),
])
def test_derivatives(text: str, want: sp.Expr) -> None:
    got = parse_latex(text)
    assert not got.has(sp.Derivative)
    assert same(got, want)


def test_d_is_not_a_variable_in_derivatives_only() -> None:
    d = sp.Symbol("d")
    assert parse_latex(r"\frac{d}{2}") == d / 2
    assert parse_latex(r"\frac{dx}{2}") == d * x / 2
    assert parse_latex("dz") == d * z
    assert not parse_latex(r"\frac{d}{dz} z").has(d)


# -- errors ----------------------------------------------------------------------------------------

def test_unknown_command_suggestion() -> None:
    err = latex_error(r"1 + \sigm(z)")
    assert err.message == "unknown LaTeX command '\\sigm'; did you mean \\sigma?"
    assert err.column == 4
    assert "at column 5" in str(err)


@pytest.mark.parametrize("command", [
    "input", "include", "write", "def", "newcommand", "renewcommand", "csname", "catcode",
    "immediate", "openout", "read", "let", "usepackage", "begin", "expandafter",
])
def test_tex_programming_commands_are_refused(command: str) -> None:
    err = latex_error("x + \\" + command + "{/etc/passwd}")
    assert err.message == f"'\\{command}' is not allowed: derivkit reads formulas, not TeX programs"
    assert err.column == 4


def test_write18_is_refused() -> None:
    err = latex_error(r"\immediate\write18{rm -rf /}")
    assert "not allowed" in err.message and err.column == 0
    err = latex_error(r"x\write18{rm -rf /}")
    assert err.message.startswith("'\\write' is not allowed") and err.column == 1


@pytest.mark.parametrize(("text", "message", "column"), [
    (r"\sigma", "'\\sigma' without an argument is ambiguous", 0),
    (r"\sigma z", "'\\sigma' without an argument is ambiguous", 0),
    (r"x^10", "superscript '10' needs braces", 2),
    (r"x^-1", "a negative superscript needs braces", 2),
    (r"x^", "missing superscript after '^'", 2),
    (r"x^2^3", "double superscript", 3),
    (r"x_12", "subscript '12' needs braces", 2),
    (r"x_", "missing subscript after '_'", 2),
    (r"x_{}", "empty subscript", 2),
    (r"x_1_2", "double subscript", 3),
    (r"x_{+}", "a subscript may only contain letters and digits", 3),
    (r"(x)_1", "'_' (subscript) is only allowed directly after a variable name", 3),
    (r"x2", "missing operator before the number '2'", 1),
    (r"\frac{dy}{dx}", "a derivative of a bare variable is ambiguous here", 6),
    (r"\frac{d}{dz}", "missing the expression to differentiate after '\\frac'", 12),
    (r"\frac{d^2}{dz} z", "could not read the denominator of this derivative", 11),
    (r"\frac{d}{\partial z} z", "the derivative mixes d and \\partial", 9),
    (r"\frac{d}{d2} z", "expected the variable after 'd' in the denominator", 10),
    (r"\frac{d^{11}}{dz^{11}} z", "the order of a derivative must be a whole number from 1 to 10", 7),
    (r"\frac{1}", "missing argument after '\\frac'", 8),
    (r"\frac{1}{", "expression ends too early after '{'", 9),
    (r"\frac+1", "the argument after '\\frac' needs braces", 5),
    (r"{x", "'{' is never closed", 0),
    (r"x}", "unmatched '}'", 1),
    (r"\left(x\right]", "'(' at column 6 is closed by ']'", 13),
    (r"\sin^{-1} x", "'\\sin^{-1}' is ambiguous", 0),
    (r"\ln", "'\\ln' needs an argument in parentheses", 3),
    (r"\ln + x", "'\\ln' needs an argument in parentheses", 4),
    (r"\mathrm{d}", "'\\mathrm{d}' is only understood in a derivative", 0),
    (r"\mathrm{x+y}", "\\mathrm{...} may only contain a plain name", 0),
    (r"\mathrm", "\\mathrm must be followed by a name in braces", 0),
    (r"\partial z", "'\\partial' is not supported: \\partial is only understood inside", 0),
    (r"\sum_i x_i", "'\\sum' is not supported", 0),
    (r"x \\ y", "line breaks '\\\\' are not allowed", 2),
    ("x \\", "a lone '\\' at the end of the input", 2),
    (r"f'(x)", "primes are not supported", 1),
    (r"x, y", "',' is not allowed in LaTeX input", 1),
    (r"x % y", "'%' starts a TeX comment and is not allowed", 2),
    (r"a & b", "'&' (alignment) is not allowed", 2),
    (r"x = 1", "'=' is not allowed", 2),
    (r"x $ y", "'$' is only allowed around the whole formula", 2),
    (r"\foo", "unknown LaTeX command '\\foo'", 0),
])
def test_latex_errors(text: str, message: str, column: int) -> None:
    err = latex_error(text)
    assert err.message.startswith(message)
    assert err.column == column
    assert err.hint


def test_exp_bounded_in_latex() -> None:
    with pytest.raises(ParseError, match="max_power_bits"):
        parse_latex(r"9^{9^{9}}")
    with pytest.raises(ParseError, match="max_factorial"):
        parse_latex(r"\binom{10^{6}}{3}")


def test_auto_picks_latex_for_backslashes_and_braces() -> None:
    assert parse(r"\frac{d}{dz} z^2") == 2 * z
    assert parse("e^{-z}") == sp.exp(-z)
