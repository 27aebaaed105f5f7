#!/usr/bin/env python
"""Independent ground truth for ``workings.jsonl`` (SymPy and mpmath only, no derivkit).

Every record is a student's working with the labels ``first_wrong_line`` and
``final_correct``; its ``sympy`` field describes each line in plain SymPy syntax. This
script replays the lines and recomputes both labels:

* an ``expression`` (or ``tuple``) line must equal the previous value of its chain on the
  domain (a ``label`` compares it with a bound name instead; ``start`` opens a new chain);
* a ``definition`` binds names (``L``, ``p1``) or functions (``f(x)``, ``h(u, v)``), whose
  bodies are substituted into every later line; a ``given`` substitutes a value;
* a ``derivative`` (``of``, ``wrt``, optional ``order``/``at``) must equal the true
  derivative of what it names, definitions substituted; a list ``wrt`` is a gradient;
* an ``equation`` (``lhs``, ``rhs``, unknown ``var``) must have the same solution set on the
  unknown's domain as the previous equation, compared with ``solveset`` at sampled values
  of the other symbols; a grown set is ``implies``, a shrunk one ``implied_by``, both wrong
  unless the line says ``accept`` (a squaring followed by a check, say);
* ``then`` lists further forms of the same line (``a = b = c``), each equal to the one before.

Equality is decided numerically at random points of the domains with mpmath at 50 digits
(``tol`` relaxes this for rounded decimals), and cross-checked with ``sympy.simplify``: a
symbolic proof that a numeric refutation contradicts is reported. The final answer (last
math line) is compared with ``expected``, and with what the working's own question (the
start of its last chain) implies. Usage::

    python tests/data/workings/verify_ground_truth.py [-v] [workings.jsonl]

One line per disagreement, then a summary; exit status 0 only when every record agrees.
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
from pathlib import Path
from typing import Any

import mpmath
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

DPS = 50
TOLERANCE = sp.Float(10, DPS) ** -35
TRANSFORMS = standard_transformations + (rationalize,)
_T = sp.Symbol("t", real=True)
BUILTINS: dict[str, Any] = {"sigma": sp.Lambda(_T, 1 / (1 + sp.exp(-_T)))}
RESERVED = {"pi", "E", "oo", "I"}
MISTAKES = {"sign_error", "missing_inner_derivative", "log_of_sum_split", "wrong_exponent", "dropped_term",
            "one_side_only", "solutions_lost_by_division", "solutions_gained_by_squaring", "arithmetic_slip",
            "other"}
KINDS = {"expression", "equation", "definition", "derivative", "given", "tuple"}
BAD = {"wrong", "unknown", "implies", "implied_by"}
Value = tuple[sp.Expr, ...]


class Domain:
    """One of the contract's domain strings: assumptions, a SymPy set and a sampler."""

    INTERVAL = re.compile(r"^([(\[])\s*(-?[\d./]+)\s*,\s*(-?[\d./]+)\s*([)\]])$")

    def __init__(self, spec: str) -> None:
        self.spec = spec.strip()
        match = self.INTERVAL.match(self.spec)
        self.bounds = (sp.Rational(match.group(2)), sp.Rational(match.group(3))) if match else None
        self.closed = (match.group(1) == "[", match.group(4) == "]") if match else (False, False)
        if not match and self.spec not in {"real", "positive", "negative", "nonnegative", "nonzero", "integer"}:
            raise ValueError(f"unknown domain {spec!r}")

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
        return {"positive": sp.Interval.open(0, sp.oo), "negative": sp.Interval.open(-sp.oo, 0),
                "nonnegative": sp.Interval(0, sp.oo), "integer": sp.Integers,
                "nonzero": sp.Reals - sp.FiniteSet(0)}.get(self.spec, sp.Reals)

    def contains(self, value: sp.Expr) -> bool:
        """Is a numeric value in the domain (to within the tolerance at the bounds)?"""
        if abs(sp.im(value)) > TOLERANCE:
            return False
        x = sp.re(value)
        if self.bounds is not None:
            (low, high), (left, right) = self.bounds, self.closed
            return (x > low + TOLERANCE or (left and x > low - TOLERANCE)) and (
                x < high - TOLERANCE or (right and x < high + TOLERANCE))
        if self.spec == "integer":
            return abs(x - sp.Integer(round(x))) < TOLERANCE
        return {"positive": x > TOLERANCE, "negative": x < -TOLERANCE, "nonnegative": x > -TOLERANCE,
                "nonzero": abs(x) > TOLERANCE}.get(self.spec, True)

    def sample(self, rng: random.Random) -> sp.Rational:
        if self.bounds is not None:
            low, high = self.bounds
            return low + (high - low) * sp.Rational(rng.randint(1, 36), 37)
        if self.spec == "integer":
            return sp.Integer(rng.randint(-4, 5))
        magnitude = sp.Rational(rng.randint(2, 100), 37)
        sign = {"positive": 1, "nonnegative": 1, "negative": -1}.get(self.spec, rng.choice((-1, 1)))
        return sign * magnitude


@dataclass
class Env:
    """What the lines read so far have bound: symbols, functions, names, given values."""

    domains: dict[str, Domain]
    rng: random.Random
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    funcs: dict[str, sp.Lambda] = field(default_factory=dict)
    raw: dict[str, sp.Expr] = field(default_factory=dict)
    givens: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    solved: dict[tuple, list[sp.Expr] | str] = field(default_factory=dict)
    fixed: dict[frozenset, list[dict]] = field(default_factory=dict)

    def sym(self, name: str) -> sp.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sp.Symbol(name, **self.domain(name).assumptions())
        return self.symbols[name]

    def domain(self, name: str) -> Domain:
        return self.domains.get(name, Domain("real"))

    def expand(self, expr: sp.Expr, keep: frozenset[str] = frozenset()) -> sp.Expr:
        """Substitute the bound names' definitions (not those in keep) until none is left."""
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
            expr, before = expr.xreplace(self.givens), expr
            if expr == before:
                break
        return expr

    def point(self, exprs: list[sp.Expr], skip: sp.Symbol | None = None) -> dict[sp.Symbol, sp.Rational]:
        free = sorted(set().union(*(e.free_symbols for e in exprs)) - {skip}, key=str)
        return {s: self.domain(s.name).sample(self.rng) for s in free}

    def points(self, exprs: list[sp.Expr], skip: sp.Symbol) -> list[dict[sp.Symbol, sp.Rational]]:
        """The same few parameter points for every equation of a record with these parameters."""
        free = frozenset(set().union(*(self.substitute(e).free_symbols for e in exprs)) - {skip})
        if free not in self.fixed:
            self.fixed[free] = [self.point([sp.Add(*free)]) for _ in range(5 if free else 1)]
        return self.fixed[free]


def numeric(expr: sp.Expr, point: dict[sp.Symbol, sp.Rational]) -> sp.Expr | None:
    try:
        value = sp.N(expr.xreplace(point), DPS)
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    return value if value.is_number and value.is_finite else None


def equal(a: sp.Expr, b: sp.Expr, env: Env, tol: float | None = None) -> str:
    """'proved', 'numeric', 'refuted' or 'unknown': is a = b at the domain's points?"""
    a, b = env.substitute(a), env.substitute(b)
    limit = sp.Float(tol, DPS) if tol else TOLERANCE
    checked = 0
    for _ in range(40):
        point = env.point([a, b])
        va, vb = numeric(a, point), numeric(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > limit * max(1, abs(va), abs(vb)):
            return "refuted"
        checked += 1
        if checked >= (6 if point else 1):
            break
    if checked == 0:
        return "unknown"
    if tol:
        return "numeric"
    try:
        proved = sp.simplify((a - b).rewrite(sp.exp)) == 0
    except Exception:  # noqa: BLE001 - the numeric verdict stands on its own
        proved = False
    return "proved" if proved else "numeric"


def equal_values(a: Value, b: Value, env: Env, tol: float | None = None) -> bool:
    return len(a) == len(b) and all(equal(x, y, env, tol) in {"proved", "numeric"} for x, y in zip(a, b))


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the block after `seconds` (solveset can run for ever)."""
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def roots_by_scanning(expr: sp.Expr, var: sp.Symbol, domain: Domain) -> list[sp.Expr]:
    """Real roots of a one-variable expression: sign changes and near-zero dips on a grid, refined at 50 digits."""
    low, high = (float(b) for b in domain.bounds) if domain.bounds else (-30.0, 30.0)
    f = sp.lambdify(var, expr, "mpmath")
    grid = [low + (high - low) * (i + 0.5) / 4000 for i in range(4000)]
    values = []
    for x in grid:
        try:
            y = f(mpmath.mpf(x))
            values.append(float(y) if abs(mpmath.im(y)) < 1e-12 else None)
        except (ZeroDivisionError, ValueError, TypeError):
            values.append(None)
    guesses = []
    for i in range(1, len(grid) - 1):
        y0, y1, y2 = values[i - 1:i + 2]
        if None in (y0, y1, y2):
            continue
        if y1 == 0 or y0 * y1 < 0 or (abs(y1) < 1e-4 and abs(y1) <= min(abs(y0), abs(y2))):
            guesses.append(grid[i])
    found: list[sp.Expr] = []
    with mpmath.workdps(DPS):
        for guess in guesses:
            try:
                root = mpmath.findroot(f, mpmath.mpf(guess))
            except (ValueError, ZeroDivisionError):
                continue
            value = sp.Float(mpmath.re(root), DPS)
            if abs(f(mpmath.re(root))) < 1e-30 and all(abs(value - r) > 1e-20 for r in found):
                found.append(value)
    return found


def solutions(eq: sp.Expr, var: sp.Symbol, env: Env, point: dict) -> list[sp.Expr] | str:
    """The numeric solutions of eq = 0 in var's domain at a point of the parameters, or 'all'."""
    domain = env.domain(var.name)
    expr = env.substitute(eq).xreplace(point)
    key = (expr, var)
    if key not in env.solved:
        env.solved[key] = _solutions(expr, var, domain)
    return env.solved[key]


def _solutions(expr: sp.Expr, var: sp.Symbol, domain: Domain) -> list[sp.Expr] | str:
    try:
        with time_limit(2):
            found = sp.solveset(expr, var, sp.Reals)
            if found == sp.Reals:
                return "all"
            if not isinstance(found, sp.FiniteSet):
                found = sp.solveset(expr, var, domain.as_set())
    except TimeoutError:
        found = None
    if isinstance(found, sp.FiniteSet) and all(numeric(s, {}) is not None for s in found):
        values = [numeric(s, {}) for s in found]
    else:
        values = roots_by_scanning(expr, var, domain)
    return [v for v in values if domain.contains(v)]


def compare_sets(old: list[sp.Expr] | str, new: list[sp.Expr] | str) -> str:
    if "unknown" in (old, new):
        return "unknown"
    if isinstance(old, str) or isinstance(new, str):
        return "equivalent" if old == new else ("implies" if new == "all" else "implied_by")

    def within(xs: list[sp.Expr], ys: list[sp.Expr]) -> bool:
        return all(any(abs(x - y) < TOLERANCE for y in ys) for x in xs)

    forward, backward = within(old, new), within(new, old)
    return {(True, True): "equivalent", (True, False): "implies", (False, True): "implied_by"}.get(
        (forward, backward), "wrong")


def relation(old: sp.Expr, new: sp.Expr | list[sp.Expr], var: sp.Symbol, env: Env) -> str:
    """How the solution set of `new` relates to that of the equation `old` (or to a list of values)."""
    seen = set()
    for point in env.points([old, *(new if isinstance(new, list) else [new])], skip=var):
        if isinstance(new, list):
            target: list[sp.Expr] | str = [numeric(env.substitute(v).xreplace(point), {}) for v in new]
        else:
            target = solutions(new, var, env, point)
        seen.add(compare_sets(solutions(old, var, env, point), target))
    for verdict in ("unknown", "wrong"):
        if verdict in seen:
            return verdict
    if seen == {"equivalent"}:
        return "equivalent"
    return "wrong" if {"implies", "implied_by"} <= seen else (seen - {"equivalent"}).pop()


@dataclass
class Chain:
    """The state a line is checked against."""

    value: Value | None = None
    anchor: Value | None = None
    eq: sp.Expr | None = None
    eq_lhs: sp.Expr | None = None
    eq_anchor: sp.Expr | None = None
    var: sp.Symbol | None = None
    mode: str = "expr"
    tol: float | None = None


def worst(*verdicts: str) -> str:
    for verdict in ("wrong", "unknown", "implies", "implied_by"):
        if verdict in verdicts:
            return verdict
    return "ok"


def ok(verdict: str) -> str:
    return {"proved": "ok", "numeric": "ok", "refuted": "wrong"}.get(verdict, verdict)


def then_forms(line: dict, first: Value, env: Env, tol: float | None) -> tuple[Value, str]:
    """Check each further form of the line (a = b = c) against the one before; return the last."""
    current, verdict = first, "ok"
    for item in line.get("then", []):
        form = env.value(item)
        verdict = worst(verdict, "ok" if equal_values(form, current, env, tol) else "wrong")
        current = form
    return current, verdict


def check_line(line: dict, env: Env, chain: Chain) -> str:
    """Verdict of one line ('ok', 'wrong', 'implies', 'implied_by', 'unknown'); updates chain."""
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
            chain.value = chain.anchor = (env.expand(body),)
        chain.value, verdict = then_forms(line, chain.value, env, tol)
        chain.mode = "expr"
        return verdict
    if kind == "derivative":
        wrt = line["wrt"] if isinstance(line["wrt"], list) else [line["wrt"]]
        of = env.parse(line["of"], keep=frozenset(wrt) & frozenset(env.raw))
        true = tuple(env.expand(sp.diff(of, *[env.sym(w)] * line.get("order", 1))) for w in wrt)
        at = {env.sym(k): env.parse(v) for k, v in line.get("at", {}).items()}
        true = tuple(t.subs(at) for t in true)
        written = env.value(line["items"]) if "items" in line else env.value(line["rhs"]) if "rhs" in line else true
        verdict = "ok" if equal_values(written, true, env, tol) else "wrong"
        chain.anchor, chain.mode = true, "expr"
        chain.value, later = then_forms(line, written, env, tol)
        return worst(verdict, later)
    if kind in {"expression", "tuple"}:
        value = env.value(line["items"] if kind == "tuple" else line["expr"])
        if "label" in line:
            verdict = "ok" if equal_values(value, env.value(line["label"]), env, tol) else "wrong"
        elif line.get("start") or chain.value is None:
            verdict, chain.anchor, chain.mode = "ok", value, "expr"
        else:
            verdict = "ok" if equal_values(value, chain.value, env, tol) else "wrong"
        chain.value, later = then_forms(line, value, env, tol)
        if chain.mode == "eq":
            assert chain.eq_lhs is not None
            chain.eq = chain.eq_lhs - chain.value[0]
        return worst(verdict, later)
    if kind == "equation":
        lhs, rhs, var = env.parse(line["lhs"]), env.parse(line["rhs"]), env.sym(line["var"])
        new = lhs - rhs
        if line.get("start") or chain.eq is None:
            verdict, chain.eq_anchor = "ok", new
        else:
            verdict = relation(chain.eq, new, var, env)
            if verdict == "equivalent" or line.get("accept") == verdict:
                verdict = "ok"
        chain.value, later = then_forms(line, (rhs,), env, tol)
        chain.eq, chain.eq_lhs, chain.var, chain.mode = lhs - chain.value[0], lhs, var, "eq"
        return worst(verdict, later)
    raise ValueError(f"unknown line kind {kind!r}")


def split_top(text: str) -> list[str]:
    """Split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def final_verdict(record: dict, env: Env, chain: Chain) -> tuple[bool, bool]:
    """(final answer equals expected, final answer equals what the last chain started from)."""
    text = (record["expected"] or "").replace("^", "**").strip()
    inner = text[1:-1] if text[:1] in "({" and text[-1:] in ")}" and len(split_top(text[1:-1])) > 1 else None
    expected = [env.parse(t) for t in split_top(inner)] if inner is not None else [env.parse(text)] if text else []
    if chain.mode == "eq":
        assert chain.eq is not None and chain.var is not None and chain.eq_anchor is not None
        by_expected = relation(chain.eq, expected, chain.var, env) == "equivalent" if expected else None
        return by_expected, relation(chain.eq_anchor, chain.eq, chain.var, env) == "equivalent"
    assert chain.value is not None and chain.anchor is not None
    by_expected = equal_values(chain.value, tuple(expected), env, chain.tol) if expected else None
    return by_expected, equal_values(chain.value, chain.anchor, env, chain.tol)


def verify(record: dict, verbose: bool = False) -> list[str]:
    """The disagreements between a record's labels and the recomputed ones."""
    rid, problems = record.get("id", "?"), []
    lines, specs = record["working"].split("\n"), record["sympy"]
    if len(lines) != len(specs):
        return [f"{rid}: {len(lines)} working lines but {len(specs)} sympy entries"]
    if record["syntax"] not in {"text", "latex"} or (record["mistake"] is not None and record["mistake"] not in MISTAKES):
        problems.append(f"{rid}: bad syntax or mistake field")
    if (record["mistake"] is None) != (record["first_wrong_line"] is None):
        problems.append(f"{rid}: mistake and first_wrong_line must be null together")
    env = Env({k: Domain(v) for k, v in record["assume"].items()}, random.Random(rid))
    for name, value in record["given"].items():
        env.givens[env.sym(name)] = env.parse(value)
    chain, verdicts, first_wrong = Chain(), [], None
    for number, (text, spec) in enumerate(zip(lines, specs), start=1):
        if spec is None:
            verdicts.append(None)
            continue
        if not text.strip() or spec.get("kind") not in KINDS:
            problems.append(f"{rid}: line {number} is blank or has an unknown kind")
        verdict = check_line(spec, env, chain)
        verdicts.append(verdict)
        if verbose:
            print(f"  {rid}:{number:<3} {verdict:<10} {text}")
        if verdict == "unknown":
            problems.append(f"{rid}: line {number} could not be decided")
        if verdict in BAD and first_wrong is None:
            first_wrong = number
    if first_wrong != record["first_wrong_line"]:
        problems.append(f"{rid}: first wrong line is {first_wrong}, the record says {record['first_wrong_line']}")
    else:
        wanted = {"solutions_gained_by_squaring": "implies", "solutions_lost_by_division": "implied_by"}
        if record["mistake"] in wanted and verdicts[first_wrong - 1] != wanted[record["mistake"]]:
            problems.append(f"{rid}: line {first_wrong} is {verdicts[first_wrong - 1]}, not {record['mistake']}")
    by_expected, by_anchor = final_verdict(record, env, chain)
    final = by_anchor if by_expected is None else by_expected
    if final != record["final_correct"]:
        problems.append(f"{rid}: final answer correct is {final}, the record says {record['final_correct']}")
    if by_expected is not None and by_expected != by_anchor:
        problems.append(f"{rid}: expected disagrees with the question the working starts from")
    return problems


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    path = Path(paths[0]) if paths else Path(__file__).with_name("workings.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems: list[str] = []
    ids = Counter(r["id"] for r in records)
    problems += [f"{rid}: id used {n} times" for rid, n in ids.items() if n > 1]
    for record in records:
        try:
            problems += verify(record, verbose)
        except Exception as error:  # noqa: BLE001 - report and go on with the other records
            problems.append(f"{record.get('id', '?')}: {type(error).__name__}: {error}")
    for problem in problems:
        print(problem)
    kinds = Counter(s["kind"] for r in records for s in r["sympy"] if s)
    mistakes = Counter(r["mistake"] for r in records if r["mistake"])
    latex = sum(r["syntax"] == "latex" for r in records)
    lucky = sum(r["final_correct"] and r["first_wrong_line"] is not None for r in records)
    print(f"{len(records)} records ({latex} LaTeX), {sum(mistakes.values())} with a mistake, "
          f"{lucky} right through a wrong line")
    print("mistakes: " + ", ".join(f"{k} {v}" for k, v in sorted(mistakes.items())))
    print("line kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    bad = {p.split(":")[0] for p in problems}
    print(f"{len(records) - len(bad)}/{len(records)} records agree with their labels")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
