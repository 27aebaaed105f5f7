"""How two equations of a working relate: the same solutions, gained ones, or lost ones.

STACK's "reasoning by equivalence": each equation is compared with the previous one by
their solution sets on the declared domain, in the unknown the working solves for. The
other variables are parameters: at a few sample values of them (inside their domains),
each equation's real solutions are found (exactly for polynomials, else by scanning a grid
over the unknown's domain and refining sign changes at 30 digits), and each solution of one
equation is tested in the other at 30 digits. The relation is

- ``equivalent``: the same solutions;
- ``implies``: every solution of the previous equation solves this one, which has more
  (solutions gained, e.g. by squaring);
- ``implied_by``: this one's solutions all solve the previous one, which has more
  (solutions lost, e.g. by dividing by something that may be 0);
- ``unrelated``: neither.

An equation given as alternatives (``p = 1/4 or p = 1``) is the union of their solutions.
Everything here is numeric; the witness (a parameter point and a solution of one equation
that the other lacks) is confirmed at 30 digits and printed for the student.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from derivkit.engine import Evaluator, Undefined, Unsupported
from derivkit.engine.domains import Domain

GRID = 600
PARAMETER_POINTS = 2
TOLERANCE = mpmath.mpf("1e-12")
MAX_ROOTS = 20


@dataclass(frozen=True)
class Relation:
    """The relation of two equations and, when they differ, a point that shows it."""

    relation: str  # equivalent | implies | implied_by | unrelated | unknown
    point: Mapping[str, str] | None = None  # parameters and the unknown where they differ
    solves: str = ""  # "previous" or "this": which equation the witness solves
    method: str = "numeric"


def _np_unary(name: str) -> Callable[[np.ndarray], np.ndarray] | None:
    table: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "exp": np.exp,
        "log": np.log,
        "sin": np.sin,
        "cos": np.cos,
        "tan": np.tan,
        "Abs": np.abs,
        "sinh": np.sinh,
        "cosh": np.cosh,
        "tanh": np.tanh,
        "asin": np.arcsin,
        "acos": np.arccos,
        "atan": np.arctan,
        "sign": np.sign,
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "softplus": lambda x: np.logaddexp(0, x),
        "logit": lambda x: np.log(x / (1 - x)),
    }
    return table.get(name)


def grid_values(expr: sp.Expr, u: sp.Symbol, xs: np.ndarray) -> np.ndarray | None:
    """expr at every x of xs in floating point (nan where undefined), or None if unsupported."""
    with np.errstate(all="ignore"):
        return _walk(expr, u, xs)


def _walk(node: sp.Basic, u: sp.Symbol, xs: np.ndarray) -> np.ndarray | None:
    if node == u:
        return xs
    if node.is_Number or node.is_NumberSymbol:
        return np.full_like(xs, float(node))
    if not node.free_symbols:
        try:
            value = complex(sp.N(node, 20))
        except (TypeError, ValueError):
            return None
        return np.full_like(xs, value.real if abs(value.imag) < 1e-14 else np.nan)
    args: list[np.ndarray] = []
    for arg in node.args:
        walked = _walk(arg, u, xs)
        if walked is None:
            return None
        args.append(walked)
    if node.is_Add:
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if node.is_Mul:
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if node.is_Pow:
        base, exponent = args
        result = np.power(base.astype(complex), exponent)
        real = np.where(np.abs(result.imag) < 1e-9 * (1 + np.abs(result.real)), result.real, np.nan)
        return real
    fn = _np_unary(type(node).__name__)
    if fn is None or len(args) != 1:
        return None
    return fn(args[0])


def _evaluate(expr: sp.Expr, point: Mapping[sp.Symbol, object]) -> mpmath.mpf | None:
    try:
        value = Evaluator(expr, 30, real_only=True)(point)
    except (Undefined, Unsupported, TypeError, ValueError):
        return None
    if isinstance(value, mpmath.mpc):
        return None
    return value


def holds(residuals: Sequence[sp.Expr], u: sp.Symbol, x: object) -> bool:
    """Whether x solves one of the alternatives (each residual = lhs - rhs) at 30 digits."""
    for residual in residuals:
        value = _evaluate(residual, {u: x})
        if value is not None and abs(value) <= TOLERANCE * (1 + abs(mpmath.mpf(x))):
            return True
    return False


def _in_domain(x: object, domain: Domain) -> bool:
    try:
        # rounded to 20 digits and exact, so a root at a closed end (p = 1 on [0, 1]) is in
        value = sp.Rational(mpmath.nstr(x, 20, strip_zeros=False)) if not isinstance(x, sp.Basic) else x
        return domain.contains(value)
    except (TypeError, ValueError):
        return False


def _grid(domain: Domain) -> np.ndarray:
    lo, hi = domain.lower, domain.upper
    if domain.kind == "positive" or (domain.kind == "nonnegative"):
        lo, hi = sp.S.Zero, sp.S.Infinity
    elif domain.kind == "negative":
        lo, hi = sp.S.NegativeInfinity, sp.S.Zero
    t = np.linspace(-1, 1, GRID + 2)[1:-1]
    if lo.is_finite and hi.is_finite:
        return float(lo) + (float(hi) - float(lo)) * (t + 1) / 2
    if lo.is_finite:
        s = (t + 1) / 2
        return float(lo) + s / (1 - s) * 2
    if hi.is_finite:
        s = (t + 1) / 2
        return float(hi) - s / (1 - s) * 2
    return np.sinh(t * 6) * 2


def _polynomial_roots(residual: sp.Expr, u: sp.Symbol) -> list[object] | None:
    if residual.is_polynomial(u):
        numerator, denominator = residual, sp.S.One
    elif not residual.is_rational_function(u):
        return None
    else:
        numerator, denominator = sp.fraction(sp.together(residual))
    if not numerator.is_polynomial(u) or not denominator.is_polynomial(u):
        return None
    try:
        poly = sp.Poly(numerator, u)
        if poly.degree() > 12 or not all(c.is_number for c in poly.all_coeffs()):
            return None
        if poly.is_zero:
            return None
        found = [r for r in sp.Poly(poly, u).nroots(n=30, maxsteps=200) if abs(sp.im(r)) < 1e-20]
    except (
        sp.PolynomialError,
        sp.polys.polyerrors.PolificationFailed,
        mpmath.libmp.libhyper.NoConvergence,
        ValueError,
        TypeError,
    ):
        return None
    return [mpmath.mpf(str(sp.re(r))) for r in found]


ZOOM_POINTS = 33
ZOOM_ROUNDS = 5


def _refine(residual: sp.Expr, u: sp.Symbol, lo: float, hi: float) -> mpmath.mpf | None:
    """The root in a sign change [lo, hi]: zoomed in floating point (a few vectorised rounds),
    then polished to 30 digits by the secant method on the engine's exact evaluator."""
    for _ in range(ZOOM_ROUNDS):
        xs = np.linspace(lo, hi, ZOOM_POINTS)
        ys = grid_values(residual, u, xs)
        if ys is None:
            return None
        signs = np.sign(ys)
        change = np.nonzero(np.isfinite(ys[:-1]) & np.isfinite(ys[1:]) & (signs[:-1] != signs[1:]))[0]
        if len(change) == 0:
            break
        k = int(change[0])
        lo, hi = float(xs[k]), float(xs[k + 1])
    evaluate = Evaluator(residual, 30, real_only=True)

    def f(x: mpmath.mpf) -> mpmath.mpf:
        value = evaluate({u: x})
        return value.real if isinstance(value, mpmath.mpc) else value

    with mpmath.workdps(30):
        try:
            bracket = (mpmath.mpf(lo), mpmath.mpf(hi))
            return mpmath.findroot(f, bracket, solver="anderson", tol=1e-56, maxsteps=40, verify=False)
        except (Undefined, Unsupported, ValueError, TypeError, ZeroDivisionError):
            return mpmath.mpf((lo + hi) / 2)


def _scanned_roots(residual: sp.Expr, u: sp.Symbol, domain: Domain) -> list[object] | None:
    xs = _grid(domain)
    ys = grid_values(residual, u, xs)
    if ys is None:
        return None
    found: list[object] = []
    for i in range(len(xs) - 1):
        a, b = ys[i], ys[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            found.append(mpmath.mpf(float(xs[i])))
        elif (a < 0) != (b < 0):
            root = _refine(residual, u, float(xs[i]), float(xs[i + 1]))
            if root is not None:
                found.append(root)
        if len(found) > MAX_ROOTS:
            return None
    return found


def solutions(residuals: Sequence[sp.Expr], u: sp.Symbol, domain: Domain) -> list[object] | None:
    """Real solutions in the domain (each confirmed at 30 digits), or None when not found reliably."""
    return _solutions(tuple(residuals), u, domain)


@functools.lru_cache(maxsize=512)
def _solutions(residuals: tuple[sp.Expr, ...], u: sp.Symbol, domain: Domain) -> list[object] | None:
    """Cached: consecutive relations of a working solve each equation twice (as "this", then as "previous")."""
    found: list[object] = []
    for residual in residuals:
        roots = _polynomial_roots(residual, u)
        if roots is None:
            roots = _scanned_roots(residual, u, domain)
        if roots is None:
            return None
        for point in domain.endpoints():
            if _evaluate(residual, {u: point}) == 0:
                roots.append(mpmath.mpf(str(sp.N(point, 30))))
        found.extend(x for x in roots if _in_domain(x, domain) and holds([residual], u, x))
    return found


def _parameter_points(params: list[sp.Symbol], domains: Mapping[str, Domain]) -> list[dict[sp.Symbol, sp.Expr]]:
    rng = random.Random(5)
    samples = {p: domains.get(p.name, Domain()).samples(PARAMETER_POINTS + 4, rng) for p in params}
    # skip 0, 1 and -1, where equations degenerate (e^z = 1)
    usable = {p: [v for v in s if v not in (Fraction(0), Fraction(1), Fraction(-1))] or s for p, s in samples.items()}
    return [
        {
            p: sp.Rational(
                usable[p][(k + j) % len(usable[p])].numerator, usable[p][(k + j) % len(usable[p])].denominator
            )
            for j, p in enumerate(params)
        }
        for k in range(PARAMETER_POINTS)
    ]


def _shown(x: object) -> str:
    """A solution for a student: an exact small fraction when it is one (to 25 digits), else 6 digits."""
    value = mpmath.mpf(x)
    fraction = Fraction(float(value)).limit_denominator(1000)
    if abs(value - mpmath.mpf(fraction.numerator) / fraction.denominator) < mpmath.mpf(10) ** -25:
        return str(fraction)
    return mpmath.nstr(value, 6)


def relate(
    previous: Sequence[sp.Expr],
    current: Sequence[sp.Expr],
    u: sp.Symbol,
    domains: Mapping[str, Domain],
    values: Mapping[sp.Basic, sp.Expr] | None = None,
) -> Relation:
    """The relation of two equations (each alternatives of residuals lhs - rhs) in the unknown u;
    ``values`` (given values) are put in first."""
    if values:
        previous = [r.xreplace(values) for r in previous]
        current = [r.xreplace(values) for r in current]
    params = sorted({s for r in [*previous, *current] for s in r.free_symbols if s != u}, key=str)
    domain = domains.get(u.name, Domain())
    gains = losses = False
    witness_gain: dict[str, str] | None = None
    witness_loss: dict[str, str] | None = None
    for point in _parameter_points(params, domains) if params else [{}]:
        before = [r.xreplace(point) for r in previous]
        after = [r.xreplace(point) for r in current]
        roots_before, roots_after = solutions(before, u, domain), solutions(after, u, domain)
        if roots_before is None or roots_after is None:
            return Relation("unknown")
        shown = {str(p): str(v) for p, v in point.items()}
        lost = [x for x in roots_before if not holds(after, u, x)]
        gained = [x for x in roots_after if not holds(before, u, x)]
        if lost and witness_loss is None:
            witness_loss = {**shown, u.name: _shown(lost[0])}
        if gained and witness_gain is None:
            witness_gain = {**shown, u.name: _shown(gained[0])}
        losses, gains = losses or bool(lost), gains or bool(gained)
    if not losses and not gains:
        return Relation("equivalent")
    if gains and not losses:
        return Relation("implies", witness_gain, "this")
    if losses and not gains:
        return Relation("implied_by", witness_loss, "previous")
    return Relation("unrelated", witness_loss, "previous")


__all__ = ["Relation", "grid_values", "holds", "relate", "solutions"]
