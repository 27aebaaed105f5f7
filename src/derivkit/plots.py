"""The figures handouts show, registered by name (``derivation.figure("sigmoid")``).

Every curve is computed from the formulas with NumPy, never drawn by hand. Figures are
drawn with matplotlib's object API (no pyplot, so no global backend state; the Agg canvas
is used) and written deterministically: a fixed SVG hash salt and no dates in the metadata,
so a rebuild produces byte-identical files and the build cache can trust them.

A caption is prose (:mod:`derivkit.render.prose`): formulas in it are ``$...$``. A figure's
image is the same in every variant of a handout, so its labels name quantities (``$\\sigma'(z)$``)
rather than state derived formulas a worksheet may ask for; a caption may state one in a
sentence of its own, which a worksheet drops when the formula is one of its blanks.
``FigureSpec.formulas`` lists every piece of math text a figure draws (a test keeps it
honest), so a worksheet can leave out a figure whose labels would state a hidden answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from derivkit.errors import DerivationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Output formats: SVG for Markdown, PDF for LaTeX.
FORMATS = ("svg", "pdf")

_RC = {"svg.hashsalt": "derivkit", "svg.fonttype": "path", "font.size": 10, "axes.grid": True,
       "grid.alpha": 0.3, "path.simplify": False}
_METADATA = {"svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: its caption (prose), the function that draws it onto a fresh Figure, its
    size in inches, and ``formulas``: the math text of its labels, without the dollars."""

    name: str
    caption: str
    draw: Callable[[Figure], None]
    size: tuple[float, float] = (6.4, 3.4)
    formulas: tuple[str, ...] = ()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def draw_sigmoid(fig: Figure) -> None:
    z = np.linspace(-6, 6, 241)
    s = _sigmoid(z)
    ax = fig.add_subplot()
    ax.axhline(0.5, color="gray", linewidth=0.8, linestyle=":")
    ax.axvline(0.0, color="gray", linewidth=0.8, linestyle=":")
    ax.plot(z, s, label=r"$\sigma(z)$", color="C0", linewidth=2)
    ax.plot(z, s * (1 - s), label=r"$\sigma'(z)$", color="C1", linewidth=2)
    ax.set_xlabel("$z$")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper left")


#: Sigmoid outputs that read 0.7, 0.6, 0.8: their logits are logit(0.7), logit(0.6), logit(0.8).
SOFTMAX_LOGITS = np.array([_logit(0.7), _logit(0.6), _logit(0.8)])


def draw_softmax_vs_sigmoids(fig: Figure) -> None:
    z = SOFTMAX_LOGITS
    sig = _sigmoid(z)
    soft = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    labels = [f"$z_{k} = {v:.2f}$" for k, v in enumerate(z, start=1)]
    axes = fig.subplots(1, 2, sharey=True)
    for ax, values, title, color in ((axes[0], sig, r"independent sigmoids $\sigma(z_k)$", "C0"),
                                     (axes[1], soft, r"softmax $p_k$", "C2")):
        bars = ax.bar(labels, values, color=color)
        ax.bar_label(bars, fmt="%.2f")
        ax.set_title(title)
        ax.text(0.5, 0.95, f"sum = {values.sum():.2f}", transform=ax.transAxes, ha="center", va="top",
                fontweight="bold")
        ax.set_ylim(0, 1.1)
        ax.grid(False, axis="x")
    axes[0].set_ylabel("probability")


def _few_ticks(ax: object, ticks: list[float], zticks: list[float]) -> None:
    """3D axes crowd their tick labels; a few round ticks read better."""
    ax.set_xticks(ticks)  # type: ignore[attr-defined]
    ax.set_yticks(ticks)  # type: ignore[attr-defined]
    ax.set_zticks(zticks)  # type: ignore[attr-defined]


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
    level.set_aspect("equal")
    level.set_xticks([-1, 0, 1])
    level.set_yticks([-1, 0, 1])
    level.set_xlabel("$x$")
    level.set_ylabel("$y$")
    level.set_title("level curve $z = 1$: $x^2 + y^2 = 1$")


#: A tiny fixed dataset for the logistic-regression loss surface: rows x = (x1, x2), labels y.
#: Not linearly separable, so the loss has its minimum inside the plot (near w = (0.7, 0.26)).
BCE_X = np.array([[1.0, 2.0], [2.0, 0.5], [-1.0, -1.5], [-2.0, 1.0], [0.5, -1.0], [-0.5, 0.5], [1.5, -0.5],
                  [-1.0, -0.5]])
BCE_Y = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0])


def bce_loss(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of sigma(w . x) on the dataset; -log sigma(s) = logaddexp(0, -s)."""
    s = w1[..., None] * BCE_X[:, 0] + w2[..., None] * BCE_X[:, 1]
    return np.mean(BCE_Y * np.logaddexp(0, -s) + (1 - BCE_Y) * np.logaddexp(0, s), axis=-1)


def bce_gradient(w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dL/dw = mean((sigma(w . x) - y) x): the formula the bce-gradient derivation proves."""
    s = w1[..., None] * BCE_X[:, 0] + w2[..., None] * BCE_X[:, 1]
    r = _sigmoid(s) - BCE_Y
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


FIGURES: dict[str, FigureSpec] = {spec.name: spec for spec in (
    FigureSpec("sigmoid", r"The sigmoid $\sigma(z)$ and its slope $\sigma'(z)$, which is largest at $z = 0$, where "
               r"$\sigma(0) = 1/2$. The slope is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.",
               draw_sigmoid, formulas=(r"\sigma(z)", r"\sigma'(z)", "z")),
    FigureSpec("softmax-vs-sigmoids", r"Independent sigmoids $\sigma(z_k)$ of three logits sum to $2.1$; the softmax "
               "of the same logits sums to $1$.", draw_softmax_vs_sigmoids,
               formulas=(r"\sigma(z_k)", "p_k", *(f"z_{k} = {v:.2f}" for k, v in enumerate(SOFTMAX_LOGITS, start=1)))),
    FigureSpec("paraboloid-level-curve", "The surface $z = x^2 + y^2$ and its level curve at height $z = 1$, the unit "
               "circle $x^2 + y^2 = 1$.", draw_paraboloid_level_curve, (7.2, 3.4),
               formulas=("x", "y", "z", "z = x^2 + y^2", "z = 1", "x^2 + y^2 = 1")),
    FigureSpec("bce-loss-surface", "The cross-entropy loss $L(w)$ of a logistic regression on eight points, over two "
               r"weights $w_1$ and $w_2$. The arrows are $-\nabla L$, computed from the derived gradient; the star "
               "marks the minimum.", draw_bce_loss_surface, (7.2, 3.4),
               formulas=("w_1", "w_2", "L", "L(w)", r"-\nabla L")),
)}


def spec(name: str) -> FigureSpec:
    """The figure registered as ``name``; an unknown name is a clear error."""
    try:
        return FIGURES[name]
    except KeyError:
        raise DerivationError(f"unknown figure {name!r}; known figures: {', '.join(FIGURES)}") from None


def draw(name: str) -> Figure:
    """Figure ``name`` drawn onto a fresh matplotlib Figure (Agg canvas, derivkit's style)."""
    import matplotlib  # deferred: importing matplotlib costs time a cached rebuild does not have

    from matplotlib.figure import Figure

    figure_spec = spec(name)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=figure_spec.size, layout="constrained")
        figure_spec.draw(fig)
    return fig


def write_figure(name: str, folder: Path, fmt: str) -> Path:
    """Draw figure ``name`` and write ``folder/name.fmt`` (svg or pdf), byte-identical on reruns."""
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {FORMATS}, not {fmt!r}")
    spec(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    with matplotlib.rc_context(_RC):  # saving lays the figure out: same style as drawing
        fig = draw(name)
        fig.savefig(path, format=fmt, metadata=_METADATA[fmt], dpi=200)  # dpi: the rasterised 3D surfaces
    return path
