"""Week 5, lecture 1: ridge regression, the squared error plus an L2 penalty on the weight."""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "ridge-regression",
    "The gradient of the L2-regularised loss",
    r"Adding $\lambda w^2$ to the mean squared error pulls the weight towards zero. The penalty adds "
    r"$2 \lambda w$ to the gradient (weight decay), and the minimiser gets $N\lambda$ in its denominator.",
)
w = d.symbol("w", "real", "the weight")
lam = d.symbol("lambda", "positive", r"the regularisation strength $\lambda$")
N = d.symbol("N", "positive integer", "the number of examples")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the inputs $x_i$")
y = d.declare(sp.IndexedBase("y", real=True), "real", r"the targets $y_i$")
i = d.declare(sp.Symbol("i", integer=True), "integer", "the index of an example")

g = d.chain(r"The gradient of $J_\lambda(w)$")
g.start(r"\frac{1}{N} \sum_{i=1}^{N} (w x_i - y_i)^2 + \lambda w^2", rule=r"the regularised loss $J_\lambda(w)$")
g.differentiate(w, r"\frac{2}{N} \sum_{i=1}^{N} (w x_i - y_i) x_i + 2 \lambda w", rule="differentiate term by term",
                justification=r"The penalty's derivative is $2\lambda w$.", exercise=True)
g.equals(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i + N \lambda w \right)", rule=r"take $\frac{2}{N}$ out")
g.conclude("ridge-gradient", main=True)

s = d.chain(r"The minimiser",
            r"$J_\lambda$ is a parabola opening upwards, so the gradient vanishes exactly once.")
s.given(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i + N \lambda w \right)", "0", rule="set the gradient to zero")
s.apply(lambda side: side * N / 2, r"w \sum_{i=1}^{N} x_i^2 - \sum_{i=1}^{N} x_i y_i + N \lambda w", "0", rule=r"multiply by $N/2$")
s.rewrite(r"w \left( \sum_{i=1}^{N} x_i^2 + N \lambda \right)", r"\sum_{i=1}^{N} x_i y_i", rule=r"collect $w$")
s.solve_for(w, r"\frac{\sum_{i=1}^{N} x_i y_i}{\sum_{i=1}^{N} x_i^2 + N \lambda}", rule="divide by the bracket",
            justification=r"It is positive because $\lambda > 0$.", exercise=True)
s.conclude("ridge-solution")

d.exercise(r"Differentiate the penalty $\lambda w^2$ by $w$.", r"2 \lambda w", wrong=r"\lambda w")
d.exercise(r"Solve the ridge normal equation for $w$.",
           r"\frac{\sum_{i=1}^{N} x_i y_i}{\sum_{i=1}^{N} x_i^2 + N \lambda}", of="ridge-solution",
           wrong=r"\frac{\sum_{i=1}^{N} x_i y_i}{\sum_{i=1}^{N} x_i^2 + \lambda}")

derivation = d
