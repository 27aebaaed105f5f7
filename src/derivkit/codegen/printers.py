"""Code printers, one per target (SymForce's pattern: a printer per language, templates for
the layout).

* :class:`NumpyKernelPrinter` (a ``NumPyPrinter``) prints the in-place NumPy body that
  :mod:`derivkit.codegen.lowering` plans: one ``np.<ufunc>(..., out=buffer)`` per operation.
* :class:`JaxPrinter` and :class:`TorchPrinter` (subclasses of SymPy's) print each step of a
  stable form as one readable expression (these frameworks fuse or allocate themselves).

All three know derivkit's array operations (:mod:`derivkit.formulas.arrays`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.printing.numpy import JaxPrinter as SympyJaxPrinter
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pytorch import TorchPrinter as SympyTorchPrinter

from derivkit.codegen.buffers import Allocation, allocate
from derivkit.codegen.lowering import Const, Input, Op, Operand, Program, Val, lower_spec
from derivkit.codegen.specs import NumericSpec


@dataclass(frozen=True)
class Body:
    """A printed function body: prologue lines, body lines (inside errstate), return expression."""

    prologue: tuple[str, ...]
    lines: tuple[str, ...]
    returns: str
    helpers: frozenset[str]


def _number(value: sp.Expr) -> str:
    """A Python literal for a SymPy number: 1, 0.25, 0.3333333333333333."""
    if value.is_Integer:
        return str(int(value))
    return repr(float(value))


class _ShortModules:
    """Print ``np.exp`` / ``jnp.exp`` rather than ``numpy.exp`` / ``jax.numpy.exp``."""

    _aliases: tuple[tuple[str, str], ...] = ()

    def _module_format(self, fqn: str, register: bool = True) -> str:
        for prefix, alias in self._aliases:
            if fqn.startswith(prefix):
                return alias + fqn[len(prefix):]
        return fqn


class NumpyKernelPrinter(_ShortModules, NumPyPrinter):
    """Prints the in-place NumPy body of a stable form."""

    _aliases = (("numpy.", "np."),)

    def _print_Rational(self, expr: sp.Rational) -> str:
        return _number(expr)

    def _print_Half(self, expr: sp.Rational) -> str:
        return _number(expr)

    # -- kernels -------------------------------------------------------------------------
    def kernel(self, spec: NumericSpec) -> Body:
        program = lower_spec(spec)
        alloc = allocate(program)
        names = _Names(program, alloc)
        helpers: set[str] = {"as_float", "scalar"}
        params = [p.name for p in spec.params]
        prologue = [f"{name} = _as_float({name})" for name in params]
        if len(params) == 1:
            prologue.append(f"shape, dtype = {params[0]}.shape, {params[0]}.dtype")
        else:
            prologue.append(f"shape = np.broadcast_shapes({', '.join(n + '.shape' for n in params)})")
            prologue.append(f"dtype = np.result_type({', '.join(params)})")
        if spec.kind == "axis":
            helpers.add("axis")
            prologue.append(f"axis = _axis({'axis' if spec.axis_param else '-1'}, len(shape), {spec.name!r})")
        lines: list[str] = []
        for op in program.ops:
            lines.extend(self._op(op, names, alloc, helpers))
        result = program.result
        if not isinstance(result, Val):
            raise ValueError(f"{spec.name}: the result must be computed, not an input or a constant")
        value = names(result)
        if spec.output == "reduced":
            returns = f"_scalar(np.squeeze({value}, axis=axis))"
        elif spec.output == "matrix":
            returns = value
        else:
            returns = f"_scalar({value})"
        return Body(tuple(prologue), tuple(lines), returns, frozenset(helpers))

    def _op(self, op: Op, names: _Names, alloc: Allocation, helpers: set[str]) -> list[str]:
        lines = [f"# {op.comment}"] if op.comment else []
        val = op.result
        out = alloc.buffer.get(val.id)
        if out is not None and val.id in alloc.fresh:
            extra = " + shape[-1:]" if val.shape == "matrix" else ""
            lines.append(f"{out} = np.empty(shape{extra}, dtype)")
        if val.id in alloc.copy_first:
            lines.append(f"np.copyto({out}, {names(op.args[0])})")
        args = [names(a) for a in op.args]
        fn = self._module_format(f"numpy.{op.fn}")
        if op.kind == "ufunc":
            if out is not None:
                lines.append(f"{fn}({', '.join(args)}, out={out})")
            else:
                lines.append(f"{names(val)} = {fn}({', '.join(args)})")
        elif op.kind in ("shift", "sum", "dot", "xdot"):
            helpers.update(("dot", "xdot") if op.kind == "xdot" else (op.kind,))
            lines.append(f"{names(val)} = _{op.kind}({', '.join(args)}, axis)")
        elif op.kind == "argmax":
            helpers.add("argmax")
            lines.append(f"{names(val)} = _argmax({args[0]}, axis)")
        elif op.kind == "take_shift":
            helpers.add("take_shift")
            lines.append(f"{names(val)} = _take_shift({args[0]}, {args[1]}, axis)")
        elif op.kind == "at_max":
            helpers.add("add_at")
            lines.append(f"_add_at({out}, {args[1]}, {args[2]}, axis)")
        elif op.kind == "outer":
            lines.append(f"{fn}({args[0]}[..., :, None], {args[1]}[..., None, :], out={out})")
        elif op.kind == "set_diagonal":
            helpers.add("set_diagonal")
            lines.append(f"_set_diagonal({out}, {args[1]})")
        elif op.kind == "put_at_max":
            helpers.add("put_at")
            lines.append(f"_put_at({out}, {args[1]}, {args[2]}, axis)")
        elif op.kind == "put":
            lines.append(f"{fn}({out}, {args[1]}, where={args[2]})")
        else:  # pragma: no cover - the lowering only makes the kinds above
            raise ValueError(f"unknown operation kind {op.kind}")
        return lines


class _Names:
    """Python names for operands: inputs by name, buffers b0.., per-row values r0.., masks m0.."""

    def __init__(self, program: Program, alloc: Allocation) -> None:
        self.alloc = alloc
        self.rows: dict[int, str] = {}

    def __call__(self, operand: Operand) -> str:
        if isinstance(operand, Input):
            return operand.name
        if isinstance(operand, Const):
            return _number(operand.value)
        assert isinstance(operand, Val)
        if operand.id in self.alloc.buffer:
            return self.alloc.buffer[operand.id]
        if operand.id not in self.rows:
            prefix = {"bool": "m", "index": "i"}.get(operand.dtype, "r")
            count = sum(1 for name in self.rows.values() if name.startswith(prefix))
            self.rows[operand.id] = f"{prefix}{count}"
        return self.rows[operand.id]


# -- functional targets ----------------------------------------------------------------------

class _FunctionalMixin:
    """Shared printing of derivkit's array operations for frameworks without ``out=``."""

    axis_keyword = "axis"
    keepdims_keyword = "keepdims"
    axis_name = "axis"
    helpers: set[str]

    if TYPE_CHECKING:  # supplied by the SymPy code printer and the framework printer it is mixed into
        _sum_name: str
        _where_name: str

        def _print(self, expr: Any, **kwargs: Any) -> str: ...

        def _module_format(self, fqn: str, register: bool = True) -> str: ...

    def _print_Rational(self, expr: sp.Rational) -> str:
        return _number(expr)

    def _print_Half(self, expr: sp.Rational) -> str:
        return _number(expr)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        if exponent == -1:
            return f"1/({self._print(base)})"
        if exponent == 2:
            return f"({self._print(base)})**2"
        return super()._print_Pow(expr, rational=rational)  # type: ignore[misc]

    def _print_AxisShift(self, expr: sp.Expr) -> str:
        self.helpers.add("shift")
        return f"_shift({self._print(expr.args[0])}, {self.axis_name})"

    def _print_MaxIndicator(self, expr: sp.Expr) -> str:
        self.helpers.add("max_indicator")
        return f"_max_indicator({self._print(expr.args[0])}, {self.axis_name})"

    def _print_AxisSum(self, expr: sp.Expr) -> str:
        return (f"{self._module_format(self._sum_name)}({self._print(expr.args[0])}, "
                f"{self.axis_keyword}={self.axis_name}, {self.keepdims_keyword}=True)")

    def _print_Outer(self, expr: sp.Expr) -> str:
        a, b = (self._print(arg) for arg in expr.args)
        return f"({a})[..., :, None] * ({b})[..., None, :]"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        *branches, (last, _) = expr.args
        text = self._print(last)
        for value, cond in reversed(branches):
            text = f"{self._module_format(self._where_name)}({self._print(cond)}, {self._print(value)}, {text})"
        return text

    def _print_ReplaceAtMax(self, expr: sp.Expr) -> str:
        self.helpers.add("max_indicator")
        x, v, of = (self._print(a) for a in expr.args)
        return f"{self._module_format(self._where_name)}(_max_indicator({of}, {self.axis_name}) == 1, {v}, {x})"


class JaxPrinter(_ShortModules, _FunctionalMixin, SympyJaxPrinter):
    """Prints stable forms as ``jax.numpy`` expressions."""

    _aliases = (("jax.numpy.", "jnp."),)
    _sum_name = "jax.numpy.sum"
    _where_name = "jax.numpy.where"

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.helpers = set()

    def _print_Max(self, expr: sp.Max) -> str:
        args = [self._print(a) for a in expr.args]
        text = args[0]
        for arg in args[1:]:
            text = f"jnp.maximum({text}, {arg})"
        return text

    def _print_WithDiagonal(self, expr: sp.Expr) -> str:
        m, d = (self._print(a) for a in expr.args)
        return f"jnp.where(jnp.eye(({d}).shape[-1], dtype=bool), ({d})[..., :, None], {m})"


class TorchPrinter(_ShortModules, _FunctionalMixin, SympyTorchPrinter):
    """Prints stable forms as ``torch`` expressions (``dim`` for the class axis)."""

    axis_keyword = "dim"
    keepdims_keyword = "keepdim"
    axis_name = "dim"
    _sum_name = "torch.sum"
    _where_name = "torch.where"

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.helpers = set()

    def _print_log1p(self, expr: sp.Expr) -> str:
        return f"torch.log1p({self._print(expr.args[0])})"

    def _print_Max(self, expr: sp.Max) -> str:
        args = list(expr.args)
        numbers = [a for a in args if a.is_Number]
        others = [self._print(a) for a in args if not a.is_Number]
        text = others[0]
        for arg in others[1:]:
            text = f"torch.maximum({text}, {arg})"
        for number in numbers:
            text = f"torch.clamp({text}, min={_number(number)})"
        return text

    def _print_WithDiagonal(self, expr: sp.Expr) -> str:
        m, d = (self._print(a) for a in expr.args)
        return (f"torch.where(torch.eye(({d}).shape[-1], dtype=torch.bool, device=({d}).device), "
                f"({d}).unsqueeze(-1), {m})")

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        # torch.where takes a Python number for either branch (PyTorch >= 2.0); print it as a float
        *branches, (last, _) = expr.args
        text = self._print(last)
        for value, cond in reversed(branches):
            branch = repr(float(value)) if value.is_Number else self._print(value)
            text = f"torch.where({self._print(cond)}, {branch}, {text})"
        return text


def functional_body(spec: NumericSpec, printer: JaxPrinter | TorchPrinter) -> tuple[list[tuple[str, str]], str]:
    """(name, expression) assignments for the steps, and the result expression."""
    steps = [(str(name), printer.doprint(expr)) for name, expr in spec.steps]
    return steps, printer.doprint(spec.result)
