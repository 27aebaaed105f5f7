"""Week 5, lecture 2: tanh is a stretched sigmoid, and its slope is 1 - tanh^2."""

from derivkit import Derivation

d = Derivation(
    "tanh-via-sigmoid",
    r"$\tanh$ as a rescaled sigmoid, and its derivative",
    r"Written with exponentials, $\tanh z = 2\sigma(2z) - 1$; its slope follows from the sigmoid's, "
    r"and can be written with $\tanh$ alone, $1 - \tanh^2 z$.",
)
z = d.symbol("z", "real", "the pre-activation")

t = d.chain(r"$\tanh z = 2\sigma(2z) - 1$")
t.start(r"\tanh z", rule="the hyperbolic tangent")
t.equals(r"\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", rule="the definition")
t.equals(r"\frac{1 - e^{-2z}}{1 + e^{-2z}}", rule=r"divide top and bottom by $e^{z}$")
t.equals(r"\frac{2}{1 + e^{-2z}} - 1", rule=r"write $1 - e^{-2z} = 2 - (1 + e^{-2z})$", exercise=True)
t.equals(r"2\sigma(2z) - 1", rule=r"recognise $\sigma(2z)$")
t.conclude("tanh-sigmoid")

s = d.chain(r"The slope of $\tanh$")
s.start(r"2\sigma(2z) - 1", rule=r"$\tanh z$ written with the sigmoid")
s.differentiate(z, r"2 \cdot \sigma(2z)\left(1 - \sigma(2z)\right) \cdot 2", rule=r"chain rule with $\sigma' = \sigma(1 - \sigma)$",
                justification=r"The inner function $2z$ contributes the second factor $2$.")
s.equals(r"4\sigma(2z)\left(1 - \sigma(2z)\right)", rule="collect the constants")
s.equals(r"\left(1 + \tanh z\right)\left(1 - \tanh z\right)", rule=r"$2\sigma(2z) = 1 + \tanh z$ and $2(1 - \sigma(2z)) = 1 - \tanh z$", exercise=True)
s.equals(r"1 - \tanh^2 z", rule="difference of squares")
s.conclude("tanh-derivative", main=True)

d.exercise(r"Differentiate $\tanh z$; write the answer with $\tanh z$.", r"1 - \tanh^2 z", of="tanh-derivative",
           wrong=r"1 + \tanh^2 z")
d.exercise(r"Write $\tanh z$ with the sigmoid.", r"2\sigma(2z) - 1", wrong=r"2\sigma(z) - 1")

derivation = d
