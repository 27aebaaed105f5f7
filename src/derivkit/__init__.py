"""derivkit: derive, prove, render and check the mathematics of machine learning.

The public names below are imported lazily (PEP 562): ``import derivkit.numeric`` must stay
a pure-NumPy import, so this package's ``__init__`` must not import SymPy. ``from derivkit
import sigmoid`` (or ``derivkit.Derivation``) imports the defining module on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from derivkit.errors import DerivationError, DerivkitError, DomainError, EvaluationError, ParseError, SandboxError

__version__ = "0.1.0"

#: public name -> the module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "sigmoid": "derivkit.functions",
    "logit": "derivkit.functions",
    "softplus": "derivkit.functions",
    "logsumexp": "derivkit.functions",
    "named": "derivkit.functions",
    "Domain": "derivkit.engine.domains",
    "parse_domain": "derivkit.engine.domains",
    "Verdict": "derivkit.engine.equivalence",
    "equivalent": "derivkit.engine.equivalence",
    "Relation": "derivkit.derivation.steps",
    "StepVerdict": "derivkit.derivation.steps",
    "Derivation": "derivkit.derivation",
    "DerivationReport": "derivkit.derivation",
    "check": "derivkit.grading",
    "figure": "derivkit.handouts.figures.spec",
}

__all__ = [
    "Derivation",
    "DerivationError",
    "DerivationReport",
    "DerivkitError",
    "Domain",
    "DomainError",
    "EvaluationError",
    "ParseError",
    "Relation",
    "SandboxError",
    "StepVerdict",
    "Verdict",
    "check",
    "equivalent",
    "figure",
    "logit",
    "logsumexp",
    "named",
    "parse_domain",
    "sigmoid",
    "softplus",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'derivkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # static analysers see the eager imports
    from derivkit.derivation.derivation import Derivation, DerivationReport
    from derivkit.derivation.steps import Relation, StepVerdict
    from derivkit.engine.domains import Domain, parse_domain
    from derivkit.engine.equivalence import Verdict, equivalent
    from derivkit.functions import logit, logsumexp, sigmoid, softplus
    from derivkit.grading import check
