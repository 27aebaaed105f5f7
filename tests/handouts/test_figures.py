"""Figures: registered by name, computed from the formulas, byte-identical on every render."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from derivkit.handouts import figures as plots
from derivkit.errors import DerivationError
from derivkit.derivation import prose


@pytest.mark.parametrize("fmt", plots.FORMATS)
@pytest.mark.parametrize("name", sorted(plots.FIGURES))
def test_figures_are_deterministic(name: str, fmt: str, tmp_path: Path) -> None:
    first = plots.write_figure(name, tmp_path / "a", fmt).read_bytes()
    second = plots.write_figure(name, tmp_path / "b", fmt).read_bytes()
    assert first == second
    assert len(first) > 1000
    assert (b"<svg" in first) if fmt == "svg" else first.startswith(b"%PDF")


def test_unknown_figure_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DerivationError, match="unknown figure 'sigmiod'; known figures: sigmoid"):
        plots.write_figure("sigmiod", tmp_path, "svg")


def test_softmax_figure_logits_give_the_stated_sigmoids() -> None:
    sigmoids = 1 / (1 + np.exp(-plots.SOFTMAX_LOGITS))
    assert np.allclose(sigmoids, [0.7, 0.6, 0.8]) and np.isclose(sigmoids.sum(), 2.1)
    softmax = np.exp(plots.SOFTMAX_LOGITS) / np.exp(plots.SOFTMAX_LOGITS).sum()
    assert np.isclose(softmax.sum(), 1.0)


def test_bce_gradient_arrows_are_the_gradient_of_the_loss() -> None:
    w1, w2, h = np.array([0.3, -1.2]), np.array([1.1, 0.4]), 1e-6
    g1, g2 = plots.bce_gradient(w1, w2)
    assert np.allclose(g1, (plots.bce_loss(w1 + h, w2) - plots.bce_loss(w1 - h, w2)) / (2 * h), atol=1e-6)
    assert np.allclose(g2, (plots.bce_loss(w1, w2 + h) - plots.bce_loss(w1, w2 - h)) / (2 * h), atol=1e-6)


def test_bce_loss_has_its_minimum_inside_the_plotted_square() -> None:
    grid = np.linspace(-3, 3, 121)
    w1, w2 = np.meshgrid(grid, grid)
    loss = plots.bce_loss(w1, w2)
    row, col = np.unravel_index(loss.argmin(), loss.shape)
    assert 0 < row < len(grid) - 1 and 0 < col < len(grid) - 1


@pytest.mark.parametrize("name", sorted(plots.FIGURES))
def test_captions_write_formulas_as_math(name: str) -> None:
    """A caption is prose: formulas go in $...$, so nothing formula-like is left in its plain text."""
    segments = prose.split(plots.spec(name).caption)
    assert any(s.math for s in segments)
    text = "".join(s.text for s in segments if not s.math)
    assert not re.search(r"[\\^_=]|\bsigma\b|\(\w\)", text), text


def drawn_text(name: str) -> set[str]:
    """Every piece of text figure ``name`` shows: titles, labels, legends, annotations and ticks."""
    from matplotlib.text import Text

    fig = plots.draw(name)
    fig.canvas.draw()  # tick labels exist once the figure is laid out
    texts = [t for t in fig.findobj(Text) if t.get_visible()]
    for ax in fig.axes:
        for axis in ("x", "y", "z"):
            texts += getattr(ax, f"get_{axis}ticklabels", lambda: [])()
    return {t.get_text() for t in texts if t.get_text()}


@pytest.mark.parametrize("name", sorted(plots.FIGURES))
def test_figure_formulas_list_the_math_the_figure_draws(name: str) -> None:
    """Every label is mathtext where it is math, and ``formulas`` names exactly the formulas drawn
    (a worksheet reads them to decide whether the figure states a hidden answer)."""
    drawn = drawn_text(name)
    math = {m for text in drawn for m in re.findall(r"\$([^$]+)\$", text)}
    assert math == set(plots.spec(name).formulas)
    loose = [t for t in drawn if "$" not in t and re.search(r"[\\^_]|sigma|nabla", t)]
    assert not loose, f"formulas outside mathtext: {loose}"


def test_sigmoid_figure_names_the_slope_without_stating_its_formula() -> None:
    """The sigmoid's derivative is a worksheet blank; the image is shared by every variant."""
    texts = drawn_text("sigmoid")
    assert r"$\sigma'(z)$" in texts and not any("1-" in t or "1 -" in t for t in texts)


def test_bce_surface_draws_the_cost_and_gradient_the_loss_surface_derivation_proves() -> None:
    """The figure's data is the derivation's toy dataset, and its arrows are the derived gradient."""
    import sympy as sp

    from derivkit.derivation import registry

    d = registry.load("loss-surface-two-weights")
    names = {str(v.symbol): v.symbol for v in d.variables}
    w1, w2 = names["w1"], names["w2"]
    scores = {names[f"s{n}"]: row[0] * w1 + row[1] * w2 for n, row in enumerate(plots.BCE_X.tolist(), start=1)}
    gradient = d.results["toy-cost-gradient"].rhs.xreplace(scores)
    cost = d.results["toy-cost"].rhs
    modules = [{"sigmoid": lambda s: 1 / (1 + np.exp(-s))}, "numpy"]
    at = np.array([0.3, -1.2, 2.0]), np.array([1.1, 0.4, -0.7])
    g1, g2 = (sp.lambdify((w1, w2), entry, modules)(*at) for entry in gradient)
    assert np.allclose(np.array(plots.bce_gradient(*at)), [g1, g2])
    assert np.allclose(plots.bce_loss(*at), sp.lambdify((w1, w2), cost, modules)(*at))
