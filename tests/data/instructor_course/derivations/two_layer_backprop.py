"""Week 6, lecture 2: backpropagation through a two-layer sigmoid network with one unit per layer."""

from derivkit import Derivation

d = Derivation(
    "two-layer-backprop",
    "Backpropagation through two sigmoid layers",
    r"A chain of two units: $h = \sigma(w_1 x)$, $\hat y = \sigma(w_2 h)$, loss $L = \frac12(\hat y - y)^2$. "
    r"The chain rule multiplies local slopes from the loss back to the weight, in the order "
    r"$\frac{\partial L}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial h} \cdot \frac{\partial h}{\partial w_1}$.",
)
w1 = d.symbol("w1", "real", "the first layer's weight")
w2 = d.symbol("w2", "real", "the second layer's weight")
x = d.symbol("x", "real", "the input")
y = d.symbol("y", "[0,1]", "the target")

g2 = d.chain(r"The output weight $w_2$")
g2.start(r"\frac{1}{2} \left( \sigma(w_2 \sigma(w_1 x)) - y \right)^2", rule="the loss $L$")
g2.differentiate(w2, r"\left( \sigma(w_2 \sigma(w_1 x)) - y \right) \cdot \sigma(w_2 \sigma(w_1 x)) \left( 1 - \sigma(w_2 \sigma(w_1 x)) \right) \cdot \sigma(w_1 x)", rule=r"$\partial L/\partial \hat y \cdot \partial \hat y/\partial w_2$")
g2.equals(r"\sigma(w_1 x) \cdot \sigma(w_2 \sigma(w_1 x)) \left( 1 - \sigma(w_2 \sigma(w_1 x)) \right) \cdot \left( \sigma(w_2 \sigma(w_1 x)) - y \right)", rule="the same factors, read from the input forward")
g2.conclude("grad-w2")

g1 = d.chain(r"The hidden weight $w_1$")
g1.start(r"\frac{1}{2} \left( \sigma(w_2 \sigma(w_1 x)) - y \right)^2", rule="the loss $L$")
g1.differentiate(w1, r"\left( \sigma(w_2 \sigma(w_1 x)) - y \right) \cdot \sigma(w_2 \sigma(w_1 x)) \left( 1 - \sigma(w_2 \sigma(w_1 x)) \right) \cdot w_2 \cdot \sigma(w_1 x) \left( 1 - \sigma(w_1 x) \right) \cdot x", rule="the chain rule, from the loss back to $w_1$", exercise=True)
g1.equals(r"\left( \sigma(w_2 \sigma(w_1 x)) - y \right) \sigma(w_2 \sigma(w_1 x)) \left( 1 - \sigma(w_2 \sigma(w_1 x)) \right) \sigma(w_1 x) \cdot w_2 \left( 1 - \sigma(w_1 x) \right) x", rule=r"reuse: $\partial L/\partial w_2$ times $w_2 (1 - h) x$",
          justification=r"The first four factors are $\partial L/\partial w_2$; backpropagation computes them once for both weights.")
g1.conclude("grad-w1", main=True)

n = d.chain(r"At $w_1 = w_2 = 0$",
            r"With both weights zero every unit outputs $\frac12$ and has slope $\frac14$.")
n.start(r"\left( \sigma(w_2 \sigma(w_1 x)) - y \right) \cdot \sigma(w_2 \sigma(w_1 x)) \left( 1 - \sigma(w_2 \sigma(w_1 x)) \right) \cdot w_2 \cdot \sigma(w_1 x) \left( 1 - \sigma(w_1 x) \right) \cdot x", rule=r"$\partial L/\partial w_1$")
n.substitute({w1: 0, w2: 0}, "0", rule="both weights zero", justification=r"The factor $w_2$ is zero: no signal reaches $w_1$.")

d.exercise(r"Find $\partial L/\partial w_2$.", r"(\sigma(w_2 \sigma(w_1 x)) - y) \sigma(w_2 \sigma(w_1 x)) (1 - \sigma(w_2 \sigma(w_1 x))) \sigma(w_1 x)",
           of="grad-w2", wrong=r"(\sigma(w_2 \sigma(w_1 x)) - y) \sigma(w_1 x)")

derivation = d
