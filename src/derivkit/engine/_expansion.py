"""Estimating how large an expansion would be, before asking SymPy to do it.

Every rung of the proof ladder expands in some way; on (x - a)^6000 that alone takes
minutes. The estimate lets the engine leave such cases to numeric screening.
"""

from __future__ import annotations

import sympy as sp

#: Every rung expands (cancel, expand, simplify). Past this many terms in the estimated full
#: expansion, or a power of a sum past this exponent (its coefficients have hundreds of
#: digits: cancel((x-a)^800 - (x-a)^799) alone takes 2 s), no rung returns in useful time,
#: so the case is left to numeric screening instead.
MAX_EXPANSION_TERMS = 20_000
MAX_EXPANDED_EXPONENT = 300


def too_large_to_expand(expr: sp.Basic) -> bool:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_Integer and abs(int(node.exp)) > MAX_EXPANDED_EXPONENT \
                and isinstance(node.base, sp.Add) and node.base.free_symbols:
            return True
    return expansion_terms(expr) > MAX_EXPANSION_TERMS


def expansion_terms(expr: sp.Basic, cap: int = 10**12) -> int:
    """An upper estimate of the number of terms of ``expand(expr)``, capped at ``cap``."""
    memo: dict[sp.Basic, int] = {}

    def terms(e: sp.Basic) -> int:
        if e in memo:
            return memo[e]
        if not e.args:
            n = 1
        elif isinstance(e, sp.Add):
            n = min(cap, sum(terms(a) for a in e.args))
        elif isinstance(e, sp.Mul):
            n = 1
            for a in e.args:
                n = min(cap, n * terms(a))
        elif isinstance(e, sp.Pow) and e.exp.is_Integer and abs(int(e.exp)) >= 2:
            k, power = terms(e.base), abs(int(e.exp))
            n = 1 if k == 1 else min(cap, _binomial_capped(power + k - 1, k - 1, cap))
        else:  # a function or a symbolic power: expand works inside, the node stays one term
            n = 1
            for a in e.args:
                n = max(n, terms(a))
        memo[e] = n
        return n

    return terms(expr)


def _binomial_capped(n: int, k: int, cap: int) -> int:
    k = min(k, n - k)
    value = 1
    for i in range(1, k + 1):
        value = value * (n - k + i) // i
        if value >= cap:
            return cap
    return value
