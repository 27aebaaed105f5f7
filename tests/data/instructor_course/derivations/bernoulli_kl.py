"""Week 7, lecture 2: the KL divergence between two Bernoulli distributions, as a function of q."""

from derivkit import Derivation

d = Derivation(
    "bernoulli-kl",
    "KL divergence between two Bernoullis",
    r"$\mathrm{KL}(p \,\|\, q)$ measures how badly $\mathrm{Bernoulli}(q)$ codes data from $\mathrm{Bernoulli}(p)$. "
    r"As a function of $q$ it is convex, and its derivative vanishes only at $q = p$.",
)
p = d.symbol("p", "(0,1)", "the true probability")
q = d.symbol("q", "(0,1)", "the model's probability")

k = d.chain("Expand the divergence")
k.start(r"p \log \frac{p}{q} + (1 - p) \log \frac{1 - p}{1 - q}", rule=r"$\mathrm{KL}(p \,\|\, q)$")
k.equals(r"p \log p - p \log q + (1 - p) \log(1 - p) - (1 - p) \log(1 - q)", rule="the log of a quotient", exercise=True)
k.conclude("kl-expanded")

g = d.chain(r"The derivative by $q$")
g.start(r"p \log p - p \log q + (1 - p) \log(1 - p) - (1 - p) \log(1 - q)", rule="the divergence")
g.differentiate(q, r"-\frac{p}{q} + \frac{1 - p}{1 - q}", rule=r"only the $\log q$ and $\log(1 - q)$ terms depend on $q$", exercise=True)
g.equals(r"\frac{-p(1 - q) + q(1 - p)}{q(1 - q)}", rule="common denominator")
g.equals(r"\frac{q - p}{q(1 - q)}", rule="the $pq$ terms cancel")
g.conclude("kl-derivative", main=True)

c = d.chain("Convexity in $q$")
c.start(r"-\frac{p}{q} + \frac{1 - p}{1 - q}", rule="the derivative")
c.differentiate(q, r"\frac{p}{q^2} + \frac{1 - p}{(1 - q)^2}", rule="differentiate again")
c.compare(">", "0", rule="both terms are positive", justification=r"$0 < p < 1$ and $0 < q < 1$.")
c.conclude("kl-convex")

d.exercise(r"Differentiate $\mathrm{KL}(p\,\|\,q)$ by $q$ and simplify.", r"\frac{q - p}{q(1 - q)}", of="kl-derivative",
           wrong=r"\frac{p - q}{q(1 - q)}")

derivation = d
