"""Figures for MATH 3410's derivations (drawn by derivkit build)."""

import numpy as np

from derivkit import figure


@figure("swish", formulas=(r"x\,\sigma(x)", "x"))
def swish(fig):
    x = np.linspace(-6, 6, 241)
    s = 1 / (1 + np.exp(-x))
    ax = fig.add_subplot()
    ax.axhline(0.0, color="gray", linewidth=0.8, linestyle=":")
    ax.plot(x, x * s, label="swish", linewidth=2)
    ax.plot(x, s * (1 + x * (1 - s)), label="slope", linewidth=2)
    ax.set_xlabel("$x$")
    ax.legend(loc="upper left")


@figure("least-squares-line", formulas=("x", "y"))
def least_squares_line(fig):
    xs = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    ys = np.array([0.7, 1.1, 1.9, 2.1, 2.8, 3.4])
    w = (xs @ ys) / (xs @ xs)
    ax = fig.add_subplot()
    ax.scatter(xs, ys, zorder=3)
    grid = np.linspace(0, 3.2, 2)
    ax.plot(grid, w * grid, linewidth=2)
    ax.vlines(xs, ys, w * xs, colors="gray", linestyles=":")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
