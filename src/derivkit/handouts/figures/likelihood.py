"""The loss of one example as a function of the predicted probability: the two branches of the
binary cross-entropy, one for each label."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.handouts.figures.spec import FigureSpec
from derivkit.numeric import binary_cross_entropy

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The worked examples of bce-from-bernoulli: a positive label predicted with p = 0.8 and with p = 0.01.
WORKED_PROBABILITIES = (0.8, 0.01)


def example_loss(p: np.ndarray, label: int) -> np.ndarray:
    """The negative log-likelihood of one Bernoulli label: -log P(label | p)."""
    return np.asarray(binary_cross_entropy(float(label), p))


def draw_bernoulli_loss(fig: Figure) -> None:
    p = np.linspace(0.004, 0.996, 497)
    ax = fig.add_subplot()
    ax.plot(p, example_loss(p, 1), color="C0", linewidth=2, label="label $y = 1$")
    ax.plot(p, example_loss(p, 0), color="C3", linewidth=2, label="label $y = 0$")
    for value, offset in zip(WORKED_PROBABILITIES, ((0, 10), (8, 0))):
        loss = float(example_loss(np.array(value), 1))
        ax.plot([value], [loss], "o", color="C0")
        ax.annotate(f"{loss:.2f}", (value, loss), xytext=offset, textcoords="offset points",
                    ha="center" if offset[0] == 0 else "left", va="bottom" if offset[1] else "center")
    ax.set_xlabel("predicted probability $p$")
    ax.set_ylabel("loss of one example")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5.6)
    ax.legend(loc="upper center")


FIGURES = (
    FigureSpec("bernoulli-loss", r"The loss of one example against the predicted probability $p$. For a positive "
               r"label it is $-\log p$, for a negative label $-\log(1 - p)$. A confident correct prediction "
               r"costs little ($0.22$ at $p = 0.8$); a confident wrong one costs a lot ($4.61$ at $p = 0.01$), "
               r"and the loss grows without bound as $p$ approaches the wrong end.",
               draw_bernoulli_loss, formulas=("y = 1", "y = 0", "p")),
)
