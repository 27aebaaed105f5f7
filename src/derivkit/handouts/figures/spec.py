"""What a figure module registers: a named drawing with its caption and the math its labels show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
