"""The equivalence engine: decide whether two expressions are equal (or an inequality holds) on
a domain, soundly. It verifies the derivations and grades students, so it is the most tested
part of derivkit.

Public modules: :mod:`~derivkit.engine.equivalence` (``equivalent``),
:mod:`~derivkit.engine.inequalities` (``<``, ``<=``, ``>``, ``>=``, ``!=`` claims),
:mod:`~derivkit.engine.domains` (domain strings) and :mod:`~derivkit.engine.verdict`
(``Verdict``, ``Counterexample``). The underscored modules are the engine's internals: symbolic
proof, numeric screening, bounded evaluation, sums and expansions. Stages above the engine that
need bounded evaluation or screening (grading's diagnosis) take them from here.
"""

from __future__ import annotations

from derivkit.engine._evaluation import Evaluator, Number, Undefined, Unsupported
from derivkit.engine._screening import (
    counterexample_at,
    format_point_value,
    format_value,
    screen,
    variables_by_name,
)
from derivkit.engine.domains import REAL, Domain, parse_domain
from derivkit.engine.equivalence import DomainSpec, Semantics, equivalent, normalise_domains, samples_agree
from derivkit.engine.inequalities import RELATIONS, holds_everywhere
from derivkit.engine.verdict import Counterexample, Status, Verdict

__all__ = [
    "REAL",
    "RELATIONS",
    "Counterexample",
    "Domain",
    "DomainSpec",
    "Evaluator",
    "Number",
    "Semantics",
    "Status",
    "Undefined",
    "Unsupported",
    "Verdict",
    "counterexample_at",
    "equivalent",
    "format_point_value",
    "format_value",
    "holds_everywhere",
    "normalise_domains",
    "parse_domain",
    "samples_agree",
    "screen",
    "variables_by_name",
]
