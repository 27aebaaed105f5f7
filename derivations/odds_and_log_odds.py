"""Odds and log-odds: why logistic regression models log(p/(1-p)), and why that gives back the sigmoid.

Run it on its own: ``python derivations/odds_and_log_odds.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, sigmoid

d = Derivation(
    "odds-and-log-odds",
    "Odds and log-odds",
    "A probability lives in $(0, 1)$, but a linear score $z = w \\cdot x + b$ can be any real number, so "
    "$p = z$ cannot be the model. Two changes of scale fix that. The odds $o = p/(1-p)$ stretch $(0, 1)$ onto "
    r"$(0, \infty)$, and the logarithm stretches $(0, \infty)$ onto the whole real line; both are strictly "
    "increasing, so nothing is lost. The log-odds can therefore be set equal to $z$, and solving for $p$ "
    "gives back the sigmoid: the logit and the sigmoid are inverse functions.",
)
p = d.symbol("p", "(0,1)", "the probability of the event (of $y = 1$ given $x$)")
o = d.symbol("o", "positive", "the odds $p/(1-p)$ of the event")
z = d.symbol("z", "real", r"the linear score $w \cdot x + b$")

odds = p / (1 - p)

# -- 1. an example: odds of one in five ---------------------------------------------------------
ex = d.chain("The odds of an event with probability $1/5$",
             r"The odds compare the chance that the event happens with the chance that it does not.")
ex.start(odds, rule="the odds $o = p/(1-p)$",
         justification="Probability of the event divided by the probability of its complement.")
ex.substitute({p: sp.Rational(1, 5)}, "(1/5)/(4/5)", rule="substitute $p = 1/5$",
              justification="The event happens one time in five, so it fails with probability $1 - 1/5 = 4/5$.")
ex.equals(sp.Rational(1, 4), rule="divide", justification=r"The fifths cancel: $(1/5)/(4/5) = 1/4$.")

against = d.chain("The odds against: $1/o$",
                  r"Bookmakers quote the reciprocal: odds of $1/4$ for are $4$ to $1$ against.")
against.start(1 / odds, rule="the odds against, $1/o = (1-p)/p$",
              justification="The chance that the event fails divided by the chance that it happens.")
against.substitute({p: sp.Rational(1, 5)}, 4, rule="substitute $p = 1/5$",
                   justification=r"$(4/5)/(1/5) = 4$: four failures for every success.")

# -- 2. the odds map (0, 1) onto (0, oo), increasing --------------------------------------------
low = d.chain("The odds near $p = 0$")
low.start(odds, rule="the odds")
low.limit(p, 0, 0, direction="+", rule=r"let $p \to 0^+$",
          justification="The numerator tends to $0$ and the denominator to $1$.")

high = d.chain("The odds near $p = 1$")
high.start(odds, rule="the odds")
high.limit(p, 1, sp.oo, direction="-", rule=r"let $p \to 1^-$",
           justification=r"The numerator tends to $1$ and the positive denominator $1 - p$ to $0$.")

inc = d.chain("The odds increase with $p$",
              r"A positive derivative on $(0, 1)$ means the odds are strictly increasing, so together with "
              r"the two limits they take every value in $(0, \infty)$ exactly once.")
inc.start(odds, rule="the odds")
inc.differentiate(p, 1 / (1 - p) + p / (1 - p) ** 2, rule=r"the product rule on $p \cdot (1 - p)^{-1}$",
                  justification=r"$(uv)' = u'v + uv'$ with $u = p$, $v = (1 - p)^{-1}$, $u' = 1$ and, by the chain "
                                r"rule, $v' = (1 - p)^{-2}$.")
inc.equals("((1 - p) + p)/(1 - p)**2", rule="put both terms over $(1 - p)^2$",
           justification=r"Multiply the first term by $(1 - p)/(1 - p)$.")
inc.equals(1 / (1 - p) ** 2, rule="the numerator is $1$", justification=r"$(1 - p) + p = 1$.", exercise=True)
inc.compare(">", 0, rule="a square is positive",
            justification=r"$(1 - p)^2 > 0$ because $p \neq 1$.")
inc.conclude("odds-increasing")

# -- 3. the logarithm maps (0, oo) onto the real line, increasing --------------------------------
log_low = d.chain("The log-odds near $o = 0$")
log_low.start(sp.log(o), rule=r"the log-odds $\log o$")
log_low.limit(o, 0, -sp.oo, direction="+", rule=r"let $o \to 0^+$",
              justification=r"$\log o$ falls without bound as $o$ shrinks to $0$.")

log_high = d.chain(r"The log-odds as $o \to \infty$")
log_high.start(sp.log(o), rule=r"the log-odds $\log o$")
log_high.limit(o, sp.oo, sp.oo, direction="-", rule=r"let $o \to \infty$",
               justification=r"$\log o$ grows without bound, slowly.")

log_inc = d.chain(r"The logarithm increases with $o$",
                  r"So $\log$ maps $(0, \infty)$ onto all of $\mathbb{R}$, one to one: the log-odds "
                  r"$\log(p/(1-p))$ take every real value exactly once as $p$ runs through $(0, 1)$, "
                  r"and can be set equal to an unbounded linear score $z$.")
log_inc.start(sp.log(o), rule=r"the log-odds $\log o$")
log_inc.differentiate(o, 1 / o, rule=r"differentiate $\log o$",
                      justification=r"$(\log o)' = 1/o$.")
log_inc.compare(">", 0, rule="$o$ is positive", justification=r"The odds are positive, so $1/o > 0$.")
log_inc.conclude("log-increasing")

# -- 4. back from odds and log-odds to the probability --------------------------------------------
back = d.chain("From the odds back to the probability")
back.given(odds, o, rule="the odds", justification="Odds $o$ of an event with probability $p$.")
back.apply(lambda side: side * (1 - p), p, o * (1 - p), rule="multiply both sides by $1 - p$",
           justification="$1 - p > 0$, so the equation stays equivalent.")
back.rewrite("p*(1 + o)", o, rule="collect the $p$ terms",
             justification=r"Expand $o\,(1 - p)$ and move $-op$ to the left.")
back.solve_for(p, o / (1 + o), rule="divide by $1 + o$",
               justification="$1 + o > 0$, so the division is allowed.", exercise=True)
back.conclude("probability-from-odds")

model = d.chain("The log-odds model gives the sigmoid",
                r"Set the log-odds equal to the score and undo the logarithm; the odds are then $o = e^z$.")
model.given(sp.log(odds), z, rule="the logit model",
            justification="The log-odds are linear in the features.")
model.apply(sp.exp, odds, sp.exp(z), rule="exponentiate both sides",
            justification=r"$\exp$ is strictly increasing, so no solution is gained or lost.")
model.solve_for(p, sp.exp(z) / (1 + sp.exp(z)), rule="solve for $p$",
                justification=r"The previous chain with $o = e^z$: $p = o/(1 + o)$.")
model.rewrite(p, 1 / (1 + sp.exp(-z)), rule="divide numerator and denominator by $e^z$",
              justification="$e^z > 0$, so the division is allowed.")
model.rewrite(p, sigmoid(z), rule=r"recognise $\sigma(z)$",
              justification="This is the logistic sigmoid.")
model.conclude("sigmoid-from-log-odds")

# -- 5. logit and sigmoid are inverse functions -----------------------------------------------------
inv = d.chain(r"The logit undoes the sigmoid: $\operatorname{logit}(\sigma(z)) = z$")
inv.start("logit(sigma(z))", rule=r"the log-odds of the probability $\sigma(z)$")
inv.equals("log(sigma(z)/(1 - sigma(z)))", rule=r"the definition $\operatorname{logit}(p) = \log(p/(1-p))$",
           justification=r"The logit of a probability is its log-odds.")
inv.equals("log((1/(1 + exp(-z)))/(exp(-z)/(1 + exp(-z))))", rule="substitute the definition of the sigmoid",
           justification=r"$\sigma(z) = 1/(1+e^{-z})$ and $1 - \sigma(z) = e^{-z}/(1+e^{-z})$.")
inv.equals("log(1/exp(-z))", rule="cancel $1 + e^{-z}$", justification="The common denominator cancels.")
inv.equals(z, rule=r"$\log$ inverts $\exp$", justification=r"$1/e^{-z} = e^z$ and $\log(e^z) = z$ for real $z$.")
inv.conclude("log-odds-inverts-sigmoid")

inv2 = d.chain(r"The sigmoid undoes the logit: $\sigma(\operatorname{logit}(p)) = p$")
inv2.start("sigma(logit(p))", rule=r"the sigmoid of the log-odds")
inv2.equals("1/(1 + exp(-log(p/(1 - p))))", rule="substitute both definitions",
            justification=r"$\sigma(z) = 1/(1+e^{-z})$ with $z = \log(p/(1-p))$.")
inv2.equals("1/(1 + (1 - p)/p)", rule=r"$e^{-\log u} = 1/u$",
            justification=r"$p/(1-p) > 0$, and $\exp$ undoes $\log$ on positive numbers.")
inv2.equals("1/((p + (1 - p))/p)", rule="add the fractions in the denominator",
            justification=r"$1 = p/p$, so $1 + (1 - p)/p = \bigl(p + (1 - p)\bigr)/p$.")
inv2.equals("1/(1/p)", rule="simplify the numerator", justification=r"$p + (1 - p) = 1$.", exercise=True)
inv2.equals(p, rule="the reciprocal of a reciprocal", justification=r"$p > 0$, so $1/(1/p) = p$.")
inv2.conclude("sigmoid-inverts-log-odds")

d.example(odds, {p: sp.Rational(1, 5)}, "An event with probability $p = 0.2$ has odds")
d.example(sp.log(odds), {p: sp.Rational(1, 5)}, "and log-odds")
d.example(sigmoid(z), {z: sp.log(sp.Rational(1, 4))},
          r"and the sigmoid of those log-odds, $\log(1/4) = -\log 4$, gives back")
d.exercise(r"Find the odds of an event with probability $p = 3/4$.", sp.Integer(3), wrong=sp.Rational(1, 3))
d.exercise(r"Find the log-odds of an event with probability $p = 1/5$ (exactly, as a logarithm).",
           -sp.log(4), wrong=sp.log(sp.Rational(1, 5)))
d.exercise(r"Solve $o = p/(1-p)$ for $p$, for positive odds $o$.", o / (1 + o), assume={"o": "positive"},
           wrong=o / (1 - o))
d.figure("odds-and-log-odds")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
