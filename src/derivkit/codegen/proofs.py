"""Proof obligations: each stable form equals its textbook formula, decided by the engine.

For a function of the class axis the claim is made at a concrete number of classes
(``N_CLASSES``): the inputs become the symbols z1..zn, the max-shift becomes a free real
symbol c (a proof for every c covers c = max z), and every output entry is one claim.

Forms with ``Piecewise``, ``Max`` or ``Abs`` are proved *by cases*: the conditions split
each variable's domain into intervals and points (z < 0, z = 0, z > 0), the branch that
holds on each piece is selected, and the engine proves every piece. Nothing here is
numeric: an obligation counts only when the engine says ``proved``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import sympy as sp
from sympy.codegen.cfunctions import log1p

from derivkit.codegen.specs import NumericSpec
from derivkit.engine.domains import Domain, parse_domain
from derivkit.engine.equivalence import Verdict, equivalent
from derivkit.errors import ProofSetupError
from derivkit.formulas.arrays import AxisShift, AxisSum, MaxIndicator, Outer, ReplaceAtMax, WithDiagonal

N_CLASSES = 3
BUDGET = 20.0

Value: TypeAlias = sp.Expr | list[Any]  # a scalar, a vector (list of n) or a matrix (list of n lists)


@dataclass(frozen=True)
class Obligation:
    """One claim: ``stable == textbook`` on ``domains`` (variable name -> domain string)."""

    function: str
    entry: str
    case: str
    stable: sp.Expr
    textbook: sp.Expr
    domains: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        parts = [self.function] + [part for part in (self.entry, self.case) if part]
        return ", ".join(parts)


@dataclass(frozen=True)
class ProofRecord:
    obligation: Obligation
    verdict: Verdict

    @property
    def proved(self) -> bool:
        return self.verdict.status == "proved"


# -- scalarisation ----------------------------------------------------------------------

def _kind(value: Value) -> str:
    if isinstance(value, list):
        return "matrix" if value and isinstance(value[0], list) else "vector"
    return "scalar"


def _combine(func: type, args: Sequence[Value], n: int) -> Value:
    kinds = [_kind(a) for a in args]
    if "matrix" in kinds:
        if "vector" in kinds:
            raise ProofSetupError("a vector and a matrix are combined elementwise (ambiguous broadcasting)")
        return [[func(*[a[i][j] if _kind(a) == "matrix" else a for a in args]) for j in range(n)] for i in range(n)]
    if "vector" in kinds:
        return [func(*[a[k] if _kind(a) == "vector" else a for a in args]) for k in range(n)]
    return func(*args)


class Scalariser:
    """Reads a stable form at n classes: vectors become lists of n scalar expressions."""

    def __init__(self, env: Mapping[sp.Basic, Value], n: int, argmax: int | None = None,
                 shift_at_max: bool = False) -> None:
        self.env: dict[sp.Basic, Value] = dict(env)
        self.n = n
        self.argmax = argmax
        self.shift_at_max = shift_at_max
        self.shifts: dict[sp.Basic, sp.Symbol] = {}

    def shift_symbol(self, node: sp.Basic) -> sp.Symbol:
        if node not in self.shifts:
            name = "c" if not self.shifts else f"c{len(self.shifts) + 1}"
            self.shifts[node] = sp.Symbol(name)
        return self.shifts[node]

    def __call__(self, expr: sp.Basic) -> Value:
        if expr in self.env:
            return self.env[expr]
        if isinstance(expr, AxisShift):
            if self.shift_at_max and self.argmax is not None:
                # the code reads the shift at the argmax: in the case "the max is entry m", c = x_m
                x = self(expr.args[0])
                if _kind(x) != "vector":
                    raise ProofSetupError(f"{expr} needs a vector")
                return x[self.argmax]
            return self.shift_symbol(expr)
        if isinstance(expr, MaxIndicator):
            if self.argmax is None:
                raise ProofSetupError("MaxIndicator needs the position of the max (a case per position)")
            return [sp.S.One if k == self.argmax else sp.S.Zero for k in range(self.n)]
        if isinstance(expr, AxisSum):
            inner = self(expr.args[0])
            if _kind(inner) != "vector":
                raise ProofSetupError(f"{expr} sums something that is not a vector")
            return sp.Add(*inner)
        if isinstance(expr, Outer):
            a, b = self(expr.args[0]), self(expr.args[1])
            if _kind(a) != "vector" or _kind(b) != "vector":
                raise ProofSetupError(f"{expr} needs two vectors")
            return [[a[i] * b[j] for j in range(self.n)] for i in range(self.n)]
        if isinstance(expr, ReplaceAtMax):
            x, v = self(expr.args[0]), self(expr.args[1])
            if self.argmax is None or _kind(x) != "vector" or _kind(v) != "scalar":
                raise ProofSetupError(f"{expr} needs a vector, a per-row value and the position of the max")
            return [v if k == self.argmax else x[k] for k in range(self.n)]
        if isinstance(expr, WithDiagonal):
            m, d = self(expr.args[0]), self(expr.args[1])
            if _kind(m) != "matrix" or _kind(d) != "vector":
                raise ProofSetupError(f"{expr} needs a matrix and a vector")
            return [[d[i] if i == j else m[i][j] for j in range(self.n)] for i in range(self.n)]
        if not expr.args:
            return expr
        return _combine(expr.func, [self(arg) for arg in expr.args], self.n)

    def bind(self, name: sp.Symbol, expr: sp.Expr) -> None:
        self.env[name] = self(expr)


def component_symbols(name: str, n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}{k}") for k in range(1, n + 1)]


def uses_argmax(spec: NumericSpec) -> bool:
    """Whether the claims depend on where the max is (one claim set per position)."""
    exprs = [e for _, e in spec.steps] + [spec.result]
    return any(e.has(MaxIndicator, ReplaceAtMax) for e in exprs)


def shift_is_max(spec: NumericSpec) -> bool:
    """Whether the stable form is right only for c = max (it writes a value at the max that
    assumes exp(z_m - c) = 1); otherwise the shift c stays a free symbol in the claims."""
    exprs = [e for _, e in spec.steps] + [spec.result]
    return any(e.has(ReplaceAtMax) for e in exprs)


def scalarised(spec: NumericSpec, n: int = N_CLASSES, argmax: int | None = None
               ) -> tuple[list[tuple[str, sp.Expr, sp.Expr]], dict[str, str]]:
    """(entry label, stable, textbook) triples and the domains of the scalar variables."""
    domains: dict[str, str] = {}
    env: dict[sp.Basic, Value] = {}
    inputs: list[Value] = []
    for param in spec.params:
        if spec.kind == "axis":
            comps = component_symbols(param.name, n)
            for sym in comps:
                domains[sym.name] = param.domain
            env[param.symbol] = comps
            inputs.append(comps)
        else:
            domains[param.name] = param.domain
            env[param.symbol] = param.symbol
            inputs.append(param.symbol)
    reader = Scalariser(env, n, argmax, shift_at_max=shift_is_max(spec))
    for name, value in spec.steps:
        reader.bind(name, value)
    stable = reader(spec.result)
    textbook = spec.textbook(*inputs)
    for shift in reader.shifts.values():
        domains[shift.name] = "real"
    if spec.output == "matrix":
        matrix = sp.Matrix(textbook)
        pairs = [(f"entry ({i + 1},{j + 1})", stable[i][j], matrix[i, j]) for i in range(n) for j in range(n)]
    elif spec.kind == "axis" and spec.output == "same":
        pairs = [(f"entry {k + 1}", stable[k], textbook[k]) for k in range(n)]
    else:
        pairs = [("", stable, textbook)]
    return pairs, domains


# -- cases ---------------------------------------------------------------------------------

def _as_piecewise(expr: sp.Expr) -> sp.Expr:
    """Abs, Max and Min as Piecewise, so that their cases are split like any other."""
    def rewrite(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.Abs):
            a = node.args[0]
            return sp.Piecewise((a, a >= 0), (-a, True))
        if isinstance(node, sp.Max | sp.Min) and len(node.args) == 2:
            a, b = node.args
            return sp.Piecewise((a, a >= b if isinstance(node, sp.Max) else a <= b), (b, True))
        return node
    return expr.replace(lambda node: isinstance(node, sp.Abs | sp.Max | sp.Min), rewrite)


def _domain_set(domain: Domain) -> sp.Set:
    if domain.kind == "real":
        return sp.S.Reals
    if domain.kind == "positive":
        return sp.Interval.open(0, sp.oo)
    if domain.kind == "nonnegative":
        return sp.Interval(0, sp.oo)
    if domain.kind == "negative":
        return sp.Interval.open(-sp.oo, 0)
    if domain.kind == "interval":
        return sp.Interval(domain.lower, domain.upper, not domain.lower_closed, not domain.upper_closed)
    raise ProofSetupError(f"cannot split the domain {domain} into cases")


def _pieces(whole: sp.Set, cuts: Iterable[sp.Set]) -> list[sp.Set]:
    pieces = [whole]
    for cut in cuts:
        refined = []
        for piece in pieces:
            for part in (piece.intersect(cut), piece - cut):
                if part is sp.S.EmptySet:
                    continue
                if isinstance(part, sp.Union):
                    refined.extend(part.args)
                elif isinstance(part, sp.FiniteSet):
                    refined.extend(sp.FiniteSet(point) for point in part)
                elif isinstance(part, sp.Interval):
                    refined.append(part)
                else:
                    raise ProofSetupError(f"cannot split into cases along {part}")
        pieces = refined
    return sorted(pieces, key=lambda piece: (piece.inf, 0 if isinstance(piece, sp.FiniteSet) else 1))


def _bound(value: sp.Expr) -> str:
    return "oo" if value is sp.S.Infinity else "-oo" if value is sp.S.NegativeInfinity else str(value)


def _domain_text(piece: sp.Interval) -> str:
    left = "(" if piece.left_open else "["
    right = ")" if piece.right_open else "]"
    return f"{left}{_bound(piece.start)}, {_bound(piece.end)}{right}"


def describe(name: str, piece: sp.Set) -> str:
    """'z < 0', 'z = 0', '1/4 <= p < 1'."""
    if isinstance(piece, sp.FiniteSet):
        return f"{name} = {next(iter(piece))}"
    lo, hi = piece.start, piece.end
    lower = "<" if piece.left_open else "<="
    upper = "<" if piece.right_open else "<="
    if lo is sp.S.NegativeInfinity:
        return f"{name} {upper} {hi}"
    if hi is sp.S.Infinity:
        return f"{name} {'>' if piece.left_open else '>='} {lo}"
    return f"{lo} {lower} {name} {upper} {hi}"


def _conditions(expr: sp.Expr) -> dict[sp.Symbol, list[sp.Set]]:
    by_variable: dict[sp.Symbol, list[sp.Set]] = {}
    for piecewise in expr.atoms(sp.Piecewise):
        for _, cond in piecewise.args:
            if cond is sp.true:
                continue
            variables = cond.free_symbols
            if len(variables) != 1:
                raise ProofSetupError(f"case condition {cond} must involve exactly one variable")
            (variable,) = variables
            cut = cond.as_set()
            if cut not in by_variable.setdefault(variable, []):
                by_variable[variable].append(cut)
    return by_variable


def _select(expr: sp.Expr, pieces: Mapping[sp.Symbol, sp.Set]) -> sp.Expr:
    """Replace each Piecewise by the branch whose condition holds on the whole case."""
    def choose(node: sp.Piecewise) -> sp.Expr:
        for value, cond in node.args:
            if cond is sp.true:
                return value
            if cond is sp.false:
                continue
            (variable,) = cond.free_symbols
            cut = cond.as_set()
            piece = pieces[variable]
            if piece.is_subset(cut):
                return value
            if piece.intersect(cut) is not sp.S.EmptySet:
                raise ProofSetupError(f"the case {piece} does not decide {cond}")
        raise ProofSetupError(f"no branch of {node} holds")
    return expr.replace(lambda node: isinstance(node, sp.Piecewise), choose)


def _elementary(expr: sp.Expr) -> sp.Expr:
    """log1p as log(1 + x): the engine's evaluator and rungs know log."""
    return expr.replace(lambda node: isinstance(node, log1p), lambda node: sp.log(1 + node.args[0]))


def split_cases(function: str, entry: str, stable: sp.Expr, textbook: sp.Expr,
                domains: Mapping[str, str]) -> list[Obligation]:
    stable = _as_piecewise(stable)
    conditions = _conditions(stable)
    if not conditions:
        return [Obligation(function, entry, "", _elementary(stable), textbook, dict(domains))]
    variables = sorted(conditions, key=lambda v: v.name)
    choices = []
    for variable in variables:
        whole = _domain_set(parse_domain(domains.get(variable.name, "real")))
        choices.append(_pieces(whole, conditions[variable]))
    obligations = []
    for combo in itertools.product(*choices):
        case_domains = dict(domains)
        points: dict[sp.Symbol, sp.Expr] = {}
        for variable, piece in zip(variables, combo):
            if isinstance(piece, sp.FiniteSet):
                points[variable] = next(iter(piece))
                case_domains.pop(variable.name, None)
            else:
                case_domains[variable.name] = _domain_text(piece)
        chosen = _select(stable, dict(zip(variables, combo)))
        case = ", ".join(describe(v.name, piece) for v, piece in zip(variables, combo))
        obligations.append(Obligation(function, entry, case, _elementary(chosen.subs(points)),
                                      textbook.subs(points), case_domains))
    return obligations


def obligations(spec: NumericSpec, n: int = N_CLASSES) -> list[Obligation]:
    """Every claim needed to trust ``spec``'s stable form."""
    positions: list[int | None] = list(range(n)) if uses_argmax(spec) else [None]
    result: list[Obligation] = []
    for position in positions:
        pairs, domains = scalarised(spec, n, position)
        for entry, stable, textbook in pairs:
            if position is not None:
                entry = ", ".join(part for part in (entry, f"max at entry {position + 1}") if part)
            result.extend(split_cases(spec.name, entry, sp.sympify(stable), sp.sympify(textbook), domains))
    return result


def case_summary(spec: NumericSpec) -> list[str]:
    """The case split of a spec for its docstring: ['z < 0', 'z = 0', 'z > 0'] (per variable)."""
    first = 0 if uses_argmax(spec) else None
    pairs, domains = scalarised(spec, 1, first) if spec.kind == "axis" else scalarised(spec)
    stable = _as_piecewise(sp.sympify(pairs[0][1]))
    summary = []
    for variable, cuts in sorted(_conditions(stable).items(), key=lambda item: item[0].name):
        name = variable.name[:-1] + "_k" if spec.kind == "axis" else variable.name
        whole = _domain_set(parse_domain(domains.get(variable.name, "real")))
        summary.append(", ".join(describe(name, piece) for piece in _pieces(whole, cuts)))
    return summary


def prove(obligation: Obligation, budget: float = BUDGET) -> ProofRecord:
    verdict = equivalent(obligation.stable, obligation.textbook, obligation.domains, budget=budget)
    return ProofRecord(obligation, verdict)


def prove_spec(spec: NumericSpec, budget: float = BUDGET) -> list[ProofRecord]:
    return [prove(ob, budget) for ob in obligations(spec)]
