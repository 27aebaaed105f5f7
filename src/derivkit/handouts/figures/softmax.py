"""Bar charts of probabilities: independent sigmoids against one softmax."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.handouts.figures.spec import FigureSpec
from derivkit.numeric import logit, sigmoid, softmax

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: Sigmoid outputs that read 0.7, 0.6, 0.8: their logits are logit(0.7), logit(0.6), logit(0.8).
SOFTMAX_LOGITS = np.array([logit(0.7), logit(0.6), logit(0.8)])

#: The decision threshold of a multi-label classifier: class k is predicted when its probability exceeds it.
THRESHOLD = 0.5


def draw_softmax_vs_sigmoids(fig: Figure) -> None:
    z = SOFTMAX_LOGITS
    sig = np.asarray(sigmoid(z))
    soft = np.asarray(softmax(z))
    labels = [f"$z_{k} = {v:.2f}$" for k, v in enumerate(z, start=1)]
    axes = fig.subplots(1, 2, sharey=True)
    for ax, values, title, color in ((axes[0], sig, r"independent sigmoids $\sigma(z_k)$", "C0"),
                                     (axes[1], soft, r"softmax $p_k$", "C2")):
        bars = ax.bar(labels, values, color=color)
        ax.bar_label(bars, fmt="%.2f")
        ax.set_title(title)
        ax.text(0.5, 0.95, f"sum = {values.sum():.2f}", transform=ax.transAxes, ha="center", va="top",
                fontweight="bold")
        ax.axhline(THRESHOLD, color="gray", linewidth=1, linestyle="--")
        passed = int((values > THRESHOLD).sum())
        ax.text(0.5, 0.87, f"{passed} of {len(values)} above the threshold {THRESHOLD} (dashed)",
                transform=ax.transAxes, ha="center", va="top", color="dimgray", fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.grid(False, axis="x")
    axes[0].set_ylabel("probability")


#: Score pairs (z1, z2) for the two-class figure: different scores, some with equal differences.
TWO_CLASS_SCORES = np.array([(-3.0, -1.0), (0.0, 2.0), (2.5, 4.5), (-2.0, -2.0), (1.0, 1.0), (3.0, 0.5),
                             (-1.0, -3.5), (0.5, -3.5), (4.0, 0.5), (-4.0, -0.5)])


def draw_softmax_two_classes(fig: Figure) -> None:
    """The softmax's first probability for two classes depends on the scores only through z1 - z2."""
    d = np.linspace(-6, 6, 241)
    ax = fig.add_subplot()
    ax.plot(d, sigmoid(d), color="C0", linewidth=2, label=r"$\sigma(z_1 - z_2)$")
    z1, z2 = TWO_CLASS_SCORES[:, 0], TWO_CLASS_SCORES[:, 1]
    top = np.maximum(z1, z2)
    p1 = np.exp(z1 - top) / (np.exp(z1 - top) + np.exp(z2 - top))
    ax.plot(z1 - z2, p1, marker="o", linestyle="none", color="C2", label="softmax of ten score pairs")
    ax.set_xlabel("$z_1 - z_2$")
    ax.set_ylabel("$p_1$")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper left", fontsize=8)


FIGURES = (
    FigureSpec("softmax-vs-sigmoids", r"Independent sigmoids $\sigma(z_k)$ of three logits sum to $2.1$; the softmax "
               "of the same logits sums to $1$.", draw_softmax_vs_sigmoids,
               formulas=(r"\sigma(z_k)", "p_k", *(f"z_{k} = {v:.2f}" for k, v in enumerate(SOFTMAX_LOGITS, start=1)))),
    FigureSpec("softmax-two-classes", "Chain 5 drawn: the first class's softmax probability $p_1$ for ten pairs "
               "of scores $(z_1, z_2)$, plotted against their difference $z_1 - z_2$. Pairs with the same "
               r"difference get the same probability, on the sigmoid curve $\sigma(z_1 - z_2)$.",
               draw_softmax_two_classes, (6.4, 3.0), formulas=(r"\sigma(z_1 - z_2)", "z_1 - z_2", "p_1")),
)
