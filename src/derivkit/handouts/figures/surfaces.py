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


def _paraboloid(fig: Figure, x_name: str, y_name: str, z_name: str, f_name: str, velocity: bool) -> None:
    """The paraboloid beside its unit level circle with the gradient at points of it, in the names
    the handout uses; ``velocity`` adds the circle's velocity (the chain rule's inner derivative)."""
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
    surface.set_xlabel(f"${x_name}$")
    surface.set_ylabel(f"${y_name}$")
    surface.set_zlabel(f"${z_name}$")
    surface.set_title(f"${z_name} = {x_name}^2 + {y_name}^2$")
    surface.set_box_aspect(None, zoom=0.92)  # room for the axis labels
    level = fig.add_subplot(panels[1])
    level.contour(x, y, z, levels=[1.0], colors="C3", linewidths=2.5)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    px, py = np.cos(angles), np.sin(angles)  # points of the level curve z = 1
    gx, gy = paraboloid_gradient(px, py)
    level.quiver(px, py, gx, gy, color="C0", angles="xy", scale_units="xy", scale=4, width=0.012,
                 label=rf"$\nabla {f_name}$")  # drawn at a quarter of its length
    if velocity:  # d/dt (cos t, sin t) = (-sin t, cos t), drawn at half its length
        level.quiver(px, py, -py, px, color="C1", angles="xy", scale_units="xy", scale=2, width=0.012,
                     label="velocity")
    level.legend(loc="upper right", fontsize=8, framealpha=0.9)
    level.set_xlim(-1.75, 1.75)
    level.set_ylim(-1.75, 1.75)
    level.set_aspect("equal")
    level.set_xticks([-1, 0, 1])
    level.set_yticks([-1, 0, 1])
    level.set_xlabel(f"${x_name}$")
    level.set_ylabel(f"${y_name}$")
    level.set_title(f"level curve ${z_name} = 1$: ${x_name}^2 + {y_name}^2 = 1$")


def draw_paraboloid_level_curve(fig: Figure) -> None:
    _paraboloid(fig, "x", "y", "z", "f", velocity=False)


def draw_chain_rule_circle(fig: Figure) -> None:
    _paraboloid(fig, "u", "v", "h", "h", velocity=True)


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


def draw_toy_cost_surface(fig: Figure) -> None:
    """The cost J(w1, w2) of loss-surface-two-weights (its toy data), with -grad J on the contours."""
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
    surface.set_zlabel("$J$")
    surface.set_box_aspect(None, zoom=0.92)  # room for the axis labels
    surface.set_title("the cost $J(w_1, w_2)$")
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
    contour.set_title(r"contours and $-\nabla J$")


FIGURES = (
    FigureSpec("paraboloid-level-curve", "The surface $z = x^2 + y^2$ and its level curve at height $z = 1$, the unit "
               r"circle $x^2 + y^2 = 1$. The arrows are the gradient $\nabla f$ of $f(x, y) = x^2 + y^2$ at points of "
               "the circle, computed from its formula and drawn at a quarter of their length: they cross the "
               "circle at right angles.", draw_paraboloid_level_curve, (7.2, 3.4),
               formulas=("x", "y", "z", "z = x^2 + y^2", "z = 1", "x^2 + y^2 = 1", r"\nabla f")),
    FigureSpec("chain-rule-circle", "The last chain drawn: the paraboloid $h = u^2 + v^2$ and the unit circle "
               r"$u = \cos t$, $v = \sin t$ on it, at height $h = 1$. At points of the circle the gradient "
               r"$\nabla h = (2u, 2v)$ (blue, a quarter of its length) is perpendicular to the velocity "
               r"$(-\sin t, \cos t)$ (orange, half its length), so the chain rule's sum is $0$: the height does "
               "not change along the circle.", draw_chain_rule_circle, (7.2, 3.4),
               formulas=("u", "v", "h", "h = u^2 + v^2", "h = 1", "u^2 + v^2 = 1", r"\nabla h")),
    FigureSpec("toy-cost-surface", "The cost $J(w_1, w_2)$ of chain 1 on the four examples, over the plane of the "
               r"weights. The arrows are $-\nabla J$, computed from the gradient of chain 2, the way gradient "
               "descent moves; the star marks the minimum. The surface curves upward in every direction, as "
               "chain 4 proves.", draw_toy_cost_surface, (7.2, 3.4),
               formulas=("w_1", "w_2", "J", "J(w_1, w_2)", r"-\nabla J")),
)
