"""Figures: registered by name, computed from the formulas, byte-identical on every render."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from derivkit import plots
from derivkit.errors import DerivationError


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
