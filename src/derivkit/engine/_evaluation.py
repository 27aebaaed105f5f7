"""Bounded numeric evaluation of SymPy trees with mpmath, at a chosen precision.

Why not ``lambdify`` or ``evalf``: we need to *know* when a point is outside an
expression's domain (division by zero, log 0, a non-real value under real semantics) and
we need every evaluation to be bounded. ``sin(exp(exp(exp(exp(z)))))`` is a short,
valid input whose value needs astronomically many digits; here it is refused as
"too large to evaluate" instead of hanging. The walk dispatches on the node's class
through a table, so supporting a new function is one entry.

Loss of significance: a sum whose nonzero term is smaller than the total by more than the
working precision drops that term (x + exp(-10000*x^2) at x = 1/2 is exactly x at 30
digits). Such a value is no evidence that two sides agree, so every evaluation records
``needed_bits``: the precision at which no term of any sum would have been lost. The
screening raises the precision to it before it believes an agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TypeAlias

import mpmath
import sympy as sp

from derivkit.errors import Undefined, Unsupported
from derivkit.functions import logit, logsumexp, sigmoid, softplus

Number: TypeAlias = mpmath.mpf | mpmath.mpc

#: Magnitude (in bits) beyond which a value counts as overflow: 2**(10**6) is already absurd.
MAX_MAGNITUDE_BITS = 1_000_000
#: Periodic functions of arguments beyond 2**MAX_PERIODIC_BITS need too many digits to reduce.
MAX_PERIODIC_BITS = 2_000


def _magnitude(value: Number) -> int:
    if isinstance(value, mpmath.mpc):
        return max(_magnitude(value.real), _magnitude(value.imag))
    return -10**9 if value == 0 else int(mpmath.mag(value))


def _check_finite(value: Number) -> Number:
    if not mpmath.isfinite(value):
        raise Undefined("not finite")
    if _magnitude(value) > MAX_MAGNITUDE_BITS:
        raise Undefined("too large to evaluate")
    return value


def _log(x: Number) -> Number:
    if x == 0:
        raise Undefined("log of zero")
    return mpmath.log(x)


def _exp(x: Number) -> Number:
    if mpmath.re(x) > MAX_MAGNITUDE_BITS * 0.69:
        raise Undefined("exp overflows")
    if mpmath.im(x) != 0 and _magnitude(mpmath.im(x)) > MAX_PERIODIC_BITS:
        raise Undefined("argument too large to evaluate")
    return mpmath.exp(x)


def _periodic(fn: Callable[[Number], Number]) -> Callable[[Number], Number]:
    def bounded(x: Number) -> Number:
        if _magnitude(x) > MAX_PERIODIC_BITS:
            raise Undefined("argument too large to evaluate")
        return fn(x)
    return bounded


def _pole_safe(fn: Callable[..., Number]) -> Callable[..., Number]:
    def guarded(*xs: Number) -> Number:
        try:
            return fn(*xs)
        except (ZeroDivisionError, ValueError, OverflowError) as exc:
            raise Undefined(str(exc)) from None
    return guarded


def _factorial(x: Number) -> Number:
    if mpmath.im(x) == 0 and mpmath.re(x) > 10_000:
        raise Undefined("factorial too large")
    if mpmath.im(x) == 0 and mpmath.re(x) < 0 and mpmath.re(x) == mpmath.floor(mpmath.re(x)):
        raise Undefined("factorial of a negative integer")
    return mpmath.gamma(x + 1)


def _sign(x: Number) -> Number:
    return mpmath.sign(x)


def _kronecker(i: Number, j: Number) -> Number:
    return mpmath.mpf(1 if i == j else 0)


def _heaviside(x: Number, h0: Number | None = None) -> Number:
    if mpmath.im(x) != 0:
        raise Undefined("Heaviside of a complex number")
    if x == 0:
        if h0 is None:
            raise Undefined("Heaviside at 0")
        return h0
    return mpmath.mpf(1 if x > 0 else 0)


def _real_only(fn: Callable[..., Number]) -> Callable[..., Number]:
    def guarded(*xs: Number) -> Number:
        if any(mpmath.im(x) != 0 for x in xs):
            raise Undefined("comparison of complex numbers")
        return fn(*xs)
    return guarded


FUNCTIONS: dict[type, Callable[..., Number]] = {
    sp.exp: _exp,
    sp.log: _log,
    sp.sin: _periodic(mpmath.sin),
    sp.cos: _periodic(mpmath.cos),
    sp.tan: _periodic(_pole_safe(mpmath.tan)),
    sp.cot: _periodic(_pole_safe(mpmath.cot)),
    sp.sec: _periodic(_pole_safe(mpmath.sec)),
    sp.csc: _periodic(_pole_safe(mpmath.csc)),
    sp.asin: mpmath.asin,
    sp.acos: mpmath.acos,
    sp.atan: _pole_safe(mpmath.atan),
    sp.acot: _pole_safe(mpmath.acot),
    sp.sinh: _pole_safe(mpmath.sinh),
    sp.cosh: _pole_safe(mpmath.cosh),
    sp.tanh: _pole_safe(mpmath.tanh),
    sp.coth: _pole_safe(mpmath.coth),
    sp.sech: _pole_safe(mpmath.sech),
    sp.csch: _pole_safe(mpmath.csch),
    sp.asinh: mpmath.asinh,
    sp.acosh: mpmath.acosh,
    sp.atanh: _pole_safe(mpmath.atanh),
    sp.Abs: mpmath.fabs,
    sp.sign: _sign,
    sp.re: mpmath.re,
    sp.im: mpmath.im,
    sp.conjugate: mpmath.conj,
    sp.arg: mpmath.arg,
    sp.factorial: _factorial,
    sp.gamma: _pole_safe(mpmath.gamma),
    sp.binomial: _pole_safe(mpmath.binomial),
    sp.erf: mpmath.erf,
    sp.floor: _real_only(mpmath.floor),
    sp.ceiling: _real_only(mpmath.ceil),
    sp.Max: _real_only(max),
    sp.Min: _real_only(min),
    sp.KroneckerDelta: _kronecker,
    sp.Heaviside: _heaviside,
    sigmoid: lambda z: 1 / (1 + _exp(-z)),
    logit: lambda p: _log(p / (1 - p)),
    softplus: lambda z: _log(1 + _exp(z)),
    logsumexp: lambda *zs: _log(mpmath.fsum(_exp(z) for z in zs)),
}


NOT_FINITE = (sp.S.ComplexInfinity, sp.S.NaN, sp.S.Infinity, sp.S.NegativeInfinity)


#: Bits of precision a dropped term keeps once the precision is raised for it.
RESOLVED_BITS = 100


class Evaluator:
    """Evaluates one expression at many points; ``real_only`` refuses non-real intermediates.

    After each call, ``needed_bits`` is 0 when no sum lost a nonzero term, else the
    precision (bits) at which none would have (see the module docstring).
    """

    def __init__(self, expr: sp.Expr, dps: int = 30, real_only: bool = False) -> None:
        self.expr = expr
        self.dps = dps
        self.real_only = real_only
        self.constants: dict[tuple[sp.Basic, int], Number] = {}  # numbers do not change from point to point
        self.needed_bits = 0

    def __call__(self, point: Mapping[sp.Basic, Fraction | int | Number], dps: int | None = None) -> Number:
        values = {sym: _to_mp(v) for sym, v in point.items()}
        self.needed_bits = 0
        with mpmath.workdps(dps or self.dps):
            try:
                return self._walk(self.expr, values, {})
            except (ZeroDivisionError, OverflowError) as exc:
                raise Undefined(str(exc) or type(exc).__name__) from None
            except RecursionError:
                raise Unsupported("expression nested too deeply to evaluate") from None

    def _walk(self, node: sp.Basic, values: dict, memo: dict) -> Number:
        if node in memo:
            return memo[node]
        value = self._node(node, values, memo)
        if self.real_only and isinstance(value, mpmath.mpc):
            if abs(value.imag) > mpmath.mpf(10) ** (-(self.dps - 5)) * max(1, abs(value)):
                raise Undefined("not real")
            value = value.real
        memo[node] = _check_finite(value)
        return memo[node]

    def _node(self, node: sp.Basic, values: dict, memo: dict) -> Number:
        if node in values:
            return values[node]
        if any(node is special for special in NOT_FINITE):
            raise Undefined("not finite")
        if node.is_Number or isinstance(node, sp.NumberSymbol) or node is sp.I:
            key = (node, mpmath.mp.dps)
            if key not in self.constants:
                self.constants[key] = mpmath.mpc(0, 1) if node is sp.I else _number(node, mpmath.mp.dps)
            return self.constants[key]
        if isinstance(node, sp.Add):
            return self._sum([self._walk(a, values, memo) for a in node.args])
        if isinstance(node, sp.Mul):
            return self._product(node, values, memo)
        if isinstance(node, sp.Pow):
            return self._power(node, values, memo)
        fn = FUNCTIONS.get(type(node)) or _lookup_by_base(type(node))
        if fn is None:
            if isinstance(node, sp.Symbol | sp.Indexed):
                raise Unsupported(f"no value given for {node}")
            raise Unsupported(f"cannot evaluate {type(node).__name__} numerically")
        args = [self._walk(a, values, memo) for a in node.args]
        return fn(*args)

    def _sum(self, terms: list[Number]) -> Number:
        """The sum; notes the precision a term lost to the others' size would have needed."""
        total = mpmath.fsum(terms)
        if total != 0 and len(terms) > 1:
            top = _magnitude(total)
            smallest = min((_magnitude(t) for t in terms if t != 0), default=top)
            gap = top - smallest
            if gap > mpmath.mp.prec - 8:  # the smallest term kept fewer than 8 of its bits
                self.needed_bits = max(self.needed_bits, gap + RESOLVED_BITS)
        return total

    def _product(self, node: sp.Mul, values: dict, memo: dict) -> Number:
        result: Number = mpmath.mpf(1)
        for factor in node.args:
            result = result * self._walk(factor, values, memo)
            _check_finite(result)
        return result

    def _power(self, node: sp.Pow, values: dict, memo: dict) -> Number:
        base_expr, exp_expr = node.args
        base = self._walk(base_expr, values, memo)
        if exp_expr.is_Integer:
            n = int(exp_expr)
            if base == 0 and n < 0:
                raise Undefined("division by zero")
            if base != 0 and abs(n) * abs(_magnitude(base)) > MAX_MAGNITUDE_BITS:
                raise Undefined("power too large to evaluate")
            return base ** n
        exponent = self._walk(exp_expr, values, memo)
        if base == 0:
            if mpmath.re(exponent) > 0:
                return mpmath.mpf(0)
            raise Undefined("zero to a non-positive power")
        if abs(exponent) * max(1, abs(_magnitude(base))) > MAX_MAGNITUDE_BITS:
            raise Undefined("power too large to evaluate")
        odd_root = exp_expr.is_Rational and exp_expr.q % 2 == 1
        if self.real_only and odd_root and not isinstance(base, mpmath.mpc) and base < 0:
            return -((-base) ** exponent) if exp_expr.p % 2 else (-base) ** exponent
        return mpmath.power(base, exponent)


def _lookup_by_base(cls: type) -> Callable[..., Number] | None:
    for base in cls.__mro__[1:]:
        if base in FUNCTIONS:
            return FUNCTIONS[base]
    return None


def _number(node: sp.Basic, dps: int) -> Number:
    if node.is_Rational:
        return mpmath.mpf(int(node.p)) / int(node.q)
    value = sp.N(node, dps + 10)
    if value.is_real:
        return mpmath.mpf(value._mpf_) if hasattr(value, "_mpf_") else mpmath.mpf(str(value))
    re_part, im_part = value.as_real_imag()
    return mpmath.mpc(mpmath.mpf(str(re_part)), mpmath.mpf(str(im_part)))


def _to_mp(value: Fraction | int | Number) -> Number:
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    if isinstance(value, int):
        return mpmath.mpf(value)
    return value


def evaluate(expr: sp.Expr, point: Mapping[sp.Basic, Fraction | int | Number], dps: int = 30,
             real_only: bool = False) -> Number:
    """Value of ``expr`` at ``point`` with ``dps`` digits; raises Undefined or Unsupported."""
    return Evaluator(expr, dps, real_only)(point)
