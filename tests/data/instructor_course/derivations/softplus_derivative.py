"""Week 5, lecture 2: the softplus is a smooth ReLU and its derivative is the sigmoid."""

from derivkit import Derivation

d = Derivation(
    "softplus-derivative",
    "The derivative of the softplus is the sigmoid",
    r"$\operatorname{softplus}(z) = \log(1 + e^{z})$ is a smooth version of $\max(0, z)$. "
    r"Its slope is exactly the logistic sigmoid, and $\operatorname{softplus}(z) - \operatorname{softplus}(-z) = z$.",
)
z = d.symbol("z", "real", "the pre-activation")

c = d.chain(r"Differentiate $\log(1 + e^{z})$")
c.start(r"\log\left(1 + e^{z}\right)", rule="the softplus")
c.differentiate(z, r"\frac{e^{z}}{1 + e^{z}}", rule=r"$(\log u)' = u'/u$")
c.equals(r"\frac{1}{e^{-z} + 1}", rule=r"divide top and bottom by $e^{z}$", exercise=True)
c.equals(r"\sigma(z)", rule="recognise the sigmoid")
c.conclude("softplus-derivative", main=True)

o = d.chain(r"$\operatorname{softplus}(z) - \operatorname{softplus}(-z) = z$")
o.start(r"\log(1 + e^{z}) - \log(1 + e^{-z})", rule=r"the difference")
o.equals(r"\log \frac{1 + e^{z}}{1 + e^{-z}}", rule="difference of logs")
o.equals(r"\log e^{z}", rule=r"multiply top and bottom by $e^{z}$", exercise=True)
o.equals("z", rule=r"$\log e^{z} = z$")
o.conclude("softplus-odd-part")

d.exercise(r"Differentiate $\log(1 + e^{z})$.", r"\sigma(z)", of="softplus-derivative", wrong=r"\frac{1}{1 + e^{z}}")

derivation = d
