"""The authoring API: a derivation is symbols, chains of steps and exercises, each step verified
by the engine.

Modules: :mod:`~derivkit.derivation.derivation` (``Derivation`` and its report),
:mod:`~derivkit.derivation.chain` (one line of argument), :mod:`~derivkit.derivation.steps`
(the step kinds, each verifying itself), :mod:`~derivkit.derivation.prose` (the markup of
motivations and justifications), :mod:`~derivkit.derivation.report` (the plain-text report a
script prints) and :mod:`~derivkit.derivation.registry` (finding derivations and courses).
"""

from __future__ import annotations

from derivkit.derivation.chain import Chain
from derivkit.derivation.derivation import Derivation, DerivationReport, Example, Exercise, Variable
from derivkit.derivation.steps import Relation, StepVerdict

__all__ = ["Chain", "Derivation", "DerivationReport", "Example", "Exercise", "Relation", "StepVerdict", "Variable"]
