"""Symbolic proof that a - b vanishes on a domain, by a ladder of SymPy transformations.

Each rung is a function from the difference to a (hopefully) simpler expression; the
difference is *proved* zero when some rung returns exactly 0. Domains enter as SymPy
assumptions on fresh symbols, intervals as a positive reparametrisation (see
:mod:`derivkit.engine.domains`), and closed endpoints as separate cases. A rung that crashes
(SymPy has bugs, e.g. simplify on Sums of KroneckerDelta) is noted and skipped: it can
make the engine less able, never wrong.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from derivkit.engine._expansion import too_large_to_expand
from derivkit.engine._screening import Counterexample, counterexample_at, domain_of, variables_by_name
from derivkit.engine._sums import canonical_sums, evaluate_sums
from derivkit.engine.domains import REAL, Domain
from derivkit.functions import to_elementary

Rung = tuple[str, Callable[[sp.Expr], sp.Expr]]


@dataclass(frozen=True)
class Budget:
    """Wall-clock budget shared by the layers of one decision."""

    start: float
    seconds: float

    def exhausted(self) -> bool:
        return time.perf_counter() - self.start > self.seconds


@dataclass(frozen=True)
class Problem:
    """a - b prepared for proof: the cases to prove and the original symbols by name."""

    a: sp.Expr
    b: sp.Expr
    cases: tuple[sp.Expr, ...]
    variables: Mapping[str, tuple[sp.Basic, ...]]
    domains: Mapping[str, Domain]
    #: a - b with every interval variable only given the assumptions that hold on all of its
    #: interval (p in (0, 1) just positive): proving this wider claim proves the cases at once
    wider: sp.Expr | None = None


@dataclass(frozen=True)
class ProofResult:
    proved: bool
    method: str | None = None
    refutation: Counterexample | None = None
    notes: tuple[str, ...] = field(default=())


def _natural_refinement(expr: sp.Expr, domains: dict[str, Domain]) -> dict[str, Domain]:
    """Under real semantics log(x) exists only for x > 0 and x**(1/2) only for x >= 0, so a
    side containing them is compared only there: narrow such bare symbols' domains."""
    refined = dict(domains)
    for node in sp.preorder_traversal(expr):
        target = None
        if isinstance(node, sp.log) and isinstance(node.args[0], sp.Symbol):
            target, kind = node.args[0], "positive"
        elif isinstance(node, sp.Pow) and isinstance(node.base, sp.Symbol) and node.exp.is_Rational \
                and not node.exp.is_Integer and node.exp.q % 2 == 0:
            target, kind = node.base, ("nonnegative" if node.exp > 0 else "positive")
        if target is not None and refined.get(target.name, REAL).kind == "real":
            refined[target.name] = Domain(kind)  # type: ignore[arg-type]
    return refined


def _substitution(variables: Mapping[str, tuple[sp.Basic, ...]], domains: Mapping[str, Domain],
                  wider: bool = False) -> tuple[dict[sp.Basic, sp.Expr], list[tuple[str, sp.Expr]]]:
    mapping: dict[sp.Basic, sp.Expr] = {}
    endpoints: list[tuple[str, sp.Expr]] = []
    for name, syms in variables.items():
        domain = domain_of(name, domains)
        if any(isinstance(s, sp.Indexed) for s in syms):
            # y[k] cannot be reparametrised; its base takes the assumptions that hold on the
            # whole domain of y (nonnegative for [0, 1]), never the author's stronger ones
            for sym in syms:
                label = sym.base.label
                if isinstance(label, sp.Symbol) and not isinstance(label, sp.Dummy):
                    target = sp.Symbol(label.name, **domain.assumptions)
                    if label.assumptions0 != target.assumptions0:
                        mapping[sym] = sp.Indexed(sp.IndexedBase(target), *sym.indices)
            continue
        if domain.needs_reparametrisation and not wider:
            target = domain.reparametrise(sp.Symbol(f"t_{name}", positive=True))
            endpoints += [(name, e) for e in domain.endpoints()]
        else:
            target = domain.symbol(name)
        for sym in syms:
            if sym.assumptions0 != getattr(target, "assumptions0", None):
                mapping[sym] = target
    return mapping, endpoints


def _safe_xreplace(expr: sp.Expr, mapping: Mapping[sp.Basic, sp.Expr]) -> sp.Expr:
    try:
        return expr.xreplace(dict(mapping))
    except (TypeError, ValueError):  # e.g. an Idx label that must stay an integer symbol
        return expr.xreplace({k: v for k, v in mapping.items() if not expr.has(sp.Idx)})


def prepare(a: sp.Expr, b: sp.Expr, domains: Mapping[str, Domain], natural: bool = False) -> Problem:
    """Put the difference a - b in terms of assumption-carrying symbols, one case per endpoint."""
    variables = variables_by_name(a, b)
    proof_domains = dict(domains)
    if natural:
        proof_domains = _natural_refinement(a, _natural_refinement(b, proof_domains))
    mapping, endpoints = _substitution(variables, proof_domains)
    diff = _safe_xreplace(a, mapping) - _safe_xreplace(b, mapping)
    cases = [diff]
    for name, value in endpoints:
        at_end = {sym: value for sym in variables[name]}
        a_end, b_end = _safe_xreplace(a.xreplace(at_end), mapping), _safe_xreplace(b.xreplace(at_end), mapping)
        if not any(side.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for side in (a_end, b_end)):
            cases.append(a_end - b_end)  # an endpoint where a side is undefined is skipped, not compared
    wider = None
    if any(domain_of(name, proof_domains).needs_reparametrisation
           and not any(isinstance(sym, sp.Indexed) for sym in syms) for name, syms in variables.items()):
        wide_mapping, _ = _substitution(variables, proof_domains, wider=True)
        wider = _safe_xreplace(a, wide_mapping) - _safe_xreplace(b, wide_mapping)
    return Problem(a, b, tuple(cases), variables, proof_domains, wider)


def _elementary(e: sp.Expr) -> sp.Expr:
    if e.has(sp.Derivative, sp.Sum, sp.Product, sp.Subs):
        e = canonical_sums(evaluate_sums(e))
    return to_elementary(e)


CHEAP_RUNGS: tuple[Rung, ...] = (
    ("cancel", lambda e: sp.cancel(e)),
    ("rewrite to exp, cancel", lambda e: sp.cancel(_elementary(e))),
    ("expand, cancel", lambda e: sp.cancel(sp.expand(_elementary(e)))),
    ("expand_log, cancel", lambda e: sp.cancel(sp.expand(sp.expand_log(_elementary(e), force=False)))),
    ("powers, cancel", lambda e: sp.cancel(sp.powsimp(sp.powdenest(sp.expand_power_base(_elementary(e)))))),
    ("exponential form, cancel", lambda e: sp.cancel(sp.expand(_elementary(e).rewrite(sp.exp)))),
)

HEAVY_RUNGS: tuple[Rung, ...] = (
    ("simplify", lambda e: sp.simplify(_elementary(e))),
    ("simplify exponential form", lambda e: sp.simplify(_elementary(e).rewrite(sp.exp))),
    ("expand_log, simplify", lambda e: sp.simplify(sp.expand_log(_elementary(e), force=False))),
    ("trigsimp", lambda e: sp.trigsimp(sp.expand(_elementary(e)))),
    ("logcombine, simplify", lambda e: sp.simplify(sp.logcombine(_elementary(e)))),
)


def _is_zero(e: sp.Expr) -> bool:
    return e == 0 or (e.is_Number and e.is_zero is True)


def _resum(reduced: sp.Expr, notes: list[str], name: str) -> sp.Expr:
    """After a rung has split or factored sums, sums over the same range may differ only in
    their index names again: rename the indices and cancel once more."""
    try:
        return sp.cancel(sp.expand(canonical_sums(reduced)))
    except Exception as exc:
        notes.append(f"'{name}' failed inside SymPy on a sum ({type(exc).__name__})")
        return reduced


def _prove_case(case: sp.Expr, rungs: tuple[Rung, ...], clock: Budget, notes: list[str]
                ) -> tuple[str | None, sp.Expr | None]:
    """(method, None) when proved; (None, c) when the difference reduced to a nonzero constant c."""
    if _is_zero(case):
        return "assumptions", None
    if too_large_to_expand(case):
        notes.append("too large to expand symbolically (left to numeric screening)")
        return None, None
    for name, rung in rungs:
        if clock.exhausted():
            notes.append(f"time budget spent before '{name}'")
            return None, None
        try:
            reduced = rung(case)
        except Exception as exc:
            notes.append(f"'{name}' failed inside SymPy ({type(exc).__name__})")
            continue
        if not _is_zero(reduced) and reduced.has(sp.Sum):
            reduced = _resum(reduced, notes, name)
        if _is_zero(reduced):
            return name, None
        if reduced.is_Rational or _nonzero_rational_function(reduced):
            return None, reduced  # exact: a nonzero rational (function) differs however small it is
        if not reduced.free_symbols and reduced.is_number and not reduced.has(sp.Sum, sp.Integral):
            value = sp.N(reduced, 50)
            if value.is_number and value.is_finite and abs(value) > sp.Float("1e-40"):
                return None, reduced
    return None, None


def symbolic_proof(problem: Problem, clock: Budget, heavy: bool, natural: bool = False,
                   skip_cheap: bool = False) -> ProofResult:
    """Try to prove every case of the problem; report a constant nonzero difference as refuted.
    ``skip_cheap`` leaves out the cheap rungs when an earlier call has already tried them."""
    rungs = (() if skip_cheap and heavy else CHEAP_RUNGS) + (HEAVY_RUNGS if heavy else ())
    notes: list[str] = []
    methods = []
    if problem.wider is not None and not heavy and not natural:
        # an identity on a wider domain holds on the interval too; this skips the larger
        # reparametrised expressions and the endpoint cases, and is tried with cheap rungs only
        method, _ = _prove_case(problem.wider, CHEAP_RUNGS, clock, notes)
        if method is not None:
            return ProofResult(True, method, None, tuple(notes))
    for index, case in enumerate(problem.cases):
        method, constant = _prove_case(case, rungs, clock, notes)
        if constant is not None and index == 0:
            refutation = _constant_refutation(problem, constant, real_only=natural)
            if refutation is not None:
                return ProofResult(False, None, refutation, tuple(notes))
        if method is None:
            return ProofResult(False, None, None, tuple(notes))
        methods.append(method)
    return ProofResult(True, methods[0], None, tuple(notes))


def _nonzero_rational_function(e: sp.Expr) -> bool:
    """Whether e is a rational function of its variables, with exact coefficients, that is
    not identically zero (cancel gives the canonical p/q, and p = 0 only for the zero function).
    Such a difference vanishes only on a set of measure zero, so sampling finds a counterexample
    with exact arithmetic, however small its coefficients (x vs x*(1 + 10^-50))."""
    symbols = e.free_symbols
    if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols) or e.has(sp.Float):
        return False
    try:
        return bool(e.is_rational_function(*symbols)) and sp.cancel(e) != 0
    except Exception:
        return False


def _digits_needed(difference: sp.Expr) -> int:
    """Working precision that resolves the difference: its magnitude for a constant, the
    size of its coefficients for a rational function."""
    if not difference.free_symbols:
        return 30 + max(0, -int(mpmath.log10(abs(sp.N(difference, 50)))))
    numerator, denominator = sp.fraction(sp.cancel(difference))
    coefficients = sp.Poly(numerator, *difference.free_symbols).coeffs() + \
        sp.Poly(denominator, *difference.free_symbols).coeffs()
    sizes = [len(str(abs(c.p))) + len(str(c.q)) for c in coefficients if c.is_Rational]
    return 30 + max(sizes, default=0)


def _constant_refutation(problem: Problem, constant: sp.Expr, real_only: bool = False) -> Counterexample | None:
    """The difference is a nonzero constant (or nonzero rational function), so a point where
    both sides are defined refutes (under natural semantics: a point where every
    subexpression of both sides is real)."""
    digits = _digits_needed(constant)
    rng = random.Random(1)
    names = list(problem.variables)
    for attempt in range(20):
        point = {n: domain_of(n, problem.domains).samples(attempt + 1, rng)[attempt] for n in names}
        cex = counterexample_at(problem.a, problem.b, problem.variables, point, real_only=real_only,
                                tolerance=mpmath.mpf(0), dps=digits)
        if cex is not None:
            return cex
    return None
