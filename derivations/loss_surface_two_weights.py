"""The loss surface of a logistic regression with two weights on four fixed points: its cost,
gradient and Hessian written out, and the Hessian's quadratic form shown nonnegative (a convex cost).

Run it on its own: ``python derivations/loss_surface_two_weights.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation, named, sigmoid
from derivkit.formulas import binary_cross_entropy_with_logits
from derivkit.toydata import LOGISTIC_INPUTS, LOGISTIC_LABELS

d = Derivation(
    "loss-surface-two-weights",
    "The loss surface of two weights",
    "A logistic regression with two weights $w_1$, $w_2$ and no bias, trained on a fixed toy dataset of "
    "four examples, has a cost $J(w_1, w_2)$ we can draw: a surface over the plane of the weights. We write "
    "the cost out for this data, derive its gradient (the arrows of the contour map) and its Hessian, and "
    "show that the Hessian's quadratic form is never negative. So the surface curves upward in every "
    "direction: the cost is convex, and gradient descent cannot be trapped in a local minimum.",
)
w1 = d.symbol("w1", "real", "the weight of the first feature")
w2 = d.symbol("w2", "real", "the weight of the second feature")
v1 = d.symbol("v1", "real", "the first entry of a direction $v$ in the plane of the weights")
v2 = d.symbol("v2", "real", "the second entry of the direction $v$")
N = len(LOGISTIC_INPUTS)
X = [(sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator)) for a, b in LOGISTIC_INPUTS]
labels = [sp.Integer(label) for label in LOGISTIC_LABELS]
scores = [d.symbol(f"s{n}", "real", f"the score of example {n}, $s_{n} = w_1 x_{{{n}1}} + w_2 x_{{{n}2}}$")
          for n in range(1, N + 1)]
slopes = [d.symbol(f"g{n}", "real",
                   rf"the slope of the sigmoid at $s_{n}$, $g_{n} = \sigma(s_{n})\,(1 - \sigma(s_{n}))$")
          for n in range(1, N + 1)]
xs = d.declare(sp.IndexedBase("x", real=True), "real",
               r"the inputs: $x_{n1}$, $x_{n2}$ are the features of example $n$")
ys = d.declare(sp.IndexedBase("y", nonnegative=True), "[0,1]", "the labels: $y_n$ is $0$ or $1$")
n = sp.Symbol("n", integer=True)  # the example a sum runs over

linear = [a * w1 + b * w2 for a, b in X]
score_facts = tuple(Relation(s, e) for s, e in zip(scores, linear))
slope_facts = tuple(Relation(g, sigmoid(s) * (1 - sigmoid(s))) for g, s in zip(slopes, scores))
data = {xs[k + 1, 1]: a for k, (a, _) in enumerate(X)} | {xs[k + 1, 2]: b for k, (_, b) in enumerate(X)} \
    | {ys[k + 1]: label for k, label in enumerate(labels)}


def cost(score: sp.Expr, label: sp.Expr) -> sp.Expr:
    """The cross-entropy of one example with this score and label."""
    return binary_cross_entropy_with_logits(label, score)


def mean(terms: list[sp.Expr]) -> sp.Expr:
    """(1/N) (t_1 + ... + t_N), kept as written: one term per example."""
    return sp.Mul(sp.Rational(1, N), sp.Add(*terms, evaluate=False), evaluate=False)


def spread(terms: list[sp.Expr]) -> sp.Expr:
    """t_1/N + ... + t_N/N, kept as written: a long sum a page can break between its terms."""
    def part(term: sp.Expr) -> sp.Expr:
        if term.could_extract_minus_sign():
            return sp.Mul(sp.Rational(-1, N), -term, evaluate=False)
        return sp.Mul(sp.Rational(1, N), term, evaluate=False)

    return sp.Add(*[part(term) for term in terms], evaluate=False)


J = spread([cost(s, y) for s, y in zip(linear, labels)])
cost_function = named("J", J, (w1, w2))  # J(w1, w2), differentiated through J

# -- the cost, written out -------------------------------------------------------------------------
cc = d.chain("The cost on four examples",
             "The data: $x_1 = (1, 2)$ with $y_1 = 1$, $x_2 = (-2, 1)$ with $y_2 = 0$, $x_3 = (1/2, -1)$ with "
             "$y_3 = 1$ and $x_4 = (3/2, -1/2)$ with $y_4 = 0$. Each example's score is "
             r"$s_n = w_1 x_{n1} + w_2 x_{n2}$, and the model says $P(y_n = 1) = \sigma(s_n)$.")
general = sp.Rational(1, N) * sp.Sum(cost(xs[n, 1] * w1 + xs[n, 2] * w2, ys[n]), (n, 1, N))
cc.start(general, rule="the mean cross-entropy",
         justification="The average over the examples of the negative log-likelihood of each label.")
cc.compute(lambda e: e.doit().xreplace(data), J, rule="put in the four examples",
           justification=r"A label $y_n = 1$ keeps $-\log \sigma(s_n)$, a label $y_n = 0$ keeps "
                         r"$-\log(1 - \sigma(s_n))$.")
cc.conclude("toy-cost")

# -- the gradient ----------------------------------------------------------------------------------
def times(factor: sp.Expr, expr: sp.Expr) -> sp.Expr:
    """factor * expr as written (a factor 1 left out): SymPy would multiply a sum out."""
    return expr if factor == 1 else sp.Mul(factor, expr, evaluate=False)


gradient = sp.Matrix([mean([times(x[k], sigmoid(s) - y) for s, y, x in zip(scores, labels, X)]) for k in (0, 1)])
gc = d.chain(r"The gradient $\nabla J$",
             r"Each example contributes its error $\sigma(s_n) - y_n$ times its input $x_n$, as for a single example.")
gc.start(cost_function, rule="the cost $J(w_1, w_2)$",
         justification="Written out on the four examples above; SymPy differentiates that form.")
gc.gradient((w1, w2), gradient, needs=score_facts, rule=r"differentiate by $w_1$ and by $w_2$",
            justification=r"$\partial(-\log \sigma(s))/\partial s = \sigma(s) - 1$, "
                          r"$\partial(-\log(1 - \sigma(s)))/\partial s = \sigma(s)$, and "
                          r"$\partial s_n/\partial w_k = x_{nk}$: the error times the input, averaged.",
            exercise=True)
gc.conclude("toy-cost-gradient")

# -- the Hessian -----------------------------------------------------------------------------------
H = sp.Matrix(2, 2, lambda r, k: sp.Rational(1, N) * sum(g * x[r] * x[k] for g, x in zip(slopes, X)))
hc = d.chain(r"The Hessian $\nabla^2 J$",
             r"Differentiate once more: $\sigma'(s) = \sigma(s)\,(1 - \sigma(s))$, written $g_n$ at the score "
             r"$s_n$. Example $n$ contributes $g_n\, x_n x_n^\top$.")
hc.start(cost_function, rule="the cost $J(w_1, w_2)$",
         justification="Written out on the four examples above; SymPy differentiates that form.")
hc.hessian((w1, w2), H, needs=slope_facts + score_facts, rule="differentiate the gradient by $w_1$ and by $w_2$",
           justification=r"The label drops out: $\partial(\sigma(s_n) - y_n)/\partial w_k = g_n x_{nk}$. Entry "
                         r"$(j, k)$ is $\frac{1}{4} \sum_n g_n x_{nj} x_{nk}$.")
hc.conclude("toy-cost-hessian")

# -- the quadratic form is nonnegative ---------------------------------------------------------------
v = sp.Matrix([v1, v2])
projections = [x[0] * v1 + x[1] * v2 for x in X]  # x_n . v
squares = spread([g * p ** 2 for g, p in zip(slopes, projections)])
sigmoids = spread([sp.Mul(sigmoid(s), 1 - sigmoid(s), p ** 2, evaluate=False) for s, p in zip(scores, projections)])
symmetric = spread([sp.Mul(sigmoid(s), sigmoid(-s), p ** 2, evaluate=False) for s, p in zip(scores, projections)])
qc = d.chain("The Hessian's quadratic form is nonnegative",
             r"The cost curves upward along a direction $v = (v_1, v_2)$ when $v^\top H v \ge 0$. This holds "
             r"for every real $v$ and at every $w$: the scores $s_n$ below may be any real numbers.")
qc.start((v.T * H * v)[0, 0], rule=r"the quadratic form $v^\top H v$",
         justification=r"$H$ is the Hessian above, with $g_n = \sigma(s_n)\,(1 - \sigma(s_n))$.")
qc.equals(squares, rule=r"regroup by example: $v^\top x_n x_n^\top v = (x_n \cdot v)^2$",
          justification=r"$v^\top H v = \frac{1}{4} \sum_n g_n\, v^\top x_n x_n^\top v$, and "
                        r"$v^\top x_n = x_n \cdot v$.", exercise=True)
qc.substitute(dict(zip(slopes, (f.rhs for f in slope_facts))), sigmoids, rule="write out the slopes $g_n$",
              justification=r"$g_n = \sigma(s_n)\,(1 - \sigma(s_n))$, the derivative of the sigmoid at $s_n$.")
qc.equals(symmetric, rule=r"$1 - \sigma(s) = \sigma(-s)$",
          justification=r"The symmetry of the sigmoid: $1 - 1/(1 + e^{-s}) = 1/(1 + e^{s})$.")
qc.compare(">=", 0, rule="positive weights times squares",
           justification=r"$\sigma$ is positive at every real number, and the square of a real number is "
                         r"nonnegative; so is a sum of such products. Hence $H$ is positive semidefinite "
                         "everywhere and the cost is convex.")
qc.conclude("hessian-quadratic-form-nonnegative")

d.example(J, {w1: 0, w2: 0}, r"At $w = (0, 0)$ every prediction is $\sigma(0) = 1/2$, so the cost is exactly "
          r"$\log 2$:")
d.example(gradient[0].subs(dict(zip(scores, linear))), {w1: 0, w2: 0},
          r"and the gradient's first entry there, $\frac{1}{4}\sum_n (1/2 - y_n)\, x_{n1}$, is")
d.example(gradient[1].subs(dict(zip(scores, linear))), {w1: 0, w2: 0}, "and its second entry is")
d.exercise(r"One example, $x = (1, 2)$ with label $y = 1$, has the loss $-\log \sigma(w_1 + 2 w_2)$. "
           r"Find $\partial/\partial w_1$ of it.", sigmoid(w1 + 2 * w2) - 1, wrong=1 - sigmoid(w1 + 2 * w2))
d.exercise(r"For the same loss $-\log \sigma(w_1 + 2 w_2)$, find the Hessian entry $\partial^2/\partial w_2^2$.",
           4 * sigmoid(w1 + 2 * w2) * (1 - sigmoid(w1 + 2 * w2)),
           wrong=2 * sigmoid(w1 + 2 * w2) * (1 - sigmoid(w1 + 2 * w2)))
d.exercise(r"The example $x = (-2, 1)$ with label $y = 0$ has the loss $-\log(1 - \sigma(-2 w_1 + w_2))$. "
           r"Find $\partial/\partial w_1$ of it.", -2 * sigmoid(-2 * w1 + w2), wrong=2 * sigmoid(-2 * w1 + w2))
d.figure("toy-cost-surface")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
