"""Decide whether two expressions are equal on a domain: the one engine behind everything.

It verifies the derivations and grades students, so it is built to be *sound*: it says
``proved`` only when a symbolic transformation reduced a - b to zero, ``refuted`` only with
a counterexample whose difference persists at a higher precision, ``numeric`` when the
sides agree at every sampled point but no proof was found, and ``unknown`` otherwise.

Layers, cheapest first (see :mod:`derivkit.engine._proof` and :mod:`derivkit.engine._screening`):
structural equality, cheap canonical forms, numeric screening, heavier symbolic proof.

Semantics. ``principal`` (the default, SymPy's): expressions are complex-valued with
principal branches, variables range over their domain, and a point where either side is
undefined (a pole, log 0) is skipped. So log(p/(1-p)) and log(p) - log(1-p) are equal on
(0, 1) but differ at p = 2. ``natural`` (STACK's convention for real variables): a point
counts only where *every* subexpression of a side is real, so both sides are compared on
their common natural real domain.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Literal

import sympy as sp

from derivkit.engine._proof import Budget, prepare, symbolic_proof
from derivkit.engine._screening import grid_search, screen
from derivkit.engine.domains import REAL, Domain, parse_domain
from derivkit.engine.verdict import Counterexample, Status, Verdict
from derivkit.functions import as_expr

Semantics = Literal["principal", "natural"]
DomainSpec = Mapping[sp.Symbol | str, Domain | str]


def _has_real_odd_roots(*exprs: sp.Expr) -> bool:
    """Whether natural semantics reads some power as a real odd root (x**(1/3) of a negative x
    is -|x|**(1/3) there but complex under principal branches, which SymPy's rewrites assume);
    such pairs are screened in full before any proof is attempted."""
    return any(isinstance(node, sp.Pow) and node.exp.is_Rational and not node.exp.is_Integer and node.exp.q % 2 == 1
               for expr in exprs for node in sp.preorder_traversal(expr))


def normalise_domains(domains: DomainSpec | None) -> dict[str, Domain]:
    """Domains keyed by symbol name, parsed from strings where needed."""
    result: dict[str, Domain] = {}
    for key, value in (domains or {}).items():
        result[key if isinstance(key, str) else key.name] = parse_domain(value)
    return result


def equivalent(
    a: sp.Expr,
    b: sp.Expr,
    domains: DomainSpec | None = None,
    budget: float = 5.0,
    semantics: Semantics = "principal",
    seed: int = 0,
) -> Verdict:
    """Decide a == b for every point of the domain (variables default to real).

    ``budget`` bounds the symbolic proof attempts in seconds (checked between layers; a
    single SymPy call cannot be interrupted in-process: untrusted input runs this inside
    :mod:`derivkit.grading.sandbox`, which enforces hard limits).
    """
    start = time.perf_counter()
    a, b = as_expr(a), as_expr(b)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        return _equivalent_entries(a, b, domains, budget, semantics, seed)
    by_name = normalise_domains(domains)
    clock = Budget(start, budget)

    def done(status: Status, method: str | None, message: str, cex: Counterexample | None = None,
             notes: tuple[str, ...] = ()) -> Verdict:
        return Verdict(status, method, cex, time.perf_counter() - start, message, notes)

    if a == b:
        return done("proved", "structural", "the two sides are identical")
    if _is_extended_constant(a) and _is_extended_constant(b) and (a.is_infinite or b.is_infinite):
        # limits: oo and -oo are values, not points to skip; distinct ones differ everywhere
        return done("refuted", "structural", f"{sp.sstr(a)} and {sp.sstr(b)} are different values",
                    Counterexample({}, sp.sstr(a), sp.sstr(b)))

    natural = semantics == "natural"
    problem = prepare(a, b, by_name, natural=natural)
    cheap_tried = False
    # a wrong answer usually shows at the first points: look before proving (a proof attempt on a
    # false claim about nested sigmoids ran for 30 s; a confirmed counterexample is found in ms)
    quick = screen(a, b, problem.variables, by_name, real_only=natural, seed=seed, target=4)
    if quick.counterexample is not None:
        return done("refuted", "numeric", quick.counterexample.sentence(), quick.counterexample)
    if not natural or not _has_real_odd_roots(a, b):
        cheap_tried = True
        proof = symbolic_proof(problem, clock, heavy=False, natural=natural)
        if proof.proved:
            return done("proved", proof.method, f"proved symbolically ({proof.method})")
        if proof.refutation is not None:
            return done("refuted", "symbolic", proof.refutation.sentence(), proof.refutation)

    screening = screen(a, b, problem.variables, by_name, real_only=natural, seed=seed)
    if screening.counterexample is not None:
        return done("refuted", "numeric", screening.counterexample.sentence(), screening.counterexample)

    proof = symbolic_proof(problem, clock, heavy=True, natural=natural, skip_cheap=cheap_tried)
    if proof.proved:
        return done("proved", proof.method, f"proved symbolically ({proof.method})")
    if proof.refutation is not None:
        return done("refuted", "symbolic", proof.refutation.sentence(), proof.refutation)
    special = grid_search(a, b, problem.variables, by_name, real_only=natural)
    if special is not None:
        return done("refuted", "numeric", special.sentence(), special)
    if screening.agreed >= screening.required:
        return done("numeric", "numeric",
                    f"equal at {screening.agreed} sample points (checked to 30 digits); no symbolic proof found",
                    notes=proof.notes)
    reason = screening.reason or "too few sample points where both sides are defined"
    return done("unknown", None, f"could not decide: {reason}", notes=proof.notes)


def samples_agree(a: sp.Expr, b: sp.Expr, domains: DomainSpec | None = None, seed: int = 0) -> bool:
    """Whether a and b agree at every sampled point (enough of them, 30 digits), without any
    symbolic proof: bounded by the sampling, for hints ("this step looks like a derivative"),
    never for a verdict."""
    a, b = as_expr(a), as_expr(b)
    by_name = normalise_domains(domains)
    problem = prepare(a, b, by_name)
    screening = screen(a, b, problem.variables, by_name, seed=seed)
    return screening.counterexample is None and screening.agreed >= screening.required


def _is_extended_constant(e: sp.Basic) -> bool:
    """A number, or one of the infinities a limit may return (not nan, not an interval)."""
    return not e.free_symbols and (e.is_number or e in (sp.oo, -sp.oo, sp.zoo)) and e is not sp.nan


def _equivalent_entries(a: sp.Basic, b: sp.Basic, domains: DomainSpec | None, budget: float,
                        semantics: Semantics, seed: int) -> Verdict:
    """Matrices (gradients, Hessians) are equal when they have one shape and every entry is
    equal; the verdict is the weakest entry's, a refuted entry named with its counterexample."""
    start = time.perf_counter()
    shapes = [getattr(m, "shape", None) for m in (a, b)]
    if shapes[0] != shapes[1]:
        what = " and ".join("a scalar" if s is None else f"a {s[0]}x{s[1]} matrix" for s in shapes)
        return Verdict("refuted", "structural", None, time.perf_counter() - start, f"the shapes differ: {what}")
    verdicts = []
    for (row, col), entry in zip(((r, c) for r in range(a.rows) for c in range(a.cols)), zip(a, b)):
        verdict = equivalent(*entry, domains, budget=budget, semantics=semantics, seed=seed)
        if verdict.status == "refuted":
            return Verdict("refuted", verdict.method, verdict.counterexample, time.perf_counter() - start,
                           f"entry ({row + 1}, {col + 1}): {verdict.message}")
        verdicts.append(verdict)
    rank = {"proved": 0, "numeric": 1, "unknown": 2}
    weakest = max(verdicts, key=lambda v: rank[v.status])
    methods = sorted({v.method for v in verdicts if v.method})
    message = "every entry " + ("proved symbolically" if weakest.status == "proved" else weakest.message)
    return Verdict(weakest.status, ", ".join(methods) or None, None, time.perf_counter() - start, message)


__all__ = ["REAL", "Counterexample", "Verdict", "equivalent", "normalise_domains"]
