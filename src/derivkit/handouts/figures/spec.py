"""What a figure module registers: a named drawing with its caption and the math its labels show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: its caption (prose), the function that draws it onto a fresh Figure, its
    size in inches, and ``formulas``: the math text of its labels, without the dollars."""

    name: str
    caption: str
    draw: Callable[[Figure], None]
    size: tuple[float, float] = (6.4, 3.4)
    formulas: tuple[str, ...] = ()


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid, stable for large |z| (figures draw from NumPy, not from SymPy)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))
