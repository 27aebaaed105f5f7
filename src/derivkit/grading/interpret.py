"""What each statement of a working *is*, given what came before (runs in the sandbox).

A statement is a definition (``L = ...`` for a new name, ``f(x) = ...``), a given value
(``p = 0.2`` for a new name), a derivative line (``dL/dz = ...``, ``L'(z)``, ``\\sigma'(z)``,
``\\frac{\\partial L}{\\partial z}``, ``\\frac{d}{dx} h(f(x), g(x))``, ``\\nabla f``), an
equation (``lhs = rhs`` otherwise, ``a = b = c``), an expression (a lone expression or a
leading ``=``), or text. Definitions bind names and functions in a
:class:`~derivkit.parsing.Scope`, so every later line is parsed with them put in.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

import sympy as sp

from derivkit.errors import ParseError
from derivkit.grading.reading import WorkingLine, split_top_level
from derivkit.grading.worker import CHECK_LIMITS, parse_error_text, show
from derivkit.parsing import Scope, parse
from derivkit.parsing.names import FUNCTIONS, GREEK, LATEX_FUNCTIONS

Value: TypeAlias = "sp.Expr | tuple[sp.Expr, ...]"  # an expression, or a vector (a gradient)

_NAME = (
    r"(?:\\(?:operatorname|mathrm)\s*\{\s*[A-Za-z][A-Za-z0-9]*\s*\}"  # \operatorname{logit}
    r"|\\[A-Za-z]+"  # \sigma
    r"|[A-Za-z][A-Za-z0-9]*(?:_\{?[A-Za-z0-9]+\}?)?)"  # L, odds, p_1, p_{12}
)
_D = r"(?:d|\\partial|\\mathrm\s*\{\s*d\s*\})"
DERIVATIVE_LABELS = (
    re.compile(rf"^d\s*(?P<name>{_NAME})\s*/\s*d\s*(?P<var>{_NAME})$"),
    re.compile(rf"^\\[dt]?frac\s*\{{\s*{_D}\s*(?P<name>{_NAME})\s*\}}\s*\{{\s*{_D}\s*(?P<var>{_NAME})\s*\}}$"),
    re.compile(rf"^\\[dt]?frac\s*\{{\s*{_D}\s*\}}\s*\{{\s*{_D}\s*(?P<var>{_NAME})\s*\}}\s*(?P<name>{_NAME})$"),
    re.compile(
        rf"^\\[dt]?frac\s*\{{\s*\\partial\s*(?P<name>{_NAME})\s*\}}\s*\{{\s*\\partial\s*(?P<var>{_NAME})\s*\}}$"
    ),
)
GRADIENT = re.compile(rf"^(?:\\nabla|∇|grad)\s*(?P<name>{_NAME})$")
FUNCTION_LHS = re.compile(
    rf"^(?P<name>{_NAME})\s*(?:\\left)?\(\s*(?P<params>{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:\\right)?\)$"
)
_D_NAME = re.compile(r"(?<![A-Za-z0-9_])d([A-Za-z][A-Za-z0-9_]*)\s*/\s*d([A-Za-z][A-Za-z0-9_]*)(?![A-Za-z0-9_(])")
_NAME_BEFORE_BRACKET = re.compile(r"(?<![A-Za-z0-9_^'])([A-Za-z][A-Za-z0-9_]*)\s*\(")
COMPOSITE_LHS = re.compile(rf"^(?P<name>{_NAME})\s*\((?P<args>.+)\)$")
PRIMED_NAME = re.compile(rf"^(?P<name>{_NAME})\s*'\s*\(\s*(?P<var>{_NAME})\s*\)$")
PRIMED = re.compile(rf"^(?P<name>{_NAME})\s*(?:'+|\^\s*\{{?\s*\\prime\s*\}}?)")
DERIVATIVE_OPERATOR = re.compile(r"^(diff\(|\\[dt]?frac\s*\{\s*(d|\\partial|\\mathrm\s*\{\s*d\s*\})\s*\})")


def symbol_name(text: str) -> str:
    """The symbol a written name stands for: ``p_1`` -> p1, ``\\sigma`` -> sigma, ``\\mathrm{OR}`` -> OR."""
    text = text.strip()
    match = re.match(r"^\\(?:operatorname|mathrm)\s*\{\s*([A-Za-z0-9]+)\s*\}$", text)
    if match:
        return match.group(1)
    if text.startswith("\\"):
        return GREEK.get(text[1:], LATEX_FUNCTIONS.get(text[1:], text[1:]))
    return re.sub(r"[_{}]", "", text)


@dataclass
class Meaning:
    """One statement read: its kind and the values of its pieces (definitions put in)."""

    kind: str  # expression | equation | definition | derivative | given | text | invalid
    values: list[Value] = field(default_factory=list)  # the pieces, in order
    options: list[list[Value]] = field(default_factory=list)  # equations: each alternative's pieces
    target: Value | None = None  # derivative lines: the true derivative of what they name
    name: str | None = None  # what a definition or derivative line names
    error: str | None = None
    note: str | None = None  # the reading used, when a line could be read two ways
    approx: bool = False
    bindings: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)  # chain rule: u = f(x), v = g(x)


class Interpreter:
    """Reads statements in order, keeping the scope (bound names, defined functions)."""

    def __init__(self, syntax: str, assume: tuple[tuple[str, str], ...], given: Mapping[str, sp.Expr]) -> None:
        self.syntax = syntax
        self.variables = tuple(name for name, _ in assume)
        self.names: dict[str, sp.Expr] = {}  # definitions, put in while parsing
        self.raw: dict[str, sp.Expr] = {}  # definitions as written in terms of other defined names
        self.givens: dict[str, sp.Expr] = dict(given)  # given values, put in when lines are compared
        self.functions: dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = {}
        self.seen: set[str] = set()
        self.applications: dict[str, sp.Expr] = {}  # the last h(f(x), g(x)) written, by function name
        self.calls: dict[str, set[sp.Expr]] = {}  # the calls written so far, by function (sigmoid: {sigmoid(z)})
        self.notes: list[str] = []
        self.last_kind = ""  # the kind of the last statement read (text aside)
        self.bindings: dict[sp.Symbol, sp.Expr] = {}  # a derivative line's u = f(x), v = g(x) (chain rule)
        self.derivatives: dict[str, sp.Expr] = {}  # dL/dw = ... = 2: the value a later "dL/dw" stands for

    @property
    def scope(self) -> Scope:
        partials = {f"{f}_{p}": sp.diff(body, p) for f, (params, body) in self.functions.items()
                    if len(params) > 1 for p in params}
        names = {**partials, **self.derivatives, **self.names}
        return Scope(names, self.functions, frozenset(self.letters()), self.raw)

    def letters(self) -> set[str]:
        """Single-letter variables of the working so far (so a student's xy is x times y)."""
        return {n for n in self.seen if len(n) == 1} | {str(p) for params, _ in self.functions.values()
                                                         for p in params if len(str(p)) == 1}

    def _derivative_names(self, text: str) -> str:
        """``df/dx`` inside an expression: diff(f, x) for a defined f, or the value a line gave dL/dw."""

        def swap(match: re.Match[str]) -> str:
            name, var = match.group(1), match.group(2)
            if f"d{name}d{var}" in self.derivatives:
                return f"d{name}d{var}"
            if name in self.names or name in self.functions:
                return f"diff({name}, {var})"
            return match.group(0)

        return _D_NAME.sub(swap, text)

    def value(self, text: str, syntax: str, scope: Scope | None = None) -> Value:
        """A piece as a value: a tuple ``(a, b)`` or one expression; raises ParseError."""
        if syntax == "text":
            text = self._derivative_names(text)
        inner = _tuple_inner(text)
        if inner is not None:
            return tuple(self.value(part, syntax, scope) for part in inner)
        expr = parse(text, syntax, self.variables, CHECK_LIMITS, scope=scope or self.scope)
        expr = self._bare_functions(expr)
        if syntax == "text":
            self._note_products(text)
        for call in expr.atoms(sp.Function):
            self.calls.setdefault(type(call).__name__, set()).add(call)
        self.seen |= {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        self._remember_applications(text)
        return expr

    def _note_products(self, text: str) -> None:
        """``y(1 - sigma(z))``: a name before a bracket that is not a function is a product; say so."""
        for match in _NAME_BEFORE_BRACKET.finditer(text):
            name = match.group(1)
            known = name in self.seen or name in self.variables or name in self.names or name in self.givens
            if name not in FUNCTIONS and name not in self.functions and name != "diff" and not known:
                self.notes.append(f"{name}(...) as {name} times (...)")

    def _bare_functions(self, expr: sp.Expr) -> sp.Expr:
        """``sigma`` alone, in a working that wrote only sigma(z), is read as sigma(z) (said in a note)."""
        swaps = {}
        for symbol in expr.free_symbols:
            spec = FUNCTIONS.get(symbol.name) if isinstance(symbol, sp.Symbol) else None
            if spec is None or symbol.name in self.seen:
                continue
            calls = self.calls.get(type(spec.build(sp.Symbol("x"))).__name__, set())
            if len(calls) == 1:
                swaps[symbol] = next(iter(calls))
                self.notes.append(f"{symbol.name} alone was read as {next(iter(calls))}")
        return expr.xreplace(swaps) if swaps else expr

    def _remember_applications(self, text: str) -> None:
        for name in self.functions:
            match = re.search(rf"(?<![A-Za-z]){re.escape(name)}\s*\((.*)\)", text)
            if match and not FUNCTION_LHS.match(text.strip()):
                with contextlib.suppress(ParseError):  # an application that does not parse is not remembered
                    self.applications[name] = parse(text[match.start() : match.end()], self.syntax_of(text),
                                                    self.variables, CHECK_LIMITS, scope=self.scope)

    def syntax_of(self, text: str) -> str:
        return "latex" if any(ch in text for ch in "\\{}") else ("text" if self.syntax == "auto" else self.syntax)

    def read(self, statement: WorkingLine) -> Meaning:
        meaning = self._read_one(statement)
        if meaning.kind not in ("text", "invalid"):
            self.last_kind = meaning.kind
        return meaning

    def _read_one(self, statement: WorkingLine) -> Meaning:
        if statement.kind_hint == "text" or not statement.options:
            return Meaning("text")
        if statement.kind_hint == "at":  # "at x = 1, y = 2": the values the next lines evaluate at
            name, value = symbol_name(statement.pieces[0]), self.value(statement.pieces[1], statement.syntax)
            if not isinstance(value, sp.Expr) or value.free_symbols:
                return Meaning("text")
            self.givens[name] = value
            return Meaning("given", [value], name=name, note="a value the next lines are evaluated at")
        if statement.kind_hint == "fact":
            try:
                sides = [self.value(p, statement.syntax) for p in statement.pieces]
            except ParseError:
                return Meaning("text")
            return Meaning("fact", sides, options=[sides])
        self.notes = []
        try:
            meaning = self._read(statement)
        except ParseError as exc:
            return Meaning("invalid", error=parse_error_text("This line", exc))
        except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError) as exc:
            return Meaning("invalid", error=f"This line could not be read ({type(exc).__name__}).")
        if self.notes:
            meaning.note = "; ".join([*([meaning.note] if meaning.note else []), *self.notes])
        return meaning

    def _read(self, statement: WorkingLine) -> Meaning:
        self.bindings = {}
        syntax = statement.syntax
        pieces = statement.pieces
        if statement.continues or len(pieces) == 1:
            return Meaning("expression", [self.value(p, syntax) for p in pieces], approx=statement.approx)
        lhs = pieces[0].strip()
        derivative = self._derivative(lhs, syntax)
        if derivative is not None:
            name, target = derivative
            if target is None:  # dL/dw = ... with L not defined: the line names the derivative
                values = [self.value(p, syntax) for p in pieces[1:]]
                self._remember_derivative(lhs, values[-1])
                return Meaning("definition", values, name=name,
                               note=f"{name} is not defined above, so this line is read as naming it")
            return Meaning("derivative", [self.value(p, syntax) for p in pieces[1:]], target=target, name=name,
                           approx=statement.approx, bindings=dict(self.bindings))
        definition = self._definition(lhs, pieces, syntax, statement)
        if definition is not None:
            return definition
        options = [[self.value(p, syntax) for p in option] for option in statement.options]
        if any(isinstance(v, tuple) for option in options for v in option):
            return Meaning("expression", options[0], approx=statement.approx)
        if len(options) == 1 and not any(v.free_symbols for v in options[0]):  # type: ignore[union-attr]
            return Meaning(
                "expression",
                options[0],
                approx=statement.approx,
                note="both sides are numbers, so the line is read as an evaluation",
            )
        return Meaning("equation", options[0], options=options, approx=statement.approx)

    # -- definitions ---------------------------------------------------------------------
    def _definition(self, lhs: str, pieces: tuple[str, ...], syntax: str, statement: WorkingLine) -> Meaning | None:
        function = FUNCTION_LHS.match(lhs)
        if function is not None and len(statement.options) == 1:
            return self._function_definition(function, pieces, syntax, statement)
        composite = COMPOSITE_LHS.match(lhs)
        if composite is not None and len(statement.options) == 1:
            name = symbol_name(composite.group("name"))
            uses_defined = any(
                re.search(rf"(?<![A-Za-z]){re.escape(f)}\s*\(", composite.group("args")) for f in self.functions
            )
            if name not in FUNCTIONS and name not in self.functions and name not in self.seen and uses_defined:
                # h(f(x), g(x)) = x^2 sin(x): defines what h of those arguments is
                value = self.value(pieces[1], syntax)
                if isinstance(value, tuple):
                    return None
                self.applications[name] = value
                return Meaning(
                    "definition",
                    [value, *[self.value(p, syntax) for p in pieces[2:]]],
                    name=lhs,
                    approx=statement.approx,
                )
        if not re.fullmatch(_NAME, lhs) or len(statement.options) != 1:
            return None
        name = symbol_name(lhs)
        if name in FUNCTIONS or name in ("e", "E", "pi", "I"):
            return None
        if name in self.givens:
            value = self.value(pieces[1], syntax)
            return Meaning("given", [self.givens[name], value, *[self.value(p, syntax) for p in pieces[2:]]],
                           name=name, note=f"{name} was given as {show(self.givens[name])}")
        if name in self.names:
            # odds = 1/4 after odds = p/(1-p): an evaluation of the defined name
            values = [self.names[name], *[self.value(p, syntax) for p in pieces[1:]]]
            return Meaning("expression", values, approx=statement.approx,
                           note=f"{name} is defined above, so this line is read as its value")
        if name in self.seen:
            if self.last_kind != "equation" and len(pieces) == 2:
                value = self.value(pieces[1], syntax)
                if isinstance(value, sp.Expr) and not value.free_symbols:
                    # sigma'(z) = ... then z = 0: the value the next lines evaluate at
                    self.givens[name] = value
                    return Meaning("given", [value], name=name,
                                   note=f"{name} = {show(value)} after a non-equation is read as a given value")
            return None
        value = self.value(pieces[1], syntax)
        if isinstance(value, tuple):  # x = (1, 2): a vector, named but not put in later lines
            return Meaning("definition", [value, *[self.value(p, syntax) for p in pieces[2:]]], name=name)
        if name in {s.name for s in value.free_symbols}:
            return None
        rest = [self.value(p, syntax) for p in pieces[2:]]
        written = (
            parse(pieces[1], syntax, self.variables, CHECK_LIMITS, scope=Scope({}, self.functions))
            if _tuple_inner(pieces[1]) is None
            else value
        )
        if not getattr(written, "free_symbols", True):
            self.givens[name] = value  # p = 0.2: put in when lines are compared, not when they are read
            return Meaning("given", [value, *rest], name=name, approx=statement.approx)
        self.names[name] = value
        if isinstance(written, sp.Expr) and written.free_symbols & {sp.Symbol(n) for n in self.names}:
            self.raw[name] = written  # L in terms of p, for dL/dp
        return Meaning("definition", [value, *rest], name=name, approx=statement.approx)

    def _function_definition(
        self, match: re.Match[str], pieces: tuple[str, ...], syntax: str, statement: WorkingLine
    ) -> Meaning | None:
        name = symbol_name(match.group("name"))
        params = tuple(sp.Symbol(symbol_name(p)) for p in split_top_level(match.group("params"), ","))
        if len(set(params)) != len(params):
            return None
        letters = frozenset(self.letters() | {p.name for p in params if len(p.name) == 1})
        inner = Scope(
            {k: v for k, v in self.names.items() if sp.Symbol(k) not in params},
            {k: v for k, v in self.functions.items() if k != name},
            letters,
        )
        body = self.value(pieces[1], syntax, inner)
        if isinstance(body, tuple):
            return None
        if name in FUNCTIONS:
            # sigma(z) = 1/(1+exp(-z)) recalls a known function; sigma(z) = 0.9 is an equation
            if not body.free_symbols & set(params) or body.has(FUNCTIONS[name].build(*params).func):
                return None
            known = FUNCTIONS[name].build(*params)
            rest = [self.value(p, syntax) for p in pieces[2:]]
            return Meaning(
                "definition",
                [known, body, *rest],
                name=name,
                note=f"{name} is a known function: this line is checked against its definition",
            )
        self.functions[name] = (params, body)
        rest = [self.value(p, syntax) for p in pieces[2:]]
        self.seen |= {p.name for p in params}
        return Meaning(
            "definition", [body, *rest], name=f"{name}({', '.join(map(str, params))})", approx=statement.approx
        )

    # -- derivative lines ----------------------------------------------------------------
    def _derivative(self, lhs: str, syntax: str) -> tuple[str, Value] | None:
        """(the name, the true derivative) when lhs names a derivative, else None."""
        for pattern in DERIVATIVE_LABELS:
            match = pattern.match(lhs)
            if match:
                name, var = symbol_name(match.group("name")), sp.Symbol(symbol_name(match.group("var")))
                return f"d{name}/d{var}", self._derivative_of(name, var)
        gradient = GRADIENT.match(lhs)
        if gradient:
            name = symbol_name(gradient.group("name"))
            params = self.functions[name][0] if name in self.functions else ()
            if not params:
                raise ParseError(f"the gradient of {name} needs {name} defined as a function, e.g. {name}(x, y) = ...")
            return f"∇{name}", tuple(self._derivative_of(name, p) for p in params)
        primed = PRIMED_NAME.match(lhs)
        if primed and symbol_name(primed.group("name")) in self.names:
            name, var = symbol_name(primed.group("name")), sp.Symbol(symbol_name(primed.group("var")))
            return f"{name}'({var})", self._derivative_of(name, var)
        if PRIMED.match(lhs) or DERIVATIVE_OPERATOR.match(lhs) or re.match(r"^d(\^\d)?\s*/\s*d", lhs):
            from derivkit.grading.reading import derivative_operator

            return lhs, self.value(derivative_operator(lhs) if syntax != "latex" else lhs, syntax)
        return None

    def _remember_derivative(self, lhs: str, value: Value) -> None:
        match = DERIVATIVE_LABELS[0].match(lhs)
        if match and isinstance(value, sp.Expr):
            key = f"d{symbol_name(match.group('name'))}d{symbol_name(match.group('var'))}"
            self.derivatives[key] = value

    def _derivative_of(self, name: str, var: sp.Symbol) -> sp.Expr | None:
        if name not in self.functions and name in self.applications:
            return sp.diff(self.applications[name], var)
        if name in self.functions:
            params, body = self.functions[name]
            if var in params:
                return sp.diff(body, var)
            if name in self.applications:
                return sp.diff(self.applications[name], var)
            inner = [f for f, (ps, _) in self.functions.items() if f != name and len(ps) == 1]
            if len(inner) == len(params):
                # h(u, v) with f(x), g(x) defined: dh/dx is d/dx h(f(x), g(x)), and u, v stand for f(x), g(x)
                self.bindings = {p: self.functions[f][1].xreplace({self.functions[f][0][0]: var})
                                 for p, f in zip(params, inner)}
                self.notes.append(f"{name} read as {name}({', '.join(f'{f}({var})' for f in inner)}), "
                                  f"with {', '.join(f'{p} = {f}({var})' for p, f in zip(params, inner))}")
                return sp.diff(body.xreplace(self.bindings), var)
            raise ParseError(f"d{name}/d{var}: {name} is a function of {', '.join(map(str, params))}, not of {var}")
        if name in self.raw and var in self.raw[name].free_symbols and var.name in self.names:
            resolved = {sp.Symbol(k): v for k, v in self.names.items()}
            return sp.diff(self.raw[name], var).xreplace(resolved)
        if name in self.names:
            return sp.diff(self.names[name], var)
        if name in FUNCTIONS:
            return sp.diff(FUNCTIONS[name].build(var), var)
        return None


def _tuple_inner(text: str) -> list[str] | None:
    """The components of ``(a, b)`` / ``\\left(a, b\\right)``, or None when text is not a tuple."""
    body = text.strip()
    body = re.sub(r"^\\left\s*", "", body)
    body = re.sub(r"\\right\s*\)$", ")", body)
    if not (body.startswith("(") and body.endswith(")")):
        return None
    inner = body[1:-1]
    depth = 0
    for ch in inner:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if depth < 0:
            return None
    parts = split_top_level(inner, ",")
    return [p.strip() for p in parts] if len(parts) > 1 else None


__all__ = ["DERIVATIVE_LABELS", "Interpreter", "Meaning", "symbol_name"]
