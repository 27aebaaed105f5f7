"""Numeric screening: compare two expressions at sample points of their domain with mpmath.

A difference counts only when it is confirmed: seen at 30 digits, then again at 60 digits
with the same size. Points where either side is undefined are skipped, not counted, so a
pole or a log of zero never produces a false refutation.

An agreement counts only when it is resolved: if a sum lost a term to the working precision
(x + exp(-10000*x^2) is x at 30 digits when x = 1/2), the point is evaluated again at the
precision that keeps every term, with a tolerance scaled to it; a point that would need more
than ``MAX_DPS`` digits is no evidence either way. Before agreement becomes a ``numeric``
verdict, the points where terms change scale are tried too (:func:`scale_points`: 0, and
where the argument of an exp, a power or a function turns or vanishes, such as x = a in
exp(-k*(x - a)^2)), because random points can sit where such a term is negligible.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from derivkit.engine._evaluation import Evaluator, Number, Undefined, Unsupported
from derivkit.engine.domains import REAL, Domain
from derivkit.engine.verdict import Counterexample

LOW_DPS = 30
HIGH_DPS = 60
AGREE_TOLERANCE = mpmath.mpf("1e-12")
TARGET_POINTS = 12
MAX_ATTEMPTS = 60
REQUIRED_POINTS = 5
#: Most digits a point is evaluated with to resolve a term lost to the working precision.
MAX_DPS = 6000


@dataclass(frozen=True)
class Screening:
    agreed: int
    required: int
    counterexample: Counterexample | None = None
    reason: str = ""


def format_point_value(value: Fraction | int) -> str:
    """Exact decimals print as decimals (0.5), other fractions as p/q (1/3)."""
    frac = Fraction(value)
    if frac.denominator == 1:
        return str(frac.numerator)
    d = frac.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return str(float(frac)) if len(str(float(frac))) < 20 else f"{frac.numerator}/{frac.denominator}"
    return f"{frac.numerator}/{frac.denominator}"


def format_value(value: Number, digits: int = 10) -> str:
    """A number for people: 0.2350037122, or 0.6931471806 + 3.141592654i."""
    if isinstance(value, mpmath.mpc):
        if value.imag == 0:
            return mpmath.nstr(value.real, digits)
        sign = "+" if value.imag >= 0 else "-"
        return f"{mpmath.nstr(value.real, digits)} {sign} {mpmath.nstr(abs(value.imag), digits)}i"
    return mpmath.nstr(value, digits)


def _differ(x: Number, y: Number, tolerance: mpmath.mpf = AGREE_TOLERANCE) -> bool:
    scale = max(mpmath.mpf(1), abs(x), abs(y))
    return abs(x - y) > tolerance * scale


def tolerance_at(dps: int) -> mpmath.mpf:
    """The agreement tolerance at ``dps`` digits: AGREE_TOLERANCE at LOW_DPS, and as many
    digits finer as the precision was raised (a raised precision must be able to see the
    difference it was raised for)."""
    if dps <= LOW_DPS:
        return AGREE_TOLERANCE
    return AGREE_TOLERANCE * mpmath.mpf(10) ** (LOW_DPS - dps)


@dataclass(frozen=True)
class Comparison:
    """Both sides at one point, at the precision that resolved every sum (``resolved``)."""

    expected: Number
    answer: Number
    dps: int
    resolved: bool

    @property
    def differ(self) -> bool:
        return _differ(self.expected, self.answer, tolerance_at(self.dps))

    @property
    def agree(self) -> bool:
        """Agreement that counts as evidence: resolved and within the tolerance."""
        return self.resolved and not self.differ


def compare_at(eval_a: Evaluator, eval_b: Evaluator, bound: Mapping[sp.Basic, Fraction],
               dps: int = LOW_DPS) -> Comparison:
    """Both sides at ``bound``; the precision is raised while a sum lost a term (up to
    MAX_DPS). Raises Undefined or Unsupported like the evaluators."""
    for _ in range(6):
        va, vb = eval_a(bound, dps), eval_b(bound, dps)
        needed = max(eval_a.needed_bits, eval_b.needed_bits)
        if not needed:
            return Comparison(va, vb, dps, True)
        more = int(needed * 0.30103) + 10
        if more <= dps:
            return Comparison(va, vb, dps, True)
        if more > MAX_DPS:
            return Comparison(va, vb, dps, False)
        dps = more
    return Comparison(va, vb, dps, False)


def digits_to_show(x: Number, y: Number) -> int:
    """Enough significant digits that two different values do not print the same."""
    gap = abs(x - y) / max(mpmath.mpf(1), abs(x), abs(y))
    return 10 if gap > mpmath.mpf("1e-9") or gap == 0 else min(55, int(-mpmath.log10(gap)) + 4)


def variables_by_name(*exprs: sp.Expr) -> dict[str, tuple[sp.Basic, ...]]:
    """Free symbols (and Indexed atoms) grouped by name: 'p' typed by a student and the
    derivation's positive 'p' are the same variable."""
    groups: dict[str, list[sp.Basic]] = {}
    for expr in exprs:
        labels = {atom.base.label for atom in expr.atoms(sp.Indexed)} - _bare_symbols(expr)
        for atom in expr.free_symbols:
            if isinstance(atom, sp.Symbol | sp.Indexed) and not isinstance(atom, sp.Dummy) and atom not in labels:
                key = str(atom)
                if atom not in groups.setdefault(key, []):
                    groups[key].append(atom)
    return {name: tuple(syms) for name, syms in sorted(groups.items())}


def _bare_symbols(expr: sp.Expr) -> set[sp.Basic]:
    """The free symbols that occur outside an Indexed atom (so an IndexedBase's label, which
    is no variable on its own, is left out unless it is also used bare)."""
    hidden = {atom: sp.Dummy() for atom in expr.atoms(sp.Indexed)}
    try:
        return expr.xreplace(hidden).free_symbols if hidden else expr.free_symbols
    except (TypeError, ValueError):  # a node that insists on an index: treat every label as bare
        return expr.free_symbols


def domain_of(name: str, domains: Mapping[str, Domain]) -> Domain:
    """The domain of a variable by name; an Indexed atom 'y[k]' or 'y[1, 2]' takes the domain
    declared for its base 'y'. Undeclared variables are real."""
    if name in domains:
        return domains[name]
    base = name.split("[", 1)[0]
    return domains.get(base, REAL) if base != name else REAL


def sample_points(
    variables: Sequence[str], domains: Mapping[str, Domain], rng: random.Random
) -> list[dict[str, Fraction]]:
    per_var = {name: domain_of(name, domains).samples(MAX_ATTEMPTS, rng) for name in variables}
    points = []
    for i in range(MAX_ATTEMPTS):
        # shift each variable's sequence so that variables do not move in lockstep
        points.append({name: per_var[name][(i + 5 * j) % MAX_ATTEMPTS] for j, name in enumerate(variables)})
    return points


def bind_point(symbols: Mapping[str, Sequence[sp.Basic]], point: Mapping[str, Fraction]) -> dict[sp.Basic, Fraction]:
    return {sym: point[name] for name, syms in symbols.items() for sym in syms}


def counterexample_at(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]],
                      point: Mapping[str, Fraction], real_only: bool = False,
                      tolerance: mpmath.mpf = AGREE_TOLERANCE, dps: int = LOW_DPS) -> Counterexample | None:
    """A confirmed counterexample at ``point``, or None if the sides agree or are undefined there."""
    bound = bind_point(symbols, point)
    try:
        first = compare_at(Evaluator(a, dps, real_only), Evaluator(b, dps, real_only), bound, dps)
        if first.dps > dps:  # a term was lost at dps: judge at the precision that keeps it
            dps, tolerance = first.dps, min(tolerance, tolerance_at(first.dps))
        low = first.expected, first.answer
        if not _differ(*low, tolerance):
            return None
        high = Evaluator(a, 2 * dps, real_only)(bound), Evaluator(b, 2 * dps, real_only)(bound)
    except (Undefined, Unsupported):
        return None
    gap_low, gap_high = abs(low[0] - low[1]), abs(high[0] - high[1])
    if not _differ(*high, tolerance) or abs(gap_high - gap_low) > mpmath.mpf("1e-6") * gap_high:
        return None
    shown = {name: format_point_value(value) for name, value in point.items()}
    digits = digits_to_show(*high)
    expected, answer = format_value(high[0], digits), format_value(high[1], digits)
    if expected == answer:  # a difference beyond the digits shown: say its size
        answer = f"{answer} + ({format_value(high[1] - high[0], 10)})"
    return Counterexample(shown, expected, answer)


def screen(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]], domains: Mapping[str, Domain],
           real_only: bool = False, seed: int = 0, target: int = TARGET_POINTS) -> Screening:
    """Evaluate both sides at sample points until enough agree or one confirmed difference appears."""
    if a.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Limit):
        a = a.doit()
    if b.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Limit):
        b = b.doit()
    if a.has(sp.Sum, sp.Product, sp.Integral, sp.Limit) or b.has(sp.Sum, sp.Product, sp.Integral, sp.Limit):
        instances = _screen_instances(a, b, domains, real_only, seed)
        if instances is not None:
            return instances
        return Screening(0, REQUIRED_POINTS, reason="a symbolic sum or integral cannot be sampled")
    return _screen_points(a, b, symbols, domains, real_only, seed, target)


#: (size, how the free indices are placed) for sums over a symbolic range such as k = 1..K:
#: small sizes, with free indices such as i, j both apart and equal (a Kronecker delta differs)
INSTANCES = ((2, "apart"), (3, "equal"), (3, "apart"), (1, "equal"), (4, "apart"), (2, "equal"))
POINTS_PER_INSTANCE = 4


def _screen_instances(a: sp.Expr, b: sp.Expr, domains: Mapping[str, Domain], real_only: bool,
                      seed: int) -> Screening | None:
    """Screen a claim about sums over a symbolic range (k = 1..K) at small concrete sizes.

    Each size symbol (a free symbol in a sum's limits or an ``Idx`` range) takes a small value
    of its own domain and each free ``Idx`` a value inside its range; the sums are then finite
    and the instance is screened like any expression. A confirmed difference at one instance
    is a counterexample to the general claim (its point names the size and the indices);
    agreement is evidence only, never a proof. None when the claim cannot be instantiated.
    """

    bounded = [node for side in (a, b) for node in side.atoms(sp.Sum, sp.Product)]
    if any(side.has(sp.Integral, sp.Limit) for side in (a, b)):
        return None
    bound = {limit[0] for node in bounded for limit in node.limits}
    indices = sorted((a.atoms(sp.Idx) | b.atoms(sp.Idx)) - bound, key=str)
    if any(idx.lower is None or idx.upper is None for idx in indices):
        return None
    sizes: set[sp.Basic] = set()
    for node in bounded:
        for limit in node.limits:
            sizes |= {s for bound in limit[1:] for s in bound.free_symbols}
    for idx in indices:
        sizes |= idx.lower.free_symbols | idx.upper.free_symbols
    sizes = {s for s in sizes if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy)}
    if not sizes or any(s in sizes for s in indices):
        return None
    agreed = 0
    for attempt, (size, placement) in enumerate(INSTANCES):
        values: dict[sp.Basic, sp.Integer] = {}
        if not all(domain_of(s.name, domains).contains(size) for s in sizes):
            continue
        values.update({s: sp.Integer(size) for s in sizes})
        ok = True
        for position, idx in enumerate(indices):
            lower, upper = idx.lower.xreplace(values), idx.upper.xreplace(values)
            if not (lower.is_Integer and upper.is_Integer) or upper < lower:
                ok = False
                break
            offset = attempt + (position if placement == "apart" else 0)
            values[idx] = lower + offset % (upper - lower + 1)
        if not ok:
            continue
        try:
            a_i, b_i = a.xreplace(values).doit(), b.xreplace(values).doit()
        except Exception:
            continue
        if any(side.has(sp.Sum, sp.Product, sp.Idx) for side in (a_i, b_i)):
            continue
        found = _screen_points(a_i, b_i, variables_by_name(a_i, b_i), domains, real_only, seed + attempt,
                               target=POINTS_PER_INSTANCE)
        if found.counterexample is not None:
            where = {str(k): str(v) for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))}
            cex = found.counterexample
            return Screening(agreed, REQUIRED_POINTS,
                             Counterexample({**where, **cex.point}, cex.expected, cex.answer))
        agreed += found.agreed
    return Screening(agreed, REQUIRED_POINTS) if agreed else None


def _screen_points(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]],
                   domains: Mapping[str, Domain], real_only: bool, seed: int,
                   target: int = TARGET_POINTS) -> Screening:
    rng = random.Random(seed)
    names = sorted(symbols)
    agreed = 0
    eval_a, eval_b = Evaluator(a, LOW_DPS, real_only), Evaluator(b, LOW_DPS, real_only)
    unresolved = 0
    for point in sample_points(names, domains, rng):
        bound = bind_point(symbols, point)
        try:
            seen = compare_at(eval_a, eval_b, bound)
        except Undefined:
            continue
        except Unsupported as exc:
            return Screening(agreed, REQUIRED_POINTS, reason=str(exc))
        if seen.agree:
            agreed += 1
        elif seen.differ:
            cex = counterexample_at(a, b, symbols, point, real_only, tolerance_at(seen.dps), seen.dps)
            if cex is not None:
                nicer = _at_scale_points(a, b, symbols, domains, real_only) if seen.dps > LOW_DPS else None
                return Screening(agreed, REQUIRED_POINTS, nicer or cex)
        else:
            unresolved += 1
        if agreed >= target or (not names and agreed >= 1):
            break
    required = 1 if not names else REQUIRED_POINTS
    if unresolved:
        cex = _at_scale_points(a, b, symbols, domains, real_only)
        if cex is not None:
            return Screening(agreed, required, cex)
    reason = f"{unresolved} sample points needed more than {MAX_DPS} digits" if unresolved else ""
    return Screening(agreed, required, reason=reason)


#: At most this many points in the last search before a 'numeric' verdict.
GRID_POINTS = 400


def grid_search(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]], domains: Mapping[str, Domain],
                real_only: bool = False) -> Counterexample | None:
    """A last hunt before calling two sides equal on numeric evidence alone: every
    combination of a few nice values per variable (integers, halves, negatives).

    Random points miss identities that fail only on special sets, such as (a^b)^c vs
    a^(bc), which differ at a = -2, b = 2, c = 1/2 (4^(1/2) = 2 but (-2)^1 = -2); nice
    values sit exactly on such sets. Only confirmed counterexamples are returned.
    """
    names = sorted(symbols)
    if not names or any(side.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Limit) for side in (a, b)):
        return None
    cex = _at_scale_points(a, b, symbols, domains, real_only)
    if cex is not None:
        return cex
    per_variable = max(2, int(GRID_POINTS ** (1 / len(names))))
    values = {n: domain_of(n, domains).samples(per_variable, random.Random(0)) for n in names}
    combinations = itertools.islice(itertools.product(*(values[n] for n in names)), GRID_POINTS)
    return _first_difference(a, b, symbols, (dict(zip(names, c)) for c in combinations), real_only)


def _first_difference(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]],
                      points: Iterable[Mapping[str, Fraction]], real_only: bool) -> Counterexample | None:
    """The first confirmed counterexample among ``points`` (precision raised where needed)."""
    eval_a, eval_b = Evaluator(a, LOW_DPS, real_only), Evaluator(b, LOW_DPS, real_only)
    for point in points:
        bound = bind_point(symbols, point)
        try:
            seen = compare_at(eval_a, eval_b, bound)
        except (Undefined, Unsupported):
            continue
        if not seen.differ:
            continue
        cex = counterexample_at(a, b, symbols, point, real_only, tolerance_at(seen.dps), seen.dps)
        if cex is not None:
            return cex
    return None


#: Functions whose argument sets the scale of a term (exp(-k*x^2) is 1 at x = 0, negligible elsewhere).
_SCALING = (sp.exp, sp.log, sp.sinh, sp.cosh, sp.tanh, sp.erf)
#: At most this many scale points per variable, and polynomials up to this degree are solved.
MAX_SCALE_POINTS = 8
MAX_SCALE_DEGREE = 4


def scale_points(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]],
                 domains: Mapping[str, Domain]) -> list[dict[str, Fraction]]:
    """Points where a term changes scale: 0 for each variable, and the real roots of the
    argument (and of its derivative) of every exp, power with a variable exponent, log,
    hyperbolic function or sigmoid that is a polynomial in one variable; the other
    variables take their domain's first nice value. Points outside the domain are dropped."""
    names = sorted(symbols)
    if not names:
        return []
    by_symbol = {sym: name for name, syms in symbols.items() for sym in syms}
    candidates: dict[str, list[Fraction]] = {name: [Fraction(0)] for name in names}
    arguments = []
    for side in (a, b):
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Pow) and node.exp.free_symbols:
                arguments.append(node.exp)
            elif isinstance(node, _SCALING) or type(node).__name__ in ("sigmoid", "softplus", "logsumexp"):
                arguments.extend(node.args)
    for argument in arguments:
        free = [s for s in argument.free_symbols if s in by_symbol]
        if len(free) != 1 or len(argument.free_symbols) != 1:
            continue
        name = by_symbol[free[0]]
        if len(candidates[name]) >= MAX_SCALE_POINTS:
            continue
        candidates[name].extend(_turning_points(argument, free[0]))
    base = {name: domain_of(name, domains).samples(1, random.Random(0))[0] for name in names}
    points: list[dict[str, Fraction]] = []
    for name in names:
        domain = domain_of(name, domains)
        for value in dict.fromkeys(candidates[name][:MAX_SCALE_POINTS]):
            if domain.contains(sp.Rational(value.numerator, value.denominator)):
                points.append({**base, name: value})
    return points


def _turning_points(argument: sp.Expr, symbol: sp.Basic) -> list[Fraction]:
    """Rational approximations of the real roots of a polynomial argument and its derivative."""
    try:
        poly = sp.Poly(argument, symbol)
    except sp.PolynomialError:
        return []
    if poly.degree() < 1 or poly.degree() > MAX_SCALE_DEGREE or not (poly.domain.is_QQ or poly.domain.is_ZZ):
        return []
    found = []
    for p in (poly.diff(symbol), poly):
        if p.degree() < 1:
            continue
        try:
            roots = p.nroots(n=30)
        except Exception:  # no convergence: no scale point from this argument
            continue
        for root in roots:
            if root.is_real:
                found.append(Fraction(str(sp.Float(root, 30))).limit_denominator(10**12))
    return found


def _at_scale_points(a: sp.Expr, b: sp.Expr, symbols: Mapping[str, Sequence[sp.Basic]],
                     domains: Mapping[str, Domain], real_only: bool) -> Counterexample | None:
    try:
        points = scale_points(a, b, symbols, domains)
    except Exception:  # finding scale points is a search aid, never a reason to fail
        return None
    return _first_difference(a, b, symbols, points, real_only)
