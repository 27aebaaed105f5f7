"""Curves of one variable: the sigmoid and its slope, the odds and the log-odds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.handouts.figures.spec import FigureSpec
from derivkit.numeric import logit, sigmoid

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


def draw_odds_and_log_odds(fig: Figure) -> None:
    p = np.linspace(0.001, 0.999, 999)
    odds = p / (1 - p)
    marked = 0.2
    left, right = fig.subplots(1, 2)
    for ax, values, level, top, name in ((left, odds, 1.0, (0.0, 10.0), "odds"),
                                         (right, logit(p), 0.0, (-6.0, 6.0), "log-odds")):
        ax.axvline(0.5, color="gray", linewidth=0.8, linestyle=":")
        ax.axhline(level, color="gray", linewidth=0.8, linestyle=":")
        ax.plot(p, values, color="C0" if name == "odds" else "C1", linewidth=2)
        at = marked / (1 - marked) if name == "odds" else logit(marked)
        ax.plot([marked], [at], "o", color="black", markersize=4)
        ax.set_xlim(0, 1)
        ax.set_ylim(*top)
        ax.set_xlabel("$p$")
        ax.set_title(name)
    left.set_ylabel("$o$")
    right.set_ylabel(r"$\log o$")
    left.annotate("$p = 1/5$", (marked, marked / (1 - marked)), xytext=(0.12, 3.0),
                  arrowprops={"arrowstyle": "-", "color": "gray"})
    right.annotate("$p = 1/5$", (marked, logit(marked)), xytext=(0.08, 2.5),
                   arrowprops={"arrowstyle": "-", "color": "gray"})


def draw_bce_loss_and_slope(fig: Figure) -> None:
    """One example's cross-entropy as a function of its logit, for each label, and its slope."""
    z = np.linspace(-6, 6, 241)
    s = sigmoid(z)
    loss, slope = fig.subplots(1, 2)
    loss.plot(z, np.logaddexp(0, -z), color="C0", linewidth=2, label="$y = 1$")  # -log sigma(z)
    loss.plot(z, np.logaddexp(0, z), color="C3", linewidth=2, label="$y = 0$")  # -log(1 - sigma(z))
    loss.set_title("the loss $L$")
    slope.plot(z, s - 1, color="C0", linewidth=2, label="$y = 1$")
    slope.plot(z, s, color="C3", linewidth=2, label="$y = 0$")
    slope.axhline(0.0, color="gray", linewidth=0.8, linestyle=":")
    slope.set_title("its slope $dL/dz$")
    for ax in (loss, slope):
        ax.set_xlabel("$z$")
        ax.set_xlim(-6, 6)
        ax.legend(loc="upper center", fontsize=8)


FIGURES = (
    FigureSpec("sigmoid", r"The sigmoid $\sigma(z)$ and its slope $\sigma'(z)$, which is largest at $z = 0$, where "
               r"$\sigma(0) = 1/2$. The slope is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.",
               draw_sigmoid, formulas=(r"\sigma(z)", r"\sigma'(z)", "z")),
    FigureSpec("odds-and-log-odds", r"The odds $o = p/(1-p)$ (left) climb from $0$ towards $\infty$ as $p$ goes "
               r"from $0$ to $1$; the log-odds $\log o$ (right) take every real value, negative below $p = 1/2$ "
               r"and positive above it. Both increase with $p$. The dots mark $p = 1/5$: odds $1/4$, log-odds "
               r"$\log(1/4) \approx -1.386$.",
               draw_odds_and_log_odds, formulas=("p", "o", r"\log o", "p = 1/5")),
    FigureSpec("bce-loss-and-slope", "The loss $L$ of one example as a function of its logit $z$ (left) and "
               "its slope $dL/dz$ (right), for the labels $y = 1$ and $y = 0$, computed from the derived "
               "gradient. A confident wrong prediction costs the most and has the steepest slope, but the "
               r"slope never exceeds $1$ in size. The slope is the error $\sigma(z) - y$.",
               draw_bce_loss_and_slope, (7.2, 3.0), formulas=("y = 1", "y = 0", "L", "dL/dz", "z")),
)
