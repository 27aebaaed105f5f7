"""Two ways to turn scores into probabilities along one line of scores: the softmax and the
proposal that divides absolute values by their sum."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.handouts.figures.spec import FigureSpec
from derivkit.numeric import softmax

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: The other two scores while the first one, t, moves: x = (t, 1, -1).
OTHER_SCORES = np.array([1.0, -1.0])


def softmax_first(t: np.ndarray) -> np.ndarray:
    """p_1 = e^{t} / (e^{t} + e^{x_2} + e^{x_3}): the softmax probability of the first score."""
    scores = np.column_stack([t, *(np.full_like(t, other) for other in OTHER_SCORES)])
    return np.asarray(softmax(scores, axis=-1))[:, 0]


def l1_first(t: np.ndarray) -> np.ndarray:
    """q_1 = |t| / (|t| + |x_2| + |x_3|): the share of the first absolute value."""
    return np.abs(t) / (np.abs(t) + np.abs(OTHER_SCORES).sum())


def draw_l1_vs_softmax(fig: Figure) -> None:
    t = np.linspace(-4, 4, 401)  # t = 0 is a grid point: the kink is drawn exactly
    ax = fig.add_subplot()
    ax.axvline(0.0, color="gray", linewidth=0.8, linestyle=":")
    ax.plot(t, softmax_first(t), color="C2", linewidth=2, label=r"softmax $p_1$")
    ax.plot(t, l1_first(t), color="C3", linewidth=2, label=r"absolute values $q_1$")
    scores = np.array([-3.0, 3.0])  # a score and its negative: the same q_1, very different p_1
    for values, color in ((l1_first(scores), "C3"), (softmax_first(scores), "C2")):
        ax.plot(scores, values, linestyle="none", marker="o", color=color)
        for score, value in zip(scores, values):
            ax.annotate(f"{value:.2f}", (score, value), textcoords="offset points", xytext=(0, 7), ha="center",
                        color=color)
    ax.set_xlabel("$t$")
    ax.set_ylabel("probability of class 1")
    ax.set_title("scores $x = (t, 1, -1)$")
    ax.set_xlim(-4, 4)
    ax.set_ylim(-0.03, 1.03)
    ax.legend(loc="upper center")


FIGURES = (
    FigureSpec("l1-vs-softmax", r"The probability of class 1 for the scores $x = (t, 1, -1)$: the softmax $p_1$ "
               r"rises smoothly with the score $t$; dividing absolute values by their sum gives $q_1$, which is "
               r"the same at $t = -3$ as at $t = 3$ and has a kink at $t = 0$.",
               draw_l1_vs_softmax, formulas=("p_1", "q_1", "t", "x = (t, 1, -1)")),
)
