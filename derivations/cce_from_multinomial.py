"""The categorical cross-entropy, derived as the negative log-likelihood of categorical labels.

Run it on its own: ``python derivations/cce_from_multinomial.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation

d = Derivation(
    "cce-from-multinomial",
    "The categorical cross-entropy from the categorical likelihood",
    r"A $K$-class classifier predicts probabilities $p_1, \ldots, p_K$ that sum to one. A label is "
    r"one-hot, $y_k = 1$ for the true class and $0$ for the others, so the likelihood of the label is "
    r"$\prod_k p_k^{y_k}$: every factor but the true class's is $p_k^0 = 1$. Its negative log is the "
    r"categorical cross-entropy $-\sum_k y_k \log p_k$, which for a one-hot label is $-\log$ of the "
    "probability given to the true class. Over a data set the cost is the mean of the per-example "
    "losses, and minimising it is maximising the likelihood. With two classes it is the binary "
    "cross-entropy again. We derive it for any $K$ and write it out for $K = 3$.",
)
K = d.symbol("K", "integer", "the number of classes")
N = d.symbol("N", "positive", "the number of examples in the data set")
j = d.declare(sp.Idx("j", (1, K)), "integer", r"the true class of a one-hot label, $1 \le j \le K$")
p = d.declare(sp.IndexedBase("p", positive=True), "(0,1)",
              "the predicted class probabilities: $p_k$ for one example, $p_{nk}$ for class $k$ of example $n$")
y = d.declare(sp.IndexedBase("y", nonnegative=True), "[0,1]",
              "the labels, one-hot or soft: $y_k$ for one example, $y_{nk}$ for example $n$")
p1, p2, p3 = (d.symbol(f"p{r}", "(0,1)", f"the predicted probability of class {r} ($K = 3$)") for r in (1, 2, 3))
y1, y2, y3 = (d.symbol(f"y{r}", "[0,1]", f"the label of class {r} ($K = 3$)") for r in (1, 2, 3))
t = d.symbol("t", "positive", "a value of the likelihood of the whole data set")
k = sp.Symbol("k", integer=True)  # the class index, bound by the products and sums
n = sp.Symbol("n", integer=True)  # the example index, bound by the products and sums


# -- 1. any number of classes -------------------------------------------------------------------
gen = d.chain("The negative log-likelihood of one label",
              r"The model gives class $k$ the probability $p_k$; the label says which class occurred. "
              r"The likelihood $\prod_k p_k^{y_k}$ keeps the factor of the true class and turns the others "
              "into $1$.")
gen.start(-sp.log(sp.Product(p[k] ** y[k], (k, 1, K))),
          rule=r"the negative log-likelihood $-\log \prod_k p_k^{y_k}$",
          justification="Minimising it is maximising the likelihood (chain 6).")
gen.equals(-sp.Sum(sp.log(p[k] ** y[k]), (k, 1, K)), rule="the log of a product is the sum of the logs",
           justification=r"Every factor $p_k^{y_k}$ is positive because $p_k > 0$.")
gen.equals(-sp.Sum(y[k] * sp.log(p[k]), (k, 1, K)), rule=r"$\log a^b = b \log a$ in every term",
           justification="Allowed because every base $p_k$ is positive.")
gen.conclude("categorical-nll")

# -- 2. three classes, written out --------------------------------------------------------------
three = d.chain("Three classes, written out")
three.start("-log(p1^y1*p2^y2*p3^y3)", rule=r"$-\log(p_1^{y_1} p_2^{y_2} p_3^{y_3})$",
            justification="The negative log-likelihood with $K = 3$.")
three.equals("-(log(p1^y1) + log(p2^y2) + log(p3^y3))", rule="split the log of the product",
             justification=r"$\log(abc) = \log a + \log b + \log c$ for positive $a$, $b$, $c$.")
three.equals("-(y1*log(p1) + y2*log(p2) + y3*log(p3))", rule="bring each exponent down",
             justification=r"$\log p_k^{y_k} = y_k \log p_k$ because $p_k > 0$.", exercise=True)

# -- 3. a one-hot label picks out one probability ----------------------------------------------------
hot3 = d.chain("A one-hot label: $y = (0, 1, 0)$",
               "The true class is class 2: the loss only sees the probability the model gave it.")
hot3.start("-log(p1^y1*p2^y2*p3^y3)", rule=r"the negative log-likelihood $-\log(p_1^{y_1} p_2^{y_2} p_3^{y_3})$")
hot3.substitute({y1: 0, y2: 1, y3: 0}, "-log(p1^0*p2^1*p3^0)", rule="substitute the labels",
                justification="$y_1 = 0$, $y_2 = 1$, $y_3 = 0$: class 2 is the true class.")
hot3.equals(-sp.log(p2), rule="the other classes drop out",
            justification="$p_1^0 = p_3^0 = 1$ and $p_2^1 = p_2$: the likelihood is the probability of the true class.",
            exercise=True)
hot3.conclude("one-hot-loss")

hot = d.chain("A one-hot label of any class $j$",
              r"The one-hot label of class $j$ is $y_k = \delta_{kj}$: $1$ when $k = j$ and $0$ otherwise.")
hot.start(-sp.Sum(y[k] * sp.log(p[k]), (k, 1, K)), rule=r"the cross-entropy $-\sum_k y_k \log p_k$")
hot.equals(-sp.Sum(sp.KroneckerDelta(k, j) * sp.log(p[k]), (k, 1, K)),
           needs=(Relation(y[k], sp.KroneckerDelta(k, j)),), rule=r"the one-hot label $y_k = \delta_{kj}$",
           justification="Only the true class $j$ has a nonzero label.")
hot.equals(-sp.log(p[j]), rule="the delta picks out $k = j$",
           justification=r"$\sum_k \delta_{kj} \log p_k = \log p_j$ because $1 \le j \le K$.")

# -- 4. a data set: the cost is the mean ------------------------------------------------------------
example_n = sp.Product(p[n, k] ** y[n, k], (k, 1, K))  # the likelihood of example n
product_n = -sp.log(sp.Product(example_n, (n, 1, N))) / N
logs_n = -sp.Sum(sp.log(example_n), (n, 1, N)) / N
mean_n = sp.Sum(-sp.Sum(y[n, k] * sp.log(p[n, k]), (k, 1, K)), (n, 1, N)) / N
data = d.chain("$N$ examples: the cost is the mean loss",
               r"Example $n$ has the probabilities $p_{n1}, \ldots, p_{nK}$ and the label $y_{n1}, \ldots, y_{nK}$. "
               "The examples are independent, so the likelihood of the data set is the product of their "
               "likelihoods; the cost is its negative log divided by $N$.")
data.start(product_n, rule=r"$-\frac{1}{N} \log$ of the likelihood of $N$ independent examples",
           justification="The probability that independent events all happen is the product of their probabilities.")
data.equals(logs_n, rule="the log of the product over the examples",
            justification="Every example's likelihood is a positive number.")
data.equals(mean_n, rule="the negative log-likelihood of each example",
            justification=r"Chain 1 for example $n$: $-\log \prod_k p_{nk}^{y_{nk}} = -\sum_k y_{nk} \log p_{nk}$. "
                          "So the cost is the mean of the per-example losses.")
data.conclude("mean-cross-entropy")

# -- 5. maximum likelihood is minimum cost -------------------------------------------------------------
mono = d.chain("Maximising the likelihood is minimising the cost",
               r"Write $t$ for the likelihood of the data set; the cost is $-\frac{1}{N} \log t$, a function of $t$ "
               "alone. Its slope is negative for every $t > 0$, so it is strictly decreasing: a larger likelihood "
               "always means a smaller cost, and the parameters that maximise the likelihood are exactly those "
               "that minimise the cost.")
mono.start(-sp.log(t) / N, rule=r"the cost as a function of the likelihood $t$")
mono.differentiate(t, -1 / (N * t), rule="differentiate by $t$",
                   justification=r"$(\log t)' = 1/t$; the constant $-\frac{1}{N}$ stays.")
mono.compare("<", 0, rule="the slope is negative", justification=r"$N > 0$ and $t > 0$, so $1/(N t) > 0$.")
mono.conclude("cost-decreases-with-likelihood")

# -- 6. two classes: the binary cross-entropy ----------------------------------------------------------
two = d.chain("Two classes: the binary cross-entropy",
              "With $K = 2$ the second class is the complement of the first: its probability and its label "
              "are one minus those of the first class.")
two.start(-sp.Sum(y[k] * sp.log(p[k]), (k, 1, 2)), rule="the cross-entropy with $K = 2$")
two.compute(lambda e: e.doit(), "-(y_1*log(p_1) + y_2*log(p_2))", rule="write out the sum",
            justification=r"$\sum_{k=1}^{2} a_k = a_1 + a_2$.")
two.equals("-(y_1*log(p_1) + (1 - y_1)*log(1 - p_1))", needs=(Relation(p[2], 1 - p[1]), Relation(y[2], 1 - y[1])),
           rule="express class 2 through class 1",
           justification="$p_2 = 1 - p_1$ because the two probabilities sum to one, and $y_2 = 1 - y_1$ because "
                         "the two labels do.", exercise=True)
two.conclude("binary-special-case")

d.example(-sp.log(p1), {p1: sp.Rational(7, 10)},
          r"The prediction $p = (0.7, 0.2, 0.1)$ for an example of class 1 costs $-\log p_1$:")
d.example(-sp.log(p3), {p3: sp.Rational(1, 10)},
          "The same prediction for an example of class 3 costs $-\\log p_3$, much more:")
d.exercise("Three classes and the one-hot label $y = (0, 0, 1)$: write the loss in terms of $p_1$, $p_2$, $p_3$.",
           -sp.log(p3), wrong=sp.log(p3))
d.exercise(r"Take the negative log of $p_1^{y_1} p_2^{y_2} p_3^{y_3}$ and simplify it to a sum.",
           -(y1 * sp.log(p1) + y2 * sp.log(p2) + y3 * sp.log(p3)),
           wrong=-(sp.log(p1) + sp.log(p2) + sp.log(p3)))
d.exercise(r"Two classes with $p_2 = 1 - p_1$ and $y_2 = 1 - y_1$: write $-(y_1 \log p_1 + y_2 \log p_2)$ "
           "in terms of $p_1$ and $y_1$.",
           -(y1 * sp.log(p1) + (1 - y1) * sp.log(1 - p1)), wrong=-y1 * sp.log(p1))

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
