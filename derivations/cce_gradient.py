"""The gradient of the categorical cross-entropy: the softmax Jacobian, dL/dz_j = p_j - y_j, dL/dW_jk.

Run it on its own: ``python derivations/cce_gradient.py`` prints every step with its verdict.
"""

from collections.abc import Callable

import sympy as sp

from derivkit import Derivation, Relation
from derivkit.formulas import softmax_entry

d = Derivation(
    "cce-gradient",
    "The gradient of the categorical cross-entropy",
    r"A $K$-class classifier outputs $p = \operatorname{softmax}(z)$ and is trained on the cross-entropy "
    r"$L = -\sum_c y_c \log p_c$. Its gradient with respect to the scores turns out to be as simple "
    "as for the sigmoid, the error of the prediction: the softmax Jacobian and the $\\log$ cancel, once "
    "the labels sum to one. With $z = Wx + b$ the weights get that error times the input. "
    "We derive it for any $K$ and any number of features, then check it with $K = 3$ written out.",
)
K = d.symbol("K", "integer", "the number of classes")
n = d.symbol("n", "integer", "the number of features")
i = d.declare(sp.Idx("i", (1, K)), "integer", r"a class, $1 \le i \le K$")
j = d.declare(sp.Idx("j", (1, K)), "integer", r"the class whose score we differentiate by, $1 \le j \le K$")
k = d.declare(sp.Idx("k", (1, n)), "integer", r"a feature, $1 \le k \le n$")
z = d.declare(sp.IndexedBase("z", real=True), "real", "the scores (logits) $z_c$")
y = d.declare(sp.IndexedBase("y", nonnegative=True), "[0,1]",
              "the labels: one-hot, or soft labels; they sum to one")
W = d.declare(sp.IndexedBase("W", real=True), "real", "the weight matrix, $K$ rows and $n$ columns")
x = d.declare(sp.IndexedBase("x", real=True), "real", r"the input features $x_1, \ldots, x_n$")
bias = d.declare(sp.IndexedBase("b", real=True), "real", r"the biases $b_1, \ldots, b_K$")
c, l, m = sp.symbols("c l m", integer=True)  # summation indices: classes in L, the normaliser, features


def softmax(index: sp.Expr, scores: Callable[[sp.Expr], sp.Expr] | None = None) -> sp.Expr:
    """p_index, with the scores z (or the scores given by a function of the index)."""
    return softmax_entry(scores or (lambda r: z[r]), index, l, K)


def cross_entropy(scores=None) -> sp.Expr:
    return -sp.Sum(y[c] * sp.log(softmax(c, scores)), (c, 1, K))


labels_sum_to_one = Relation(sp.Sum(y[c], (c, 1, K)), sp.S.One)
normaliser = sp.Sum(sp.exp(z[l]), (l, 1, K))

# -- 1. the softmax Jacobian -----------------------------------------------------------------
jac = d.chain(r"The softmax Jacobian $\partial p_i/\partial z_j$",
              "$z_j$ appears in the numerator of $p_i$ only when $i = j$, and in the denominator always.")
jac.start(softmax(i), rule="the softmax probability $p_i$")
quotient = (r"\frac{\delta_{ij} e^{z_i}}{\sum_{l=1}^{K} e^{z_l}}"
            r" - \frac{e^{z_i} e^{z_j}}{\left(\sum_{l=1}^{K} e^{z_l}\right)^2}")
jac.differentiate(z[j], quotient, rule="the quotient rule",
                  justification=r"$\partial z_i/\partial z_j = \delta_{ij}$ and "
                                r"$\partial \bigl(\sum_l e^{z_l}\bigr)/\partial z_j = e^{z_j}$.")
jac.equals(softmax(i) * (sp.KroneckerDelta(i, j) - softmax(j)), rule="factor out $p_i$",
           justification=r"Both terms carry $e^{z_i}/\sum_l e^{z_l} = p_i$; what is left is $\delta_{ij} - p_j$.",
           exercise=True)
jac.conclude("softmax-jacobian")

# -- 2. the gradient with respect to the scores ------------------------------------------------
g = d.chain("The gradient with respect to the scores $z_j$")
g.start(cross_entropy(), rule=r"the cross-entropy $L = -\sum_c y_c \log p_c$",
        justification="The negative log-likelihood of the labels under the softmax probabilities.")
g.differentiate(z[j], -sp.Sum(y[c] * (sp.KroneckerDelta(c, j) - softmax(j)), (c, 1, K)),
                rule=r"$\partial \log p_c/\partial z_j = (1/p_c)\, \partial p_c/\partial z_j$",
                justification=r"Divide the Jacobian entry of the first part by $p_c$.")
g.equals(softmax(j) * sp.Sum(y[c], (c, 1, K)) - y[j], rule="split the sum; the delta picks $c = j$",
         justification=r"$\sum_c y_c \delta_{cj} = y_j$ because $1 \le j \le K$, and $p_j$ does not depend on $c$.",
         exercise=True)
g.equals(softmax(j) - y[j], needs=(labels_sum_to_one,), rule="the labels sum to one",
         justification=r"$\sum_c y_c = 1$ for a one-hot or a soft label.")
g.conclude("cce-grad-logit")

# -- 3. the gradient with respect to the weights -------------------------------------------------
def linear(r: sp.Expr) -> sp.Expr:
    """z_r = sum_m W_rm x_m + b_r."""
    return sp.Sum(W[r, m] * x[m], (m, 1, n)) + bias[r]


gw = d.chain("The gradient with respect to the weights $W_{jk}$",
             r"Now the scores come from a linear layer, $z_c = \sum_m W_{cm} x_m + b_c$; "
             "$W_{jk}$ only enters $z_j$, with slope $x_k$.")
gw.start(cross_entropy(linear), rule="the cross-entropy with $z = Wx + b$")
gw.differentiate(W[j, k], (softmax(j, linear) * sp.Sum(y[c], (c, 1, K)) - y[j]) * x[k],
                 rule=r"the chain rule through $z$: $\partial z_c/\partial W_{jk} = \delta_{cj} x_k$",
                 justification=r"$\partial L/\partial z_j$ (before using $\sum_c y_c = 1$) times $x_k$; the other "
                               "scores do not depend on $W_{jk}$.")
gw.equals((softmax(j, linear) - y[j]) * x[k], needs=(labels_sum_to_one,), rule="the labels sum to one",
          justification=r"$\sum_c y_c = 1$.")
gw.equals((softmax(j) - y[j]) * x[k], needs=(Relation(z[j], linear(j)), Relation(z[l], linear(l))),
          rule="write $z$ for $Wx + b$", justification=r"$z_c = \sum_m W_{cm} x_m + b_c$ for every class $c$.")
gw.conclude("cce-grad-weight")

# -- 4. three classes, written out ---------------------------------------------------------------
z1, z2, z3 = (d.symbol(f"z{r}", "real", f"the score of class {r} ($K = 3$)") for r in (1, 2, 3))
y1, y2, y3 = (d.symbol(f"y{r}", "[0,1]", f"the label of class {r} ($K = 3$)") for r in (1, 2, 3))
x1, x2 = (d.symbol(f"x{r}", "real", f"feature {r} (two features)") for r in (1, 2))
scores3 = (z1, z2, z3)
labels3 = (y1, y2, y3)
total3 = sum(sp.exp(s) for s in scores3)
p3 = [sp.exp(s) / total3 for s in scores3]
loss3 = -sum(lab * sp.log(prob) for lab, prob in zip(labels3, p3))
one_hot3 = Relation(y1 + y2 + y3, sp.S.One)

diag = d.chain("$K = 3$: a diagonal Jacobian entry")
diag.start(p3[0], rule="$p_1$ for three classes")
diag.differentiate(z1, p3[0] * (1 - p3[0]), rule="differentiate by $z_1$",
                   justification=r"The general Jacobian with $i = j = 1$.")
off = d.chain("$K = 3$: an off-diagonal Jacobian entry")
off.start(p3[0], rule="$p_1$ for three classes")
off.differentiate(z2, -p3[0] * p3[1], rule="differentiate by $z_2$",
                  justification=r"The general Jacobian with $i = 1$, $j = 2$.")

for r in range(3):
    gr = d.chain(rf"$K = 3$: $\partial L/\partial z_{r + 1}$")
    gr.start(loss3, rule=r"$L = -(y_1 \log p_1 + y_2 \log p_2 + y_3 \log p_3)$")
    gr.differentiate(scores3[r], p3[r] * (y1 + y2 + y3) - labels3[r], rule=f"differentiate by $z_{r + 1}$",
                     justification=r"The general gradient with $K = 3$, before using $\sum_c y_c = 1$.")
    gr.equals(p3[r] - labels3[r], needs=(one_hot3,), rule="$y_1 + y_2 + y_3 = 1$",
              justification="The labels sum to one.")

W11, W12, W21, W22, W31, W32 = (d.symbol(f"W{r}{s}", "real", f"the weight of class {r}, feature {s}")
                                for r in (1, 2, 3) for s in (1, 2))
b1, b2, b3 = (d.symbol(f"b{r}", "real", f"the bias of class {r}") for r in (1, 2, 3))
layer = {z1: W11 * x1 + W12 * x2 + b1, z2: W21 * x1 + W22 * x2 + b2, z3: W31 * x1 + W32 * x2 + b3}
gw3 = d.chain(r"$K = 3$, two features: $\partial L/\partial W_{21}$")
gw3.start(loss3.subs(layer), rule="the loss with $z_c = W_{c1} x_1 + W_{c2} x_2 + b_c$")
gw3.differentiate(W21, (p3[1] - y2) * x1, needs=(one_hot3, *tuple(Relation(s, e) for s, e in layer.items())),
                  rule="differentiate by $W_{21}$",
                  justification=r"$(p_2 - y_2)\,x_1$: the error of class 2 times feature 1.", exercise=True)

d.example(p3[0] - y1, {z1: 1, z2: 2, z3: 3, y1: 1},
          r"With scores $(1, 2, 3)$ and true class 1, the gradient $\partial L/\partial z_1 = p_1 - 1$ is")
d.example(p3[1] - y2, {z1: 1, z2: 2, z3: 3, y2: 0},
          r"and for a wrong class, $\partial L/\partial z_2 = p_2 - 0$ is")
d.exercise(r"For $K = 3$ and the one-hot label $y = (1, 0, 0)$, the loss is "
           r"$L = -\log\bigl(e^{z_1}/(e^{z_1} + e^{z_2} + e^{z_3})\bigr)$. Find $\partial L/\partial z_1$.", p3[0] - 1,
           wrong=1 - p3[0])
d.exercise("Two classes: differentiate $p_1 = e^{z_1}/(e^{z_1} + e^{z_2})$ with respect to $z_2$.",
           -sp.exp(z1) * sp.exp(z2) / (sp.exp(z1) + sp.exp(z2)) ** 2,
           wrong=sp.exp(z1) * sp.exp(z2) / (sp.exp(z1) + sp.exp(z2)) ** 2)
d.exercise(r"For $K = 3$, $y = (1, 0, 0)$ and $z_c = W_{c1} x_1 + W_{c2} x_2 + b_c$, find $\partial L/\partial W_{11}$ "
           "in terms of $z_1$, $z_2$, $z_3$ and $x_1$.", (p3[0] - 1) * x1, wrong=p3[0] - 1)

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
