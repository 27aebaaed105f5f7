"""The verified formulas of machine learning: the SymPy forms and the catalogue that ties each
to the derivation proving it.

>>> import sympy as sp
>>> from derivkit.formulas import softmax
>>> z = sp.symbols("z1:4")
>>> softmax(z)[0]
exp(z1)/(exp(z1) + exp(z2) + exp(z3))

Modules: :mod:`~derivkit.formulas.symbolic` (the textbook forms, as functions) and
:mod:`~derivkit.formulas.records` (one record per formula: inputs, generic indexed form, the
derivation and result that prove it, the numerically stable form codegen prints),
:mod:`~derivkit.formulas.catalogue` (the records) and :mod:`~derivkit.formulas.arrays` (the array
operations stable forms are written in). Figures, codegen and the derivation scripts all read
these; none keeps a copy of a formula.
"""

from __future__ import annotations

from derivkit.formulas.catalogue import CATALOGUE, get
from derivkit.formulas.records import Formula, Input, Stable
from derivkit.formulas.symbolic import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    chain_rule,
    log_softmax,
    logit,
    logsumexp,
    product_rule,
    quotient_rule,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_grad,
    softmax_entry,
    softmax_jacobian,
)


def formula(name: str) -> Formula:
    """The catalogue entry for ``name`` (an unknown name gets a suggestion)."""
    return get(name)


__all__ = [
    "CATALOGUE",
    "Formula",
    "Input",
    "Stable",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "chain_rule",
    "formula",
    "log_softmax",
    "logit",
    "logsumexp",
    "product_rule",
    "quotient_rule",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_grad",
    "softmax_entry",
    "softmax_jacobian",
]
