"""Sums over symbolic ranges (k = 1..K), made comparable for the proof ladder.

The derivations of softmax and the cross-entropy gradients differentiate sums of indexed
terms, which yields sums of Kronecker deltas and conditions such as K >= j. These helpers
evaluate what can be evaluated, settle conditions that an index's declared range decides,
and give bound indices canonical names, each a value-preserving rewrite.
"""

from __future__ import annotations

import sympy as sp


def evaluate_sums(e: sp.Expr, rounds: int = 4) -> sp.Expr:
    """Evaluate derivatives and sums, innermost first, then settle index-range conditions;
    repeat while that lets more evaluate (an inner KroneckerDelta sum leaves a Piecewise that
    blocks the outer one, a derivative of a sum makes a new delta sum)."""
    for _ in range(rounds):
        done = within_index_ranges(e.replace(_to_evaluate, lambda node: node.doit(deep=False)))
        if done == e:
            break
        e = done
    return e


def _to_evaluate(node: sp.Basic) -> bool:
    """Whether to doit this node. A sum over a symbolic range k = 1..K of terms indexed by k
    (y[k] z[k]) has no closed form, and SymPy's attempts to find one are slow: it is left as
    it is unless a KroneckerDelta or a Piecewise in it can be summed. Leaving a sum alone is
    always sound; the rungs still expand it and take constant factors out."""
    if isinstance(node, sp.Derivative | sp.Subs | sp.Integral | sp.Limit):
        return True
    if not isinstance(node, sp.Sum | sp.Product):
        return False
    if all(bound.is_number for limit in node.limits for bound in limit[1:]):
        return True
    if node.function.has(sp.KroneckerDelta, sp.Piecewise):
        return True
    bound_vars = {limit[0] for limit in node.limits}
    return not any(bound_vars & idx.free_symbols for atom in node.function.atoms(sp.Indexed) for idx in atom.indices)


def within_index_ranges(expr: sp.Expr) -> sp.Expr:
    """Use what an ``Idx('j', (1, K))`` declares, 1 <= j <= K: a condition such as K >= j
    that SymPy leaves open (summing a KroneckerDelta gives Piecewise((x[j], K >= j), (0, True)))
    becomes True. Only the index's own bounds are used, so nothing is assumed that the
    declaration does not say."""
    known: set[sp.Basic] = set()
    bound = {limit[0] for node in expr.atoms(sp.Sum, sp.Product) for limit in node.limits}
    for idx in expr.atoms(sp.Idx) - bound:  # a summation index ranges over its sum's limits instead
        if idx.lower is not None:
            known |= {sp.Ge(idx, idx.lower, evaluate=False), sp.Le(idx.lower, idx, evaluate=False)}
        if idx.upper is not None:
            known |= {sp.Le(idx, idx.upper, evaluate=False), sp.Ge(idx.upper, idx, evaluate=False)}
    if not known or not expr.has(sp.Piecewise):
        return expr
    return expr.replace(lambda node: node in known, lambda node: sp.true)


def canonical_sums(expr: sp.Expr) -> sp.Expr:
    """Rename the bound index of every single-limit Sum (and Product) to a canonical dummy, so
    sums that differ only in the name of their index (sum over k vs over j) become identical.
    The dummy depends on how deeply sums nest inside the body, so an inner sum never captures
    an outer index; renaming a bound variable never changes a value."""
    if not expr.has(sp.Sum, sp.Product):
        return expr
    dummies: dict[tuple[object, ...], sp.Dummy] = {}

    def height(e: sp.Basic) -> int:
        below = max((height(a) for a in e.args), default=0)
        return below + 1 if isinstance(e, sp.Sum | sp.Product) else below

    def walk(e: sp.Basic) -> sp.Basic:
        if not e.args or not e.has(sp.Sum, sp.Product):
            return e
        if isinstance(e, sp.Sum | sp.Product) and len(e.limits) == 1 and len(e.limits[0]) == 3:
            body = walk(e.function)
            var, lower, upper = e.limits[0]
            lower, upper = walk(lower), walk(upper)
            key = (type(e).__name__, height(body), tuple(sorted(var.assumptions0.items())))
            new = dummies.setdefault(key, sp.Dummy(f"i{key[1]}", **var.assumptions0))
            if new in body.free_symbols or lower.has(var) or upper.has(var):
                return e.func(body, (var, lower, upper))
            return e.func(body.xreplace({var: new}), (new, lower, upper))
        return e.func(*[walk(a) for a in e.args])

    try:
        return walk(expr)
    except (TypeError, ValueError, AttributeError):  # a node that cannot be rebuilt: leave the sums alone
        return expr
