"""Syntax tree -> SymPy, with every explosive operation bounded *before* it runs.

SymPy evaluates as it builds: ``9**(9**9)`` computes a 300-million-digit integer,
``exp(1000*log(3**5000))`` quietly becomes a power, factorials and binomials multiply out,
and a 10th derivative of a long product has astronomically many terms.  Each such
operation is estimated first and refused with a ParseError naming the limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import sympy as sp

from derivkit.errors import ParseError
from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import CONSTANTS, FORCED_CONSTANTS, FUNCTIONS
from derivkit.parsing.nodes import BigOp, Call, Const, Diff, Index, Name, Neg, Node, Num, Power, Product, Recip, Sum
from derivkit.parsing.notation import BIG_OPERATORS, DELTA, Notation
from derivkit.parsing.scope import Scope


def _bits(r: sp.Rational) -> float:
    """log2 of the larger of |numerator| and denominator: the size a power multiplies."""
    return math.log2(max(abs(r.p), r.q))


def number_bits(expr: sp.Expr) -> float:
    """Bits of the largest numerator or denominator in ``expr`` (what a power multiplies)."""
    rationals = [expr] if expr.is_Rational else expr.atoms(sp.Rational)
    return max((_bits(r) for r in rationals), default=0.0)


def total_bits(expr: sp.Expr) -> float:
    """Sum of the bits of every rational in ``expr``: an upper bound for their product."""
    rationals = [expr] if expr.is_Rational else expr.atoms(sp.Rational)
    return sum(_bits(r) for r in rationals)


def derivative_size(expr: sp.Expr) -> int:
    """Estimated tree size of d(expr)/dx by the sum, product and chain rules.

    Computed before differentiating: a product of n factors has n terms of n factors
    each, which is what makes high derivatives of long products explode.  Each distinct
    subexpression is visited once, iteratively (SymPy shares subtrees between terms).
    """
    sizes: dict[sp.Basic, int] = {}
    estimates: dict[sp.Basic, int] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if node in estimates:
            continue
        args = node.args
        if not expanded and args:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a not in estimates)
            continue
        size = sizes[node] = 1 + sum(sizes[a] for a in args)
        if not args:
            estimates[node] = 1
        elif node.is_Add:
            estimates[node] = sum(estimates[a] for a in args)
        elif node.is_Mul:
            estimates[node] = sum(size - sizes[a] + estimates[a] for a in args)
        else:
            estimates[node] = size + sum(estimates[a] for a in args)
    return estimates[expr]


def shown(value: object) -> str:
    """A number for a message: huge ones are abbreviated, e.g. 10000000...(101 digits)."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}...({len(text.lstrip('-'))} digits)"


class Builder:
    """Builds one expression; carries the budgets (derivative order, derivative size)."""

    def __init__(self, text: str, variables: frozenset[str], limits: ParseLimits, scope: Scope | None = None,
                 notation: Notation | None = None) -> None:
        self.text = text
        self.variables = variables
        self.limits = limits
        self.scope = scope or Scope()
        self.notation = notation or Notation()
        #: calls only a declared notation reads: the author's functions and the Kronecker delta
        self.declared_calls: dict[str, Callable[..., sp.Expr]] = (
            {} if notation is None else {DELTA: sp.KroneckerDelta, **notation.functions})
        self.bound: dict[str, sp.Expr] = {}  # the indices of the sums being built
        self.diff_order = 0
        self.diff_nodes = 0
        # each handler takes the node type it is keyed by
        self.dispatch: dict[type, Callable[[Any], sp.Expr]] = {
            Num: self.num, Name: self.name, Const: self.const, Neg: self.neg, Sum: self.sum,
            Product: self.product, Recip: self.recip, Power: self.power_node, Call: self.call, Diff: self.diff,
            Index: self.index, BigOp: self.big_operator,
        }

    def refuse(self, message: str, col: int | None, hint: str = "") -> ParseError:
        return ParseError(message, text=self.text, column=col, hint=hint)

    def build(self, node: Node) -> sp.Expr:
        return self.dispatch[type(node)](node)

    # -- leaves -------------------------------------------------------------------------
    def num(self, node: Num) -> sp.Expr:
        return sp.Rational(node.value.numerator, node.value.denominator)

    def name(self, node: Name) -> sp.Expr:
        if node.name in self.scope.names:
            return self.scope.names[node.name]
        if node.name in self.scope.functions:  # f alone, as in df/dx: its body in its own variables
            return self.scope.functions[node.name][1]
        if node.name in CONSTANTS and node.name not in self.variables:
            return CONSTANTS[node.name]
        return self.symbol(node.name)

    def symbol(self, name: str) -> sp.Expr:
        """A variable: a sum's index while its body is built, else the declared symbol, else a plain one."""
        return self.bound[name] if name in self.bound else self.notation.symbol(name)

    # -- declared notation: p_i, sums and products ----------------------------------------
    def index(self, node: Index) -> sp.Expr:
        return self.notation.indexed[node.base][self.build(node.index)]

    def big_operator(self, node: BigOp) -> sp.Expr:
        """A sum or product (left unevaluated: its limits may be symbols), its index bound in the body."""
        name = node.var.name
        var = self.notation.index(name)
        limits = (var, self.build(node.lower), self.build(node.upper))
        outer = self.bound.get(name)
        self.bound[name] = var
        try:
            body = self.build(node.body)
        finally:
            if outer is None:
                del self.bound[name]
            else:
                self.bound[name] = outer
        with sp.evaluate(True):  # unevaluated, SymPy would wrap the body as 1*body; a Sum is never summed here
            return BIG_OPERATORS[node.kind](body, limits)

    def const(self, node: Const) -> sp.Expr:
        return FORCED_CONSTANTS[node.name]

    # -- arithmetic ---------------------------------------------------------------------
    def neg(self, node: Neg) -> sp.Expr:
        return -self.build(node.operand)

    def sum(self, node: Sum) -> sp.Expr:
        return sp.Add(*[self.build(t) for t in node.terms])

    def product(self, node: Product) -> sp.Expr:
        factors = [self.build(f) for f in node.factors]
        bits = sum(total_bits(f.as_coeff_Mul()[0]) for f in factors)
        if bits > self.limits.max_power_bits:
            raise self.refuse(
                f"product would be a number of about {int(bits)} bits, "
                f"more than {self.limits.max_power_bits} (max_power_bits)",
                node.col, "use smaller numbers",
            )
        return self.checked(sp.Mul(*factors), node.col)

    def recip(self, node: Recip) -> sp.Expr:
        return self.power(self.build(node.operand), sp.Integer(-1), node.col)

    def power_node(self, node: Power) -> sp.Expr:
        return self.power(self.build(node.base), self.build(node.exponent), node.col)

    def power(self, base: sp.Expr, exponent: sp.Expr, col: int) -> sp.Expr:
        """base**exponent, refused when the result would be huge (estimated first)."""
        if exponent.is_Rational:
            self.guard_power(base, exponent, col)
        if base is sp.E:
            self.guard_exp(exponent, col)
        return self.checked(sp.Pow(base, exponent), col)

    def guard_power(self, base: sp.Expr, exponent: sp.Rational, col: int, bits: float | None = None) -> None:
        size = abs(exponent)
        if base.is_Rational and base in (sp.S.Zero, sp.S.One, sp.S.NegativeOne):
            return
        if not base.is_Rational and base is not sp.E and size > self.limits.max_symbolic_exponent:
            raise self.refuse(
                f"exponent {shown(exponent)} is larger than "
                f"{self.limits.max_symbolic_exponent} (max_symbolic_exponent)",
                col, "use a smaller exponent",
            )
        estimate = int(size * (number_bits(base) if bits is None else bits))
        if estimate > self.limits.max_power_bits:
            raise self.refuse(
                f"power would be a number of about {shown(estimate)} bits, "
                f"more than {self.limits.max_power_bits} (max_power_bits)",
                col, "use a smaller base or exponent",
            )

    def guard_exp(self, argument: sp.Expr, col: int) -> None:
        """exp(c*log(y)) turns into y**c inside SymPy; bound it like a power."""
        for term in sp.Add.make_args(argument):
            coeff, rest = term.as_coeff_Mul()
            if coeff.is_Rational and rest.has(sp.log):
                self.guard_power(rest, coeff, col, bits=total_bits(rest))

    def checked(self, result: sp.Expr, col: int) -> sp.Expr:
        """Refuse results that SymPy combined into huge powers, e.g. (x+1)^1000*(x+1)^1000."""
        for part in (result, *(result.args if result.is_Mul else ())):
            symbolic_base = part.is_Pow and not part.base.is_Rational and part.base is not sp.E
            if symbolic_base and part.exp.is_Rational and abs(part.exp) > self.limits.max_symbolic_exponent:
                raise self.refuse(
                    f"the result contains the power {shown(part.exp)}, larger than "
                    f"{self.limits.max_symbolic_exponent} (max_symbolic_exponent)", col, "use smaller exponents",
                )
            if part.is_Rational and number_bits(part) > self.limits.max_power_bits:
                raise self.refuse(
                    f"the result is a number of about {int(number_bits(part))} bits, more than "
                    f"{self.limits.max_power_bits} (max_power_bits)", col, "use smaller numbers",
                )
        return result

    # -- functions and derivatives -------------------------------------------------------
    def call(self, node: Call) -> sp.Expr:
        args = [self.build(a) for a in node.args]
        if node.func in self.declared_calls:
            return self.declared_calls[node.func](*args)
        if node.func not in FUNCTIONS:
            return self.defined_call(node, args)
        if node.primes:
            d = sp.Dummy("x", real=True)
            return self.checked(self.primed(FUNCTIONS[node.func].build(d), d, node).xreplace({d: args[0]}), node.col)
        if node.func in POWER_FUNCTIONS:
            return self.power(*POWER_FUNCTIONS[node.func](args), node.col)
        spec = FUNCTIONS[node.func]
        if spec.integer_guard:
            for arg in args:
                if arg.is_Integer and abs(arg) > self.limits.max_factorial:
                    raise self.refuse(
                        f"{node.func} of {shown(arg)} is too large to compute; "
                        f"the limit is {self.limits.max_factorial} (max_factorial)",
                        node.col, "use a smaller argument",
                    )
        if node.func in ("exp",):
            self.guard_exp(args[0], node.col)
        return self.checked(spec.build(*args), node.col)

    def primed(self, body: sp.Expr, var: sp.Symbol, node: Call) -> sp.Expr:
        """The node.primes-th derivative of body in var (f'(x), sigma''(z)), size-checked."""
        for _ in range(node.primes):
            self.diff_nodes += derivative_size(body)
            if self.diff_nodes > self.limits.max_diff_nodes:
                raise self.refuse(f"the derivative would have about {self.diff_nodes} terms and factors, more than "
                                  f"{self.limits.max_diff_nodes} (max_diff_nodes)", node.col, "use fewer primes")
            body = sp.diff(body, var)
        return body

    def defined_call(self, node: Call, args: list[sp.Expr]) -> sp.Expr:
        """A function the working defined (f(x) = x^2), applied to arguments: its body with them put in."""
        if node.func not in self.scope.functions:
            raise self.refuse(f"the function '{node.func}' is not defined in this working", node.col,
                              f"define it on an earlier line, e.g. {node.func}(x) = ..., or write {node.func}*(...)")
        params, body = self.scope.functions[node.func]
        if len(params) != len(args):
            raise self.refuse(f"{node.func} was defined with {len(params)} argument(s), not {len(args)}", node.col,
                              f"write {node.func}({', '.join(str(p) for p in params)})")
        if node.primes:
            if len(params) != 1:
                raise self.refuse(f"'{node.func}'' is ambiguous: {node.func} has {len(params)} arguments", node.col,
                                  "write the partial derivative, e.g. \\frac{\\partial h}{\\partial u}")
            body = self.primed(body, params[0], node)
        return self.checked(body.xreplace(dict(zip(params, args))), node.col)

    def diff(self, node: Diff) -> sp.Expr:
        name = node.var.name
        if name in CONSTANTS and name not in self.variables:
            raise self.refuse(
                f"cannot differentiate with respect to the constant '{name}'", node.var.col,
                f"to use '{name}' as a variable, declare it (e.g. --assume {name}=real)",
            )
        self.diff_order += node.order
        if self.diff_order > self.limits.max_derivative_order:
            raise self.refuse(
                f"derivatives of total order {self.diff_order} exceed the limit of "
                f"{self.limits.max_derivative_order} (max_derivative_order)", node.col, "use lower orders",
            )
        expr = self.partial_of_definition(node) or self.build(node.expr)
        # Differentiate on the default domain, the reals: d|x|/dx is sign(x), not an expression
        # in re(x) and im(x).  Every domain derivkit knows is a subset of the reals.
        var = self.symbol(name)
        real = {s: sp.Dummy(str(s), real=True) for s in expr.free_symbols | {var} if isinstance(s, (sp.Symbol, sp.Idx))}
        expr = expr.xreplace(real)
        for _ in range(node.order):
            self.diff_nodes += derivative_size(expr)
            if self.diff_nodes > self.limits.max_diff_nodes:
                raise self.refuse(
                    f"the derivative would have about {self.diff_nodes} terms and factors, more than "
                    f"{self.limits.max_diff_nodes} (max_diff_nodes)", node.col, "differentiate a smaller expression",
                )
            expr = sp.diff(expr, real[var])
        result = expr.xreplace({d: s for s, d in real.items()})
        return self.checked(result.xreplace(self.scope.resolved) if self.scope.resolved else result, node.col)

    def partial_of_definition(self, node: Diff) -> sp.Expr | None:
        """dL/dp with L = -y log p - ... and p = sigma(z) defined: L as written, in p (resolved after)."""
        if not isinstance(node.expr, Name) or node.expr.name not in self.scope.raw:
            return None
        raw = self.scope.raw[node.expr.name]
        var = node.var.name  # a partial in a defined name (p), not in an independent variable (z)
        return raw if var in self.scope.names and sp.Symbol(var) in raw.free_symbols else None


class WrittenBuilder(Builder):
    """Builds the form as written: no evaluation, so SymPy neither reorders nor simplifies it, and
    derivatives stay unevaluated. Its guards are off because :func:`build_as_written` first builds the
    same tree with every guard on (an unevaluated form is never larger than the evaluated one)."""

    def guard_power(self, base: sp.Expr, exponent: sp.Rational, col: int, bits: float | None = None) -> None:
        return None

    def guard_exp(self, argument: sp.Expr, col: int) -> None:
        return None

    def checked(self, result: sp.Expr, col: int) -> sp.Expr:
        return result

    def product(self, node: Product) -> sp.Expr:
        factors = [self.build(f) for f in node.factors]
        if len(factors) == 2 and factors[0] is sp.S.One:  # 1/x is the reciprocal, not 1 times it
            return factors[1]
        return sp.Mul(*factors)

    def diff(self, node: Diff) -> sp.Expr:
        return sp.Derivative(self.build(node.expr), (self.symbol(node.var.name), node.order))


#: Functions that are powers in disguise, routed through the power guard.
POWER_FUNCTIONS: dict[str, Callable[[list[sp.Expr]], tuple[sp.Expr, sp.Expr]]] = {
    "sqrt": lambda args: (args[0], sp.S.Half),
    "root": lambda args: (args[0], 1 / args[1]),
}


def build(tree: Node, text: str, variables: frozenset[str], limits: ParseLimits, scope: Scope | None = None,
          notation: Notation | None = None) -> sp.Expr:
    """Build the SymPy expression; SymPy's own failures become ParseErrors too.

    SymPy can raise almost anything on odd input (ValueError, TypeError, ZeroDivisionError,
    RecursionError on deep nesting), and the contract is that parse raises only ParseError.
    """
    try:
        return Builder(text, variables, limits, scope, notation).build(tree)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("expression is nested too deeply to build", text=text, column=None,
                         hint=f"simplify the nesting (max_depth is {limits.max_depth})") from None
    except Exception as exc:
        raise ParseError(f"could not build the expression: {type(exc).__name__}: {exc}", text=text,
                         column=None, hint="check the expression") from None


def build_as_written(tree: Node, text: str, variables: frozenset[str], limits: ParseLimits,
                     notation: Notation | None = None) -> sp.Expr:
    """The expression as written (unevaluated), after :func:`build` has checked every limit on it."""
    build(tree, text, variables, limits, notation=notation)
    try:
        with sp.evaluate(False):
            return WrittenBuilder(text, variables, limits, notation=notation).build(tree)
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(f"could not build the expression: {type(exc).__name__}: {exc}", text=text) from None
