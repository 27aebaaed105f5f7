"""A tiny fixed dataset shared by a derivation and a figure, in exact numbers.

The derivation ``loss-surface-two-weights`` builds exact SymPy Rationals from it and the
figure ``bce-loss-surface`` builds NumPy arrays from it, so the surface drawn is the cost
derived. Plain Python (no SymPy, no NumPy), so either side imports it cheaply.

Four points, not more: the derivation proves the cost's Hessian positive semidefinite on this
data, and the engine's proof of the sigmoid identity inside that sum grows quickly with the
number of points (four: under a second; eight: minutes).
"""

from __future__ import annotations

from fractions import Fraction

#: Inputs x_n = (x_n1, x_n2), one row per example. With their labels they are not linearly
#: separable through the origin, so the logistic-regression cost of two weights (no bias) has
#: its minimum at a finite w, inside the plotted square: near w = (0.63, 0.32).
LOGISTIC_INPUTS: tuple[tuple[Fraction, Fraction], ...] = (
    (Fraction(1), Fraction(2)),
    (Fraction(-2), Fraction(1)),
    (Fraction(1, 2), Fraction(-1)),
    (Fraction(3, 2), Fraction(-1, 2)),
)
#: The labels y_n, 0 or 1, in the order of the inputs.
LOGISTIC_LABELS: tuple[int, ...] = (1, 0, 1, 0)

__all__ = ["LOGISTIC_INPUTS", "LOGISTIC_LABELS"]
