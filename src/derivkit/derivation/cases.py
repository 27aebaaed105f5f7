"""The same claim checked for several values of a parameter: one chain per case, shown as one table.

A loop in a derivation script (``for K in range(2, 7)``) repeats the same mathematics; a handout
says it once. The chains are verified as any others; a handout shows a table with a row per
value and a column per claim, each cell naming its steps and their verdict::

    table = d.cases("$K$", "The softmax, checked for $K = 2, \\ldots, 6$", intro="...")
    for classes in range(2, 7):
        one = table.chain(classes, "the probabilities sum to one")
        one.start(...)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derivkit.derivation.chain import Chain
    from derivkit.derivation.derivation import Derivation


@dataclass(frozen=True)
class Case:
    """One chain of the table: the parameter's ``value`` and the ``claim`` (a column) it checks."""

    value: object
    claim: str
    chain: Chain


@dataclass
class Cases:
    """A family of chains: ``label`` names the parameter (prose, e.g. ``$K$``)."""

    derivation: Derivation
    label: str
    title: str
    intro: str = ""
    cases: list[Case] = field(default_factory=list)

    def chain(self, value: object, claim: str) -> Chain:
        """A new chain of the derivation checking ``claim`` at this ``value`` of the parameter."""
        chain = self.derivation.chain(f"{self.label} $= {value}$: {claim}")
        self.cases.append(Case(value, claim, chain))
        return chain

    @property
    def claims(self) -> list[str]:
        return list(dict.fromkeys(case.claim for case in self.cases))

    @property
    def values(self) -> list[object]:
        return list(dict.fromkeys(case.value for case in self.cases))
