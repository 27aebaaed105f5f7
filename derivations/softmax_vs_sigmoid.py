"""Softmax versus independent sigmoids: one distribution over competing classes, or K separate yes/no answers.

Run it on its own: ``python derivations/softmax_vs_sigmoid.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, sigmoid
from derivkit.formulas import softmax_entry

d = Derivation(
    "softmax-vs-sigmoid",
    "Softmax versus independent sigmoids",
    "With $K$ classes there are two ways to turn scores $z_1, \\ldots, z_K$ into probabilities. "
    r"Independent sigmoids $\sigma(z_k)$ answer $K$ separate questions, ``is it class $k$?'', one at a "
    "time: a multi-label model, in which an input may belong to several classes or to none. Their "
    r"outputs need not sum to one. The softmax $p_k = e^{z_k} / \sum_j e^{z_j}$ is one distribution over "
    "classes that exclude each other: its outputs always sum to one, so raising one probability lowers "
    "the others. We compute both on the same scores, show that the softmax sums to one for any $K$, "
    "that two-class softmax is a sigmoid of the score difference, that adding a constant to every score "
    "changes nothing, and that the most probable class is the one with the largest score.",
)
K = d.symbol("K", "integer", "the number of classes")
i = d.declare(sp.Idx("i", (1, K)), "integer", r"a class, $1 \le i \le K$")
j = d.declare(sp.Idx("j", (1, K)), "integer", r"another class, $1 \le j \le K$")
z = d.declare(sp.IndexedBase("z", real=True), "real", "the scores (logits) $z_k$")
z1, z2, z3 = (d.symbol(f"z{r}", "real", f"the score of class {r} ($K = 3$)") for r in (1, 2, 3))
c = d.symbol("c", "real", "a constant added to every score")
delta = d.symbol("delta", "positive", r"how much larger $z_i$ is than $z_j$: $z_i = z_j + \delta$")
k, l = sp.symbols("k l", integer=True)  # summation indices: the classes summed, the normaliser


def softmax(index: sp.Expr, shift: sp.Expr = sp.S.Zero) -> sp.Expr:
    """p_index = e^{z_index + shift} / sum_l e^{z_l + shift}."""
    return softmax_entry(lambda r: z[r] + shift, index, l, K)


def divided(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """numerator / denominator as written (SymPy would cancel what the step is about)."""
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


normaliser = sp.Sum(sp.exp(z[l]), (l, 1, K))
total3 = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)
p3 = [sp.exp(s) / total3 for s in (z1, z2, z3)]

# -- 1. independent sigmoids ------------------------------------------------------------------
sig = d.chain("Independent sigmoids need not sum to one",
              r"Take the scores $z = (\log(7/3), \log(3/2), \log 4)$: the logits of $0.7$, $0.6$ and $0.8$. "
              r"Each sigmoid answers its own question, so nothing ties the three answers together.")
sig.start("sigma(log(7/3)) + sigma(log(3/2)) + sigma(log(4))",
          rule=r"the three sigmoids $\sigma(z_1) + \sigma(z_2) + \sigma(z_3)$")
sig.equals("7/(3 + 7) + 3/(2 + 3) + 4/(1 + 4)", rule=r"$\sigma(\log(n/m)) = n/(m + n)$",
           justification=r"$\sigma(z) = e^z/(1 + e^z)$ and $e^{\log(n/m)} = n/m$; multiply numerator and "
                         "denominator by $m$.")
sig.equals("7/10 + 3/5 + 4/5", rule="evaluate each fraction",
           justification="The denominators are $10$, $5$ and $5$.")
sig.equals(sp.Rational(21, 10), rule="add them", justification="$0.7 + 0.6 + 0.8 = 2.1$.")
sig.compare(">", 1, rule="more than one", justification="$2.1 > 1$: these are not the probabilities of "
            "exclusive classes. With the threshold $0.5$ the input belongs to all three classes at once.")
sig.conclude("sigmoids-need-not-sum-to-one")

# -- 2. the softmax sums to one ---------------------------------------------------------------
one3 = d.chain("$K = 3$: the softmax sums to one")
one3.start("exp(z1)/(exp(z1) + exp(z2) + exp(z3)) + exp(z2)/(exp(z1) + exp(z2) + exp(z3))"
           " + exp(z3)/(exp(z1) + exp(z2) + exp(z3))", rule="$p_1 + p_2 + p_3$",
           justification="The three softmax probabilities share one denominator.")
one3.equals(1, rule="common denominator", justification="The numerators add up to the denominator.")

one = d.chain("Any $K$: the softmax sums to one")
one.start(sp.Sum(softmax(k), (k, 1, K)), rule=r"$\sum_k p_k$ with $p_k = e^{z_k} / \sum_l e^{z_l}$")
one.equals(sp.Sum(sp.exp(z[k]), (k, 1, K)) / normaliser, rule="take the normaliser out of the sum",
           justification=r"$\sum_l e^{z_l}$ does not depend on $k$.", exercise=True)
one.equals(1, rule="the same sum above and below",
           justification="Numerator and denominator are the same sum; it is positive, so it cancels.")
one.conclude("softmax-sums-to-one")

# -- 3. the softmax makes the classes compete ---------------------------------------------------
comp = d.chain("The softmax makes the classes compete",
               r"Scores $(\log 18, 0, 0)$: one class is $18$ times as likely as each of the others.")
comp.start(sp.ImmutableMatrix([p3]), rule=r"the softmax $(p_1, p_2, p_3)$")
comp.substitute({z1: sp.log(18), z2: 0, z3: 0},
                sp.ImmutableMatrix([[sp.Rational(9, 10), sp.Rational(1, 20), sp.Rational(1, 20)]]),
                rule=r"substitute $z = (\log 18, 0, 0)$",
                justification=r"$e^{\log 18} = 18$ and $e^0 = 1$, so the denominator is $20$.")

# -- 4. two classes ---------------------------------------------------------------------------
two = d.chain("Two classes: the softmax is a sigmoid")
two.start(sp.exp(z1) / (sp.exp(z1) + sp.exp(z2)), rule="$p_1$ for $K = 2$")
two.equals(1 / (1 + sp.exp(-(z1 - z2))), rule="divide numerator and denominator by $e^{z_1}$",
           justification="$e^{z_1} > 0$.", exercise=True)
two.equals(sigmoid(z1 - z2), rule="recognise the sigmoid",
           justification=r"$1/(1 + e^{-a}) = \sigma(a)$: only the difference of the two scores matters.")
two.conclude("softmax-two-classes-is-sigmoid")

# -- 5. shift invariance ----------------------------------------------------------------------
sh3 = d.chain("$K = 3$: adding a constant to every score changes nothing")
sh3.start("exp(z1 + c)/(exp(z1 + c) + exp(z2 + c) + exp(z3 + c))",
          rule="$p_1$ of the scores $(z_1 + c, z_2 + c, z_3 + c)$")
sh3.equals("(exp(c)*exp(z1))/(exp(c)*(exp(z1) + exp(z2) + exp(z3)))", rule=r"$e^{a + c} = e^c e^a$",
           justification=r"Every term carries the factor $e^c$.")
sh3.equals(p3[0], rule="cancel $e^c$", justification="$e^c > 0$.")

sh = d.chain("Any $K$: adding a constant to every score changes nothing")
sh.start(softmax(i, c), rule="$p_i$ of the scores $z_k + c$")
sh.equals(r"\frac{e^{c} e^{z_i}}{e^{c} \sum_{l=1}^{K} e^{z_l}}",
          rule=r"$e^{a + c} = e^c e^a$; take $e^c$ out of the sum",
          justification=r"$e^c$ does not depend on the class $l$.")
sh.equals(softmax(i), rule="cancel $e^c$", justification="$e^c > 0$.")
sh.conclude("softmax-shift-invariance")

# -- 6. the largest score wins -----------------------------------------------------------------
ratio = d.chain("The ratio of two softmax probabilities",
                "The normaliser is shared, so it cancels from any ratio.")
ratio.start(divided(softmax(i), softmax(j)), rule=r"$p_i / p_j$")
ratio.equals(divided(sp.exp(z[i]), sp.exp(z[j])), rule="cancel the normaliser",
             justification=r"$\sum_l e^{z_l} > 0$ appears in both.", exercise=True)
ratio.equals(sp.exp(z[i] - z[j]), rule=r"$e^a / e^b = e^{a - b}$",
             justification="Only the difference of the two scores is left.")
ratio.conclude("softmax-ratio")

win = d.chain("The larger score has the larger probability",
              r"If $z_i > z_j$, write $z_i = z_j + \delta$ with $\delta > 0$.")
win.start(sp.exp(z[i] - z[j]), rule=r"$p_i / p_j = e^{z_i - z_j}$ (the ratio above)")
win.substitute({z[i]: z[j] + delta}, sp.exp(delta), rule=r"$z_i = z_j + \delta$",
               justification=r"The score difference is $\delta$.")
win.equals("1 + exp(delta/2)*(exp(delta/2) - exp(-delta/2))", rule=r"add and subtract $1$; factor out $e^{\delta/2}$",
           justification=r"$e^\delta - 1 = e^{\delta/2}\,(e^{\delta/2} - e^{-\delta/2})$.")
win.equals(1 + 2 * sp.exp(delta / 2) * sp.sinh(delta / 2), rule=r"$e^a - e^{-a} = 2 \sinh a$",
           justification=r"$\sinh(a) = (e^a - e^{-a})/2$ with $a = \delta/2$.")
win.compare(">", 1, rule=r"both factors are positive for $\delta > 0$",
            justification=r"$e^{\delta/2} > 0$ and $\sinh(\delta/2) > 0$ when $\delta > 0$: $e^\delta > 1$, "
                          r"so $p_i > p_j$. The same argument with $i$ and $j$ swapped gives $p_i < p_j$ when "
                          r"$z_i < z_j$: the softmax never reorders the scores, and its most probable class is the "
                          "one with the largest score.")

# -- examples and exercises ---------------------------------------------------------------------
scores = (sp.log(sp.Rational(7, 3)), sp.log(sp.Rational(3, 2)), sp.log(4))  # chain 1's: the logits of 0.7, 0.6, 0.8
d.example(sigmoid(z1) + sigmoid(z2) + sigmoid(z3), {z1: scores[0], z2: scores[1], z3: scores[2]},
          r"The sigmoids of the scores $(\log(7/3), \log(3/2), \log 4)$ add up to")
d.example(p3[0], {z1: scores[0], z2: scores[1], z3: scores[2]},
          "while the softmax of the same scores gives the first class the probability")
d.example(p3[0], {z1: sp.log(18), z2: 0, z3: 0}, r"Scores $(\log 18, 0, 0)$ give the first class")

d.exercise("Two classes: write $p_1 = e^{z_1}/(e^{z_1} + e^{z_2})$ with the sigmoid.", sigmoid(z1 - z2),
           wrong=sigmoid(z1))
d.exercise("Add the same constant $c$ to three scores: simplify the first component of the softmax of "
           "$(z_1 + c, z_2 + c, z_3 + c)$.", p3[0], wrong=sp.exp(z1 + c) / total3)
d.exercise(r"Compute $\sigma(\log 4) + \sigma(\log(3/2))$ exactly.", sp.Rational(7, 5), wrong=sp.S.One)
d.figure("softmax-vs-sigmoids")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
