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


def figure(name: str, *, caption: str = "", size: tuple[float, float] = (6.4, 3.4),
           formulas: tuple[str, ...] = ()) -> Callable[[Callable[[Figure], None]], FigureSpec]:
    """Register a drawing function of a course's figures module under ``name``::

        @figure("tanh", formulas=(r"\\tanh z",))
        def tanh(fig): ...

    The function draws onto a fresh matplotlib Figure (``fig.add_subplot()``...). ``caption`` is the
    default caption; a derivation's ``d.figure(name, caption=...)`` gives the caption of its use.
    ``formulas`` lists the math text of the labels, so a worksheet can leave out a figure whose
    labels would state a hidden answer."""

    def register(draw: Callable[[Figure], None]) -> FigureSpec:
        return FigureSpec(name, caption, draw, size, tuple(formulas))

    return register

