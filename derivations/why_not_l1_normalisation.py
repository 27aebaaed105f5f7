"""Why not normalise by absolute values? q_i = |x_i| / sum_j |x_j| sums to one, but is blind to sign,
has a kink at a zero score, ignores shifts of the scores, and has no likelihood behind it.

Run it on its own: ``python derivations/why_not_l1_normalisation.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation

d = Derivation(
    "why-not-l1-normalisation",
    "Why not normalise by absolute values?",
    r"Scores $x_1, \ldots, x_K$ can be negative, and probabilities cannot. The softmax "
    r"$p_i = e^{x_i} / \sum_j e^{x_j}$ makes them positive with the exponential. A simpler-looking "
    r"proposal divides absolute values by their sum, $q_i = |x_i| / \sum_j |x_j|$: the $q_i$ are "
    "nonnegative and sum to one, so why not use them? We check the proposal with $K = 3$ scores and "
    "find four defects: it cannot tell a score from its negative, it has a kink where a score is zero, "
    "it changes when the same constant is added to every score, and its log-odds are not linear in the "
    "scores, which is what the multinomial likelihood asks of a classifier and what the softmax delivers.",
)
x1, x2, x3 = (d.symbol(f"x{r}", "nonzero", f"the score of class {r}; not $0$, so that $|x_{r}| > 0$")
              for r in (1, 2, 3))
h = d.symbol("h", "nonzero", "a small step in a score, away from $0$")
c = d.symbol("c", "real", "a constant added to every score")


scores = (x1, x2, x3)
l1_total = sp.Abs(x1) + sp.Abs(x2) + sp.Abs(x3)
q = [sp.Abs(s) / l1_total for s in scores]
exp_total = sp.exp(x1) + sp.exp(x2) + sp.exp(x3)
p = [sp.exp(s) / exp_total for s in scores]

# -- 1. the proposal is a distribution ----------------------------------------------------------
one = d.chain("The proposal sums to one",
              "Each $q_i$ is positive, and together they sum to one: a distribution over the classes.")
one.start("abs(x1)/(abs(x1) + abs(x2) + abs(x3)) + abs(x2)/(abs(x1) + abs(x2) + abs(x3))"
          " + abs(x3)/(abs(x1) + abs(x2) + abs(x3))", rule="$q_1 + q_2 + q_3$",
          justification=r"$q_i = |x_i| / (|x_1| + |x_2| + |x_3|)$.")
one.equals(1, rule="common denominator", justification="The numerators add up to the denominator.")
one.conclude("l1-sums-to-one")

# -- 2. blind to sign -------------------------------------------------------------------------------
sign = d.chain("The proposal is blind to the sign of a score",
               "Flip the sign of every score: a score that says ``certainly this class'' becomes one that "
               "says ``certainly not''.")
sign.start("abs(-x1)/(abs(-x1) + abs(-x2) + abs(-x3))", rule="$q_1$ of the scores $-x$")
sign.equals(q[0], rule="$|-a| = |a|$", justification="The absolute value forgets the sign.")
sign.conclude("l1-sign-blind")

five = d.chain("A score of $-5$ and a score of $5$",
               "Computed: the scores $(-5, 1, 1)$ and $(5, 1, 1)$.")
five.start("abs(-5)/(abs(-5) + abs(1) + abs(1))", rule="$q_1$ of the scores $(-5, 1, 1)$")
five.equals("5/(5 + 1 + 1)", rule="evaluate the absolute values", justification=r"$|-5| = 5$ and $|1| = 1$.")
five.equals(sp.Rational(5, 7), rule="add", justification="$5 + 1 + 1 = 7$.")
five.equals("abs(5)/(abs(5) + abs(1) + abs(1))", rule="$q_1$ of the scores $(5, 1, 1)$",
            justification=r"$|5| = 5$ too: ``certainly not'' and ``certainly'' get the same probability.")

soft_five = d.chain("The softmax tells them apart")
soft_five.start(p[0], rule="the softmax $p_1$")
soft_five.equals("1/(1 + exp(x2 - x1) + exp(x3 - x1))", rule="divide numerator and denominator by $e^{x_1}$",
                 justification=r"$e^{x_1} > 0$; $e^{x_j}/e^{x_1} = e^{x_j - x_1}$.")
soft_five.substitute({x1: -5, x2: 1, x3: 1}, 1 / (1 + 2 * sp.exp(6)), rule="the scores $(-5, 1, 1)$",
                     justification="$1 - (-5) = 6$ twice.")
soft_five.compare("!=", "exp(5)/(exp(5) + exp(1) + exp(1))", rule="$p_1$ of the scores $(5, 1, 1)$",
                  justification=r"Evaluated exactly, $1/(1 + 2e^6) \approx 0.0012$ while "
                                r"$e^5/(e^5 + 2e) \approx 0.96$: the softmax reads $-5$ as ``certainly not''.")

# -- 3. a kink at a zero score ----------------------------------------------------------------------
dq = d.chain("The difference quotient of $|x|$ at $0$",
             r"A derivative at $0$ is the limit of the difference quotient $(f(0 + h) - f(0))/h$ as $h \to 0$; "
             "it exists only when the limits from both sides agree.")
dq.start("(abs(0 + h) - abs(0))/h", rule=r"$(f(0 + h) - f(0))/h$ for $f(x) = |x|$")
dq.equals(sp.Abs(h) / h, rule="$|0| = 0$", justification=r"Nothing is left but $|h|/h$.")

right = d.chain("The slope of $|x|$ at $0$, from the right")
right.start(sp.Abs(h) / h, rule="the difference quotient of $|x|$ at $0$")
right.limit(h, 0, 1, direction="+", rule=r"the limit as $h \to 0^+$",
            justification="For $h > 0$, $|h| = h$, so the quotient is $1$.")
right.conclude("abs-slope-from-the-right")

left = d.chain("The slope of $|x|$ at $0$, from the left")
left.start(sp.Abs(h) / h, rule="the difference quotient of $|x|$ at $0$")
left.limit(h, 0, -1, direction="-", rule=r"the limit as $h \to 0^-$",
           justification="For $h < 0$, $|h| = -h$, so the quotient is $-1$. The two one-sided slopes differ: "
                         "$|x|$ has no derivative at $0$.")
left.conclude("abs-slope-from-the-left")

kink_quotient = sp.Abs(h) / (h * (sp.Abs(h) + 2))
kink = d.chain("The proposal's difference quotient where a score is zero",
               "Move the first score along $x = (h, 1, -1)$; at $h = 0$ its probability is $q_1 = 0$.")
kink.start("(abs(0 + h)/(abs(0 + h) + abs(1) + abs(-1)) - abs(0)/(abs(0) + abs(1) + abs(-1)))/h",
           rule="the difference quotient of $q_1$ at $x_1 = 0$")
kink.equals(kink_quotient, rule="evaluate the numbers",
            justification=r"$|1| = |-1| = 1$, and $q_1 = 0$ at $h = 0$.")

kink_right = d.chain("The proposal's slope at a zero score, from the right")
kink_right.start(kink_quotient, rule="the difference quotient of $q_1$ at $x_1 = 0$")
kink_right.limit(h, 0, sp.Rational(1, 2), direction="+", rule=r"the limit as $h \to 0^+$",
                 justification=r"$|h|/h = 1$ for $h > 0$, and $|h| + 2 \to 2$.")
kink_right.conclude("l1-slope-right-of-zero")

kink_left = d.chain("The proposal's slope at a zero score, from the left")
kink_left.start(kink_quotient, rule="the difference quotient of $q_1$ at $x_1 = 0$")
kink_left.limit(h, 0, sp.Rational(-1, 2), direction="-", rule=r"the limit as $h \to 0^-$",
                justification=r"$|h|/h = -1$ for $h < 0$, and $|h| + 2 \to 2$. The slopes from the two sides "
                              r"differ, so $q_1$ has no derivative at $x_1 = 0$: a kink, where gradient descent "
                              "gets no single direction.")
kink_left.conclude("l1-not-differentiable-at-zero")

# -- 4. not invariant to a shift ---------------------------------------------------------------------
shift = d.chain("Adding the same constant to every score changes the proposal",
                "Add $c$ to every score; the softmax would not change (its normaliser takes out $e^c$).")
shift.start("abs(x1 + c)/(abs(x1 + c) + abs(x2 + c) + abs(x3 + c))", rule="$q_1$ of the scores $x + c$")
shift.compare("!=", q[0], rule="$q_1$ of the scores $x$",
              justification="At some scores and constant the two differ; SymPy confirms the difference exactly.")
shift.conclude("l1-not-shift-invariant")

plus_one = d.chain("Computed: the scores $(1, 2, 3)$ and $(2, 3, 4)$")
plus_one.start("abs(2)/(abs(2) + abs(3) + abs(4))", rule="$q_1$ of the scores $(2, 3, 4)$")
plus_one.equals("2/(2 + 3 + 4)", rule="evaluate the absolute values", justification="The scores are positive.")
plus_one.equals(sp.Rational(2, 9), rule="add", justification="$2 + 3 + 4 = 9$.")
plus_one.compare("!=", "abs(1)/(abs(1) + abs(2) + abs(3))", rule="$q_1$ of the scores $(1, 2, 3)$",
                 justification=r"That is $1/(1 + 2 + 3) = 1/6 \ne 2/9$.")

soft_shift = d.chain("The softmax of the same scores does not change")
soft_shift.start("exp(2)/(exp(2) + exp(3) + exp(4))", rule="$p_1$ of the scores $(2, 3, 4)$")
soft_shift.equals("(e*exp(1))/(e*(exp(1) + exp(2) + exp(3)))", rule=r"$e^{a + 1} = e \cdot e^a$",
                  justification="Every term carries the factor $e$.")
soft_shift.equals("exp(1)/(exp(1) + exp(2) + exp(3))", rule="cancel $e$: $p_1$ of the scores $(1, 2, 3)$",
                  justification="$e > 0$.")

# -- 5. no likelihood behind it -------------------------------------------------------------------------
logp = d.chain(r"The softmax makes $\log p_i$ linear in the scores",
               r"The multinomial model asks for exactly this: $\log p_i = x_i - \log Z$ with one normaliser "
               "$Z$ shared by all classes (see the softmax from the multinomial model).")
logp.start(sp.log(p[0]), rule=r"$\log p_1$")
logp.equals(x1 - sp.log(exp_total), rule=r"$\log(a/b) = \log a - \log b$ and $\log e^{x_1} = x_1$",
            justification="Both $e^{x_1}$ and the normaliser are positive.", exercise=True)
logp.conclude("log-softmax-linear")

odds = d.chain("The softmax's log-odds are linear in the scores")
odds.start("log((exp(x1)/(exp(x1) + exp(x2) + exp(x3)))/(exp(x2)/(exp(x1) + exp(x2) + exp(x3))))",
           rule=r"$\log(p_1/p_2)$")
odds.equals(x1 - x2, rule="cancel the shared normaliser", justification=r"$\log(e^{x_1}/e^{x_2}) = x_1 - x_2$.",
            exercise=True)
odds.conclude("softmax-log-odds")

l1_odds = d.chain("The proposal's log-odds are not")
l1_odds.start("log((abs(x1)/(abs(x1) + abs(x2) + abs(x3)))/(abs(x2)/(abs(x1) + abs(x2) + abs(x3))))",
              rule=r"$\log(q_1/q_2)$")
l1_odds.equals(sp.log(sp.Abs(x1) / sp.Abs(x2)), rule="the normaliser cancels",
               justification=r"$|x_1| + |x_2| + |x_3| > 0$ appears in both.")
l1_odds.equals(sp.log(sp.Abs(x1)) - sp.log(sp.Abs(x2)), rule=r"$\log(a/b) = \log a - \log b$",
               justification=r"$|x_1| > 0$ and $|x_2| > 0$ because the scores are not $0$.", exercise=True)
l1_odds.conclude("l1-log-odds")

steps = d.chain("Computed: equal steps in a score, unequal steps in the proposal's log-odds",
                r"Along $x = (t, 1, x_3)$ the log-odds are $g(t) = \log|t| - \log|1| = \log|t|$. A linear "
                r"function of $t$ changes by the same amount on each step of $1$, so for it "
                r"$(g(3) - g(2)) - (g(2) - g(1)) = 0$; the softmax's log-odds $t - 1$ pass that test.")
steps.start("(log(abs(3)) - log(abs(2))) - (log(abs(2)) - log(abs(1)))", rule="$(g(3) - g(2)) - (g(2) - g(1))$")
steps.equals("log(3) - 2*log(2) + log(1)", rule="collect the logarithms",
             justification=r"$|n| = n$ for these positive numbers, and $-\log 2$ appears twice.")
steps.equals(sp.log(sp.Rational(3, 4)), rule=r"$\log 3 - 2 \log 2 + \log 1 = \log(3/4)$",
             justification=r"$\log 1 = 0$ and $\log a - \log b = \log(a/b)$, with $2 \log 2 = \log 4$.")
steps.compare("!=", 0, rule="not zero", justification=r"$\log(3/4) < 0$: the proposal's log-odds are not "
              "linear in the scores, so no multinomial likelihood with linear scores lies behind it.")

# -- examples and exercises ----------------------------------------------------------------------------
d.example(q[0], {x1: -5, x2: 1, x3: 1}, "The proposal gives a score of $-5$ among $(-5, 1, 1)$ the probability")
d.example(q[0], {x1: 5, x2: 1, x3: 1}, "and the same probability to a score of $5$ among $(5, 1, 1)$:")
d.example(p[0], {x1: 5, x2: 1, x3: 1}, "The softmax gives the score $5$ among $(5, 1, 1)$ the probability")
d.example(q[0], {x1: 2, x2: 3, x3: 4}, "The scores $(1, 2, 3)$ give $q_1 = 1/6$; one more on each, $(2, 3, 4)$, "
          "gives")
d.example(sp.Abs(h) / h, {h: sp.Rational(-1, 1000)}, r"Just left of $0$, at $h = -0.001$, the quotient $|h|/h$ is")

d.exercise(r"Compute $q_1 = |x_1| / (|x_1| + |x_2| + |x_3|)$ for the scores $x = (1, -2, 3)$.", sp.Rational(1, 6),
           wrong=sp.Rational(1, 2))
d.exercise(r"Two classes: write $\log p_1$, with $p_1 = e^{x_1}/(e^{x_1} + e^{x_2})$, as a score minus a "
           r"$\log$.", x1 - sp.log(sp.exp(x1) + sp.exp(x2)), wrong=x1)
d.exercise(r"Compute the one-sided limit of $|h|/h$ as $h \to 0$ from the left.", sp.Integer(-1), wrong=sp.Integer(1))
d.figure("l1-vs-softmax")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
