"""Week 4, lecture 2: the normal equation of one-dimensional least squares (no intercept)."""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "least-squares-1d",
    "The normal equation for a line through the origin",
    r"For the model $\hat y = w x$ the mean squared error is a parabola in $w$, so its minimum is where "
    r"the derivative vanishes. Setting the gradient to zero gives one linear equation in $w$, the normal "
    r"equation, and its solution is a ratio of two sums.",
)
w = d.symbol("w", "real", "the slope")
N = d.symbol("N", "positive integer", "the number of examples")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the inputs $x_1, \ldots, x_N$, not all zero")
y = d.declare(sp.IndexedBase("y", real=True), "real", r"the targets $y_1, \ldots, y_N$")
i = d.declare(sp.Symbol("i", integer=True), "integer", "the index of an example")

g = d.chain(r"The derivative of $J(w)$")
g.start(r"\frac{1}{N} \sum_{i=1}^{N} (w x_i - y_i)^2", rule=r"the mean squared error $J(w)$")
g.differentiate(w, r"\frac{2}{N} \sum_{i=1}^{N} (w x_i - y_i) x_i", rule="the chain rule inside the sum")
g.equals(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i \right)", rule="split the sum; $w$ does not depend on $i$", exercise=True)
g.conclude("least-squares-gradient")

s = d.chain(r"Set the derivative to zero and solve for $w$",
            r"At the minimum $J'(w) = 0$. Multiply by $N/2 > 0$, which changes no solution, and solve.")
s.given(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i \right)", "0", rule=r"the minimum: $J'(w) = 0$")
s.apply(lambda side: side * N / 2, r"w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i", "0", rule=r"multiply both sides by $N/2$")
s.rewrite(r"w \sum_{i=1}^{N} x_i^2", r"\sum_{i=1}^{N} x_i y_i", rule="move the second sum across")
s.solve_for(w, r"\frac{\sum_{i=1}^{N} x_i y_i}{\sum_{i=1}^{N} x_i^2}", rule=r"divide by $\sum_i x_i^2 > 0$",
            justification="The inputs are not all zero, so the sum of their squares is positive.", exercise=True)
s.conclude("normal-equation", main=True)

d.exercise(r"Solve $w \sum_{i=1}^{N} x_i^2 = \sum_{i=1}^{N} x_i y_i$ for $w$.",
           r"\frac{\sum_{i=1}^{N} x_i y_i}{\sum_{i=1}^{N} x_i^2}", of="normal-equation",
           wrong=r"\frac{\sum_{i=1}^{N} y_i}{\sum_{i=1}^{N} x_i}")
d.figure("least-squares-line", caption=r"The least-squares line through the origin and its residuals $w x_i - y_i$.")

derivation = d
