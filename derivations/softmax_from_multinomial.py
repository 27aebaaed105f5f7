"""The softmax from the multinomial model: log-probabilities linear in z up to a shared normaliser.

Run it on its own: ``python derivations/softmax_from_multinomial.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation, sigmoid

d = Derivation(
    "softmax-from-multinomial",
    "The softmax from the multinomial model",
    "With $K$ classes, multinomial logistic regression assumes that each log-probability is "
    "linear in the features up to one normaliser shared by all classes: "
    r"$\log p_k = z_k - \log Z$ with $z_k = w_k \cdot x + b_k$. The probabilities must sum to one, which "
    r"fixes $Z = \sum_j e^{z_j}$ and gives the softmax $p_k = e^{z_k} / \sum_j e^{z_j}$; nothing "
    "about the softmax needs to be postulated. We derive it for any $K$, write the "
    r"log-likelihood of the labels in terms of $z$, check both for $K = 2, \ldots, 6$, and see the "
    "sigmoid reappear for $K = 2$.",
)
K = d.symbol("K", "integer", "the number of classes")
k = d.declare(sp.Idx("k", (1, K)), "integer", r"a class, $1 \le k \le K$")
z = d.declare(sp.IndexedBase("z", real=True), "real", r"the scores (logits) $z_k = w_k \cdot x + b_k$")
p = d.declare(sp.IndexedBase("p", positive=True), "(0,1)", "the class probabilities $p_k$")
y = d.declare(sp.IndexedBase("y", nonnegative=True), "nonnegative",
              "the observed labels: $y_k = 1$ for the true class and $0$ otherwise, or counts")
Z = d.symbol("Z", "positive", "the normaliser shared by every class")
j = sp.Symbol("j", integer=True)  # summation index of the normaliser
c = sp.Symbol("k", integer=True)  # summation index over the classes (printed k, bound by the sum)

model = sp.exp(z[j]) / Z  # what chain 1 derives for class j (any class)
normaliser = sp.Sum(sp.exp(z[j]), (j, 1, K))

# -- 1. the model, solved for p_k ------------------------------------------------------------
m = d.chain("The model: log-probabilities linear in $z$",
            "Every class has its own score $z_k$; the normaliser $Z$ is the same for all classes.")
m.given(sp.log(p[k]), z[k] - sp.log(Z), rule="multinomial logit model",
        justification=r"Log-probabilities are linear in the features up to a shared normaliser $\log Z$.")
m.apply(sp.exp, p[k], "exp(z_k - log(Z))", rule="exponentiate both sides",
        justification=r"$\exp$ is strictly increasing, so no solution is gained or lost.")
m.rewrite(p[k], sp.exp(z[k]) / Z, rule=r"$e^{a - \log Z} = e^a / Z$", justification="$Z > 0$.")

# -- 2. the constraint fixes the normaliser ---------------------------------------------------
nz = d.chain("The probabilities sum to one, which fixes $Z$")
nz.given(sp.Sum(p[j], (j, 1, K)), 1, rule="the $K$ probabilities sum to one",
         justification="Exactly one of the $K$ classes occurs.")
nz.rewrite(sp.Sum(model, (j, 1, K)), 1, needs=(Relation(p[j], model),),
           rule="substitute $p_j = e^{z_j}/Z$ (chain 1) for every class",
           justification="The model holds for every class $j$.")
nz.rewrite(normaliser / Z, 1, rule="$Z$ does not depend on $j$",
           justification="A factor common to every term comes out of the sum.")
nz.solve_for(Z, normaliser, rule="solve for $Z$", justification="Multiply both sides by $Z$.", exercise=True)

# -- 3. the softmax -----------------------------------------------------------------------------
sm = d.chain("The softmax")
sm.given(p[k], sp.exp(z[k]) / Z, rule="the model solved for $p_k$ (chain 1)")
sm.rewrite(p[k], sp.exp(z[k]) / normaliser, needs=(Relation(Z, normaliser),),
           rule="substitute the normaliser (chain 2)",
           justification=r"$Z = \sum_j e^{z_j}$: the softmax of the scores.")
sm.conclude("softmax")
softmax = sm.final.rhs

# -- 4. the log-likelihood in terms of z -------------------------------------------------------
ll = d.chain("The multinomial log-likelihood in terms of $z$",
             r"The probability of the observed labels $y_k$ is $\prod_k p_k^{y_k}$; take its $\log$.")
ll.start(sp.Sum(y[c] * sp.log(p[c]), (c, 1, K)), rule=r"the log-likelihood $\sum_k y_k \log p_k$")
ll.equals(sp.Sum(y[c] * sp.log(sp.exp(z[c]) / Z), (c, 1, K)), needs=(Relation(p[c], sp.exp(z[c]) / Z),),
          rule="substitute the model $p_k = e^{z_k}/Z$", justification="Chain 1, for every class $k$.")
ll.equals(sp.Sum(y[c] * (z[c] - sp.log(Z)), (c, 1, K)), rule=r"$\log$ of a quotient",
          justification=r"$\log(e^{z_k}/Z) = z_k - \log Z$ because $e^{z_k} > 0$ and $Z > 0$.", exercise=True)
ll.equals(sp.Sum(y[c] * z[c], (c, 1, K)) - sp.Sum(y[c], (c, 1, K)) * sp.log(Z), rule="split the sum",
          justification=r"$\log Z$ is the same for every $k$, so it comes out of its sum.")
ll.substitute({Z: normaliser}, sp.Sum(y[c] * z[c], (c, 1, K)) - sp.Sum(y[c], (c, 1, K)) * sp.log(normaliser),
              rule="substitute the normaliser (chain 2)", justification=r"$Z = \sum_j e^{z_j}$.")
ll.conclude("log-likelihood")
log_likelihood = ll.final

# -- 5. two classes: the sigmoid -------------------------------------------------------------
two = d.chain("Two classes: the sigmoid again")
first_of_two = softmax.subs({K: 2, k: 1})
two.start(first_of_two, rule="the softmax for $K = 2$, class 1")
two.compute(lambda e: e.doit(), sp.exp(z[1]) / (sp.exp(z[1]) + sp.exp(z[2])), rule="expand the sum for $K = 2$",
            justification=r"$\sum_{j=1}^{2} e^{z_j} = e^{z_1} + e^{z_2}$.")
two.equals(1 / (1 + sp.exp(-(z[1] - z[2]))), rule="divide numerator and denominator by $e^{z_1}$",
           justification="$e^{z_1} > 0$.", exercise=True)
two.equals(sigmoid(z[1] - z[2]), rule="recognise the sigmoid",
           justification=r"$1/(1 + e^{-a}) = \sigma(a)$: only the difference of the two scores matters.")
two.conclude("softmax-two-classes")

# -- 6. concrete K = 2, ..., 6 ---------------------------------------------------------------
concrete = d.cases("$K$", r"Checked for $K = 2, \ldots, 6$",
                   r"For each $K$ the finite sums are written out and simplified: the softmax probabilities "
                   r"$\sum_{k=1}^{K} p_k$ sum to one, and the log-likelihood $\sum_k y_k \log p_k$ with the "
                   "softmax put in equals the general formula of chain 4 at that $K$.")
for classes in range(2, 7):
    terms = [sp.exp(z[m_]) for m_ in range(1, classes + 1)]
    total = sp.Add(*terms)
    one = concrete.chain(classes, "the softmax probabilities sum to one")
    one.start(sp.Sum(softmax.subs({k: c}), (c, 1, K)).subs(K, classes),
              rule=f"the softmax summed over $K = {classes}$ classes")
    one.compute(lambda e: e.doit(), sp.Add(*[t_ / total for t_ in terms], evaluate=False),
                rule=f"expand both sums for $K = {classes}$", justification="Write out the finite sums.")
    one.equals(1, rule="common denominator", justification="The numerators add up to the denominator.")

    lik = concrete.chain(classes, "the log-likelihood is the general one")
    lik.start(log_likelihood.lhs.xreplace({p[c]: softmax.subs({k: c})}).subs(K, classes),
              rule=rf"$\sum_k y_k \log p_k$ with the softmax, $K = {classes}$")
    lik.compute(lambda e: e.doit(), sp.Add(*[y[m_] * sp.log(terms[m_ - 1] / total) for m_ in range(1, classes + 1)]),
                rule=f"expand the sum for $K = {classes}$", justification="Write out the finite sum.")
    lik.equals(log_likelihood.rhs.subs(K, classes).doit(), rule="the general log-likelihood at this $K$",
               justification=r"$\log(e^{z_k}/\sum_j e^{z_j}) = z_k - \log \sum_j e^{z_j}$, for each of the $K$ "
                             "terms.")

d.example(softmax.subs({K: 3, k: 1}), {z[1]: 1, z[2]: 2, z[3]: 3},
          "Scores $z = (1, 2, 3)$ give the first class the probability")
d.example(sigmoid(z[1] - z[2]), {z[1]: 2, z[2]: 0},
          "With two classes and scores $(2, 0)$, the first class has the probability")

z1, z2, z3, cc = sp.symbols("z1 z2 z3 c", real=True)
d.exercise("For $K = 2$ classes write $p_1 = e^{z_1}/(e^{z_1} + e^{z_2})$ as a function of $z_1 - z_2$.",
           sigmoid(z1 - z2), wrong=sigmoid(z1))
d.exercise(r"For $K = 3$ classes, compute $\log p_1$ in terms of $z_1$, $z_2$, $z_3$.",
           z1 - sp.log(sp.exp(z1) + sp.exp(z2) + sp.exp(z3)), wrong=z1 - sp.log(sp.exp(z2) + sp.exp(z3)))
shift = sp.Symbol("c", real=True)  # the constant of the exercise (the common mistake shifts one score only)
d.exercise("Add the same constant $c$ to both scores: simplify $e^{z_1 + c}/(e^{z_1 + c} + e^{z_2 + c})$.",
           sp.exp(z1) / (sp.exp(z1) + sp.exp(z2)), wrong=sp.exp(z1 + shift) / (sp.exp(z1 + shift) + sp.exp(z2)))
d.figure("softmax-two-classes")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
