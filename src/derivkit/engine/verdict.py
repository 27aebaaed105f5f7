"""What the engine answers: a frozen ``Verdict`` and, for a refutation, the ``Counterexample``
that was confirmed at higher precision. Every stage above the engine reports in these terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["proved", "numeric", "refuted", "unknown"]


@dataclass(frozen=True)
class Counterexample:
    """A point of the domain where the two sides take different values."""

    point: Mapping[str, str]
    expected: str
    answer: str

    def to_dict(self) -> dict[str, object]:
        return {"point": dict(self.point), "expected": self.expected, "answer": self.answer}

    def where(self) -> str:
        """'z = 0.5, y = 1' (or 'every point' when the sides are constants)."""
        return ", ".join(f"{k} = {v}" for k, v in self.point.items()) or "every point"

    def sentence(self, left: str = "the first side", right: str = "the second side") -> str:
        return f"at {self.where()} {left} is {self.expected} but {right} is {self.answer}"


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one pair of expressions."""

    status: Status
    method: str | None
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    message: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def equivalent(self) -> bool:
        """True when proved, or numerically checked without a proof."""
        return self.status in ("proved", "numeric")

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "method": self.method,
            "counterexample": self.counterexample.to_dict() if self.counterexample else None,
            "seconds": round(self.seconds, 4),
            "message": self.message,
        }
