"""Week 4, lecture 1: the gradient of the mean squared error of a linear model, by w and by b."""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "mse-linear-regression",
    "Gradient of the mean squared error",
    r"We fit $\hat y = w x + b$ to $N$ examples $(x_i, y_i)$ by minimising the mean squared error. "
    r"Gradient descent needs its two partial derivatives; both are averages of the residual "
    r"$w x_i + b - y_i$, once weighted by the input.",
)
w = d.symbol("w", "real", "the slope (weight)")
b = d.symbol("b", "real", "the intercept (bias)")
N = d.symbol("N", "positive integer", "the number of training examples")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the inputs $x_1, \ldots, x_N$")
y = d.declare(sp.IndexedBase("y", real=True), "real", r"the targets $y_1, \ldots, y_N$")
i = d.declare(sp.Symbol("i", integer=True), "integer", r"the index of an example, $1 \le i \le N$")

gw = d.chain(r"The partial derivative by $w$",
             r"Differentiate term by term: the sum is finite, so the derivative goes inside.")
gw.start(r"\frac{1}{N} \sum_{i=1}^{N} \left( w x_i + b - y_i \right)^2", rule="the mean squared error $J(w, b)$")
gw.differentiate(w, r"\frac{1}{N} \sum_{i=1}^{N} 2 \left( w x_i + b - y_i \right) x_i", rule="the chain rule inside the sum",
                 justification=r"$\frac{\partial}{\partial w}(w x_i + b - y_i)^2 = 2(w x_i + b - y_i) \cdot x_i$.")
gw.equals(r"\frac{2}{N} \sum_{i=1}^{N} \left( w x_i + b - y_i \right) x_i", rule="take the constant 2 out of the sum")
gw.equals(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i^2 + b \sum_{i=1}^{N} x_i - \sum_{i=1}^{N} x_i y_i \right)", rule="split the sum into three", exercise=True)
gw.conclude("mse-grad-w", main=True)

gb = d.chain(r"The partial derivative by $b$")
gb.start(r"\frac{1}{N} \sum_{i=1}^{N} \left( w x_i + b - y_i \right)^2", rule="the mean squared error $J(w, b)$")
gb.differentiate(b, r"\frac{2}{N} \sum_{i=1}^{N} \left( w x_i + b - y_i \right)", rule="the chain rule inside the sum",
                 justification=r"The inner derivative $\partial (w x_i + b - y_i)/\partial b$ is $1$.")
gb.equals(r"\frac{2}{N} \left( w \sum_{i=1}^{N} x_i + N b - \sum_{i=1}^{N} y_i \right)", rule="split the sum",
          justification=r"$\sum_{i=1}^{N} b = N b$.")
gb.conclude("mse-grad-b")

d.exercise(r"Differentiate $J(w, b) = \frac{1}{N}\sum_{i=1}^{N}(w x_i + b - y_i)^2$ by $b$.",
           r"\frac{2}{N} \sum_{i=1}^{N} (w x_i + b - y_i)", of="mse-grad-b",
           wrong=r"\frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i)")
d.exercise(r"Differentiate $J(w, b)$ by $w$.", r"\frac{2}{N} \sum_{i=1}^{N} (w x_i + b - y_i) x_i", of="mse-grad-w",
           wrong=r"\frac{2}{N} \sum_{i=1}^{N} (w x_i + b - y_i)")

derivation = d
