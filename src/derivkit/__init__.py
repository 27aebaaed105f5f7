"""derivkit: derive, prove, render and check the mathematics of machine learning."""

from derivkit.errors import DerivkitError, ParseError, DomainError, DerivationError, EvaluationError, SandboxError
from derivkit.functions import sigmoid, logit, softplus, logsumexp
from derivkit.domains import Domain, parse_domain
from derivkit.equivalence import Verdict, equivalent
from derivkit.steps import Relation, StepVerdict
from derivkit.derivation import Derivation, DerivationReport

__version__ = "0.1.0"

__all__ = [
    "DerivkitError", "ParseError", "DomainError", "DerivationError", "EvaluationError", "SandboxError",
    "sigmoid", "logit", "softplus", "logsumexp",
    "Domain", "parse_domain", "Verdict", "equivalent", "Relation", "StepVerdict", "Derivation", "DerivationReport",
]
