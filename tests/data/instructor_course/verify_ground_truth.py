#!/usr/bin/env python
"""Independent ground truth for the instructor course (mpmath only: never imports derivkit, nor SymPy).

Every step of every derivation in ``derivations/`` is transcribed a second time below, by hand, as
mpmath arithmetic (``TABLE``), and every seeded mistake of ``mistakes.toml`` as the wrong form it
states (``WRONG``). Each derivation is replayed at random points of its domains with concrete sizes
(N, K = 3 and 4; every pair of classes i, j for the softmax Jacobian) at 40 significant digits:

* ``Eq``: the stated form equals the previous one (direct evaluation);
* ``Diff``: the stated form equals the derivative of the previous one, by a high-precision finite
  difference (``mpmath.diff``), never by a symbolic derivative;
* ``At``: the previous form evaluated at the given values equals the stated one;
* ``Limit``: the previous form at T = 10^30 is within 10^-20 of the stated limit;
* ``Gt``: the previous form is larger at every point;
* ``Apply`` (multiply both sides by a factor, checked positive), ``Rewrite`` (same lhs - rhs) and
  ``Solve`` (the stated value makes lhs - rhs vanish, and lhs - rhs is affine and not constant in the
  unknown, so the solution is unique) for equation chains.

A step holds when every point agrees to 1e-25 (relative); it fails when some point differs by more
than 1e-8; anything between is reported as undecided. The table is tied to the scripts: each step
names a unique piece of its source line (``src``), the lines must be exactly the script's step calls
in order, and each mistake's ``find`` text must lie on the line of the step it names. Then:

* every step of the course as written holds;
* for each seeded mistake, the derivation replayed with the wrong form holds up to the seeded step
  and fails there, so ``step`` in mistakes.toml is the first failing step;
* the two extra mistakes of KNOWN_LIMITS.md (``LIMIT_MISTAKES``) are false too.

    python tests/data/instructor_course/verify_ground_truth.py [-v]

Prints one line per disagreement and a summary; exits 0 only when everything agrees.
"""

from __future__ import annotations

import random
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import mpmath as mp
from mpmath import exp, fsum, log, mpf, sqrt, tanh

mp.mp.dps = 40
HOLDS = mpf(10) ** -25
FAILS = mpf(10) ** -8
HERE = Path(__file__).resolve().parent
STEP_CALL = re.compile(r"^\s*\w+\.(equals|differentiate|substitute|apply|rewrite|solve_for|limit|compare)\(")


class P(dict):
    """A point: scalars by name, families as dicts {1: value, ...}, sizes N/K and indices i/j."""

    __getattr__ = dict.__getitem__

    def but(self, **values) -> P:
        return P({**self, **values})


F = Callable[[P], mpf]


def S(n: int, term: Callable[[int], mpf]) -> mpf:
    """sum_{i=1}^{n} term(i)."""
    return fsum(term(i) for i in range(1, n + 1))


def sig(t: mpf) -> mpf:
    return 1 / (1 + exp(-t))


def delta(a: int, b: int) -> int:
    return int(a == b)


# -- the step kinds ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    src: str  # a piece of the step's source line, unique in the script

    def claims(self, prev, v: P) -> list[tuple[mpf, mpf]]:
        """(value, expected) pairs that must agree at point v."""
        raise NotImplementedError

    def after(self, prev):
        raise NotImplementedError


@dataclass(frozen=True)
class Eq(Step):
    form: F = None

    def claims(self, prev, v):
        return [(self.form(v), prev(v))]

    def after(self, prev):
        return self.form


@dataclass(frozen=True)
class Diff(Step):
    var: str = ""  # a scalar name, or "z[j]": the family z's entry at the point's index j
    form: F = None

    def claims(self, prev, v):
        family, _, index = self.var.partition("[")
        if index:
            at = v[index.rstrip("]")]

            def along(t):
                return prev(v.but(**{family: {**v[family], at: t}}))

            return [(self.form(v), mp.diff(along, v[family][at]))]
        return [(self.form(v), mp.diff(lambda t: prev(v.but(**{self.var: t})), v[self.var]))]

    def after(self, prev):
        return self.form


@dataclass(frozen=True)
class At(Step):
    values: dict = field(default_factory=dict)
    form: F = None

    def claims(self, prev, v):
        return [(self.form(v), prev(v.but(**self.values)))]

    def after(self, prev):
        return self.form


@dataclass(frozen=True)
class Limit(Step):
    var: str = "T"
    form: F = None

    def claims(self, prev, v):
        far = prev(v.but(**{self.var: mpf(10) ** 30}))
        return [(self.form(v), self.form(v) if abs(far - self.form(v)) < mpf(10) ** -20 else far)]

    def after(self, prev):
        return self.form


@dataclass(frozen=True)
class Gt(Step):
    form: F = None

    def claims(self, prev, v):
        return [(mpf(1), mpf(1) if prev(v) > self.form(v) else mpf(-1))]

    def after(self, prev):
        return prev


@dataclass(frozen=True)
class Apply(Step):
    factor: F = None
    lhs: F = None
    rhs: F = None

    def claims(self, prev, v):
        positive = self.factor(v) > 0
        return [(self.lhs(v), self.factor(v) * prev[0](v)), (self.rhs(v), self.factor(v) * prev[1](v)),
                (mpf(1), mpf(1) if positive else mpf(-1))]

    def after(self, prev):
        return (self.lhs, self.rhs)


@dataclass(frozen=True)
class Rewrite(Step):
    lhs: F = None
    rhs: F = None

    def claims(self, prev, v):
        return [(self.lhs(v) - self.rhs(v), prev[0](v) - prev[1](v))]

    def after(self, prev):
        return (self.lhs, self.rhs)


@dataclass(frozen=True)
class Solve(Step):
    var: str = ""
    form: F = None

    def claims(self, prev, v):
        value = self.form(v)

        def residual(t):
            at = v.but(**{self.var: t})
            return prev[0](at) - prev[1](at)

        slope = residual(value + 1) - residual(value)
        curvature = residual(value + 2) - 2 * residual(value + 1) + residual(value)
        return [(residual(value), mpf(0)), (curvature, mpf(0)), (mpf(1), mpf(1) if abs(slope) > FAILS else mpf(-1))]

    def after(self, prev):
        return prev


@dataclass(frozen=True)
class Chain:
    start: F | tuple[F, F]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Derivation:
    file: str
    domains: dict[str, str]  # name -> real | positive | unit | [0,1] | real family | indices
    size: str  # "N" or "K"
    chains: tuple[Chain, ...]

    @property
    def steps(self) -> list[Step]:
        return [s for c in self.chains for s in c.steps]


# -- the course, transcribed ---------------------------------------------------------------------------
def r_w(v, i):  # the residual of example i, with bias
    return v.w * v.x[i] + v.b - v.y[i]


def sx(v):
    return S(v.N, lambda i: v.x[i])


def sxx(v):
    return S(v.N, lambda i: v.x[i] ** 2)


def sxy(v):
    return S(v.N, lambda i: v.x[i] * v.y[i])


def mse(v):
    return S(v.N, lambda i: r_w(v, i) ** 2) / v.N


def lsq(v):
    return S(v.N, lambda i: (v.w * v.x[i] - v.y[i]) ** 2) / v.N


def ridge(v):
    return lsq(v) + v.lam * v.w ** 2


def out(v):  # the network's output sigma(w2 sigma(w1 x)) and hidden unit sigma(w1 x)
    return sig(v.w2 * sig(v.w1 * v.x)), sig(v.w1 * v.x)


def grad_w1(v):
    o, a = out(v)
    return (o - v.y) * o * (1 - o) * v.w2 * a * (1 - a) * v.x


def gauss_ll(v):
    return -mpf(v.N) / 2 * log(2 * mp.pi * v.s ** 2) - S(v.N, lambda i: (v.x[i] - v.mu) ** 2) / (2 * v.s ** 2)


def kl(v):
    p, q = v.p, v.q
    return p * log(p) - p * log(q) + (1 - p) * log(1 - p) - (1 - p) * log(1 - q)


def dkl(v):
    return -v.p / v.q + (1 - v.p) / (1 - v.q)


def zs(v):  # the softmax normaliser sum_k e^{z_k/T}
    return S(v.K, lambda k: exp(v.z[k] / v.T))


def two_class(v):
    return sig((v.z[1] - v.z[2]) / v.T)


TABLE: dict[str, Derivation] = {d.file: d for d in (
    Derivation("mse_linear_regression.py", {"w": "real", "b": "real", "x": "real family", "y": "real family"}, "N", (
        Chain(mse, (
            Diff("gw.differentiate(w,", "w", lambda v: S(v.N, lambda i: 2 * r_w(v, i) * v.x[i]) / v.N),
            Eq(r'gw.equals(r"\frac{2}{N} \sum', lambda v: 2 * S(v.N, lambda i: r_w(v, i) * v.x[i]) / v.N),
            Eq(r'gw.equals(r"\frac{2}{N} \left(', lambda v: mpf(2) / v.N * (v.w * sxx(v) + v.b * sx(v) - sxy(v))),
        )),
        Chain(mse, (
            Diff("gb.differentiate(b,", "b", lambda v: 2 * S(v.N, lambda i: r_w(v, i)) / v.N),
            Eq("gb.equals(", lambda v: mpf(2) / v.N * (v.w * sx(v) + v.N * v.b - S(v.N, lambda i: v.y[i]))),
        )),
    )),
    Derivation("least_squares_1d.py", {"w": "real", "x": "real family", "y": "real family"}, "N", (
        Chain(lsq, (
            Diff("g.differentiate(w,", "w", lambda v: 2 * S(v.N, lambda i: (v.w * v.x[i] - v.y[i]) * v.x[i]) / v.N),
            Eq("g.equals(", lambda v: mpf(2) / v.N * (v.w * sxx(v) - sxy(v))),
        )),
        Chain((lambda v: mpf(2) / v.N * (v.w * sxx(v) - sxy(v)), lambda v: mpf(0)), (
            Apply("s.apply(", lambda v: mpf(v.N) / 2, lambda v: v.w * sxx(v) - sxy(v), lambda v: mpf(0)),
            Rewrite("s.rewrite(", lambda v: v.w * sxx(v), sxy),
            Solve("s.solve_for(w,", "w", lambda v: sxy(v) / sxx(v)),
        )),
    )),
    Derivation("ridge_regression.py", {"w": "real", "lam": "positive", "x": "real family", "y": "real family"}, "N", (
        Chain(ridge, (
            Diff("g.differentiate(w,", "w", lambda v: 2 * S(v.N, lambda i: (v.w * v.x[i] - v.y[i]) * v.x[i]) / v.N
                 + 2 * v.lam * v.w),
            Eq("g.equals(", lambda v: mpf(2) / v.N * (v.w * sxx(v) - sxy(v) + v.N * v.lam * v.w)),
        )),
        Chain((lambda v: mpf(2) / v.N * (v.w * sxx(v) - sxy(v) + v.N * v.lam * v.w), lambda v: mpf(0)), (
            Apply("s.apply(", lambda v: mpf(v.N) / 2, lambda v: v.w * sxx(v) - sxy(v) + v.N * v.lam * v.w,
                  lambda v: mpf(0)),
            Rewrite("s.rewrite(", lambda v: v.w * (sxx(v) + v.N * v.lam), sxy),
            Solve("s.solve_for(w,", "w", lambda v: sxy(v) / (sxx(v) + v.N * v.lam)),
        )),
    )),
    Derivation("tanh_via_sigmoid.py", {"z": "real"}, "", (
        Chain(lambda v: tanh(v.z), (
            Eq(r'"\frac{e^{z} - e^{-z}}', lambda v: (exp(v.z) - exp(-v.z)) / (exp(v.z) + exp(-v.z))),
            Eq(r'"\frac{1 - e^{-2z}}', lambda v: (1 - exp(-2 * v.z)) / (1 + exp(-2 * v.z))),
            Eq(r'"\frac{2}{1 + e^{-2z}} - 1"', lambda v: 2 / (1 + exp(-2 * v.z)) - 1),
            Eq(r't.equals(r"2\sigma(2z) - 1"', lambda v: 2 * sig(2 * v.z) - 1),
        )),
        Chain(lambda v: 2 * sig(2 * v.z) - 1, (
            Diff("s.differentiate(z,", "z", lambda v: 2 * sig(2 * v.z) * (1 - sig(2 * v.z)) * 2),
            Eq(r's.equals(r"4\sigma(2z)', lambda v: 4 * sig(2 * v.z) * (1 - sig(2 * v.z))),
            Eq(r's.equals(r"\left(1 + \tanh z\right)', lambda v: (1 + tanh(v.z)) * (1 - tanh(v.z))),
            Eq(r's.equals(r"1 - \tanh^2 z"', lambda v: 1 - tanh(v.z) ** 2),
        )),
    )),
    Derivation("softplus_derivative.py", {"z": "real"}, "", (
        Chain(lambda v: log(1 + exp(v.z)), (
            Diff("c.differentiate(z,", "z", lambda v: exp(v.z) / (1 + exp(v.z))),
            Eq(r'c.equals(r"\frac{1}{e^{-z} + 1}"', lambda v: 1 / (exp(-v.z) + 1)),
            Eq(r'c.equals(r"\sigma(z)"', lambda v: sig(v.z)),
        )),
        Chain(lambda v: log(1 + exp(v.z)) - log(1 + exp(-v.z)), (
            Eq(r'o.equals(r"\log \frac', lambda v: log((1 + exp(v.z)) / (1 + exp(-v.z)))),
            Eq(r'o.equals(r"\log e^{z}"', lambda v: log(exp(v.z))),
            Eq('o.equals("z"', lambda v: v.z),
        )),
    )),
    Derivation("swish_derivative.py", {"x": "real"}, "", (
        Chain(lambda v: v.x * sig(v.x), (
            Diff("c.differentiate(x,", "x", lambda v: sig(v.x) + v.x * sig(v.x) * (1 - sig(v.x))),
            Eq(r'c.equals(r"\sigma(x) \left(1 + x - x', lambda v: sig(v.x) * (1 + v.x - v.x * sig(v.x))),
            Eq(r'c.equals(r"\sigma(x) \left(1 + x \left(', lambda v: sig(v.x) * (1 + v.x * (1 - sig(v.x)))),
        )),
        Chain(lambda v: sig(v.x) * (1 + v.x * (1 - sig(v.x))), (
            At("z.substitute(", {"x": mpf(0)}, lambda v: mpf(1) / 2 * (1 + 0)),
            Eq(r'z.equals(r"\frac{1}{2}"', lambda v: mpf(1) / 2),
        )),
    )),
    Derivation("two_layer_backprop.py", {"w1": "real", "w2": "real", "x": "real", "y": "[0,1]"}, "", (
        Chain(lambda v: (out(v)[0] - v.y) ** 2 / 2, (
            Diff("g2.differentiate(w2,", "w2", lambda v: (out(v)[0] - v.y) * out(v)[0] * (1 - out(v)[0]) * out(v)[1]),
            Eq("g2.equals(", lambda v: out(v)[1] * out(v)[0] * (1 - out(v)[0]) * (out(v)[0] - v.y)),
        )),
        Chain(lambda v: (out(v)[0] - v.y) ** 2 / 2, (
            Diff("g1.differentiate(w1,", "w1", grad_w1),
            Eq("g1.equals(", lambda v: (out(v)[0] - v.y) * out(v)[0] * (1 - out(v)[0]) * out(v)[1] * v.w2
               * (1 - out(v)[1]) * v.x),
        )),
        Chain(grad_w1, (
            At("n.substitute(", {"w1": mpf(0), "w2": mpf(0)}, lambda v: mpf(0)),
        )),
    )),
    Derivation("gaussian_mean_mle.py", {"mu": "real", "s": "positive", "x": "real family"}, "N", (
        Chain(lambda v: S(v.N, lambda i: log(1 / sqrt(2 * mp.pi * v.s ** 2)
                                             * exp(-(v.x[i] - v.mu) ** 2 / (2 * v.s ** 2)))), (
            Eq(r'll.equals(r"\sum', lambda v: S(v.N, lambda i: -log(2 * mp.pi * v.s ** 2) / 2
                                                 - (v.x[i] - v.mu) ** 2 / (2 * v.s ** 2))),
            Eq(r'll.equals(r"-\frac{N}{2}', gauss_ll),
        )),
        Chain(gauss_ll, (
            Diff("g.differentiate(mu,", "mu", lambda v: S(v.N, lambda i: v.x[i] - v.mu) / v.s ** 2),
            Eq("g.equals(", lambda v: (S(v.N, lambda i: v.x[i]) - v.N * v.mu) / v.s ** 2),
        )),
        Chain((lambda v: (S(v.N, lambda i: v.x[i]) - v.N * v.mu) / v.s ** 2, lambda v: mpf(0)), (
            Apply("s.apply(", lambda v: v.s ** 2, lambda v: S(v.N, lambda i: v.x[i]) - v.N * v.mu, lambda v: mpf(0)),
            Solve("s.solve_for(mu,", "mu", lambda v: S(v.N, lambda i: v.x[i]) / v.N),
        )),
    )),
    Derivation("bernoulli_kl.py", {"p": "unit", "q": "unit"}, "", (
        Chain(lambda v: v.p * log(v.p / v.q) + (1 - v.p) * log((1 - v.p) / (1 - v.q)), (
            Eq("k.equals(", kl),
        )),
        Chain(kl, (
            Diff("g.differentiate(q,", "q", dkl),
            Eq(r'g.equals(r"\frac{-p(1 - q)', lambda v: (-v.p * (1 - v.q) + v.q * (1 - v.p)) / (v.q * (1 - v.q))),
            Eq(r'g.equals(r"\frac{q - p}', lambda v: (v.q - v.p) / (v.q * (1 - v.q))),
        )),
        Chain(dkl, (
            Diff("c.differentiate(q,", "q", lambda v: v.p / v.q ** 2 + (1 - v.p) / (1 - v.q) ** 2),
            Gt("c.compare(", lambda v: mpf(0)),
        )),
    )),
    Derivation("softmax_temperature.py", {"T": "positive", "z": "real family"}, "K", (
        Chain(lambda v: exp(v.z[v.i] / v.T) / zs(v), (
            Diff("jac.differentiate(z[j],", "z[j]", lambda v: delta(v.i, v.j) * exp(v.z[v.i] / v.T) / (v.T * zs(v))
                 - exp(v.z[v.i] / v.T) * exp(v.z[v.j] / v.T) / (v.T * zs(v) ** 2)),
            Eq("jac.equals(", lambda v: exp(v.z[v.i] / v.T) / zs(v) * (delta(v.i, v.j) - exp(v.z[v.j] / v.T) / zs(v))
               / v.T),
        )),
        Chain(lambda v: exp(v.z[1] / v.T) / (exp(v.z[1] / v.T) + exp(v.z[2] / v.T)), (
            Eq(r'two.equals(r"\frac{1}{1 + e', lambda v: 1 / (1 + exp((v.z[2] - v.z[1]) / v.T))),
            Eq(r'two.equals(r"\sigma', two_class),
        )),
        Chain(two_class, (
            Limit("hot.limit(T,", "T", lambda v: mpf(1) / 2),
        )),
    )),
)}

# -- the seeded mistakes: the wrong form each states, transcribed ---------------------------------------
WRONG: dict[str, Callable[[Step], Step]] = {
    "mse-dropped-2": lambda s: replace(s, form=lambda v: S(v.N, lambda i: r_w(v, i) * v.x[i]) / v.N),
    "mse-square-lost": lambda s: replace(s, form=lambda v: mpf(2) / v.N * (v.w * S(v.N, lambda i: v.x[i])
                                                                      + v.b * S(v.N, lambda i: v.x[i]) - sxy(v))),
    "mse-bias-1-over-N-lost": lambda s: replace(s, form=lambda v: 2 * S(v.N, lambda i: r_w(v, i))),
    "mse-sum-of-constant": lambda s: replace(s, form=lambda v: mpf(2) / v.N * (v.w * S(v.N, lambda i: v.x[i]) + v.b
                                                                          - S(v.N, lambda i: v.y[i]))),
    "lsq-residual-sign": lambda s: replace(s, form=lambda v: 2 * S(v.N, lambda i: (v.y[i] - v.w * v.x[i]) * v.x[i])
                                           / v.N),
    "lsq-half-multiplied": lambda s: replace(s, lhs=lambda v: 2 * v.w * sxx(v) - sxy(v)),
    "lsq-moved-without-sign": lambda s: replace(s, rhs=lambda v: -sxy(v)),
    "lsq-ratio-upside-down": lambda s: replace(s, form=lambda v: sxx(v) / sxy(v)),
    "ridge-penalty-2-lost": lambda s: replace(s, form=lambda v: 2 * S(v.N, lambda i: (v.w * v.x[i] - v.y[i]) * v.x[i])
                                              / v.N + v.lam * v.w),
    "ridge-N-lost-when-factoring": lambda s: replace(s, form=lambda v: mpf(2) / v.N
                                                     * (v.w * sxx(v) - sxy(v) + v.lam * v.w)),
    "ridge-solution-N-lost": lambda s: replace(s, form=lambda v: sxy(v) / (sxx(v) + v.lam)),
    "tanh-exponent": lambda s: replace(s, form=lambda v: (1 - exp(-v.z)) / (1 + exp(-v.z))),
    "tanh-sigma-of-z": lambda s: replace(s, form=lambda v: 2 * sig(v.z) - 1),
    "tanh-inner-derivative": lambda s: replace(s, form=lambda v: 2 * sig(2 * v.z) * (1 - sig(2 * v.z))),
    "tanh-difference-of-squares-sign": lambda s: replace(s, form=lambda v: 1 + tanh(v.z) ** 2),
    "softplus-exponent-sign": lambda s: replace(s, form=lambda v: 1 / (exp(v.z) + 1)),
    "softplus-log-of-sum-split": lambda s: replace(s, form=lambda v: log(1) + log(exp(v.z)) - log(1) - log(exp(-v.z))),
    "swish-product-rule-half": lambda s: replace(s, form=lambda v: v.x * sig(v.x) * (1 - sig(v.x))),
    "swish-sigma0-is-quarter": lambda s: replace(s, form=lambda v: mpf(1) / 4 * (1 + 0)),
    "backprop-output-sign": lambda s: replace(s, form=lambda v: (v.y - out(v)[0]) * out(v)[0] * (1 - out(v)[0])
                                              * out(v)[1]),
    "backprop-w2-factor-lost": lambda s: replace(s, form=lambda v: (out(v)[0] - v.y) * out(v)[0] * (1 - out(v)[0])
                                                 * out(v)[1] * (1 - out(v)[1]) * v.x),
    "gaussian-half-lost": lambda s: replace(s, form=lambda v: S(v.N, lambda i: -log(2 * mp.pi * v.s ** 2)
                                                                - (v.x[i] - v.mu) ** 2 / (2 * v.s ** 2))),
    "gaussian-constant-not-times-N": lambda s: replace(s, form=lambda v: -log(2 * mp.pi * v.s ** 2) / 2
                                                       - S(v.N, lambda i: (v.x[i] - v.mu) ** 2) / (2 * v.s ** 2)),
    "gaussian-score-sign": lambda s: replace(s, form=lambda v: S(v.N, lambda i: v.mu - v.x[i]) / v.s ** 2),
    "gaussian-mean-1-over-N-lost": lambda s: replace(s, form=lambda v: S(v.N, lambda i: v.x[i])),
    "kl-log-quotient-sign": lambda s: replace(s, form=lambda v: v.p * log(v.p) - v.p * log(v.q)
                                              + (1 - v.p) * log(1 - v.p) + (1 - v.p) * log(1 - v.q)),
    "kl-inner-derivative-of-1-minus-q": lambda s: replace(s, form=lambda v: -v.p / v.q - (1 - v.p) / (1 - v.q)),
    "softmax-T-lost-in-second-term": lambda s: replace(s, form=lambda v: delta(v.i, v.j) * exp(v.z[v.i] / v.T)
                                                       / (v.T * zs(v))
                                                       - exp(v.z[v.i] / v.T) * exp(v.z[v.j] / v.T) / zs(v) ** 2),
    "softmax-i-for-j": lambda s: replace(s, form=lambda v: exp(v.z[v.i] / v.T) / zs(v)
                                         * (delta(v.i, v.j) - exp(v.z[v.i] / v.T) / zs(v)) / v.T),
    "softmax-two-class-difference-swapped": lambda s: replace(s, form=lambda v: sig((v.z[2] - v.z[1]) / v.T)),
}

#: Mistakes kept out of mistakes.toml because derivkit takes minutes to report them (KNOWN_LIMITS.md):
#: (file, step, the wrong form).
LIMIT_MISTAKES: dict[str, tuple[str, int, Callable[[Step], Step]]] = {
    "backprop-hidden-slope-sign": ("two_layer_backprop.py", 4, lambda s: replace(
        s, form=lambda v: (out(v)[0] - v.y) * out(v)[0] * (1 - out(v)[0]) * out(v)[1] * v.w2 * (1 + out(v)[1]) * v.x)),
    "backprop-preactivation-for-activation": ("two_layer_backprop.py", 2, lambda s: replace(
        s, form=lambda v: v.w1 * v.x * out(v)[0] * (1 - out(v)[0]) * (out(v)[0] - v.y))),
}


# -- sampling and replay ---------------------------------------------------------------------------------
def sample(kind: str, rng: random.Random) -> mpf:
    """A random rational of the domain (exact rationals, so runs are reproducible)."""
    low, high = {"real": (-3, 3), "positive": (Fraction(1, 10), 4), "unit": (Fraction(1, 50), Fraction(49, 50)),
                 "[0,1]": (0, 1)}[kind]
    value = Fraction(low) + (Fraction(high) - Fraction(low)) * Fraction(rng.randint(0, 960), 960)
    return mpf(value.numerator) / value.denominator


def points(d: Derivation, seed: str) -> list[P]:
    rng = random.Random(seed)
    found = []
    for n in ((3, 4) if d.size else (0,)):
        for _ in range(4):
            v = P({d.size or "n": n})
            for name, kind in d.domains.items():
                if kind.endswith("family"):
                    v[name] = {k: sample(kind.split()[0], rng) for k in range(1, max(n, 2) + 1)}
                else:
                    v[name] = sample(kind, rng)
            pairs = [(i, j) for i in range(1, n + 1) for j in range(1, n + 1)] if d.size == "K" else [(0, 0)]
            found.extend(v.but(i=i, j=j) for i, j in pairs)
    return found


def relative(a: mpf, b: mpf) -> mpf:
    return abs(a - b) / max(mpf(1), abs(a), abs(b))


def judge(step: Step, prev, pts: list[P]) -> str:
    """'holds', 'fails' or 'undecided' over the sample points."""
    worst = max(relative(a, b) for v in pts for a, b in step.claims(prev, v))
    return "holds" if worst <= HOLDS else "fails" if worst > FAILS else "undecided"


def replay(d: Derivation, pts: list[P], swap: tuple[int, Step] | None = None) -> list[str]:
    """The verdict of every step, in order (step ``swap[0]`` replaced by ``swap[1]``)."""
    verdicts, number = [], 0
    for chain in d.chains:
        prev = chain.start
        for step in chain.steps:
            number += 1
            if swap and swap[0] == number:
                step = swap[1]
            verdicts.append(judge(step, prev, pts))
            prev = step.after(prev)
    return verdicts


def step_lines(d: Derivation, text: str, problems: list[str]) -> list[int]:
    """The source line of each step of the table, checked against the script's step calls."""
    lines = []
    for step in d.steps:
        if text.count(step.src) != 1:
            problems.append(f"{d.file}: src {step.src!r} occurs {text.count(step.src)} times, not once")
            lines.append(-1)
            continue
        lines.append(text[: text.index(step.src)].count("\n") + 1)
    calls = [n for n, line in enumerate(text.splitlines(), start=1) if STEP_CALL.match(line)]
    if lines != calls:
        problems.append(f"{d.file}: the table's step lines {lines} are not the script's step calls {calls}")
    return lines


def main() -> int:
    verbose = "-v" in sys.argv
    problems: list[str] = []
    scripts = sorted(p.name for p in (HERE / "derivations").glob("*.py"))
    if scripts != sorted(TABLE):
        problems.append(f"the table covers {sorted(TABLE)}, the course has {scripts}")
    lines_of, pts_of, total = {}, {}, 0
    for d in TABLE.values():
        text = (HERE / "derivations" / d.file).read_text(encoding="utf-8")
        lines_of[d.file] = step_lines(d, text, problems)
        pts_of[d.file] = points(d, d.file)
        verdicts = replay(d, pts_of[d.file])
        total += len(verdicts)
        for number, verdict in enumerate(verdicts, start=1):
            if verdict != "holds":
                problems.append(f"{d.file} step {number}: {verdict}, but the course states it")
        if verbose:
            print(f"{d.file}: {len(verdicts)} steps at {len(pts_of[d.file])} points: " + " ".join(verdicts))

    mistakes = tomllib.loads((HERE / "mistakes.toml").read_text(encoding="utf-8"))["mistake"]
    ids = [m["id"] for m in mistakes]
    if sorted(ids) != sorted(WRONG) or len(set(ids)) != len(ids):
        problems.append(f"mistakes.toml ids {sorted(ids)} differ from the transcribed ones {sorted(WRONG)}")
    for m in mistakes:
        d = TABLE[m["file"]]
        text = (HERE / "derivations" / m["file"]).read_text(encoding="utf-8")
        if text.count(m["find"]) != 1 or m["find"] == m["replace"]:
            problems.append(f"{m['id']}: find occurs {text.count(m['find'])} times (or equals replace)")
            continue
        line = text[: text.index(m["find"])].count("\n") + 1
        step_line = lines_of[m["file"]][m["step"] - 1]
        if step_line != line:
            problems.append(f"{m['id']}: find is on line {line}, step {m['step']} on {step_line}")
        if m["id"] not in WRONG:
            continue
        wrong = WRONG[m["id"]](d.steps[m["step"] - 1])
        verdicts = replay(d, pts_of[m["file"]], (m["step"], wrong))
        first = next((n for n, v in enumerate(verdicts, start=1) if v != "holds"), None)
        if first != m["step"] or verdicts[m["step"] - 1] != "fails":
            problems.append(f"{m['id']}: first step not holding is {first} ({verdicts}), expected {m['step']} failing")
        elif verbose:
            print(f"mistake {m['id']}: step {first} fails")
    for name, (file, number, make) in LIMIT_MISTAKES.items():
        d = TABLE[file]
        verdict = replay(d, pts_of[file], (number, make(d.steps[number - 1])))[number - 1]
        if verdict != "fails":
            problems.append(f"{name} (KNOWN_LIMITS.md): step {number} {verdict}, expected fails")

    for problem in problems:
        print("DISAGREES:", problem)
    print(f"{len(TABLE)} derivations, {total} steps hold; {len(mistakes)} seeded mistakes and "
          f"{len(LIMIT_MISTAKES)} in KNOWN_LIMITS.md fail at their step; {len(problems)} disagreement(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
