"""The gradient of logistic regression's mean cross-entropy over a dataset, in vector form: X^T (sigma(Xw) - y) / N.

Run it on its own: ``python derivations/logistic_regression_gradient.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation, named, sigmoid
from derivkit.formulas import binary_cross_entropy_with_logits

d = Derivation(
    "logistic-regression-gradient",
    "Logistic regression in vector form",
    r"A dataset of $N$ examples with $D$ features is a matrix $X$ with one example per row ($N \times D$); "
    r"the labels form a column $y$ ($N \times 1$) and the weights a column $w$ ($D \times 1$). The scores of "
    r"all examples are one product, $z = Xw$ ($N \times 1$), and the predictions are $\sigma(z)$, the "
    r"sigmoid applied to each entry. The cost is the mean cross-entropy "
    r"$J(w) = \frac{1}{N} \sum_n [-y_n \log \sigma(z_n) - (1 - y_n) \log(1 - \sigma(z_n))]$. Its gradient "
    r"is one line of linear algebra, $\nabla J = X^\top (\sigma(Xw) - y) / N$. We follow the convention that "
    r"the gradient has the shape of the parameter (the denominator layout): $\nabla J$ is a $D \times 1$ "
    r"column like $w$, whose entry $i$ is $\partial J/\partial w_i$. A bias needs no separate treatment: "
    r"give every example a constant feature $1$, and its weight is the bias.",
)
N = d.symbol("N", "integer", "the number of examples (rows of $X$)")
D = d.symbol("D", "integer", "the number of features (columns of $X$)")
X = d.declare(sp.IndexedBase("X", real=True), "real",
              r"the data matrix, $N \times D$: $X_{nk}$ is feature $k$ of example $n$")
y = d.declare(sp.IndexedBase("y", nonnegative=True), "[0,1]", r"the labels, $N \times 1$: $y_n$ is $0$ or $1$")
w = d.declare(sp.IndexedBase("w", real=True), "real", r"the weights, $D \times 1$")
z = d.declare(sp.IndexedBase("z", real=True), "real", r"the scores $z = Xw$, $N \times 1$")
i = d.declare(sp.Idx("i", (1, D)), "integer", r"the weight we differentiate by, $1 \le i \le D$")
n, k = sp.symbols("n k", integer=True)  # summation indices: the examples, the features


def cost(score: sp.Expr, label: sp.Expr) -> sp.Expr:
    """The cross-entropy of one example with this score and label."""
    return binary_cross_entropy_with_logits(label, score)


row_times_w = sp.Sum(X[n, k] * w[k], (k, 1, D))  # z_n = (Xw)_n
scores = Relation(z[n], row_times_w)

# -- (a) entry by entry, any N and D ------------------------------------------------------------------
ga = d.chain(r"Entry $i$ of the gradient, for any $N$ and $D$",
             r"Write the matrix product out: $z_n = (Xw)_n = \sum_k X_{nk} w_k$. The weight $w_i$ appears in "
             r"every score, with the coefficient $X_{ni}$.")
ga.start(sp.Sum(cost(row_times_w, y[n]), (n, 1, N)) / N, rule="the mean cross-entropy over the $N$ examples",
         justification=r"The average of the negative log-likelihoods, each with its own score "
                       r"$z_n = \sum_k X_{nk} w_k$.")
ga.differentiate(w[i], sp.Sum((sigmoid(row_times_w) - y[n]) * sp.Sum(sp.KroneckerDelta(i, k) * X[n, k], (k, 1, D)),
                              (n, 1, N)) / N,
                 rule=r"the chain rule in every term: $\partial J_n/\partial z_n$ times $\partial z_n/\partial w_i$",
                 justification=r"Per example, $\partial/\partial z_n$ of the cross-entropy is $\sigma(z_n) - y_n$, "
                               r"and $\partial w_k/\partial w_i$ is the Kronecker delta $\delta_{ik}$.")
ga.equals(sp.Sum((sigmoid(row_times_w) - y[n]) * X[n, i], (n, 1, N)) / N, rule="the delta picks out $k = i$",
          justification=r"$\delta_{ik}$ is $1$ for $k = i$ and $0$ otherwise, and $1 \le i \le D$.", exercise=True)
ga.equals(sp.Sum((sigmoid(z[n]) - y[n]) * X[n, i], (n, 1, N)) / N, needs=(scores,),
          rule=r"write $z_n$ for $(Xw)_n$",
          justification=r"This is $\frac{1}{N} \sum_n (X^\top)_{in} (\sigma(z_n) - y_n)$: row $i$ of $X^\top$ times "
                        r"the column of errors $\sigma(z) - y$, so entry $i$ of $X^\top (\sigma(Xw) - y) / N$.")
ga.conclude("lr-gradient-entry")

# -- (b) three examples, two features, as matrices ------------------------------------------------------
x11, x12, x21, x22, x31, x32 = (d.symbol(f"x{r}{c}", "real", f"feature {c} of example {r} ($N = 3$, $D = 2$)")
                                for r in (1, 2, 3) for c in (1, 2))
y1, y2, y3 = (d.symbol(f"y{r}", "[0,1]", f"the label of example {r} ($N = 3$)") for r in (1, 2, 3))
w1, w2 = (d.symbol(f"w{c}", "real", f"weight {c} ($D = 2$)") for c in (1, 2))
z1, z2, z3 = (d.symbol(f"z{r}", "real", f"the score of example {r}, row {r} of $Xw$ ($N = 3$)") for r in (1, 2, 3))
Xm = sp.Matrix([[x11, x12], [x21, x22], [x31, x32]])
wv, yv, zv = sp.Matrix([w1, w2]), sp.Matrix([y1, y2, y3]), sp.Matrix([z1, z2, z3])
Xw = Xm * wv
score_facts = tuple(Relation(s, e) for s, e in zip(zv, Xw))
J3 = sp.Add(*[sp.Mul(sp.Rational(1, 3), cost(s, lab), evaluate=False) for s, lab in zip(Xw, yv)], evaluate=False)
errors = sp.Matrix([sp.Add(sigmoid(s), -lab, evaluate=False) for s, lab in zip(zv, yv)])  # sigma(Xw) - y, 3 x 1
# X^T (sigma(z) - y) / 3, each entry written as row i of X^T times the column of errors
gradient3 = sp.Matrix([sp.Mul(sp.Rational(1, 3), sp.Add(*[sp.Mul(Xm.T[r, m], errors[m], evaluate=False)
                                                          for m in range(3)], evaluate=False), evaluate=False)
                       for r in range(2)])
assert (gradient3 - Xm.T * errors / 3).expand() == sp.zeros(2, 1)

general_cost = sp.Sum(cost(row_times_w, y[n]), (n, 1, N)) / N
entries = {X[r, c]: Xm[r - 1, c - 1] for r in (1, 2, 3) for c in (1, 2)} | {w[1]: w1, w[2]: w2} \
    | {y[r]: yv[r - 1] for r in (1, 2, 3)}
cb = d.chain("Three examples, two features: the cost written out",
             r"Take $N = 3$ and $D = 2$: $X$ is $3 \times 2$ with rows $(x_{n1}, x_{n2})$, $w = (w_1, w_2)$, and the "
             r"scores are $z = Xw$, so $z_n = x_{n1} w_1 + x_{n2} w_2$.")
cb.start(general_cost, rule="the mean cross-entropy over the $N$ examples",
         justification=r"The same cost as above, with $z_n = \sum_k X_{nk} w_k$.")
cb.compute(lambda e: e.subs({N: 3, D: 2}).doit().xreplace(entries), J3, rule="set $N = 3$, $D = 2$",
           justification=r"Expand both sums and name the entries: $X_{nk} = x_{nk}$, $w_k$, $y_n$.")
cb.conclude("lr-cost-three-examples")

gb = d.chain(r"Three examples, two features: $\nabla J = X^\top (\sigma(Xw) - y) / 3$",
             r"The gradient $(\partial J/\partial w_1, \partial J/\partial w_2)$ of the cost above is a column of "
             r"two entries, like $w$.")
gb.start(named("J", J3, (w1, w2)), rule="the mean cross-entropy of three examples",
         justification="Written out above; SymPy differentiates that form.")
gb.gradient((w1, w2), gradient3, needs=score_facts, rule=r"differentiate by $w_1$ and by $w_2$",
            justification=r"Each entry is the general formula with $N = 3$: $\frac{1}{3} \sum_n x_{ni} (\sigma(z_n) - "
                          r"y_n)$. Stacked, they are $X^\top$ ($2 \times 3$) times the errors $\sigma(z) - y$ "
                          r"($3 \times 1$), divided by $3$: a $2 \times 1$ column, the shape of $w$.",
            exercise=True)
gb.conclude("lr-gradient-vector")

data = {x11: 1, x12: 2, x21: -1, x22: 1, x31: 2, x32: 0, y1: 1, y2: 0, y3: 1}
entry1, entry2 = (e.xreplace(dict(zip(zv, Xw))).xreplace(data) for e in gradient3)
d.example(entry1, {w1: 0, w2: 0},
          r"Take the rows $(1, 2)$, $(-1, 1)$, $(2, 0)$ and the labels $y = (1, 0, 1)$. At $w = 0$ every prediction "
          r"is $\sigma(0) = 1/2$, and the gradient's first entry $\frac{1}{3}\sum_n x_{n1} (1/2 - y_n)$ is")
d.example(entry2, {w1: 0, w2: 0}, "and its second entry is")

s, x1, x2, b = sp.symbols("w x1 x2 b", real=True)
d.exercise(r"Two examples with one feature each ($N = 2$, $D = 1$): the cost is "
           r"$J(w) = -\frac{1}{2}[y_1 \log \sigma(w x_1) + (1 - y_1) \log(1 - \sigma(w x_1)) + y_2 \log \sigma(w x_2) "
           r"+ (1 - y_2) \log(1 - \sigma(w x_2))]$. Find $dJ/dw$.",
           ((sigmoid(s * x1) - y1) * x1 + (sigmoid(s * x2) - y2) * x2) / 2,
           wrong=((sigmoid(s * x1) - y1) + (sigmoid(s * x2) - y2)) / 2)
d.exercise(r"Add a bias $b$ to the same model, $z_n = w x_n + b$: a constant feature $1$ with weight $b$. "
           r"Find $\partial J/\partial b$ of the mean cross-entropy of the two examples.",
           ((sigmoid(s * x1 + b) - y1) + (sigmoid(s * x2 + b) - y2)) / 2,
           wrong=(sigmoid(s * x1 + b) - y1) + (sigmoid(s * x2 + b) - y2))
d.exercise(r"One example $x = (x_1, x_2)$ with label $y_1$ ($N = 1$, $D = 2$) has the loss "
           r"$-y_1 \log \sigma(w_1 x_1 + w_2 x_2) - (1 - y_1) \log(1 - \sigma(w_1 x_1 + w_2 x_2))$. "
           r"Find $\partial/\partial w_2$ of it.",
           (sigmoid(w1 * x1 + w2 * x2) - y1) * x2, wrong=(y1 - sigmoid(w1 * x1 + w2 * x2)) * x2)

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
