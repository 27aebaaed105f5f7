"""Level curves of the paraboloid z = x^2 + y^2: circles of radius sqrt(c), crossed at right angles by the gradient.

Run it on its own: ``python derivations/paraboloid_level_curves.py`` prints every step with its verdict.
"""

import sympy as sp

from derivkit import Derivation, Relation

d = Derivation(
    "paraboloid-level-curves",
    "Level curves of a paraboloid",
    "A loss of two weights is a surface over the plane, and a contour map draws its level curves: the "
    "points where the loss has one fixed value. The simplest bowl, $z = x^2 + y^2$, shows what to expect. "
    "It is a surface, not a circle; slicing it at a height $c > 0$ gives a circle of radius $\\sqrt{c}$. "
    "Its gradient crosses every level curve at a right angle, which is why gradient descent steps "
    "straight across the contours of a loss, never along them.",
)
x = d.symbol("x", "real", "the first coordinate of the plane")
y = d.symbol("y", "real", "the second coordinate of the plane")
z = d.symbol("z", "real", "the height of the surface above the point $(x, y)$")
c = d.symbol("c", "positive", "the height of the slice, $c > 0$")
t = d.symbol("t", "real", "the angle along the level curve")

bowl = x ** 2 + y ** 2
radius = sp.sqrt(c)
on_circle = {x: radius * sp.cos(t), y: radius * sp.sin(t)}

# -- the slice at height c ------------------------------------------------------------------------
sl = d.chain("Slice the surface at height $c$",
             r"The graph of $f(x, y) = x^2 + y^2$ is the surface $z = x^2 + y^2$ in three dimensions. "
             "The level curve at height $c$ keeps the points of the plane where the surface is exactly $c$ high.")
sl.given(z, bowl, rule="the surface $z = x^2 + y^2$",
         justification=r"The height above $(x, y)$ is the sum of the squared coordinates: a bowl, not a circle.")
sl.rewrite(c, bowl, needs=(Relation(z, c),), rule="substitute $z = c$",
           justification="The level curve keeps the points at height $c$ only.")
sl.rewrite("sqrt(c)^2", bowl, rule=r"write $c$ as $(\sqrt{c})^2$",
           justification=r"$c > 0$, so $\sqrt{c}$ is real and $(\sqrt{c})^2 = c$. The points at distance "
                         r"$\sqrt{c}$ from the origin: a circle of radius $\sqrt{c}$.")
sl.conclude("level-curve-is-circle")

par = d.chain("A parametrisation of the circle",
              r"Walk around the circle: at angle $t$ the point is $x = \sqrt{c}\cos t$, $y = \sqrt{c}\sin t$. "
              "Every such point lies on the level curve.")
par.start(bowl, rule="the height $x^2 + y^2$",
          justification="The quantity the level curve holds fixed.")
par.substitute(on_circle, "(sqrt(c)*cos(t))^2 + (sqrt(c)*sin(t))^2",
               rule=r"substitute $x = \sqrt{c}\cos t$, $y = \sqrt{c}\sin t$",
               justification="The point at angle $t$ on the circle of radius $\\sqrt{c}$.")
par.equals("c*(cos(t)^2 + sin(t)^2)", rule="square and factor out $c$",
           justification=r"$(\sqrt{c}\cos t)^2 = c\cos^2 t$ because $(\sqrt{c})^2 = c$ for $c > 0$.")
par.equals(c, rule=r"$\cos^2 t + \sin^2 t = 1$",
           justification="The Pythagorean identity: the height is $c$ at every angle $t$.")
par.conclude("circle-on-level-curve")

low = d.chain("No level curve below the floor",
              r"The slices at $c \le 0$ are different: squares of real numbers are never negative.")
low.start(bowl, rule="the height $x^2 + y^2$", justification="The surface's height above $(x, y)$.")
low.compare(">=", 0, rule="a sum of squares is nonnegative",
            justification=r"$x^2 \ge 0$ and $y^2 \ge 0$ for real $x$, $y$. So the slice at $c < 0$ is empty, "
                          r"and the slice at $c = 0$ is the single point $(0, 0)$, where both squares vanish.")
low.conclude("paraboloid-nonnegative")

# -- the gradient and the tangent -------------------------------------------------------------------
grad = d.chain(r"The gradient of $f(x, y) = x^2 + y^2$",
               "The gradient collects the partial derivatives: each one differentiates by one coordinate and "
               "holds the other fixed.")
grad.start(bowl, rule="the function $f(x, y) = x^2 + y^2$",
           justification="The height of the surface, as a function of the point $(x, y)$.")
grad.gradient((x, y), sp.Matrix([2 * x, 2 * y]), rule=r"differentiate by $x$, then by $y$",
              justification=r"$\partial(x^2)/\partial x = 2x$ and $y^2$ does not depend on $x$; likewise "
                            r"$\partial f/\partial y = 2y$.", exercise=True)
grad.conclude("paraboloid-gradient")

tan = d.chain("The tangent of the level curve",
              "Differentiating the parametrisation by the angle gives the velocity of a point walking "
              "around the circle, which points along the curve.")
tan.start(sp.Matrix([radius * sp.cos(t), radius * sp.sin(t)]), rule="the point at angle $t$",
          justification=r"$(x, y) = (\sqrt{c}\cos t, \sqrt{c}\sin t)$ on the level curve at height $c$.")
tan.differentiate(t, sp.Matrix([-radius * sp.sin(t), radius * sp.cos(t)]), rule="differentiate by $t$",
                  justification=r"$(\cos t)' = -\sin t$ and $(\sin t)' = \cos t$; $\sqrt{c}$ is a constant.",
                  exercise=True)
tan.conclude("level-curve-tangent")

perp = d.chain("The gradient is perpendicular to the level curve",
               r"Dot the gradient $\nabla f$ with the tangent $(dx/dt, dy/dt)$ at the same point of the curve.")
perp.start("2*x*(-sqrt(c)*sin(t)) + 2*y*(sqrt(c)*cos(t))",
           rule=r"the dot product $\nabla f \cdot (dx/dt, dy/dt)$",
           justification="The gradient's entries times the tangent's entries, summed.")
at_point = sp.Add(sp.Mul(2 * radius * sp.cos(t), -radius * sp.sin(t), evaluate=False),
                  sp.Mul(2 * radius * sp.sin(t), radius * sp.cos(t), evaluate=False), evaluate=False)
perp.substitute(on_circle, at_point, rule="evaluate the gradient on the curve",
                justification=r"At angle $t$ the point is $x = \sqrt{c}\cos t$, $y = \sqrt{c}\sin t$.")
perp.equals("-2*c*cos(t)*sin(t) + 2*c*sin(t)*cos(t)", rule="multiply out",
            justification=r"$\sqrt{c}\cdot\sqrt{c} = c$ for $c > 0$.", exercise=True)
perp.equals(sp.S.Zero, rule="the two terms cancel",
            justification="The dot product is zero: the gradient meets the level curve at a right angle. "
                          "The height does not change along the curve, so the chain rule gives "
                          r"$df/dt = \nabla f \cdot (dx/dt, dy/dt) = 0$.")
perp.conclude("gradient-perpendicular")

d.example(radius, {c: 4}, "The level curve at height $c = 4$ is a circle of radius")
d.example(sp.sqrt((2 * x) ** 2 + (2 * y) ** 2), {x: 3, y: 4},
          r"The point $(3, 4)$ lies on the level curve at height $25$, of radius $5$. The gradient there has the "
          "length")
d.exercise("The surface $z = x^2 + y^2$ is sliced at height $z = 4$. What is the radius of the level curve?",
           sp.Integer(2), wrong=sp.Integer(4))
d.exercise(r"Find the partial derivative $\partial f/\partial x$ of $f(x, y) = x^2 + y^2$.", 2 * x,
           wrong=2 * x + 2 * y)
d.exercise(r"At a point $(x, y)$ of a level curve of $x^2 + y^2$, the vector $(-y, x)$ points along the curve. "
           r"Compute the dot product of the gradient of $x^2 + y^2$ at $(x, y)$ with $(-y, x)$.", sp.Integer(0),
           wrong=4 * x * y)
d.figure("paraboloid-level-curve")

derivation = d

if __name__ == "__main__":
    raise SystemExit(d.print_report())
