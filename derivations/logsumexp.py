"""Log-sum-exp: its gradient is the softmax, and shifting by the largest score makes it safe to compute.

Run it on its own: ``python derivations/logsumexp.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "logsumexp",
    "Log-sum-exp: its gradient and its stable form",
    r"The log-sum-exp $\operatorname{LSE}(z) = \log \sum_k e^{z_k}$ is the log of the softmax normaliser: it "
    r"appears in every cross-entropy loss, as $\log p_j = z_j - \operatorname{LSE}(z)$. Its gradient is the "
    r"softmax itself. Computed as written it fails in floating point: $e^{1000}$ is far beyond the largest "
    r"double (about $1.8 \cdot 10^{308}$), so it overflows to infinity. Shifting every score by a constant "
    r"$m$ changes the result by exactly $m$, and with $m = \max_k z_k$ every exponential lies in $(0, 1]$. "
    r"Along the way, $\operatorname{LSE}$ turns out to be a smooth maximum: it is always above $\max_k z_k$.",
)
K = d.symbol("K", "integer", "the number of scores (classes)")
j = d.declare(sp.Idx("j", (1, K)), "integer", r"the score we differentiate by, $1 \le j \le K$")
z = d.declare(sp.IndexedBase("z", real=True), "real", r"the scores $z_1, \ldots, z_K$")
m = d.symbol("m", "real", "a shift, any real number (for stability: the largest score)")
z1, z2, z3 = (d.symbol(f"z{r}", "real", f"score {r} (written out, $K = 3$)") for r in (1, 2, 3))
u2, u3 = (d.symbol(f"u{r}", "(-oo,0]", f"the shifted score $z_{r} - m \\le 0$ when $m = z_1$ is the largest")
          for r in (2, 3))
l = sp.Symbol("l", integer=True)  # summation index

S = sp.Sum(sp.exp(z[l]), (l, 1, K))   # the normaliser sum_l e^{z_l}
lse = sp.log(S)
scores3 = (z1, z2, z3)
S3 = sum(sp.exp(s) for s in scores3)

# -- 1. the gradient is the softmax ------------------------------------------------------------
g = d.chain(r"The gradient: $\partial \operatorname{LSE}/\partial z_j$",
            r"The chain rule through the $\log$, then through the sum: only the term $l = j$ depends on $z_j$.")
g.start(lse, rule=r"the log-sum-exp $\operatorname{LSE}(z) = \log \sum_l e^{z_l}$")
g.differentiate(z[j], sp.Sum(sp.exp(z[l]) * sp.KroneckerDelta(l, j), (l, 1, K)) / S,
                rule=r"the chain rule: $(\log u)' = u'/u$",
                justification=r"$\partial e^{z_l}/\partial z_j = e^{z_l}\,\delta_{lj}$: the derivative of the sum, "
                              "divided by the sum.")
g.equals(sp.exp(z[j]) / S, rule=r"the delta picks $l = j$",
         justification=r"$\sum_l e^{z_l}\delta_{lj} = e^{z_j}$ because $1 \le j \le K$.", exercise=True)
g.conclude("lse-gradient")

g3 = d.chain(r"$K = 3$: the whole gradient",
             r"Written out for three scores, the gradient is the vector of softmax probabilities; its entries "
             "are positive and sum to one.")
g3.start(sp.log(S3), rule=r"$\operatorname{LSE}(z_1, z_2, z_3) = \log(e^{z_1} + e^{z_2} + e^{z_3})$")
g3.gradient(scores3, sp.Matrix([sp.exp(s) / S3 for s in scores3]), rule="differentiate by each score",
            justification=r"The general gradient with $K = 3$ and $j = 1, 2, 3$: the softmax of $(z_1, z_2, z_3)$.")

# -- 2. the shift identity -----------------------------------------------------------------------
shift = d.chain(r"Shifting every score by $m$ shifts $\operatorname{LSE}$ by $m$",
                r"Multiply inside the $\log$ by $e^{m} e^{-m} = 1$ and move $e^{-m}$ into the sum.")
shift.start(lse, rule=r"the log-sum-exp")
shift.equals(r"\log\left(e^{m} e^{-m} \sum_{l=1}^{K} e^{z_l}\right)", rule=r"multiply by $e^{m} e^{-m} = 1$",
             justification=r"$e^{m} e^{-m} = e^{0} = 1$.")
shift.equals(r"m + \log\left(e^{-m} \sum_{l=1}^{K} e^{z_l}\right)", rule=r"the $\log$ of a product",
             justification=r"$\log(ab) = \log a + \log b$ for $a, b > 0$, and $\log e^{m} = m$.")
shift.equals(m + sp.log(sp.Sum(sp.exp(-m) * sp.exp(z[l]), (l, 1, K))), rule="move the constant into the sum",
             justification=r"$e^{-m}$ does not depend on $l$, so it multiplies every term.")
shift.equals(m + sp.log(sp.Sum(sp.exp(z[l] - m), (l, 1, K))), rule=r"$e^{-m} e^{a} = e^{a - m}$",
             justification="Exponents add.", exercise=True)
shift.conclude("lse-shift")

shift3 = d.chain(r"$K = 3$: the shift written out")
shift3.start(sp.log(S3), rule=r"$\operatorname{LSE}(z_1, z_2, z_3)$")
shift3.equals("log(exp(m)*exp(-m)*(exp(z1) + exp(z2) + exp(z3)))", rule=r"multiply by $e^{m} e^{-m} = 1$",
              justification=r"$e^{m} e^{-m} = 1$.")
shift3.equals("m + log(exp(-m)*(exp(z1) + exp(z2) + exp(z3)))", rule=r"the $\log$ of a product",
              justification=r"$\log(e^{m} \cdot a) = m + \log a$ for $a > 0$.")
shift3.equals("m + log(exp(z1 - m) + exp(z2 - m) + exp(z3 - m))", rule=r"multiply out $e^{-m}$",
              justification=r"$e^{-m} e^{z_k} = e^{z_k - m}$ for each of the three terms.")

# -- 3. the stable form: shift by the largest score ------------------------------------------------
top = d.chain(r"With $m = \max_k z_k$: safe to compute, and above the maximum",
              r"Let $z_1 = m$ be the largest score and write the others as $z_k = m + u_k$ with $u_k \le 0$. "
              r"Then every shifted exponential $e^{u_k}$ lies in $(0, 1]$ and the largest is $e^{0} = 1$, so the "
              r"sum inside the $\log$ lies between $1$ and $K$ (proved below): nothing overflows, and the $\log$ "
              r"never sees a number near $0$. The shift also shows that $\operatorname{LSE}$ exceeds the largest "
              "score.")
top.start(sp.log(sp.exp(m) + sp.exp(m + u2) + sp.exp(m + u3)),
          rule=r"$\operatorname{LSE}$ with $z_1 = m$, $z_2 = m + u_2$, $z_3 = m + u_3$",
          justification=r"$z_1$ is the largest score, so $u_2 = z_2 - m \le 0$ and $u_3 = z_3 - m \le 0$.")
top.equals("m + log(1 + exp(u2) + exp(u3))", rule=r"shift by $m$", exercise=True,
           justification=r"The shift identity: $e^{z_1 - m} = e^{0} = 1$ and $e^{z_k - m} = e^{u_k}$.")
top.compare(">", m, rule=r"the $\log$ of a number above $1$ is positive",
            justification=r"$e^{u_2} > 0$ and $e^{u_3} > 0$, so $1 + e^{u_2} + e^{u_3} > 1$.")
top.conclude("lse-above-max")

safe = d.chain(r"Every shifted exponential is at most $1$",
               r"This is why nothing overflows: after the shift no exponential exceeds $e^{0} = 1$.")
safe.start("exp(u2)", rule=r"a shifted exponential $e^{u_2}$, with $u_2 = z_2 - m \le 0$")
safe.compare("<=", 1, rule=r"$e^{u} \le e^{0} = 1$ for $u \le 0$",
             justification=r"$\exp$ is increasing and $u_2 \le 0$; likewise $e^{u_3} \le 1$.")
safe.conclude("shifted-exp-at-most-one")

below = d.chain(r"And at most $\log K$ above the maximum",
                r"Each of the $K - 1$ other shifted exponentials is at most $1$, so the sum inside the $\log$ is "
                r"at most $K$: $\max_k z_k < \operatorname{LSE}(z) \le \max_k z_k + \log K$.")
below.start("log(1 + exp(u2) + exp(u3))", rule=r"$\operatorname{LSE}(z) - m$, by the shift identity")
below.compare("<=", "log(1 + 1 + exp(u3))", rule=r"$e^{u_2} \le 1$",
              justification=r"The previous chain; $\log$ is increasing.")
below.compare("<=", "log(3)", rule=r"$e^{u_3} \le 1$", justification=r"The same for the third score: $\log K$.")
below.conclude("lse-below-max-plus-log-k")

big = d.chain(r"A worked case: $\operatorname{LSE}(1000, 1000)$",
              r"As written, this needs $e^{1000}$, which overflows a double to infinity (NumPy's "
              r"$\exp(1000)$ is $\infty$, and the $\log$ of it too). Shifted by $m = 1000$ it is harmless.")
big.start(sp.log(sp.exp(z1) + sp.exp(z2)), rule=r"$\operatorname{LSE}$ of two scores")
big.equals("m + log(exp(z1 - m) + exp(z2 - m))", rule=r"the shift identity with $K = 2$",
           justification=r"Any $m$ gives the same value.")
big.substitute({z1: 1000, z2: 1000, m: 1000}, "1000 + log(exp(0) + exp(0))", rule=r"substitute $z_1 = z_2 = m = 1000$",
               justification=r"$m$ is the larger score; the exponents become $0$.")
big.equals(1000 + sp.log(2), rule=r"$e^{0} = 1$", justification=r"$\log 2 \approx 0.693$, computed without overflow.")

d.example(sp.log(sp.exp(z1) + sp.exp(z2)) - z1, {z1: 1000, z2: 1000},
          r"$\operatorname{LSE}(1000, 1000)$ exceeds the larger score by exactly $\log 2$:")
d.example(sp.log(S3), {z1: 1, z2: 2, z3: 3},
          r"For the scores $(1, 2, 3)$ the log-sum-exp is a little above the largest score, $3$:")
d.example(sp.exp(z3) / S3, {z1: 1, z2: 2, z3: 3},
          r"and its derivative by $z_3$, the softmax probability of class $3$, is")
d.exercise(r"Differentiate $\log(e^{z_1} + e^{z_2})$ with respect to $z_1$.",
           sp.exp(z1) / (sp.exp(z1) + sp.exp(z2)), wrong=1 / (sp.exp(z1) + sp.exp(z2)))
d.exercise(r"Write $\log(e^{z_1 + m} + e^{z_2 + m})$ in terms of $m$ and $\log(e^{z_1} + e^{z_2})$.",
           m + sp.log(sp.exp(z1) + sp.exp(z2)), wrong=sp.log(sp.exp(z1) + sp.exp(z2)))
d.exercise(r"Compute $\log(e^{500} + e^{500})$ exactly, without a calculator.", 500 + sp.log(2),
           wrong=sp.Integer(500))

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
