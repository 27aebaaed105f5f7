"""A declared notation: indexed families, sums and products, the author's functions, the Kronecker delta.

Every form is compared with the SymPy object an author would build by hand (symbolic equality), in
both syntaxes; without a notation (a student's answer) none of it is read, so a subscript can never
silently turn a symbol into an entry of a family.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derivkit.errors import ParseError
from derivkit.parsing import Notation, parse, parse_as_written

K, N = sp.symbols("K N", integer=True, positive=True)
i, j = sp.Idx("i", (1, K)), sp.Idx("j", (1, K))
p, y, z = sp.IndexedBase("p", positive=True), sp.IndexedBase("y"), sp.IndexedBase("z", real=True)
x = sp.Symbol("x", real=True)
f, g = sp.Function("f", real=True), sp.Function("g", real=True)
k, l = sp.symbols("k l", integer=True)  # an undeclared summation index is an integer
NOTATION = Notation.of([K, N, i, j, p, y, z, x, f, g])
normaliser = sp.Sum(sp.exp(z[l]), (l, 1, K))

CASES = [
    (r"\sum_{k=1}^{K} y_k \log p_k", sp.Sum(y[k] * sp.log(p[k]), (k, 1, K))),
    ("sum(y[k]*log(p[k]), k, 1, K)", sp.Sum(y[k] * sp.log(p[k]), (k, 1, K))),
    ("sum(y_k*log(p_k), k, 1, K)", sp.Sum(y[k] * sp.log(p[k]), (k, 1, K))),
    (r"\sum_{k=1}^{K} y_k + 1", sp.Sum(y[k], (k, 1, K)) + 1),  # the body ends at the next + outside brackets
    (r"-\frac{1}{N} \log \prod_{i=1}^{N} p_i", -sp.log(sp.Product(p[i], (i, 1, N))) / N),
    ("-log(prod(p[i], i, 1, N))/N", -sp.log(sp.Product(p[i], (i, 1, N))) / N),
    (r"\frac{\delta_{ij} e^{z_i}}{\sum_{l=1}^{K} e^{z_l}} - \frac{e^{z_i} e^{z_j}}{\left(\sum_{l=1}^{K} e^{z_l}\right)^2}",
     sp.KroneckerDelta(i, j) * sp.exp(z[i]) / normaliser - sp.exp(z[i]) * sp.exp(z[j]) / normaliser**2),
    ("delta(i, j)*p[i]", sp.KroneckerDelta(i, j) * p[i]),
    (r"y_1 \log p_1 + y_{2} \log p_{2}", y[1] * sp.log(p[1]) + y[2] * sp.log(p[2])),
    ("y_1*log(p_1) + y[i + 1]", y[1] * sp.log(p[1]) + y[i + 1]),
    (r"z_{i+1} - z_i", z[i + 1] - z[i]),
    ("diff(f(x), x)/g(x) - f(x)*diff(g(x), x)/g(x)^2",
     sp.Derivative(f(x), x) / g(x) - f(x) * sp.Derivative(g(x), x) / g(x) ** 2),
    (r"g(x) \frac{d}{dx}\left(f(x)\right)", sp.Derivative(f(x), x) * g(x)),
    (r"f(x)^2 + \log g(x)", f(x) ** 2 + sp.log(g(x))),
    ("x^2", x**2),  # the declared symbol, with its assumptions
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_declared_notation_builds_what_the_author_means(text: str, expected: sp.Expr) -> None:
    assert parse(text, variables=NOTATION.symbols, notation=NOTATION) == expected
    written = parse_as_written(text, variables=NOTATION.symbols, notation=NOTATION)
    assert written.doit(deep=False) == expected.doit(deep=False) or sp.simplify(written - expected) == 0


def test_a_sum_as_written_keeps_its_body_as_written() -> None:
    written = parse_as_written(r"\sum_{k=1}^{K} y_k \log p_k", notation=NOTATION)
    assert isinstance(written, sp.Sum)
    assert written.function.args == (y[k], sp.log(p[k]))  # the author's order, no stray factor 1
    assert written.limits == ((k, 1, K),)


def test_the_derivative_of_a_declared_symbol_is_taken_in_that_symbol() -> None:
    assert parse("diff(x^3, x)", variables=NOTATION.symbols, notation=NOTATION) == 3 * x**2
    assert parse(r"\frac{d}{dx}\left(z_i x\right)", notation=NOTATION) == z[i]


@pytest.mark.parametrize("text", [r"\sum_{k=1}^{K} y_k", "sum(y, k, 1, K)", "p[i]", "delta(i, j)"])
def test_without_a_notation_none_of_it_is_read(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)


@pytest.mark.parametrize(("text", "symbol"), [("y_1", "y_1"), (r"\delta_{ij}", "deltaij"), (r"p_{i}", "p_i")])
def test_without_a_notation_a_subscript_is_part_of_a_name(text: str, symbol: str) -> None:
    """p_{i} is the variable p_i: joined as "pi" it used to be read as the constant pi."""
    assert parse(text) == sp.Symbol(symbol)


BAD = [
    (r"\sum_k y_k", "needs its index and limits"),
    (r"\sum_{k}^{K} y_k", "lower limit"),
    (r"\sum_{k=1} y_k", "upper limit"),
    (r"\sum_{k=1}^{K}", "needs something to add"),
    (r"\sum_{2=1}^{K} y_k", "must be a letter"),
    ("sum(y_k, 1, K)", "the body, the index and its two limits"),
    ("sum(y_k, 2, 1, K)", "the body, the index and its two limits"),
    (r"\delta_{i}", "two indices, got 1"),
    ("delta(i)", "two indices, got 1"),
    (r"y = 1", "'='"),
    ("p_i_j", "double subscript"),
    (r"p_{i}_{j}", "double subscript"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_malformed_formula_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(text, notation=NOTATION)
    assert info.value.column is not None


def test_notation_sorts_declared_objects_by_kind() -> None:
    assert set(NOTATION.symbols) == {"K", "N", "i", "j", "x"}
    assert set(NOTATION.indexed) == {"p", "y", "z"}
    assert set(NOTATION.functions) == {"f", "g"}
    assert NOTATION.symbol("x") is x and NOTATION.symbol("u") == sp.Symbol("u")
    assert NOTATION.index("k") == k and NOTATION.index("i") is i


def test_a_subscript_selects_the_family_beside_a_symbol_of_the_same_name() -> None:
    """bce-from-bernoulli has both p (one example) and the family p_1, ..., p_N; p1 is a third symbol."""
    p_one, p1 = sp.Symbol("p", positive=True), sp.Symbol("p1", positive=True)
    notation = Notation.of([p_one, p1, p, y])
    for text in (r"p_{1} + p", "p_1 + p", "p[1] + p"):
        assert parse(text, variables=notation.symbols, notation=notation) == p[1] + p_one
    assert parse("p1 + p", variables=notation.symbols, notation=notation) == p1 + p_one
