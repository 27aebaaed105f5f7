"""The gradient of the binary cross-entropy loss: dL/dz = sigma(z) - y, then dL/dw_i and dL/db.

Run it on its own: ``python derivations/bce_gradient.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation, sigmoid

d = Derivation(
    "bce-gradient",
    "The gradient of the binary cross-entropy loss",
    "Logistic regression is trained by minimising the binary cross-entropy "
    r"$L = -[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))]$ with $z = w \cdot x + b$. Its gradient is "
    r"the error $\sigma(z) - y$ times the input: every $\log$ and every $\sigma\,(1 - \sigma)$ cancels. "
    "We derive that for the logit $z$, then for the weights and the bias, first with three "
    "features and then in any dimension $n$.",
)
z = d.symbol("z", "real", r"the logit $w \cdot x + b$")
y = d.symbol("y", "[0,1]", "the label: $0$ or $1$, or a soft label in between")
b = d.symbol("b", "real", "the bias")
w1, w2, w3 = (d.symbol(f"w{i}", "real", f"weight {i}") for i in (1, 2, 3))
x1, x2, x3 = (d.symbol(f"x{i}", "real", f"feature {i}") for i in (1, 2, 3))
n = d.symbol("n", "integer", "the number of features")
w = d.declare(sp.IndexedBase("w", real=True), "real", r"the weights $w_1, \ldots, w_n$")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the features $x_1, \ldots, x_n$")
i = d.declare(sp.Idx("i", (1, n)), "integer", r"the weight we differentiate by, $1 \le i \le n$")
j = sp.Symbol("j", integer=True)  # summation index of w.x


def bce(logit: sp.Expr) -> sp.Expr:
    """The binary cross-entropy of the prediction sigma(logit) against the label y."""
    return -(y * sp.log(sigmoid(logit)) + (1 - y) * sp.log(1 - sigmoid(logit)))


s = sigmoid(z)

# -- dL/dz ----------------------------------------------------------------------------------
c = d.chain("The gradient with respect to the logit $z$",
            r"Differentiate the loss as a function of $z$; $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.")
c.start(bce(z), rule="the binary cross-entropy",
        justification=r"The negative log-likelihood of a Bernoulli label $y$ with $P(y = 1) = \sigma(z)$.")
c.differentiate(z, "-(y*sigma(z)*(1 - sigma(z))/sigma(z) + (1 - y)*(-sigma(z)*(1 - sigma(z)))/(1 - sigma(z)))",
                rule=r"the chain rule through $\log$ and $\sigma$",
                justification=r"$(\log u)' = u'/u$, with $\sigma' = \sigma\,(1 - \sigma)$ and "
                              r"$(1 - \sigma)' = -\sigma\,(1 - \sigma)$.")
c.equals(-(y * (1 - s) - (1 - y) * s), rule=r"cancel $\sigma$ and $1 - \sigma$",
         justification=r"$\sigma(z)$ and $1 - \sigma(z)$ are positive, so each cancels from its own fraction.",
         exercise=True)
c.equals("-y + y*sigma(z) + sigma(z) - y*sigma(z)", rule="expand the products",
         justification=r"$-y\,(1 - \sigma) = -y + y\sigma$ and $(1 - y)\,\sigma = \sigma - y\sigma$.")
c.equals(s - y, rule=r"the $y\sigma$ terms cancel", justification=r"$y\sigma - y\sigma = 0$.", exercise=True)
c.conclude("bce-grad-logit", main=True)

# -- three features, written out -------------------------------------------------------------
z3 = w1 * x1 + w2 * x2 + w3 * x3 + b
score3 = Relation(z, z3)
for k, (weight, feature) in enumerate(((w1, x1), (w2, x2), (w3, x3)), start=1):
    cw = d.chain(f"Three features: the weight $w_{k}$")
    cw.start(bce(z3), rule="the loss with $z = w_1 x_1 + w_2 x_2 + w_3 x_3 + b$")
    cw.differentiate(weight, (sigmoid(z) - y) * feature, needs=(score3,),
                     rule=rf"the chain rule: $\partial L/\partial z$ times $\partial z/\partial w_{k}$",
                     justification=rf"$\partial L/\partial z = \sigma(z) - y$ and $z$ is linear in $w_{k}$ "
                                   f"with slope $x_{k}$.")
cb3 = d.chain("Three features: the bias $b$")
cb3.start(bce(z3), rule="the loss with $z = w_1 x_1 + w_2 x_2 + w_3 x_3 + b$")
cb3.differentiate(b, sigmoid(z) - y, needs=(score3,),
                  rule=r"the chain rule: $\partial L/\partial z$ times $\partial z/\partial b$",
                  justification=r"$z = w \cdot x + b$ has slope $1$ in $b$.")

# -- any number of features -------------------------------------------------------------------
zn = sp.Sum(w[j] * x[j], (j, 1, n)) + b
score = Relation(z, zn)
cw = d.chain("Any number of features: the weight $w_i$",
             r"Now $z = \sum_j w_j x_j + b$ with $n$ features; differentiate by one weight $w_i$.")
cw.start(bce(zn), rule=r"the loss with $z = \sum_j w_j x_j + b$")
cw.differentiate(w[i], (sigmoid(zn) - y) * sp.Sum(sp.KroneckerDelta(i, j) * x[j], (j, 1, n)),
                 rule=r"the chain rule: $\partial L/\partial z$ times $\partial z/\partial w_i$",
                 justification=r"$\partial L/\partial z = \sigma(z) - y$, and $\partial w_j/\partial w_i$ is the "
                               r"Kronecker delta $\delta_{ij}$.")
cw.equals((sigmoid(zn) - y) * x[i], rule="the delta picks out $j = i$",
          justification=r"$\delta_{ij}$ is $1$ for $j = i$ and $0$ otherwise, and $1 \le i \le n$.", exercise=True)
cw.equals((sigmoid(z) - y) * x[i], needs=(score,), rule=r"write $z$ for $w \cdot x + b$",
          justification=r"$z = \sum_j w_j x_j + b$ is the logit.")
cw.conclude("bce-grad-weight")

cb = d.chain("Any number of features: the bias $b$")
cb.start(bce(zn), rule=r"the loss with $z = \sum_j w_j x_j + b$")
cb.differentiate(b, sigmoid(zn) - y, rule=r"the chain rule: $\partial L/\partial z$ times $\partial z/\partial b$",
                 justification=r"$\partial L/\partial z = \sigma(z) - y$ and $\partial z/\partial b = 1$.")
cb.equals(sigmoid(z) - y, needs=(score,), rule=r"write $z$ for $w \cdot x + b$",
          justification=r"$z = \sum_j w_j x_j + b$ is the logit.")
cb.conclude("bce-grad-bias")

d.example(s - y, {z: 2, y: 1}, r"A positive example ($y = 1$) scored $z = 2$ has the gradient $\partial L/\partial z$")
d.example((s - y) * x1, {z: 0, y: 0, x1: 3},
          "A negative example ($y = 0$) at $z = 0$ with feature $x_1 = 3$ moves the weight $w_1$ by the gradient")
d.exercise(r"Differentiate $L = -(y \log \sigma(z) + (1 - y) \log(1 - \sigma(z)))$ with respect to $z$ "
           "and simplify.", s - y, assume={"y": "[0,1]"}, wrong=y - s)
d.exercise(r"With $z = w_1 x_1 + w_2 x_2 + b$, find $\partial L/\partial w_1$ of the same loss, in terms of "
           r"$\sigma(z)$, $y$ and $x_1$.", (s - y) * x1, assume={"y": "[0,1]"}, wrong=s - y)
d.exercise(r"Find $\partial L/\partial b$ of the same loss, in terms of $\sigma(z)$ and $y$.", s - y,
           assume={"y": "[0,1]"}, wrong=s * (1 - s) * (s - y))
d.figure("bce-loss-and-slope")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
