#!/usr/bin/env python
"""Independent ground truth for ``workings.jsonl`` (SymPy and mpmath only, no derivkit).

Each record is a student's working labelled with ``first_wrong_line`` and ``final_correct``;
its ``sympy`` field describes every line in plain SymPy syntax (``sigma(z)`` = 1/(1+exp(-z))).
The lines are replayed and both labels recomputed. An ``expression``/``tuple`` line must equal
the previous value of its chain (``label``: a bound name's value; ``start``: a new chain). A
``definition`` binds names (``L``, ``p1``) or functions (``f(x)``, ``h(u, v)``) substituted into
later lines; a ``given`` substitutes a value. A ``derivative`` (``of``, ``wrt``, ``order``,
``at``) must equal the true derivative of what it names (a bound name in ``wrt``, as in dL/dp
with p = sigma(z), is held fixed; a list ``wrt`` is a gradient). An ``equation`` (``lhs``,
``rhs``, unknown ``var``) must have the previous equation's solution set on the unknown's
domain (``solveset`` at sampled values of the other symbols, a numeric root scan when it gives
up); a grown set is ``implies``, a shrunk one ``implied_by``, both wrong unless the line says
``accept`` (squaring, then checking). ``then`` holds further forms (``a = b = c``).

Equality is decided at random points of the domains at 50 digits (``tol`` relaxes it for
rounded decimals) and cross-checked with ``sympy.simplify``; a refutation that ``simplify``
contradicts leaves the line undecided, which is reported. The last math line is compared with
``expected`` and with what the start of its chain implies.

    python tests/data/workings/verify_ground_truth.py [-v] [workings.jsonl]

Prints one line per disagreement and a summary; exits 0 only when every record agrees.
"""

from __future__ import annotations

import json
import random
import re
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import mpmath
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

DPS = 50
TOLERANCE = sp.Float(10, DPS) ** -35
TRANSFORMS = (*standard_transformations, rationalize)
_T = sp.Symbol("t", real=True)
BUILTINS: dict[str, sp.Lambda] = {"sigma": sp.Lambda(_T, 1 / (1 + sp.exp(-_T)))}
RESERVED = {"pi", "E", "oo", "I"}
MISTAKES = {"sign_error", "missing_inner_derivative", "log_of_sum_split", "wrong_exponent", "dropped_term",
            "one_side_only", "solutions_lost_by_division", "solutions_gained_by_squaring", "arithmetic_slip", "other"}
KINDS = {"expression", "equation", "definition", "derivative", "given", "tuple"}
SET_VERDICT = {"solutions_gained_by_squaring": "implies", "solutions_lost_by_division": "implied_by"}
Value = tuple[sp.Expr, ...]
Solutions = list[sp.Expr] | str  # numeric solutions, or "all"


class Domain:
    """One of the contract's domain strings: SymPy assumptions, a set, membership and a sampler."""

    INTERVAL = re.compile(r"^([(\[])\s*(-?[\d./]+)\s*,\s*(-?[\d./]+)\s*([)\]])$")

    def __init__(self, spec: str) -> None:
        self.spec = spec.strip()
        match = self.INTERVAL.match(self.spec)
        if not match and self.spec not in {"real", "positive", "negative", "nonnegative", "nonzero", "integer"}:
            raise ValueError(f"unknown domain {spec!r}")
        self.bounds = (sp.Rational(match.group(2)), sp.Rational(match.group(3))) if match else None
        self.closed = (match.group(1) == "[", match.group(4) == "]") if match else (False, False)

    def assumptions(self) -> dict[str, bool]:
        if self.bounds is None:
            return {"nonzero": True, "real": True} if self.spec == "nonzero" else {self.spec: True}
        low = self.bounds[0]
        if low > 0 or (low == 0 and not self.closed[0]):
            return {"positive": True}
        return {"nonnegative": True} if low == 0 else {"real": True}

    def as_set(self) -> sp.Set:
        if self.bounds is not None:
            return sp.Interval(*self.bounds, left_open=not self.closed[0], right_open=not self.closed[1])
        return {"positive": sp.Interval.open(0, sp.oo), "negative": sp.Interval.open(-sp.oo, 0), "integer": sp.Integers,
                "nonnegative": sp.Interval(0, sp.oo), "nonzero": sp.Reals - sp.FiniteSet(0)}.get(self.spec, sp.Reals)

    def contains(self, value: sp.Expr) -> bool:
        """Is a (real) numeric value in the domain?"""
        return bool(abs(sp.im(value)) < TOLERANCE and self.as_set().contains(sp.re(value)))

    def sample(self, rng: random.Random) -> sp.Rational:
        if self.bounds is not None:
            low, high = self.bounds
            return low + (high - low) * sp.Rational(rng.randint(1, 36), 37)
        if self.spec == "integer":
            return sp.Integer(rng.randint(-4, 5))
        sign = {"positive": 1, "nonnegative": 1, "negative": -1}.get(self.spec, rng.choice((-1, 1)))
        return sign * sp.Rational(rng.randint(2, 100), 37)


@dataclass
class Env:
    """What the lines read so far have bound: symbols, functions, names, given values."""

    domains: dict[str, Domain]
    rng: random.Random
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    funcs: dict[str, sp.Lambda] = field(default_factory=dict)
    raw: dict[str, sp.Expr] = field(default_factory=dict)  # bound names, bodies not yet expanded
    givens: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    solved: dict[tuple[sp.Expr, sp.Symbol], Solutions] = field(default_factory=dict)
    fixed: dict[frozenset[sp.Symbol], list[dict[sp.Symbol, sp.Rational]]] = field(default_factory=dict)

    def sym(self, name: str) -> sp.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sp.Symbol(name, **self.domain(name).assumptions())
        return self.symbols[name]

    def domain(self, name: str) -> Domain:
        return self.domains.get(name, Domain("real"))

    def expand(self, expr: sp.Expr, keep: frozenset[str] = frozenset()) -> sp.Expr:
        """Substitute the bound names' definitions (except those in keep) until none is left."""
        table = {self.sym(name): body for name, body in self.raw.items() if name not in keep}
        for _ in range(10):
            expr, before = expr.xreplace(table), expr
            if expr == before:
                return expr
        raise ValueError("circular definitions")

    def parse(self, text: str, keep: frozenset[str] = frozenset()) -> sp.Expr:
        """A line's SymPy text, with functions applied and bound names (except keep) substituted."""
        local: dict[str, Any] = {}
        for match in re.finditer(r"([A-Za-z_]\w*)(\s*\()?", text):
            name, call = match.groups()
            if call and name in self.funcs:
                local[name] = self.funcs[name]
            elif call and name in BUILTINS:
                local[name] = BUILTINS[name]
            elif not call and name in self.raw and name not in keep:
                local[name] = self.expand(self.sym(name), keep)
            elif not call and name not in RESERVED:
                local[name] = self.sym(name)
        expr = sp.sympify(parse_expr(text, local_dict=local, transformations=TRANSFORMS))
        return self.expand(expr.doit(), keep)

    def value(self, item: str | list[str]) -> Value:
        return tuple(self.parse(i) for i in item) if isinstance(item, list) else (self.parse(item),)

    def substitute(self, expr: sp.Expr) -> sp.Expr:
        for _ in range(5):
            expr = expr.xreplace(self.givens)
        return expr

    def point(self, exprs: list[sp.Expr]) -> dict[sp.Symbol, sp.Rational]:
        free = sorted(set().union(*(e.free_symbols for e in exprs)), key=str)
        return {s: self.domain(s.name).sample(self.rng) for s in free}

    def parameter_points(self, exprs: list[sp.Expr], var: sp.Symbol) -> list[dict[sp.Symbol, sp.Rational]]:
        """The same few points of the parameters for every equation of a record."""
        free = frozenset(set().union(*(self.substitute(e).free_symbols for e in exprs)) - {var})
        if free not in self.fixed:
            self.fixed[free] = [self.point(list(free)) for _ in range(5 if free else 1)]
        return self.fixed[free]


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the block after `seconds` (simplify and solveset can run for ever)."""
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def numeric(expr: sp.Expr, point: dict[sp.Symbol, sp.Rational]) -> sp.Expr | None:
    """The value at a point to 50 digits, or None where it is undefined."""
    try:
        value = sp.N(expr.xreplace(point), DPS)
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    return value if value.is_number and value.is_finite else None


def equal(a: sp.Expr, b: sp.Expr, env: Env, tol: float | None = None) -> str:
    """'proved', 'numeric', 'refuted' or 'unknown': is a = b on the domains (givens substituted)?"""
    a, b = env.substitute(a), env.substitute(b)
    limit = sp.Float(tol, DPS) if tol else TOLERANCE
    checked, refuted = 0, False
    for _ in range(40):
        point = env.point([a, b])
        va, vb = numeric(a, point), numeric(b, point)
        if va is not None and vb is not None:
            refuted, checked = bool(abs(va - vb) > limit * max(1, abs(va), abs(vb))), checked + 1
            if refuted or checked >= (6 if point else 1):
                break
    if checked == 0:
        return "unknown"
    if tol:
        return "refuted" if refuted else "numeric"
    try:
        with time_limit(10):
            proved = sp.simplify((a - b).rewrite(sp.exp)) == 0
    except TimeoutError:
        proved = False
    if refuted:
        return "unknown" if proved else "refuted"
    return "proved" if proved else "numeric"


def compare_values(a: Value, b: Value, env: Env, tol: float | None = None) -> str:
    """'ok', 'wrong' or 'unknown' for two scalars or vectors."""
    if len(a) != len(b):
        return "wrong"
    verdicts = {equal(x, y, env, tol) for x, y in zip(a, b, strict=True)}
    return "wrong" if "refuted" in verdicts else "unknown" if "unknown" in verdicts else "ok"


def roots_by_scanning(expr: sp.Expr, var: sp.Symbol, domain: Domain) -> list[sp.Expr]:
    """Real roots of a one-variable expression: sign changes on a fine grid, refined at 50 digits."""
    low, high = (float(b) for b in domain.bounds) if domain.bounds else (-30.0, 30.0)
    f = sp.lambdify(var, expr, "mpmath")

    def real(x: float) -> float | None:
        try:
            y = mpmath.mpc(f(mpmath.mpf(x)))
        except (ZeroDivisionError, ValueError, TypeError):
            return None
        return float(y.real) if abs(y.imag) < 1e-12 and mpmath.isfinite(y.real) else None

    grid = [low + (high - low) * (2 * i + 1) / 8000 for i in range(4000)]
    points = [(x, real(x)) for x in grid]
    found: list[sp.Expr] = []
    for (a, ya), (b, yb) in pairwise(points):
        if ya is not None and yb is not None and ya * yb <= 0:
            with mpmath.workdps(DPS):
                root = sp.Float(mpmath.findroot(f, (a, b), solver="anderson"), DPS)
            if all(abs(root - r) > 1e-20 for r in found):
                found.append(root)
    return found


def solutions(eq: sp.Expr, var: sp.Symbol, env: Env, point: dict[sp.Symbol, sp.Rational]) -> Solutions:
    """The solutions of eq = 0 in var's domain at a point of the parameters (cached)."""
    domain, expr = env.domain(var.name), env.substitute(eq).xreplace(point)
    if (expr, var) not in env.solved:
        try:
            with time_limit(2):
                found = sp.solveset(expr, var, sp.Reals)
                if not isinstance(found, sp.FiniteSet) and found != sp.Reals:
                    found = sp.solveset(expr, var, domain.as_set())
        except TimeoutError:
            found = None
        values = [numeric(s, {}) for s in found] if isinstance(found, sp.FiniteSet) else [None]
        if found == sp.Reals:
            env.solved[expr, var] = "all"
        else:
            kept = values if None not in values else roots_by_scanning(expr, var, domain)
            env.solved[expr, var] = [v for v in kept if v is not None and domain.contains(v)]
    return env.solved[expr, var]


def compare_sets(old: Solutions, new: Solutions) -> str:
    """'equivalent', 'implies' (new has more), 'implied_by' (new has fewer) or 'wrong'."""
    if isinstance(old, str) or isinstance(new, str):
        return "equivalent" if old == new else ("implies" if new == "all" else "implied_by")

    def within(xs: list[sp.Expr], ys: list[sp.Expr]) -> bool:
        return all(any(abs(x - y) < TOLERANCE for y in ys) for x in xs)

    return {(True, True): "equivalent", (True, False): "implies", (False, True): "implied_by"}.get(
        (within(old, new), within(new, old)), "wrong")


def relation(old: sp.Expr, new: sp.Expr | list[sp.Expr], var: sp.Symbol, env: Env) -> str:
    """How the solutions of `new` (an equation, or a list of values) relate to those of `old`."""
    seen = set()
    for point in env.parameter_points([old, *(new if isinstance(new, list) else [new])], var):
        if isinstance(new, list):
            target: Solutions = [v for v in (numeric(env.substitute(e), point) for e in new) if v is not None]
        else:
            target = solutions(new, var, env, point)
        seen.add(compare_sets(solutions(old, var, env, point), target))
    if "wrong" in seen or {"implies", "implied_by"} <= seen:
        return "wrong"
    return "equivalent" if seen == {"equivalent"} else (seen - {"equivalent"}).pop()


@dataclass
class Chain:
    """The state the next line is checked against."""

    value: Value | None = None  # the previous expression (or vector) of the chain
    anchor: Value | None = None  # what the chain started from: its right final answer
    eq: sp.Expr | None = None  # the current equation, as lhs - rhs
    eq_lhs: sp.Expr | None = None
    eq_anchor: sp.Expr | None = None
    var: sp.Symbol | None = None
    mode: str = "expr"  # "eq" while an equation is being solved
    tol: float | None = None


def worst(*verdicts: str) -> str:
    """The most serious of some line verdicts."""
    return next((v for v in ("wrong", "unknown", "implies", "implied_by") if v in verdicts), "ok")


def then_forms(line: dict, first: Value, env: Env, tol: float | None) -> tuple[Value, str]:
    """Check each further form of the line (a = b = c) against the one before; return the last."""
    current, verdict = first, "ok"
    for item in line.get("then", []):
        form = env.value(item)
        verdict, current = worst(verdict, compare_values(form, current, env, tol)), form
    return current, verdict


def check_line(line: dict, env: Env, chain: Chain) -> str:
    """Verdict of one line ('ok', 'wrong', 'implies', 'implied_by', 'unknown'); updates the chain."""
    kind, tol = line["kind"], line.get("tol")
    chain.tol = tol
    if kind == "given":
        for item in line.get("items", [line]):
            env.givens[env.sym(item["name"])] = env.parse(item["value"])
        return "ok"
    if kind == "definition":
        for item in line.get("items", [line]):
            body = env.parse(item["expr"], keep=frozenset(env.raw) | {item["name"]})
            if item.get("args"):
                env.funcs[item["name"]] = sp.Lambda(tuple(env.sym(a) for a in item["args"]), body)
            else:
                env.raw[item["name"]] = body
            chain.anchor = first = (env.expand(body),)
        chain.value, verdict = then_forms(line, first, env, tol)
        chain.mode = "expr"
        return verdict
    if kind == "derivative":
        wrt = line["wrt"] if isinstance(line["wrt"], list) else [line["wrt"]]
        of = env.parse(line["of"], keep=frozenset(wrt) & frozenset(env.raw))
        at = {env.sym(k): env.parse(v) for k, v in line.get("at", {}).items()}
        true = tuple(env.expand(sp.diff(of, *[env.sym(w)] * line.get("order", 1))).subs(at) for w in wrt)
        written = env.value(line["items"]) if "items" in line else env.value(line["rhs"]) if "rhs" in line else true
        chain.anchor, chain.mode = true, "expr"
        chain.value, later = then_forms(line, written, env, tol)
        return worst(compare_values(written, true, env, tol), later)
    if kind in {"expression", "tuple"}:
        value = env.value(line["items"] if kind == "tuple" else line["expr"])
        if "label" in line:
            verdict = compare_values(value, env.value(line["label"]), env, tol)
        elif line.get("start") or chain.value is None:
            verdict, chain.anchor, chain.mode = "ok", value, "expr"
        else:
            verdict = compare_values(value, chain.value, env, tol)
        chain.value, later = then_forms(line, value, env, tol)
        if chain.mode == "eq" and chain.eq_lhs is not None:
            chain.eq = chain.eq_lhs - chain.value[0]
        return worst(verdict, later)
    if kind == "equation":
        lhs, rhs, var = env.parse(line["lhs"]), env.parse(line["rhs"]), env.sym(line["var"])
        if line.get("start") or chain.eq is None:
            verdict, chain.eq_anchor = "ok", lhs - rhs
        else:
            found = relation(chain.eq, lhs - rhs, var, env)
            accepted = found == line.get("accept")
            verdict = "ok" if found == "equivalent" else f"ok ({found}, accepted)" if accepted else found
        chain.value, later = then_forms(line, (rhs,), env, tol)
        chain.eq, chain.eq_lhs, chain.var, chain.mode = lhs - chain.value[0], lhs, var, "eq"
        return verdict if later == "ok" else worst(verdict, later)
    raise ValueError(f"unknown line kind {kind!r}")


def split_top(text: str) -> list[str]:
    """Split at the commas outside brackets."""
    depths = [text[:i].count("(") - text[:i].count(")") for i in range(len(text))]
    cuts = [-1, *(i for i, c in enumerate(text) if c == "," and depths[i] == 0), len(text)]
    return [text[a + 1:b] for a, b in pairwise(cuts)]


def final_verdict(record: dict, env: Env, chain: Chain) -> tuple[bool | None, bool]:
    """(final answer equals `expected`, or None without one; final answer equals the chain's anchor)."""
    text = (record["expected"] or "").replace("^", "**").strip()
    is_group = text[:1] in "({" and text[-1:] in ")}" and len(split_top(text[1:-1])) > 1
    expected = [env.parse(t) for t in split_top(text[1:-1] if is_group else text)] if text else []
    if chain.mode == "eq" and chain.eq is not None and chain.var is not None and chain.eq_anchor is not None:
        by_expected = relation(chain.eq, expected, chain.var, env) == "equivalent" if expected else None
        return by_expected, relation(chain.eq_anchor, chain.eq, chain.var, env) == "equivalent"
    if chain.value is None or chain.anchor is None:
        raise ValueError("the working has no math line")
    by_expected = compare_values(chain.value, tuple(expected), env, chain.tol) == "ok" if expected else None
    return by_expected, compare_values(chain.value, chain.anchor, env, chain.tol) == "ok"


def verify(record: dict, verbose: bool = False) -> list[str]:
    """The disagreements between a record's labels and the recomputed ones."""
    rid, problems = record["id"], []
    lines, specs, labelled = record["working"].split("\n"), record["sympy"], record["first_wrong_line"]
    if len(lines) != len(specs):
        return [f"{rid}: {len(lines)} working lines but {len(specs)} sympy entries"]
    if record["syntax"] not in {"text", "latex"} or record["mistake"] not in MISTAKES | {None}:
        problems.append(f"{rid}: bad syntax or mistake field")
    if (record["mistake"] is None) != (labelled is None):
        problems.append(f"{rid}: mistake and first_wrong_line must be null together")
    env = Env({k: Domain(v) for k, v in record["assume"].items()}, random.Random(rid))
    for name, value in record["given"].items():
        env.givens[env.sym(name)] = env.parse(value)
    chain, verdicts, first_wrong = Chain(), {}, None
    for number, (text, spec) in enumerate(zip(lines, specs, strict=True), start=1):
        if spec is None:
            continue
        if not text.strip() or spec.get("kind") not in KINDS:
            problems.append(f"{rid}: line {number} is blank or has an unknown kind")
        verdicts[number] = verdict = check_line(spec, env, chain)
        if verbose or verdict.startswith("ok ("):
            print(f"  {rid}:{number:<3} {verdict:<10} {text}")
        if verdict == "unknown":
            problems.append(f"{rid}: line {number} could not be decided")
        if not verdict.startswith("ok") and first_wrong is None:
            first_wrong = number
    if first_wrong != labelled:
        problems.append(f"{rid}: first wrong line is {first_wrong}, the record says {labelled}")
    elif labelled is not None and SET_VERDICT.get(record["mistake"], verdicts[labelled]) != verdicts[labelled]:
        problems.append(f"{rid}: line {labelled} is {verdicts[labelled]}, not {record['mistake']}")
    by_expected, by_anchor = final_verdict(record, env, chain)
    final = by_anchor if by_expected is None else by_expected
    if final != record["final_correct"]:
        problems.append(f"{rid}: final answer correct is {final}, the record says {record['final_correct']}")
    if by_expected is not None and by_expected != by_anchor:
        problems.append(f"{rid}: expected disagrees with what the working's chain starts from")
    return problems


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    path = Path(paths[0]) if paths else Path(__file__).with_name("workings.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = [f"{rid}: id used {n} times" for rid, n in Counter(r["id"] for r in records).items() if n > 1]
    for record in records:
        try:
            problems += verify(record, verbose)
        except Exception as error:  # report it and go on with the other records
            problems.append(f"{record.get('id', '?')}: {type(error).__name__}: {error}")
    for problem in problems:
        print(problem)
    kinds = Counter(s["kind"] for r in records for s in r["sympy"] if s)
    mistakes = Counter(r["mistake"] for r in records if r["mistake"])
    latex = sum(r["syntax"] == "latex" for r in records)
    lucky = sum(r["final_correct"] and r["first_wrong_line"] is not None for r in records)
    print(f"{len(records)} records ({latex} LaTeX), {sum(mistakes.values())} with a mistake, "
          f"{lucky} reaching a right answer through a wrong line")
    print("mistakes: " + ", ".join(f"{k} {v}" for k, v in sorted(mistakes.items())))
    print("line kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    disagreeing = len({p.split(":")[0] for p in problems})
    print(f"{len(records) - disagreeing}/{len(records)} records agree with their labels")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
