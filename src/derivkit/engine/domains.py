"""Variable domains: the contract's domain strings, as SymPy assumptions and as samplers.

A domain plays two roles. For symbolic proof it becomes SymPy assumptions on a symbol
(``positive=True``...). An interval such as (0, 1) has no SymPy assumption, so it is
handled by a *positive reparametrisation*: x = a + (b - a) t/(1 + t) with t > 0 maps
(0, oo) one-to-one onto (a, b), so an identity proved for every positive t holds on the
whole open interval, and nothing outside it is ever claimed. For numeric screening a
domain yields sample points, "nice" numbers first so counterexamples read well.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import sympy as sp

from derivkit.errors import DomainError

Kind = Literal["real", "positive", "negative", "nonnegative", "nonzero", "integer", "positive integer",
               "nonnegative integer", "interval"]

_ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "negative": {"negative": True},
    "nonnegative": {"nonnegative": True},
    "nonzero": {"real": True, "nonzero": True},
    "integer": {"integer": True},
    "positive integer": {"integer": True, "positive": True},
    "nonnegative integer": {"integer": True, "nonnegative": True},
    "interval": {"real": True},
}
#: The integer kinds: sampled among integers, shown as Z, N or N_0.
_INTEGER_KINDS = ("integer", "positive integer", "nonnegative integer")

_NICE_REALS = ["1/2", "-3/2", "2", "-1/3", "3", "-2", "7/10", "-5/4", "1/10", "-7", "13/4", "-1/2",
               "1/3", "-3", "5/3", "1", "-2/3", "5", "-1", "9/4"]
_NICE_POSITIVE = ["1/2", "2", "3", "7/10", "13/4", "1/10", "5", "3/2", "9/4", "1/3", "8", "6/5"]
_NICE_INTEGERS = ["2", "-3", "1", "5", "-1", "0", "4", "-2", "7", "3", "-6", "10"]
_NICE_UNIT = ["1/2", "1/4", "3/4", "1/10", "9/10", "1/3", "2/3", "3/10", "7/10", "1/5", "4/5", "3/5"]


@dataclass(frozen=True)
class Domain:
    """Where a variable lives. Intervals keep exact rational (or infinite) bounds."""

    kind: Kind = "real"
    lower: sp.Expr = sp.S.NegativeInfinity
    upper: sp.Expr = sp.S.Infinity
    lower_closed: bool = False
    upper_closed: bool = False

    # -- symbolic side -------------------------------------------------------------
    @property
    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions that hold everywhere on the domain."""
        base = dict(_ASSUMPTIONS[self.kind])
        if self.kind == "interval":
            if self.lower >= 0 and not (self.lower == 0 and self.lower_closed):
                base = {"positive": True}
            elif self.lower >= 0:
                base = {"nonnegative": True}
            elif self.upper <= 0 and not (self.upper == 0 and self.upper_closed):
                base = {"negative": True}
            elif self.upper <= 0:
                base = {"nonpositive": True}
        return base

    def symbol(self, name: str) -> sp.Symbol:
        """A SymPy symbol carrying this domain's assumptions."""
        return sp.Symbol(name, **self.assumptions)

    @property
    def needs_reparametrisation(self) -> bool:
        """True when SymPy's assumptions alone cannot express the domain (a bounded side)."""
        return self.kind == "interval" and not (
            (self.lower in (0, sp.S.NegativeInfinity) and self.upper is sp.S.Infinity)
            or (self.lower is sp.S.NegativeInfinity and self.upper == 0)
        )

    def reparametrise(self, t: sp.Symbol) -> sp.Expr:
        """An expression in a positive symbol t that sweeps the open interior of the domain once."""
        lo, hi = self.lower, self.upper
        if lo.is_finite and hi.is_finite:
            return lo + (hi - lo) * t / (1 + t)
        if lo.is_finite:
            return lo + t
        if hi.is_finite:
            return hi - t
        return t - 1 / t  # all reals (never used: real symbols need no reparametrisation)

    def endpoints(self) -> list[sp.Expr]:
        """The closed, finite endpoints, which a reparametrisation of the interior misses."""
        points = []
        if self.lower_closed and self.lower.is_finite:
            points.append(self.lower)
        if self.upper_closed and self.upper.is_finite:
            points.append(self.upper)
        return points

    # -- numeric side --------------------------------------------------------------
    def contains(self, value: sp.Expr | float) -> bool:
        """Whether a real number lies in the domain."""
        v = sp.nsimplify(value) if isinstance(value, float) else sp.sympify(value)
        checks = {
            "real": lambda: bool(v.is_real),
            "positive": lambda: bool(v > 0),
            "negative": lambda: bool(v < 0),
            "nonnegative": lambda: bool(v >= 0),
            "nonzero": lambda: bool(v != 0),
            "integer": lambda: bool(v.is_integer),
            "positive integer": lambda: bool(v.is_integer and v > 0),
            "nonnegative integer": lambda: bool(v.is_integer and v >= 0),
            "interval": lambda: bool(
                (v > self.lower or (self.lower_closed and v == self.lower))
                and (v < self.upper or (self.upper_closed and v == self.upper))
            ),
        }
        return checks[self.kind]()

    def samples(self, count: int, rng: random.Random) -> list[Fraction]:
        """Sample points as exact fractions: nice ones first, then random ones."""
        nice = [Fraction(s) for s in self._nice()]
        points = [p for p in nice if self.contains(sp.Rational(p.numerator, p.denominator))]
        while len(points) < count:
            points.append(self._random(rng))
        return points[:count]

    def _nice(self) -> list[str]:
        if self.kind in _INTEGER_KINDS:
            return _NICE_INTEGERS
        if self.kind in ("positive", "nonnegative"):
            return _NICE_POSITIVE
        if self.kind == "negative":
            return ["-" + s for s in _NICE_POSITIVE]
        if self.kind == "interval" and self.lower.is_finite and self.upper.is_finite:
            lo, hi = Fraction(str(self.lower)), Fraction(str(self.upper))
            inner = [lo + (hi - lo) * Fraction(u) for u in _NICE_UNIT]
            ends = [str(p) for p in self.endpoints()]
            return ends + [str(p) for p in inner]
        return _NICE_REALS

    def _random(self, rng: random.Random) -> Fraction:
        if self.kind in _INTEGER_KINDS:
            low = {"positive integer": 1, "nonnegative integer": 0}.get(self.kind, -40)
            return Fraction(rng.randint(low, 40))
        if self.kind == "interval" and self.lower.is_finite and self.upper.is_finite:
            lo, hi = Fraction(str(self.lower)), Fraction(str(self.upper))
            u = Fraction(rng.randint(1, 999), 1000)
            return lo + (hi - lo) * u
        denominator = rng.choice((1, 2, 3, 4, 5, 7, 8, 10, 100))
        magnitude = Fraction(rng.randint(1, 4 * denominator), denominator) * (10 if rng.random() < 0.15 else 1)
        if self.kind in ("positive", "nonnegative"):
            return magnitude
        if self.kind == "negative":
            return -magnitude
        if self.kind == "interval":
            base = Fraction(str(self.lower)) if self.lower.is_finite else Fraction(str(self.upper))
            return base + magnitude if self.lower.is_finite else base - magnitude
        return magnitude if rng.random() < 0.5 else -magnitude

    def __str__(self) -> str:
        if self.kind != "interval":
            return self.kind
        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{_bound_text(self.lower)}, {_bound_text(self.upper)}{right}"

    def latex(self) -> str:
        """The domain as LaTeX set notation, for handouts."""
        sets = {
            "real": r"\mathbb{R}",
            "positive": r"(0, \infty)",
            "negative": r"(-\infty, 0)",
            "nonnegative": r"[0, \infty)",
            "nonzero": r"\mathbb{R} \setminus \{0\}",
            "integer": r"\mathbb{Z}",
            "positive integer": r"\mathbb{N}",
            "nonnegative integer": r"\mathbb{N}_0",
        }
        if self.kind in sets:
            return sets[self.kind]
        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{sp.latex(self.lower)}, {sp.latex(self.upper)}{right}"


def _bound_text(value: sp.Expr) -> str:
    if value is sp.S.Infinity:
        return "oo"
    if value is sp.S.NegativeInfinity:
        return "-oo"
    return str(value)


REAL = Domain("real")

_INTERVAL = re.compile(r"^\s*([(\[])\s*([^,]+?)\s*,\s*([^,]+?)\s*([)\]])\s*$")
#: ASCII digits only: \d would also accept Arabic-Indic and fullwidth digits.
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(/[0-9]+)?$", re.ASCII)
_INFINITIES = {"oo": sp.S.Infinity, "+oo": sp.S.Infinity, "inf": sp.S.Infinity, "+inf": sp.S.Infinity,
               "infinity": sp.S.Infinity, "-oo": sp.S.NegativeInfinity, "-inf": sp.S.NegativeInfinity,
               "-infinity": sp.S.NegativeInfinity}


def _parse_bound(text: str, whole: str) -> sp.Expr:
    """A bound: a decimal or p/q in ASCII digits with a nonzero q, or an infinity."""
    if text in _INFINITIES:
        return _INFINITIES[text]
    if not _NUMBER.match(text) or len(text) > 40:
        raise DomainError(f"bad interval bound {text!r} in domain {whole!r}; use numbers such as (0,1) or [-1, 2.5]")
    if "/" in text and int(text.partition("/")[2]) == 0:
        raise DomainError(f"bad interval bound {text!r} in domain {whole!r}: division by zero")
    return sp.Rational(Fraction(text))


def parse_domain(text: str | Domain) -> Domain:
    """Parse a contract domain string: real, positive, ..., integer, positive integer, nonnegative
    integer, (a,b), [a,b], (a,b], [a,b)."""
    if isinstance(text, Domain):
        return text
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _ASSUMPTIONS and cleaned != "interval":
        return Domain(cleaned)  # type: ignore[arg-type]
    match = _INTERVAL.match(cleaned)
    if not match:
        names = ", ".join(k for k in _ASSUMPTIONS if k != "interval")
        raise DomainError(f"unknown domain {text!r}; use one of {names}, or an interval such as (0,1) or [0,1]")
    left, lo_text, hi_text, right = match.groups()
    lower, upper = _parse_bound(lo_text, text), _parse_bound(hi_text, text)
    if not lower < upper:
        raise DomainError(f"empty interval {text!r}: the lower bound must be below the upper bound")
    if not lower.is_finite and not upper.is_finite:
        return Domain("real")  # (-oo, oo) is every real number
    # an infinite end is never attained, so [-oo, 1] is (-oo, 1]
    return Domain("interval", lower, upper, left == "[" and lower.is_finite, right == "]" and upper.is_finite)
