"""Curves of one variable: the sigmoid and its slope."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.plots.spec import FigureSpec, sigmoid

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def draw_sigmoid(fig: Figure) -> None:
    z = np.linspace(-6, 6, 241)
    s = sigmoid(z)
    ax = fig.add_subplot()
    ax.axhline(0.5, color="gray", linewidth=0.8, linestyle=":")
    ax.axvline(0.0, color="gray", linewidth=0.8, linestyle=":")
    ax.plot(z, s, label=r"$\sigma(z)$", color="C0", linewidth=2)
    ax.plot(z, s * (1 - s), label=r"$\sigma'(z)$", color="C1", linewidth=2)
    ax.set_xlabel("$z$")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper left")


FIGURES = (
    FigureSpec("sigmoid", r"The sigmoid $\sigma(z)$ and its slope $\sigma'(z)$, which is largest at $z = 0$, where "
               r"$\sigma(0) = 1/2$. The slope is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.",
               draw_sigmoid, formulas=(r"\sigma(z)", r"\sigma'(z)", "z")),
)
