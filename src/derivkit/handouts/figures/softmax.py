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


FIGURES = (
    FigureSpec("softmax-vs-sigmoids", r"Independent sigmoids $\sigma(z_k)$ of three logits sum to $2.1$; the softmax "
               "of the same logits sums to $1$.", draw_softmax_vs_sigmoids,
               formulas=(r"\sigma(z_k)", "p_k", *(f"z_{k} = {v:.2f}" for k, v in enumerate(SOFTMAX_LOGITS, start=1)))),
)
