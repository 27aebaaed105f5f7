"""The sigmoid's derivative sigma' = sigma (1 - sigma), its symmetry, tanh = 2 sigma(2z) - 1, and the slope bound 1/4.

Run it on its own: ``python derivations/sigmoid_derivative.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, sigmoid

d = Derivation(
    "sigmoid-derivative",
    "The sigmoid's derivative and its identities",
    r"Every gradient through a logistic unit passes through $\sigma'(z)$, so it pays to know it well. "
    r"We differentiate $\sigma(z) = 1/(1+e^{-z})$ one rule at a time and find that the derivative is "
    r"written with the sigmoid itself, $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$: a network that has computed "
    r"$\sigma(z)$ gets the slope for one multiplication. Along the way: the symmetry "
    r"$\sigma(-z) = 1 - \sigma(z)$, the $\tanh$ as a rescaled sigmoid, and the bound $\sigma' \le 1/4$, "
    "which is why gradients shrink through a stack of sigmoids.",
)
z = d.symbol("z", "real", r"the score (logit) $w \cdot x + b$")

s = sigmoid(z)
E = sp.exp(-z)  # e^{-z}, positive
D = 1 + E       # the denominator 1 + e^{-z}

# -- 1. the derivative ------------------------------------------------------------------------
der = d.chain(r"The derivative $\sigma'(z)$",
              r"Write $\sigma(z) = (1 + e^{-z})^{-1}$ and use the chain rule twice: once for the power, once "
              r"for $e^{-z}$.")
der.start("(1 + exp(-z))^(-1)", rule=r"the sigmoid $\sigma(z)$ as a power",
          justification=r"$\sigma(z) = 1/(1 + e^{-z}) = (1 + e^{-z})^{-1}$; SymPy differentiates this "
                        "elementary form, not a known derivative of the sigmoid.")
der.differentiate(z, "-(1 + exp(-z))^(-2)*(-exp(-z))", rule=r"the chain rule on $u^{-1}$ with $u = 1 + e^{-z}$",
                  justification=r"$(u^{-1})' = -u^{-2}\,u'$, and $u' = -e^{-z}$ by the chain rule on $e^{-z}$.")
der.equals(E / D ** 2, rule="the two minus signs cancel",
           justification=r"$(-1)\cdot(-e^{-z}) = e^{-z}$.")
der.equals("(1/(1 + exp(-z)))*(exp(-z)/(1 + exp(-z)))", rule="split the square in the denominator",
           justification=r"$e^{-z}/(1+e^{-z})^2 = \frac{1}{1+e^{-z}} \cdot \frac{e^{-z}}{1+e^{-z}}$.")
der.equals("(1/(1 + exp(-z)))*(((1 + exp(-z)) - 1)/(1 + exp(-z)))", rule="add and subtract $1$ in the second numerator",
           justification=r"$e^{-z} = (1 + e^{-z}) - 1$.")
der.equals("(1/(1 + exp(-z)))*(1 - 1/(1 + exp(-z)))", rule="split the second fraction",
           justification=r"Divide each term of the numerator by $1 + e^{-z}$; the first gives $1$.", exercise=True)
der.equals(s * (1 - s), rule=r"recognise $\sigma(z)$ twice",
           justification=r"Both $1/(1 + e^{-z})$ are $\sigma(z)$.")
der.conclude("sigmoid-derivative")

# -- 2. symmetry --------------------------------------------------------------------------------
sym = d.chain(r"Symmetry: $\sigma(-z) = 1 - \sigma(z)$",
              r"The sigmoid is point-symmetric about $(0, 1/2)$: the probability of the other class is the "
              r"sigmoid of the negated score.")
sym.start(sigmoid(-z), rule="the sigmoid at $-z$")
sym.equals("1/(1 + exp(z))", rule="substitute the definition", justification=r"$e^{-(-z)} = e^{z}$.")
sym.equals("exp(-z)/(exp(-z) + 1)", rule="multiply numerator and denominator by $e^{-z}$",
           justification=r"$e^{-z} > 0$, and $e^{z} e^{-z} = 1$.")
sym.equals("((1 + exp(-z)) - 1)/(1 + exp(-z))", rule="add and subtract $1$ in the numerator",
           justification=r"$e^{-z} = (1 + e^{-z}) - 1$.")
sym.equals(1 - 1 / D, rule="split the fraction", justification=r"$(1 + e^{-z})/(1 + e^{-z}) = 1$.")
sym.equals(1 - s, rule=r"recognise $\sigma(z)$", justification=r"$1/(1 + e^{-z}) = \sigma(z)$.")
sym.conclude("sigmoid-symmetry")

# -- 3. tanh --------------------------------------------------------------------------------------
E2 = sp.exp(-2 * z)
th = d.chain(r"The hyperbolic tangent is a rescaled sigmoid",
             r"$\tanh$ takes values in $(-1, 1)$, the sigmoid in $(0, 1)$, and both are S-shaped: some "
             r"stretch of the input and of the output, and a shift, turn one into the other.")
th.start(sp.tanh(z), rule=r"the hyperbolic tangent")
th.equals((sp.exp(z) - E) / (sp.exp(z) + E), rule="its definition by exponentials",
          justification=r"$\tanh z = (e^{z} - e^{-z})/(e^{z} + e^{-z})$.")
th.equals("(1 - exp(-2*z))/(1 + exp(-2*z))", rule="divide numerator and denominator by $e^{z}$",
          justification=r"$e^{z} > 0$ and $e^{-z}/e^{z} = e^{-2z}$.")
th.equals("(2 - (1 + exp(-2*z)))/(1 + exp(-2*z))", rule=r"write $1 - e^{-2z} = 2 - (1 + e^{-2z})$",
          justification="Add and subtract $1$ to make the denominator appear.")
th.equals("2/(1 + exp(-2*z)) - 1", rule="split the fraction", justification=r"$(1 + e^{-2z})/(1 + e^{-2z}) = 1$.")
th.equals(2 * sigmoid(2 * z) - 1, rule=r"recognise $\sigma(2z)$",
          justification=r"$1/(1 + e^{-2z}) = \sigma(2z)$: the sigmoid at twice the score.", exercise=True)
th.conclude("tanh-from-sigmoid")

# -- 4. the slope is at most 1/4 ------------------------------------------------------------------
bound = d.chain(r"The slope is at most $1/4$",
                r"$\sigma$ and $1 - \sigma$ are two numbers with sum $1$, and such a product is largest when "
                r"both are $1/2$. Completing the square shows this.")
bound.start(s * (1 - s), rule=r"the slope $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$",
            justification="Chain 1.")
bound.equals("sigma(z) - sigma(z)^2", rule="multiply out", justification=r"$\sigma \cdot \sigma = \sigma^2$.")
bound.equals(sp.Rational(1, 4) - (s - sp.Rational(1, 2)) ** 2, rule="complete the square",
             justification=r"$(\sigma - 1/2)^2 = \sigma^2 - \sigma + 1/4$, "
                           r"so $\sigma - \sigma^2 = 1/4 - (\sigma - 1/2)^2$.",
             exercise=True)
bound.compare("<=", sp.Rational(1, 4), rule="a square is never negative",
              justification="Subtracting a square, which is never negative, cannot increase a number.")
bound.conclude("slope-bound")

peak = d.chain(r"The bound is attained at $z = 0$",
               r"Equality needs $\sigma(z) = 1/2$, which happens at $z = 0$: the sigmoid is steepest there.")
sigma0 = sigmoid(0, evaluate=False)
peak.start("sigma(0)*(1 - sigma(0))", rule=r"the slope $\sigma(z)\,(1 - \sigma(z))$ at $z = 0$")
peak.substitute({sigma0: sp.S.Half}, "(1/2)*(1 - 1/2)", rule=r"substitute $\sigma(0) = 1/2$",
                justification=r"$\sigma(0) = 1/(1 + e^{0}) = 1/(1 + 1)$.")
peak.equals(sp.Rational(1, 4), rule="multiply", justification=r"$\frac12 \cdot \frac12 = \frac14$.")
peak.conclude("slope-at-zero")

# -- 5. the second derivative ---------------------------------------------------------------------
second = d.chain(r"The second derivative $\sigma''(z)$",
                 r"Differentiate $\sigma\,(1 - \sigma)$ with the product rule, using $\sigma' = \sigma\,(1 - \sigma)$ "
                 r"again. The result vanishes where $\sigma = 1/2$, at $z = 0$: the inflection point.")
second.start(s * (1 - s), rule=r"the slope $\sigma'(z)$")
second.differentiate(z, "sigma(z)*(1 - sigma(z))*(1 - sigma(z)) - sigma(z)*sigma(z)*(1 - sigma(z))",
                     rule="the product rule",
                     justification=r"$(\sigma\,(1 - \sigma))' = \sigma'\,(1 - \sigma) + \sigma\,(-\sigma')$ with "
                                   r"$\sigma' = \sigma\,(1 - \sigma)$.")
second.equals(s * (1 - s) * (1 - 2 * s), rule=r"factor out $\sigma\,(1 - \sigma)$",
              justification=r"What is left is $(1 - \sigma) - \sigma = 1 - 2\sigma$.")
second.conclude("sigmoid-second-derivative")

d.example(s * (1 - s), {z: 0}, r"At $z = 0$ the slope $\sigma(z)\,(1 - \sigma(z))$ takes its largest value,")
d.example(s * (1 - s), {z: 3}, r"while at $z = 3$ the sigmoid is already flat:")
d.example(2 * sigmoid(2 * z) - 1, {z: 1}, r"and $2\sigma(2z) - 1$ at $z = 1$ is $\tanh 1$:")
d.exercise(r"Differentiate $\sigma(2z)$ with respect to $z$; write the answer with $\sigma(2z)$.",
           2 * sigmoid(2 * z) * (1 - sigmoid(2 * z)), wrong=sigmoid(2 * z) * (1 - sigmoid(2 * z)))
d.exercise(r"Write $\tanh(z)$ in terms of the sigmoid.", 2 * sigmoid(2 * z) - 1, wrong=2 * sigmoid(z) - 1)
d.exercise(r"What is the slope $\sigma'(0)$ of the sigmoid at $z = 0$?", sp.Rational(1, 4), wrong=sp.S.Half)
d.figure("sigmoid")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
