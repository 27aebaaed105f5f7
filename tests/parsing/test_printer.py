"""Expression printing for handouts: textbook LaTeX, gradable plain text, escaping, line breaks."""

from __future__ import annotations

import jinja2
import pytest
import sympy as sp

from derivkit import sigmoid
from derivkit.parsing import parse_text
from derivkit.handouts import environment, linebreak
from derivkit.handouts.latex_printer import to_latex
from derivkit.parsing.printer import answer_text

z = sp.Symbol("z", real=True)
x, y = sp.symbols("x y", real=True)
i, j, k = sp.symbols("i j k", integer=True)
K = sp.Symbol("K", integer=True, positive=True)
Z = sp.IndexedBase("z")


@pytest.mark.parametrize(("expr", "tex"), [
    (sigmoid(z), r"\sigma\left(z\right)"),
    (sigmoid(z) * (1 - sigmoid(z)), r"\sigma\left(z\right) \left(1 - \sigma\left(z\right)\right)"),
    (1 / (1 + sp.exp(-z)), r"\frac{1}{1 + e^{- z}}"),
    (1 - sp.exp(z) / (1 + sp.exp(z)), r"1 - \frac{e^{z}}{1 + e^{z}}"),
    (x**2 + y**2 - 1, r"x^{2} + y^{2} - 1"),
    (sp.Derivative(sigmoid(z), z), r"\frac{d}{dz} \sigma\left(z\right)"),
    (sp.Derivative(x * y, x), r"\frac{\partial}{\partial x} \left(x y\right)"),
    (sp.Derivative(sp.Function("f")(x), x, 2), r"\frac{d^{2}}{dx^{2}} f{\left(x \right)}"),
    (sp.KroneckerDelta(i, j), r"\delta_{ij}"),
    (Z[k], r"z_{k}"),
    (Z[sp.Idx("k", (1, K))], r"z_{k}"),
    (sp.Sum(sp.exp(Z[k]), (k, 1, K)), r"\sum_{k=1}^{K} e^{z_{k}}"),
    (-y * sp.log(sigmoid(z)) - (1 - y) * sp.log(1 - sigmoid(z)),
     r"- y \log{\left(\sigma\left(z\right) \right)} - \left(1 - y\right) \log{\left(1 - \sigma\left(z\right) \right)}"),
])
def test_latex_reads_like_a_textbook(expr: sp.Expr, tex: str) -> None:
    assert to_latex(expr) == tex


def test_unevaluated_forms_keep_the_authors_order() -> None:
    with sp.evaluate(False):
        padded = (1 + sp.exp(z) - sp.exp(z)) / (1 + sp.exp(z))
    assert to_latex(padded) == r"\frac{\left(1 + e^{z}\right) - e^{z}}{1 + e^{z}}"


@pytest.mark.parametrize(("expr", "text"), [
    (sigmoid(z) * (1 - sigmoid(z)), "sigmoid(z)*(1 - sigmoid(z))"),
    (1 / (1 + sp.exp(-z)), "1/(1 + exp(-z))"),
    (sp.Abs(x) + sp.E, "E + abs(x)"),
    (sp.Derivative(sigmoid(z), z), "diff(sigmoid(z), z)"),
    (Z[1] + Z[2], "z_1 + z_2"),
    (sp.Sum(Z[k], (k, 1, K)), None),
    (sp.KroneckerDelta(i, j), None),
    (sp.Function("f")(x), None),
])
def test_answer_text_is_the_input_syntax_or_nothing(expr: sp.Expr, text: str | None) -> None:
    assert answer_text(expr) == text


@pytest.mark.parametrize("expr", [sigmoid(z) * (1 - sigmoid(z)), 1 / (1 + sp.exp(-z)), x * sp.exp(-x**2) / 2,
                                  sp.log(1 + sp.exp(z)) - y * z, sp.sqrt(x**2 + 1)])
def test_answer_text_parses_back_to_the_answer(expr: sp.Expr) -> None:
    parsed = parse_text(answer_text(expr), variables=[str(s) for s in expr.free_symbols])
    names = {s.name: s for s in expr.free_symbols}
    assert sp.simplify(parsed.xreplace({s: names[s.name] for s in parsed.free_symbols}) - expr) == 0


def test_prose_escaping() -> None:
    assert environment.tex_escape("50% of y_1 & #2 costs $3 {a} ~ ^ \\") == (
        r"50\% of y\_1 \& \#2 costs \$3 \{a\} \textasciitilde{} \textasciicircum{} \textbackslash{}")
    assert environment.md_escape("a*b_c | $x$ p < 1 <b>") == r"a\*b\_c \| \$x\$ p < 1 \<b>"


def test_environments_are_strict_and_latex_uses_its_own_delimiters() -> None:
    tex = environment.latex_environment()
    assert tex.from_string(r"\section{\VAR{title}}\BLOCK{if on} {x}\BLOCK{endif}").render(title="T", on=True) == (
        r"\section{T} {x}")
    with pytest.raises(jinja2.UndefinedError):
        tex.from_string(r"\VAR{missing}").render()
    with pytest.raises(jinja2.UndefinedError):
        environment.markdown_environment().from_string("{{ missing.field }}").render()


def test_long_sums_break_between_terms() -> None:
    long = sum(sp.exp(Z[n]) / sum(sp.exp(Z[m]) for m in range(1, 7)) for n in range(1, 7))
    lines = linebreak.lines(long)
    assert len(lines) > 1 and all(line.startswith(("+", "-")) for line in lines[1:])
    assert linebreak.lines(sigmoid(z)) == (to_latex(sigmoid(z)),)
    derivative = linebreak.lines(sp.Derivative(long, Z[1]))
    assert derivative[0].startswith(r"\frac{\partial}{\partial z_{1}} \Bigl(") and derivative[-1].endswith(r"\Bigr)")


# -- the answer printer round-trips every function the parser knows ------------------------
from derivkit.parsing.names import FUNCTIONS  # noqa: E402 - grouped with the tests that use it


def _call(name: str) -> str:
    """A typeable call of ``name`` with arguments inside every function's domain of definition."""
    spec = FUNCTIONS[name]
    arguments = ["(x^2 + 3)/(x^2 + 7)", "x^2 + 2", "x^2 + 5"][: max(spec.min_args, min(spec.max_args, 2))]
    if spec.integer_guard:
        arguments = ["7", "3"][: spec.min_args]
    return f"{name}({', '.join(arguments)})"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_the_parser_knows_prints_back_as_text_it_reads(name: str) -> None:
    parsed = parse_text(_call(name))
    printed = answer_text(parsed)
    assert printed is not None, f"{name}: no text form for {parsed}"
    assert parse_text(printed) == parsed, f"{name}: {printed!r} reads back differently"


def test_sech_csch_acoth_print_again() -> None:
    """They parse, so they must print (the printer once kept its own list and had drifted)."""
    for name in ("sech", "csch", "acoth"):
        assert answer_text(getattr(sp, name)(x)) == f"{name}(x)"


def test_a_function_the_parser_does_not_know_is_not_printed() -> None:
    assert answer_text(sp.Function("f")(x)) is None
    assert answer_text(sp.gamma(x)) is None
