"""Week 6, lecture 1: the swish (SiLU) activation x sigma(x) and its derivative."""

from derivkit import Derivation

d = Derivation(
    "swish-derivative",
    r"The derivative of swish, $x\,\sigma(x)$",
    r"Swish multiplies the input by its own sigmoid gate. Unlike the ReLU it is smooth everywhere, and "
    r"the product rule gives its slope in terms of $\sigma(x)$.",
)
x = d.symbol("x", "real", "the pre-activation")

c = d.chain("The product rule")
c.start(r"x \sigma(x)", rule=r"swish $s(x)$")
c.differentiate(x, r"\sigma(x) + x \sigma(x) \left(1 - \sigma(x)\right)", rule="the product rule",
                justification=r"$(x)' = 1$ and $\sigma'(x) = \sigma(x)(1 - \sigma(x))$.", exercise=True)
c.equals(r"\sigma(x) \left(1 + x - x \sigma(x)\right)", rule=r"factor out $\sigma(x)$")
c.equals(r"\sigma(x) \left(1 + x \left(1 - \sigma(x)\right)\right)", rule="regroup")
c.conclude("swish-derivative", main=True)

z = d.chain("At the origin")
z.start(r"\sigma(x) \left(1 + x \left(1 - \sigma(x)\right)\right)", rule="the slope")
z.substitute({x: 0}, r"\frac{1}{2} \left(1 + 0\right)", rule="substitute $x = 0$")
z.equals(r"\frac{1}{2}", rule="arithmetic")

d.exercise(r"Differentiate $x\,\sigma(x)$.", r"\sigma(x) + x \sigma(x) (1 - \sigma(x))", of="swish-derivative",
           wrong=r"\sigma(x) (1 - \sigma(x))")
d.figure("swish", caption=r"Swish $x\,\sigma(x)$ and its slope; the slope dips below zero for $x < 0$.")

derivation = d
