"""Surfaces of two variables, each beside its contour map: a paraboloid and a loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from derivkit.handouts.figures.spec import FigureSpec
from derivkit.numeric import binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad
from derivkit.toydata import LOGISTIC_INPUTS, LOGISTIC_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _few_ticks(ax: object, ticks: list[float], zticks: list[float]) -> None:
    """3D axes crowd their tick labels; a few round ticks read better."""
    ax.set_xticks(ticks)  # type: ignore[attr-defined]
    ax.set_yticks(ticks)  # type: ignore[attr-defined]
    ax.set_zticks(zticks)  # type: ignore[attr-defined]


def paraboloid_gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of f(x, y) = x^2 + y^2, (2x, 2y): the formula paraboloid-level-curves derives."""
    return 2 * x, 2 * y


def draw_paraboloid_level_curve(fig: Figure) -> None:
    grid = np.linspace(-1.5, 1.5, 61)
    x, y = np.meshgrid(grid, grid)
    z = x**2 + y**2
    panels = fig.add_gridspec(1, 2, width_ratios=(1.2, 1))
    surface = fig.add_subplot(panels[0], projection="3d", computed_zorder=False)  # the circle stays on top
    surface.plot_surface(x, y, z, cmap="viridis", linewidth=0, antialiased=False, alpha=0.85,
                         rasterized=True, zorder=1)
    t = np.linspace(0, 2 * np.pi, 181)
    surface.plot(np.cos(t), np.sin(t), np.ones_like(t), color="C3", linewidth=2.5, zorder=2)
    _few_ticks(surface, [-1, 0, 1], [0, 2, 4])
    surface.set_xlabel("$x$")
    surface.set_ylabel("$y$")
    surface.set_zlabel("$z$")
    surface.set_title("$z = x^2 + y^2$")
    surface.set_box_aspect(None, zoom=0.92)  # room for the axis labels
    level = fig.add_subplot(panels[1])
    level.contour(x, y, z, levels=[1.0], colors="C3", linewidths=2.5)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    px, py = np.cos(angles), np.sin(angles)  # points of the level curve z = 1
    gx, gy = paraboloid_gradient(px, py)
    level.quiver(px, py, gx, gy, color="C0", angles="xy", scale_units="xy", scale=4, width=0.012,
                 label=r"$\nabla f$")  # drawn at a quarter of its length
    level.legend(loc="upper right", fontsize=8, framealpha=0.9)
    level.set_xlim(-1.75, 1.75)
    level.set_ylim(-1.75, 1.75)
    level.set_aspect("equal")
    level.set_xticks([-1, 0, 1])
    level.set_yticks([-1, 0, 1])
    level.set_xlabel("$x$")
    level.set_ylabel("$y$")
    level.set_title("level curve $z = 1$: $x^2 + y^2 = 1$")


#: The toy dataset of the loss-surface-two-weights derivation (:mod:`derivkit.toydata`): rows
#: x = (x1, x2), labels y. Not linearly separable, so the loss has its minimum inside the plot.
BCE_X = np.array(LOGISTIC_INPUTS, dtype=float)
BCE_Y = np.array(LOGISTIC_LABELS, dtype=float)


def bce_loss(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of sigma(w . x) on the dataset."""
    s = w1[..., None] * BCE_X[:, 0] + w2[..., None] * BCE_X[:, 1]
    return np.mean(binary_cross_entropy_with_logits(BCE_Y, s), axis=-1)


def bce_gradient(w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dL/dw = mean((sigma(w . x) - y) x): the gradient the bce-gradient and loss-surface-two-weights
    derivations prove (the second on this very dataset)."""
    s = w1[..., None] * BCE_X[:, 0] + w2[..., None] * BCE_X[:, 1]
    r = np.asarray(binary_cross_entropy_with_logits_grad(BCE_Y, s))
    return np.mean(r * BCE_X[:, 0], axis=-1), np.mean(r * BCE_X[:, 1], axis=-1)


def draw_bce_loss_surface(fig: Figure) -> None:
    grid = np.linspace(-3, 3, 61)
    w1, w2 = np.meshgrid(grid, grid)
    loss = bce_loss(w1, w2)
    panels = fig.add_gridspec(1, 2, width_ratios=(1.2, 1))
    surface = fig.add_subplot(panels[0], projection="3d")
    surface.plot_surface(w1, w2, loss, cmap="magma", linewidth=0, antialiased=False, alpha=0.9,
                         rasterized=True)
    _few_ticks(surface, [-2, 0, 2], [1, 2, 3])
    surface.set_xlabel("$w_1$")
    surface.set_ylabel("$w_2$")
    surface.set_zlabel("$L$")
    surface.set_box_aspect(None, zoom=0.92)  # room for the axis labels
    surface.set_title("cross-entropy loss $L(w)$")
    contour = fig.add_subplot(panels[1])
    levels = np.arange(0.75, 3.5, 0.25)
    lines = contour.contour(w1, w2, loss, levels=levels, cmap="magma", linewidths=1.2,
                            vmax=levels[-1] + 0.5)  # the top of magma is too pale on white
    contour.clabel(lines, levels[::2], fontsize=8, fmt="%g")
    coarse = np.linspace(-2.5, 2.5, 6)
    c1, c2 = np.meshgrid(coarse, coarse)
    g1, g2 = bce_gradient(c1, c2)
    contour.quiver(c1, c2, -g1, -g2, color="C0", angles="xy", width=0.006)
    row, col = np.unravel_index(loss.argmin(), loss.shape)
    contour.plot(w1[row, col], w2[row, col], marker="*", markersize=11, color="C2", linestyle="none",
                 label="minimum")
    contour.legend(loc="lower right", fontsize=8)
    contour.set_aspect("equal")
    contour.set_xlabel("$w_1$")
    contour.set_ylabel("$w_2$")
    contour.set_title(r"contours and $-\nabla L$")


FIGURES = (
    FigureSpec("paraboloid-level-curve", "The surface $z = x^2 + y^2$ and its level curve at height $z = 1$, the unit "
               r"circle $x^2 + y^2 = 1$. The arrows are the gradient $\nabla f$ of $f(x, y) = x^2 + y^2$ at points of "
               "the circle, computed from its formula and drawn at a quarter of their length: they cross the "
               "circle at right angles.", draw_paraboloid_level_curve, (7.2, 3.4),
               formulas=("x", "y", "z", "z = x^2 + y^2", "z = 1", "x^2 + y^2 = 1", r"\nabla f")),
    FigureSpec("bce-loss-surface", "The cross-entropy loss $L(w)$ of a logistic regression on four points, over two "
               r"weights $w_1$ and $w_2$. The arrows are $-\nabla L$, computed from the derived gradient; the star "
               "marks the minimum.", draw_bce_loss_surface, (7.2, 3.4),
               formulas=("w_1", "w_2", "L", "L(w)", r"-\nabla L")),
)
