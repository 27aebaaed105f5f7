"""Lowering a stable form to array operations, then to in-place NumPy buffers.

NumPy evaluates ``np.log(1 + np.exp(-z))`` as three passes that each allocate a fresh
array; on a 10-million-element batch the allocations (page faults) cost as much as the
arithmetic. So the NumPy target is compiled rather than printed: the stable form's steps
become a list of array operations (one NumPy call each, sub-expressions shared), every
operation knows whether its result is full-size, a per-row value (after a reduction along
the class axis), a per-example matrix or a boolean mask; :mod:`derivkit.codegen.buffers`
then assigns buffers so that each operation writes into a dead operand's buffer (``out=``)
whenever one exists. Per-row values are n times smaller and simply allocated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from derivkit.codegen.specs import NumericSpec
from derivkit.errors import LoweringError
from derivkit.formulas.arrays import AxisShift, AxisSum, MaxIndicator, Outer, ReplaceAtMax, WithDiagonal

Shape = Literal["const", "row", "full", "matrix"]
_RANK = {"const": 0, "row": 1, "full": 2, "matrix": 3}


@dataclass(frozen=True)
class Input:
    name: str
    shape: Shape = "full"
    dtype: str = "float"


@dataclass(frozen=True)
class Const:
    value: sp.Expr
    shape: Shape = "const"
    dtype: str = "float"


@dataclass(eq=False)
class Val:
    """An intermediate array produced by one operation."""

    id: int
    shape: Shape
    dtype: str = "float"


Operand = Input | Const | Val


@dataclass(eq=False)
class Op:
    """One NumPy call. kind: ufunc (fn is the ufunc's name); shift, sum, dot, xdot, argmax
    (reductions along the axis); take_shift (the max read at the argmax); outer; and the in-place kinds (on
    args[0]): put (copy args[1] where args[2]), at_max (add args[2] at the argmax args[1]),
    put_at_max (set args[2] at the argmax args[1]) and set_diagonal (to args[1])."""

    kind: str
    fn: str
    args: tuple[Operand, ...]
    result: Val
    comment: str | None = None


_UFUNCS: dict[type, str] = {
    sp.exp: "exp", sp.log: "log", log1p: "log1p", expm1: "expm1", sp.cosh: "cosh", sp.sinh: "sinh",
    sp.tanh: "tanh", sp.Abs: "abs", sp.sin: "sin", sp.cos: "cos",
}
_COMPARISONS: dict[type, str] = {
    sp.StrictLessThan: "less", sp.LessThan: "less_equal", sp.StrictGreaterThan: "greater",
    sp.GreaterThan: "greater_equal", sp.Equality: "equal", sp.Unequality: "not_equal",
}


@dataclass
class Program:
    """The operations of one function, with its inputs and final value."""

    inputs: tuple[str, ...]
    ops: list[Op] = field(default_factory=list)
    result: Operand | None = None


class Lowerer:
    """Turns steps ``name = expr`` and a result into a Program (shared sub-expressions once)."""

    def __init__(self, inputs: tuple[str, ...], indicators: frozenset[sp.Basic] = frozenset()) -> None:
        self.program = Program(inputs)
        self.env: dict[sp.Basic, Operand] = {sp.Symbol(name): Input(name) for name in inputs}
        self.memo: dict[sp.Basic, Operand] = {}
        self.count = 0
        self.pending_comment: str | None = None
        #: arrays whose argmax some MaxIndicator needs: their shift is read at that argmax
        self.indicators = indicators
        self.argmax: dict[sp.Basic, Val] = {}

    def index_of_max(self, x: sp.Basic) -> Val:
        if x not in self.argmax:
            self.argmax[x] = self.emit("argmax", "argmax", (self.lower(x),), "row", dtype="index")
        return self.argmax[x]

    # -- building --------------------------------------------------------------------
    def emit(self, kind: str, fn: str, args: tuple[Operand, ...], shape: Shape | None = None,
             dtype: str = "float") -> Val:
        if shape is None:
            widest = max((a.shape for a in args), key=lambda s: _RANK[s])
            shape = "row" if widest == "const" else widest
        val = Val(self.count, shape, dtype)
        self.count += 1
        self.program.ops.append(Op(kind, fn, args, val, self.pending_comment))
        self.pending_comment = None
        return val

    def ufunc(self, fn: str, *args: Operand) -> Operand:
        if all(isinstance(a, Const) for a in args):
            raise LoweringError(f"{fn} of constants only should have been folded by SymPy")
        if "matrix" in [a.shape for a in args] and "full" in [a.shape for a in args]:
            raise LoweringError("elementwise operations between a matrix and a vector are not supported")
        return self.emit("ufunc", fn, args)

    def step(self, name: sp.Symbol, expr: sp.Expr) -> None:
        self.pending_comment = f"{name} = {sp.sstr(expr)}"
        self.env[name] = self.lower(expr)

    def finish(self, expr: sp.Expr) -> Program:
        self.pending_comment = f"result = {sp.sstr(expr)}"
        self.program.result = self.lower(expr)
        return self.program

    # -- lowering --------------------------------------------------------------------
    def lower(self, expr: sp.Basic) -> Operand:
        if expr in self.env:
            return self.env[expr]
        if expr in self.memo:
            return self.memo[expr]
        value = self._lower(expr)
        self.memo[expr] = value
        return value

    def _lower(self, expr: sp.Basic) -> Operand:
        if expr.is_Number:
            return Const(expr)
        if isinstance(expr, sp.Symbol):
            raise LoweringError(f"unknown name {expr} in a stable form")
        if isinstance(expr, sp.Add):
            return self._add(expr)
        if isinstance(expr, sp.Mul):
            return self._mul(expr)
        if isinstance(expr, sp.Pow):
            return self._pow(expr)
        if isinstance(expr, AxisShift):
            x = expr.args[0]
            if x in self.indicators:
                return self.emit("take_shift", "take_shift", (self.lower(x), self.index_of_max(x)), "row")
            return self.emit("shift", "shift", (self.lower(x),), "row")
        if isinstance(expr, MaxIndicator):
            raise LoweringError("MaxIndicator(x) is supported only as a term of a sum: e - MaxIndicator(x)")
        if isinstance(expr, AxisSum):
            inner = expr.args[0]
            guarded = _zero_guarded_product(inner)
            if guarded is not None:
                a, b = (self.lower(f) for f in guarded)
                if a.shape in ("full",) and b.shape == "full":
                    # sum_k a_k g_k with the term 0 where a_k = 0: see _xdot in the templates
                    return self.emit("xdot", "xdot", (a, b), "row")
            if isinstance(inner, sp.Mul) and len(inner.args) == 2 and not any(
                    isinstance(f, sp.Pow) and f.exp.is_negative for f in inner.args):
                a, b = (self.lower(f) for f in inner.args)
                if a.shape == b.shape == "full":
                    # sum of a product: one einsum, no full-size temporary for the product
                    return self.emit("dot", "dot", (a, b), "row")
            return self.emit("sum", "sum", (self.lower(inner),), "row")
        if isinstance(expr, Outer):
            return self.emit("outer", "multiply", (self.lower(expr.args[0]), self.lower(expr.args[1])), "matrix")
        if isinstance(expr, ReplaceAtMax):
            x, v = self.lower(expr.args[0]), self.lower(expr.args[1])
            if x.shape != "full" or v.shape not in ("row", "const"):
                raise LoweringError(f"{expr}: needs a full-size vector and a per-row value")
            return self.emit("put_at_max", "put", (x, self.index_of_max(expr.args[2]), v), "full")
        if isinstance(expr, WithDiagonal):
            m, d = self.lower(expr.args[0]), self.lower(expr.args[1])
            if m.shape != "matrix" or d.shape != "full":
                raise LoweringError(f"{expr}: needs a matrix and a full-size vector")
            return self.emit("set_diagonal", "set", (m, d), "matrix")
        if isinstance(expr, sp.Max | sp.Min):
            fn = "maximum" if isinstance(expr, sp.Max) else "minimum"
            args = [self.lower(a) for a in expr.args]
            acc = self.ufunc(fn, args[0], args[1])
            for arg in args[2:]:
                acc = self.ufunc(fn, acc, arg)
            return acc
        if isinstance(expr, sp.Piecewise):
            return self._piecewise(expr)
        if type(expr) in _COMPARISONS:
            lhs, rhs = (self.lower(a) for a in expr.args)
            shape = max((lhs.shape, rhs.shape), key=lambda s: _RANK[s])
            return self.emit("ufunc", _COMPARISONS[type(expr)], (lhs, rhs), "row" if shape == "const" else shape,
                             dtype="bool")
        if type(expr) in _UFUNCS:
            return self.ufunc(_UFUNCS[type(expr)], self.lower(expr.args[0]))
        raise LoweringError(f"cannot lower {type(expr).__name__} ({expr}) to array operations")

    @staticmethod
    def _small(op: Operand) -> bool:
        return op.shape in ("const", "row")

    def _sum_small(self, terms: list[Operand]) -> Operand | None:
        if not terms:
            return None
        acc = terms[0]
        for term in terms[1:]:
            acc = self.ufunc("add", acc, term)
        return acc

    def _add(self, expr: sp.Add) -> Operand:
        indicators: list[tuple[int, sp.Expr]] = []
        signed: list[tuple[int, sp.Expr]] = []
        for term in expr.args:
            coeff, rest = term.as_coeff_Mul()
            sign = -1 if coeff.is_negative else 1
            magnitude = rest if coeff == -1 else (-term if sign < 0 else term)
            if isinstance(magnitude, MaxIndicator):
                indicators.append((sign, magnitude.args[0]))
            else:
                signed.append((sign, magnitude))
        # positive terms first, each folded into the running sum as soon as it is computed, so
        # that at most one full-size partial sum is alive; per-row terms are added at the end
        acc: Operand | None = None
        pos_small: list[Operand] = []
        neg_small: list[Operand] = []
        for sign, magnitude in sorted(signed, key=lambda item: -item[0]):
            op = self.lower(magnitude)
            if self._small(op):
                (pos_small if sign > 0 else neg_small).append(op)
            elif sign > 0:
                acc = op if acc is None else self.ufunc("add", acc, op)
            elif acc is not None:
                acc = self.ufunc("subtract", acc, op)
            else:
                plus, pos_small = self._sum_small(pos_small), []
                acc = self.ufunc("subtract", plus, op) if plus is not None else self.ufunc("negative", op)
        plus, minus = self._sum_small(pos_small), self._sum_small(neg_small)
        if plus is not None:
            acc = plus if acc is None else self.ufunc("add", acc, plus)
        if minus is not None:
            acc = self.ufunc("negative", minus) if acc is None else self.ufunc("subtract", acc, minus)
        for sign, x in indicators:
            if acc is None or acc.shape != "full":
                raise LoweringError("MaxIndicator can only be added to a full-size array")
            acc = self.emit("at_max", "add", (acc, self.index_of_max(x), Const(sp.Integer(sign))), "full")
        if acc is None:  # an Add has at least two terms, so some term was lowered
            raise LoweringError(f"cannot lower the empty sum {expr}")
        return acc

    def _mul(self, expr: sp.Mul) -> Operand:
        coeff, factors = expr.as_coeff_mul()
        nums: list[Operand] = []
        dens: list[Operand] = []
        for factor in factors:
            base, exponent = factor.as_base_exp()
            if exponent.is_Integer and exponent < 0:
                dens.append(self.lower(base if exponent == -1 else base ** -exponent))
            else:
                nums.append(self.lower(factor))
        big_nums = [op for op in nums if not self._small(op)]
        big_dens = [op for op in dens if not self._small(op)]
        small_nums = [op for op in nums if self._small(op)]
        small_dens = [op for op in dens if self._small(op)]

        def product(ops: list[Operand]) -> Operand | None:
            if not ops:
                return None
            acc = ops[0]
            for op in ops[1:]:
                acc = self.ufunc("multiply", acc, op)
            return acc

        small_num = product(small_nums)
        small_den = product(small_dens)
        if big_nums:
            acc = big_nums[0]
            for op in big_nums[1:]:
                acc = self.ufunc("multiply", acc, op)
            for op in big_dens:
                acc = self.ufunc("divide", acc, op)
            if small_num is None and coeff == 1:
                return acc if small_den is None else self.ufunc("divide", acc, small_den)
            if small_num is None and coeff == -1 and small_den is None:
                return self.ufunc("negative", acc)
            # one full-size pass: multiply by the per-row factor coeff * small_num / small_den
            scale: Operand = Const(coeff) if small_num is None else (
                small_num if coeff == 1 else self.ufunc("multiply", Const(coeff), small_num))
            if small_den is not None:
                scale = self.ufunc("divide", scale, small_den)
            return self.ufunc("multiply", acc, scale)
        if small_num is not None and coeff == -1:
            numerator: Operand = self.ufunc("negative", small_num)
        else:
            numerator = Const(coeff) if small_num is None else (
                small_num if coeff == 1 else self.ufunc("multiply", Const(coeff), small_num))
        if small_den is not None:
            numerator = self.ufunc("divide", numerator, small_den)
        if not big_dens:
            return numerator
        acc = self.ufunc("divide", numerator, big_dens[0])
        for op in big_dens[1:]:
            acc = self.ufunc("divide", acc, op)
        return acc

    def _pow(self, expr: sp.Pow) -> Operand:
        base, exponent = expr.args
        if exponent == -1:
            return self.ufunc("divide", Const(sp.S.One), self.lower(base))
        if exponent == 2:
            return self.ufunc("square", self.lower(base))
        if exponent == sp.S.Half:
            return self.ufunc("sqrt", self.lower(base))
        return self.ufunc("power", self.lower(base), self.lower(exponent))

    def _piecewise(self, expr: sp.Piecewise) -> Operand:
        *branches, (last, last_cond) = expr.args
        if last_cond is not sp.true:
            raise LoweringError("a Piecewise must end with an otherwise branch (condition True)")
        acc = self.lower(last)
        for value, cond in reversed(branches):
            val, mask = self.lower(value), self.lower(cond)
            shape = max((acc.shape, val.shape, mask.shape), key=lambda s: _RANK[s])
            if shape in ("const", "row"):
                acc = self.emit("ufunc", "where", (mask, val, acc), "row")
            else:
                acc = self.emit("put", "copyto", (acc, val, mask), shape)
        return acc


def _zero_guarded_product(expr: sp.Basic) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, g) when expr is a * Piecewise((0, Eq(a, 0)), (g, True)), i.e. a g with 0 g = 0."""
    if not isinstance(expr, sp.Mul) or len(expr.args) != 2:
        return None
    for piecewise, a in (expr.args, expr.args[::-1]):
        if isinstance(piecewise, sp.Piecewise) and len(piecewise.args) == 2:
            (zero, cond), (g, otherwise) = piecewise.args
            if zero == 0 and otherwise is sp.true and cond == sp.Eq(a, 0):
                return a, g
    return None


def lower_spec(spec: NumericSpec) -> Program:
    exprs = [e for _, e in spec.steps] + [spec.result]
    indicators = frozenset(node.args[0] if isinstance(node, MaxIndicator) else node.args[2]
                           for e in exprs for node in sp.preorder_traversal(e)
                           if isinstance(node, MaxIndicator | ReplaceAtMax))
    lowerer = Lowerer(tuple(p.name for p in spec.params), indicators)
    for name, expr in spec.steps:
        lowerer.step(name, expr)
    return lowerer.finish(spec.result)
