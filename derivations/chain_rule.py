"""The chain rule for h(f(x), g(x)), and the product and quotient rules as its special cases.

Run it on its own: ``python derivations/chain_rule.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, formulas

d = Derivation(
    "chain-rule",
    "The chain rule for a function of two inner functions",
    "Backpropagation is the chain rule applied over and over. When $h$ depends on $x$ through "
    "two inner functions $u = f(x)$ and $v = g(x)$, a change in $x$ moves both, and the two "
    "effects add up, one term for each inner function. SymPy "
    "differentiates the composition of undefined functions for us; we read its answer as partial "
    "derivatives of $h(u, v)$ evaluated at $u = f(x)$, $v = g(x)$, then check the rule against direct "
    "differentiation for a product, a quotient, a concrete composition and a level curve.",
)
x = d.symbol("x", "real", "the input")
t = d.symbol("t", "real", "the angle along the unit circle")
u = d.symbol("u", "real", "the first argument of $h$, $u = f(x)$")
v = d.symbol("v", "real", "the second argument of $h$, $v = g(x)$")
f = d.declare(sp.Function("f", real=True), "real", "an inner function of $x$")
g = d.declare(sp.Function("g", real=True), "real", "another inner function of $x$")
h = d.declare(sp.Function("h", real=True), "real", "the outer function $h(u, v)$")


def chain_rule(outer: sp.Expr, first: sp.Expr, second: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """(d outer/du) first' + (d outer/dv) second', the partials evaluated at u = first, v = second.

    Nothing is evaluated: the partial derivatives stay as Subs(Derivative(...)) so the
    handout shows the rule before it is worked out; the engine evaluates them to check.
    """
    return formulas.chain_rule(sp.Lambda((u, v), outer), first, second, var, evaluate=False)


# -- the general rule ---------------------------------------------------------------------------
c = d.chain("The chain rule, computed by SymPy",
            "$h$, $f$ and $g$ are undefined functions: SymPy knows nothing about them but the rules of "
            "calculus.")
c.start(h(f(x), g(x)), rule="the composition of $h$ with $f$ and $g$")
c.differentiate(x, rule="differentiate the composition",
                justification=r"SymPy differentiates $h(f(x), g(x))$ by $x$; it writes $\partial h/\partial u$ at "
                              "$u = f(x)$ as a derivative with respect to $f(x)$.")
c.equals(chain_rule(h(u, v), f(x), g(x), x), rule="name the arguments $u = f(x)$, $v = g(x)$",
         justification="The derivative of $h$ by its first argument, evaluated at $(f(x), g(x))$, is the "
                       r"partial $\partial h/\partial u$ at $u = f(x)$, $v = g(x)$; likewise for $v$.",
         exercise=True)
c.conclude("chain-rule")

# -- special cases, each checked against direct differentiation --------------------------------
pr = d.chain("The product rule: $h(u, v) = uv$")
pr.start(f(x) * g(x), rule="the product of $f$ and $g$")
pr.differentiate(x, chain_rule(u * v, f(x), g(x), x), rule="the chain rule with $h(u, v) = uv$",
                 justification=r"Checked against SymPy's direct derivative of $f(x)\,g(x)$.")
pr.equals(g(x) * sp.Derivative(f(x), x) + f(x) * sp.Derivative(g(x), x),
          rule=r"$\partial h/\partial u = v$, $\partial h/\partial v = u$",
          justification="The partials of $uv$ are $v$ and $u$; evaluate them at $u = f(x)$, $v = g(x)$.",
          exercise=True)
pr.conclude("product-rule")

qr = d.chain("The quotient rule: $h(u, v) = u/v$")
qr.start(f(x) / g(x), rule=r"the quotient of $f$ and $g$, where $g(x) \ne 0$")
qr.differentiate(x, chain_rule(u / v, f(x), g(x), x), rule="the chain rule with $h(u, v) = u/v$",
                 justification="Checked against SymPy's direct derivative of $f(x)/g(x)$.")
qr.equals("diff(f(x), x)/g(x) - f(x)*diff(g(x), x)/g(x)^2",
          rule=r"$\partial h/\partial u = 1/v$, $\partial h/\partial v = -u/v^2$",
          justification="The partials of $u/v$, evaluated at $u = f(x)$, $v = g(x)$.")
qr.equals((sp.Derivative(f(x), x) * g(x) - f(x) * sp.Derivative(g(x), x)) / g(x) ** 2,
          rule="common denominator $g(x)^2$", justification="The textbook form of the quotient rule.")
qr.conclude("quotient-rule")

inner_f, inner_g = x ** 2, sp.exp(x)
outer = u ** 2 + sp.sin(v)
ex = d.chain(r"A concrete case: $h(u, v) = u^2 + \sin v$, $f(x) = x^2$, $g(x) = e^x$")
ex.start(outer.subs({u: inner_f, v: inner_g}), rule=r"$h(f(x), g(x)) = x^4 + \sin(e^x)$")
ex.differentiate(x, chain_rule(outer, inner_f, inner_g, x), rule="the chain rule",
                 justification=r"Checked against SymPy's direct derivative of $x^4 + \sin(e^x)$.")
ex.equals("2*x^2*(2*x) + cos(exp(x))*exp(x)",
          rule=r"$\partial h/\partial u = 2u$, $\partial h/\partial v = \cos v$, $f' = 2x$, $g' = e^x$",
          justification="Evaluate the partials at $u = x^2$, $v = e^x$ and multiply by the inner derivatives.",
          exercise=True)
ex.equals(4 * x ** 3 + sp.exp(x) * sp.cos(sp.exp(x)), rule="simplify",
          justification="Multiply out the first product and reorder the second.")

circle = d.chain("Along a level curve: the paraboloid $z = u^2 + v^2$ on the unit circle",
                 r"On the circle $u = \cos t$, $v = \sin t$ the paraboloid has height $1$ everywhere, so the "
                 "chain rule must give a zero derivative: the gradient $(2u, 2v)$ is perpendicular to "
                 r"the circle's velocity $(-\sin t, \cos t)$.")
bowl = u ** 2 + v ** 2
circle.start(bowl.subs({u: sp.cos(t), v: sp.sin(t)}), rule=r"the height $h(\cos t, \sin t)$")
circle.differentiate(t, chain_rule(bowl, sp.cos(t), sp.sin(t), t), rule="the chain rule",
                     justification=r"Checked against SymPy's direct derivative of $\cos^2 t + \sin^2 t$.")
circle.equals("2*cos(t)*(-sin(t)) + 2*sin(t)*cos(t)",
              rule=r"the gradient $(2u, 2v)$ dotted with the velocity $(-\sin t, \cos t)$",
              justification=r"$\partial h/\partial u = 2u$ at $u = \cos t$, $\partial h/\partial v = 2v$ at "
                            r"$v = \sin t$.")
circle.equals(sp.S.Zero, rule="the two terms cancel",
              justification="The height is constant along a level curve, so its rate of change is $0$.")

d.example(4 * x ** 3 + sp.exp(x) * sp.cos(sp.exp(x)), {x: 1},
          r"The slope of $x^4 + \sin(e^x)$ at $x = 1$, from the chain rule, is")
d.exercise(r"Differentiate $\sin(x^2)\, e^x$ with the product rule.",
           2 * x * sp.cos(x ** 2) * sp.exp(x) + sp.sin(x ** 2) * sp.exp(x),
           wrong=sp.cos(x ** 2) * sp.exp(x) + sp.sin(x ** 2) * sp.exp(x))
d.exercise("Differentiate $x^2/(1 + x^2)$ with the quotient rule and simplify.", 2 * x / (1 + x ** 2) ** 2,
           wrong=-2 * x / (1 + x ** 2) ** 2)
d.exercise("Let $h(u, v) = uv^2$ with $u = x^2$ and $v = e^x$. Find $dh/dx$ by the chain rule.",
           2 * x * sp.exp(2 * x) + 2 * x ** 2 * sp.exp(2 * x), wrong=2 * x * sp.exp(2 * x))
d.figure("chain-rule-circle")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
