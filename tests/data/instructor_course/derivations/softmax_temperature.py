"""Week 7, lecture 3: softmax with a temperature T: its Jacobian and the two-class case."""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "softmax-temperature",
    "Softmax with temperature",
    r"Dividing the scores by a temperature $T > 0$ before the softmax sharpens ($T < 1$) or flattens "
    r"($T > 1$) the distribution. The Jacobian picks up a factor $1/T$, and with two classes the "
    r"softmax is a sigmoid of the score difference over $T$.",
)
T = d.symbol("T", "positive", "the temperature")
K = d.symbol("K", "positive integer", "the number of classes")
i = d.declare(sp.Idx("i", (1, K)), "integer", r"a class, $1 \le i \le K$")
j = d.declare(sp.Idx("j", (1, K)), "integer", r"the class we differentiate by")
z = d.declare(sp.IndexedBase("z", real=True), "real", r"the scores $z_1, \ldots, z_K$")

jac = d.chain(r"The Jacobian $\partial p_i / \partial z_j$")
jac.start(r"\frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}}", rule=r"$p_i$ at temperature $T$")
jac.differentiate(z[j], r"\frac{\delta_{ij} e^{z_i / T}}{T \sum_{k=1}^{K} e^{z_k / T}} - \frac{e^{z_i / T} e^{z_j / T}}{T \left( \sum_{k=1}^{K} e^{z_k / T} \right)^2}", rule="the quotient rule",
                  justification=r"$\partial e^{z_k/T}/\partial z_j = \delta_{kj} e^{z_j/T}/T$.")
jac.equals(r"\frac{1}{T} \frac{e^{z_i / T}}{\sum_{k=1}^{K} e^{z_k / T}} \left( \delta_{ij} - \frac{e^{z_j / T}}{\sum_{k=1}^{K} e^{z_k / T}} \right)", rule=r"factor out $p_i / T$", exercise=True)
jac.conclude("tempered-jacobian", main=True)

two = d.chain("Two classes")
two.start(r"\frac{e^{z_1 / T}}{e^{z_1 / T} + e^{z_2 / T}}", rule="$p_1$ with $K = 2$")
two.equals(r"\frac{1}{1 + e^{(z_2 - z_1) / T}}", rule=r"divide by $e^{z_1/T}$")
two.equals(r"\sigma\left( \frac{z_1 - z_2}{T} \right)", rule="recognise the sigmoid", exercise=True)
two.conclude("tempered-two-class")

hot = d.chain("High temperature")
hot.start(r"\sigma\left( \frac{z_1 - z_2}{T} \right)", rule="$p_1$ with $K = 2$")
hot.limit(T, sp.oo, r"\frac{1}{2}", direction="-", rule=r"$T \to \infty$",
          justification="The scaled difference tends to zero: both classes become equally likely.")

d.exercise(r"With $K = 2$, write $p_1$ as a sigmoid.", r"\sigma\left(\frac{z_1 - z_2}{T}\right)", of="tempered-two-class",
           wrong=r"\sigma\left(\frac{z_1 - z_2}{T^2}\right)")

derivation = d
