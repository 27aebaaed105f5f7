"""The binary cross-entropy, derived as the negative log-likelihood of Bernoulli labels.

Run it on its own: ``python derivations/bce_from_bernoulli.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation, softplus

d = Derivation(
    "bce-from-bernoulli",
    "The binary cross-entropy from the Bernoulli likelihood",
    "A binary classifier predicts $p$, the probability that the label is $y = 1$. Treating the label as "
    "a Bernoulli draw with that probability gives the likelihood of what was observed; its negative log "
    r"is the binary cross-entropy $-(y \log p + (1 - y) \log(1 - p))$, and for a data set of $N$ "
    "independent examples the negative log-likelihood divided by $N$ is the mean of the per-example "
    "losses. Because the negative log is strictly decreasing, the parameters that maximise the "
    "likelihood are exactly those that minimise this cost: the loss is not a choice, it is maximum "
    "likelihood. We write out three examples and then do it for any $N$.",
)
p = d.symbol("p", "(0,1)", "the predicted probability that $y = 1$, for one example")
y = d.symbol("y", "[0,1]", "the label of one example: $0$ or $1$")
N = d.symbol("N", "positive", "the number of examples in the data set")
p1, p2, p3 = (d.symbol(f"p{r}", "(0,1)", f"the predicted probability of example {r} ($N = 3$)") for r in (1, 2, 3))
y1, y2, y3 = (d.symbol(f"y{r}", "[0,1]", f"the label of example {r} ($N = 3$)") for r in (1, 2, 3))
ps = d.declare(sp.IndexedBase("p", positive=True), "(0,1)", r"the predicted probabilities $p_1, \ldots, p_N$")
ys = d.declare(sp.IndexedBase("y", nonnegative=True), "[0,1]", r"the labels $y_1, \ldots, y_N$")
L = d.declare(sp.IndexedBase("L", positive=True), "(0,1)", r"the likelihood of example $i$ alone, $L_i$")
t = d.symbol("t", "positive", "a value of the likelihood of the whole data set")
z = d.symbol("z", "real", r"the score (logit) with $p = \sigma(z)$")
i = d.declare(sp.Symbol("i", integer=True), "integer", r"the index of an example, $1 \le i \le N$")


def bernoulli(prob: sp.Expr, label: sp.Expr) -> sp.Expr:
    """P(label | prob) = prob^label (1 - prob)^(1 - label)."""
    return prob ** label * (1 - prob) ** (1 - label)


# -- 1. the Bernoulli likelihood: one formula for both labels -----------------------------------
one = d.chain("The Bernoulli likelihood of a positive label",
              r"The model says $P(y = 1) = p$ and $P(y = 0) = 1 - p$. One formula covers both labels: "
              r"$P(y \mid p) = p^y (1 - p)^{1 - y}$. Check it at $y = 1$.")
one.start(bernoulli(p, y), rule=r"the Bernoulli likelihood $P(y \mid p)$",
          justification="One formula for both labels.")
one.substitute({y: 1}, "p^1*(1 - p)^0", rule="substitute $y = 1$",
               justification="The exponents become $1$ and $1 - 1 = 0$.")
one.equals(p, rule="$a^1 = a$ and $a^0 = 1$", justification="$1 - p > 0$, so $(1 - p)^0 = 1$.")

zero = d.chain("The Bernoulli likelihood of a negative label")
zero.start(bernoulli(p, y), rule=r"the Bernoulli likelihood $P(y \mid p)$")
zero.substitute({y: 0}, "p^0*(1 - p)^1", rule="substitute $y = 0$",
                justification="The exponents become $0$ and $1 - 0 = 1$.")
zero.equals(1 - p, rule="$a^0 = 1$ and $a^1 = a$",
            justification="$p > 0$, so $p^0 = 1$: the formula gives $P(y = 0) = 1 - p$ as it should.")

# -- 2. its negative log ------------------------------------------------------------------------
nll = d.chain("The negative log-likelihood of one example",
              "Take the negative log of the likelihood: a product becomes a sum and the exponents come down.")
nll.start("-log(p^y*(1 - p)^(1 - y))", rule=r"the negative log-likelihood $-\log P(y \mid p)$",
          justification="Minimising it is maximising the likelihood (chain 6).")
nll.equals("-(log(p^y) + log((1 - p)^(1 - y)))", rule="the log of a product is the sum of the logs",
           justification=r"Both factors are positive: $p^y > 0$ and $(1 - p)^{1 - y} > 0$ because $0 < p < 1$.")
nll.equals("-(y*log(p) + (1 - y)*log(1 - p))", rule=r"$\log a^b = b \log a$",
           justification="Allowed because each base is positive: $p > 0$ and $1 - p > 0$.", exercise=True)
nll.conclude("bernoulli-nll")

# -- 3. a data set of three examples -----------------------------------------------------------
three = d.chain("Three examples, written out",
                "The examples are independent, so the likelihood of the data set is the product of their "
                "likelihoods. The cost is its negative log divided by the number of examples, $N = 3$.")
examples3 = ((p1, y1), (p2, y2), (p3, y3))
three.start("-(1/3)*log(p1^y1*(1 - p1)^(1 - y1)*p2^y2*(1 - p2)^(1 - y2)*p3^y3*(1 - p3)^(1 - y3))",
            rule=r"$-\frac{1}{3} \log$ of the likelihood of three independent examples",
            justification="Independent events: the probability that all three happen is the product.")
three.equals("-(1/3)*(log(p1^y1*(1 - p1)^(1 - y1)) + log(p2^y2*(1 - p2)^(1 - y2)) + log(p3^y3*(1 - p3)^(1 - y3)))",
             rule="the log of a product is the sum of the logs",
             justification="Each factor is a positive probability.")
# one term per example, so a long line can break between the examples
three.equals("-(1/3)*(y1*log(p1) + (1 - y1)*log(1 - p1)) - (1/3)*(y2*log(p2) + (1 - y2)*log(1 - p2))"
             " - (1/3)*(y3*log(p3) + (1 - y3)*log(1 - p3))",
             rule="each example's negative log-likelihood is its cross-entropy",
             needs=tuple(Relation(sp.log(bernoulli(q, lab)), lab * sp.log(q) + (1 - lab) * sp.log(1 - q))
                         for q, lab in examples3),
             justification=r"Chain 3 for each example, $-\log P(y_i \mid p_i) = "
                           r"-(y_i \log p_i + (1 - y_i) \log(1 - p_i))$: the cost is the mean of the three losses.")

# -- 4. any number of examples -------------------------------------------------------------------
bern_i = d.read(r"p_i^{y_i} (1 - p_i)^{1 - y_i}")
anyn = d.chain("Any number of examples",
               r"The same with $N$ examples: the likelihood is a product over $i = 1, \ldots, N$. "
               r"Call $L_i = p_i^{y_i} (1 - p_i)^{1 - y_i}$ the likelihood of example $i$.")
anyn.start(r"-\frac{1}{N} \log \prod_{i=1}^{N} p_i^{y_i} (1 - p_i)^{1 - y_i}",
           rule=r"$-\frac{1}{N} \log$ of the likelihood of $N$ independent examples",
           justification="The likelihood of independent examples is the product of their likelihoods.")
anyn.equals(-sp.log(sp.Product(L[i], (i, 1, N))) / N, needs=(Relation(L[i], bern_i),),
            rule="write $L_i$ for the likelihood of example $i$",
            justification=r"$L_i = p_i^{y_i} (1 - p_i)^{1 - y_i}$ is a name, nothing more.")
anyn.equals(-sp.Sum(sp.log(L[i]), (i, 1, N)) / N, rule="the log of a product is the sum of the logs",
            justification="Every $L_i$ is a positive probability.")
anyn.equals(r"-\frac{1}{N} \sum_{i=1}^{N} (y_i \log p_i + (1 - y_i) \log(1 - p_i))",
            needs=(Relation(sp.log(L[i]), ys[i] * sp.log(ps[i]) + (1 - ys[i]) * sp.log(1 - ps[i])),),
            rule="the negative log-likelihood of each example",
            justification=r"$-\log L_i = -(y_i \log p_i + (1 - y_i) \log(1 - p_i))$, the one-example result.")
anyn.conclude("mean-cross-entropy")

# -- 5. maximum likelihood is minimum cost -----------------------------------------------------------
mono = d.chain("Maximising the likelihood is minimising the cost",
               "Write $t$ for the likelihood of the data set; the cost is $-\\frac{1}{N} \\log t$, a function of "
               "$t$ alone. If its slope is negative for every $t > 0$, it is strictly decreasing: a larger "
               "likelihood always means a smaller cost, so the parameters that maximise the likelihood "
               "are exactly those that minimise the cost.")
mono.start(-sp.log(t) / N, rule=r"the cost as a function of the likelihood $t$")
mono.differentiate(t, -1 / (N * t), rule="differentiate by $t$",
                   justification=r"$(\log t)' = 1/t$; the constant $-\frac{1}{N}$ stays.")
mono.compare("<", 0, rule="the slope is negative",
             justification=r"$N > 0$ and $t > 0$, so $1/(N t) > 0$.")
mono.conclude("cost-decreases-with-likelihood")

# -- 6. logistic regression: p = sigma(z) ------------------------------------------------------------
sp_form = d.chain(r"With $p = \sigma(z)$: the softplus form",
                  r"Logistic regression predicts $p = \sigma(z)$ from a score $z$. The loss then needs no "
                  r"division and no $\log$ of a small number: it is written with $\operatorname{softplus}(z) = "
                  r"\log(1 + e^z)$.")
sp_form.start("-(y*log(sigma(z)) + (1 - y)*log(1 - sigma(z)))", rule=r"the binary cross-entropy with $p = \sigma(z)$")
sp_form.equals(y * sp.log(1 + sp.exp(-z)) + (1 - y) * sp.log(1 + sp.exp(z)),
               rule=r"$-\log \sigma(z) = \log(1 + e^{-z})$ and $-\log(1 - \sigma(z)) = \log(1 + e^{z})$",
               justification=r"$\sigma(z) = 1/(1 + e^{-z})$ and $1 - \sigma(z) = 1/(1 + e^{z})$.")
sp_form.equals(y * softplus(-z) + (1 - y) * softplus(z), rule="name the softplus",
               justification=r"$\log(1 + e^{u}) = \operatorname{softplus}(u)$.")
sp_form.equals(softplus(z) - y * z, rule=r"$\operatorname{softplus}(-z) = \operatorname{softplus}(z) - z$",
               justification=r"$\log(1 + e^{-z}) = \log\bigl(e^{-z}(e^{z} + 1)\bigr) = \log(1 + e^{z}) - z$.",
               exercise=True)
sp_form.conclude("bce-softplus")

d.example(-sp.log(p), {p: sp.Rational(4, 5)},
          r"A positive label ($y = 1$) costs $-\log p$. A confident correct prediction, $p = 0.8$, costs")
d.example(-sp.log(p), {p: sp.Rational(1, 100)},
          r"and a confident wrong one, $p = 0.01$, costs about twenty times as much:")
d.example((-sp.log(p1) - sp.log(1 - p2) - sp.log(p3)) / 3,
          {p1: sp.Rational(4, 5), p2: sp.Rational(1, 5), p3: sp.Rational(1, 100)},
          r"Three examples with labels $(1, 0, 1)$ and predictions $(0.8, 0.2, 0.01)$: the cost, the mean of the "
          "three losses, is")
d.exercise("Write the negative log-likelihood of one example whose label is $y = 1$, in terms of $p$.",
           -sp.log(p), wrong=sp.log(p))
d.exercise(r"Take the negative log of $p^y (1 - p)^{1 - y}$ and simplify it to a sum.",
           "-(y*log(p) + (1 - y)*log(1 - p))", wrong=-(y * sp.log(p) + sp.log(1 - p)))
d.exercise(r"Two examples: $y_1 = 1$ predicted with $p_1$, and $y_2 = 0$ predicted with $p_2$. "
           "Write the cost, the negative log-likelihood divided by $N$.",
           -(sp.log(p1) + sp.log(1 - p2)) / 2, wrong=-(sp.log(p1) + sp.log(1 - p2)))
d.figure("bernoulli-loss")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
