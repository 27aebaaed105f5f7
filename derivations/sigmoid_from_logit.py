"""The sigmoid, derived from the logit model: log-odds linear in the score z = w.x + b.

Run it on its own: ``python derivations/sigmoid_from_logit.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, sigmoid

d = Derivation(
    "sigmoid-from-logit",
    "The sigmoid from the logit model",
    "Logistic regression assumes that the log-odds of the positive class are linear in the "
    r"features: $\log(p/(1-p)) = z$ with $z = w \cdot x + b$. Solving this model for $p$ gives "
    "the sigmoid; nothing about the sigmoid needs to be postulated.",
)
p = d.symbol("p", "(0,1)", "probability that $y = 1$ given $x$")
z = d.symbol("z", "real", r"the score $w \cdot x + b$ (the logit)")

c = d.chain("Solve the logit model for $p$")
c.given(sp.log(p / (1 - p)), z, rule="logit model",
        justification="The log-odds of the positive class are linear in the features.")
c.apply(sp.exp, p / (1 - p), sp.exp(z), rule="exponentiate both sides",
        justification=r"$\exp$ is strictly increasing, so no solution is gained or lost.")
c.apply(lambda side: side * (1 - p), p, sp.exp(z) * (1 - p), rule="multiply both sides by $1 - p$",
        justification="$1 - p > 0$ because $p < 1$, so multiplying keeps the equation equivalent.")
c.rewrite("p*(1 + exp(z))", "exp(z)", rule="collect the $p$ terms",
          justification=r"Expand $e^z (1 - p)$ and move $-e^z p$ to the left.")
c.solve_for(p, "exp(z)/(1 + exp(z))", rule="solve for $p$",
            justification=r"Divide by $1 + e^z > 0$.", exercise=True)
c.rewrite(p, 1 / (1 + sp.exp(-z)), rule="divide numerator and denominator by $e^z$",
          justification="$e^z > 0$, so the division is allowed.", exercise=True)
c.rewrite(p, sigmoid(z), rule="name the result",
          justification="This function of $z$ is the logistic sigmoid.")
c.conclude("sigmoid", main=True)

inv = d.chain("The logit inverts the sigmoid")
inv.start(sp.log(sigmoid(z) / (1 - sigmoid(z))), rule=r"the log-odds of $\sigma(z)$")
inv.equals("log((1/(1 + exp(-z)))/(exp(-z)/(1 + exp(-z))))", rule="substitute the definition",
           justification=r"$\sigma(z) = 1/(1+e^{-z})$ and $1 - \sigma(z) = e^{-z}/(1+e^{-z})$.")
inv.equals("log(1/exp(-z))", rule="cancel $1 + e^{-z}$", justification="The common denominator cancels.")
inv.equals(z, rule=r"$\log$ inverts $\exp$", justification=r"$\log(e^z) = z$ for real $z$.")
inv.conclude("logit-inverts-sigmoid")

sym = d.chain(r"Symmetry: $\sigma(-z) = 1 - \sigma(z)$")
sym.start(sigmoid(-z), rule="the sigmoid at $-z$")
sym.equals(1 / (1 + sp.exp(z)), rule="substitute the definition", justification=r"$\sigma(-z) = 1/(1+e^{z})$.")
sym.equals("((1 + exp(z)) - exp(z))/(1 + exp(z))", rule="add and subtract $e^z$",
           justification="The numerator is still $1$.")
sym.equals(1 - sp.exp(z) / (1 + sp.exp(z)), rule="split the fraction", exercise=True)
sym.equals(1 - sigmoid(z), rule=r"recognise $\sigma(z)$",
           justification=r"$e^z/(1+e^z) = 1/(1+e^{-z}) = \sigma(z)$.")
sym.conclude("sigmoid-symmetry")

der = d.chain("The derivative of the sigmoid")
der.start(sigmoid(z), rule="the sigmoid")
der.differentiate(z, sp.exp(-z) / (1 + sp.exp(-z)) ** 2, rule="differentiate $1/(1+e^{-z})$",
                  justification="The chain rule on $(1+e^{-z})^{-1}$.")
der.equals(sigmoid(z) * (1 - sigmoid(z)), rule=r"factor as $\sigma\,(1 - \sigma)$",
           justification=r"$e^{-z}/(1+e^{-z})^2 = 1/(1+e^{-z}) \cdot e^{-z}/(1+e^{-z})$.", exercise=True)
der.conclude("sigmoid-derivative")

d.example(sigmoid(z), {z: 2}, "A score of $z = 2$ gives a probability of")
d.example(sigmoid(z) * (1 - sigmoid(z)), {z: 2}, "The slope of the sigmoid at $z = 2$ is")
d.exercise(r"Differentiate $\sigma(z)$ with respect to $z$ and write the answer in terms of $\sigma(z)$.",
           sigmoid(z) * (1 - sigmoid(z)), wrong=-sigmoid(z) * (1 - sigmoid(z)))
d.exercise(r"Solve $\log(p/(1-p)) = z$ for $p$.", 1 / (1 + sp.exp(-z)), wrong=1 / (1 + sp.exp(z)))
d.exercise(r"Show that the logit inverts the sigmoid: simplify $\operatorname{logit}(\sigma(z))$.", z, wrong=-z)
d.figure("sigmoid")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
