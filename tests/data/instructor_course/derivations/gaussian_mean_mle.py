"""Week 7, lecture 1: the maximum-likelihood estimate of a Gaussian's mean is the sample mean."""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "gaussian-mean-mle",
    "The MLE of a Gaussian mean",
    r"Draw $x_1, \ldots, x_N$ independently from $\mathcal{N}(\mu, \sigma^2)$ with $\sigma$ known. "
    r"The log-likelihood is a downward parabola in $\mu$; its maximum is the sample mean.",
)
mu = d.symbol("mu", "real", r"the mean $\mu$")
sigma = d.symbol("sigma", "positive", r"the standard deviation $\sigma$ (known)")
N = d.symbol("N", "positive integer", "the sample size")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the observations $x_i$")
i = d.declare(sp.Symbol("i", integer=True), "integer", "the index of an observation")

ll = d.chain("The log-likelihood")
ll.start(r"\sum_{i=1}^{N} \log \left( \frac{1}{\sqrt{2 \pi \sigma^2}} e^{-\frac{(x_i - \mu)^2}{2 \sigma^2}} \right)", rule="the log of the product of the densities")
ll.equals(r"\sum_{i=1}^{N} \left( -\frac{1}{2} \log(2 \pi \sigma^2) - \frac{(x_i - \mu)^2}{2 \sigma^2} \right)", rule=r"$\log(a e^{b}) = \log a + b$", exercise=True)
ll.equals(r"-\frac{N}{2} \log(2 \pi \sigma^2) - \frac{1}{2 \sigma^2} \sum_{i=1}^{N} (x_i - \mu)^2", rule="split the sum")
ll.conclude("gaussian-log-likelihood")

g = d.chain(r"The derivative by $\mu$")
g.start(r"-\frac{N}{2} \log(2 \pi \sigma^2) - \frac{1}{2 \sigma^2} \sum_{i=1}^{N} (x_i - \mu)^2", rule=r"the log-likelihood $\ell(\mu)$")
g.differentiate(mu, r"\frac{1}{\sigma^2} \sum_{i=1}^{N} (x_i - \mu)", rule="the first term is constant; chain rule in the sum",
                justification=r"$\frac{\partial}{\partial \mu}(x_i - \mu)^2 = -2(x_i - \mu)$.", exercise=True)
g.equals(r"\frac{1}{\sigma^2} \left( \sum_{i=1}^{N} x_i - N \mu \right)", rule="split the sum")
g.conclude("gaussian-score")

s = d.chain(r"Solve $\ell'(\mu) = 0$")
s.given(r"\frac{1}{\sigma^2} \left( \sum_{i=1}^{N} x_i - N \mu \right)", "0", rule="the maximum")
s.apply(lambda side: side * sigma**2, r"\sum_{i=1}^{N} x_i - N \mu", "0", rule=r"multiply by $\sigma^2 > 0$")
s.solve_for(mu, r"\frac{1}{N} \sum_{i=1}^{N} x_i", rule=r"solve for $\mu$", exercise=True)
s.conclude("mle-is-sample-mean", main=True)

d.exercise(r"Differentiate $\ell(\mu)$ by $\mu$.", r"\frac{1}{\sigma^2} \sum_{i=1}^{N} (x_i - \mu)", of="gaussian-score",
           wrong=r"\frac{1}{2\sigma^2} \sum_{i=1}^{N} (x_i - \mu)")

derivation = d
