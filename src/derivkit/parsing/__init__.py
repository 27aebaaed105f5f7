"""Safe parsers for plain-text and LaTeX math typed by students.

Nothing here passes user text to ``eval``, ``exec``, ``sympify`` or ``parse_expr``: both
front ends tokenize against a whitelist, parse with our own Pratt parser into a small
syntax tree (nodes.py), and builder.py turns the tree into SymPy under ParseLimits.
The only exception ``parse`` raises is :class:`derivkit.errors.ParseError`.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

from derivkit.errors import ParseError
from derivkit.parsing.builder import build, build_as_written
from derivkit.parsing.deadline import Expired, deadline
from derivkit.parsing.latex import parse_latex_tree
from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.nodes import Node
from derivkit.parsing.notation import Notation
from derivkit.parsing.scope import Scope
from derivkit.parsing.text import parse_text_tree

SYNTAXES = ("text", "latex", "auto")
_TREES = {"text": parse_text_tree, "latex": parse_latex_tree}


def detect_syntax(text: str) -> str:
    """'latex' if the input contains a backslash or a brace, else 'text'."""
    return "latex" if any(ch in text for ch in "\\{}") else "text"


def _prepare(
    text: object, syntax: object, variables: Iterable[str], limits: ParseLimits
) -> tuple[str, str, frozenset[str]]:
    """Validate the arguments; the length check runs before anything looks at the text."""
    if not isinstance(text, str):
        raise ParseError(f"input must be a string, not {type(text).__name__}")
    if len(text) > limits.max_length:
        raise ParseError(
            f"input is {len(text)} characters long, more than the limit of {limits.max_length} (max_length)",
            hint="enter a shorter expression",
        )
    if syntax not in SYNTAXES:
        raise ParseError(f"unknown syntax {syntax!r}", hint="use 'text', 'latex' or 'auto'")
    try:
        names = frozenset(variables)
    except TypeError:
        raise ParseError("variables must be an iterable of names") from None
    if not all(isinstance(v, str) for v in names):
        raise ParseError("variable names must be strings")
    if not text.strip():
        raise ParseError("the input is empty", text=text, column=0, hint="enter an expression, e.g. 2*z + 1")
    return text, detect_syntax(text) if syntax == "auto" else str(syntax), names


def parse_tree(
    text: str,
    syntax: str = "auto",
    variables: Iterable[str] = (),
    limits: ParseLimits = ParseLimits(),
    *,
    scope: Scope | None = None,
    notation: Notation | None = None,
) -> Node:
    """The syntax tree of ``text`` without building SymPy (for tests and tooling).

    ``scope``: parse a line of a student's working (its notation, and the functions it defined).
    ``notation``: an author's formula, naming what the author declared (see :class:`Notation`)."""
    text, syntax, names = _prepare(text, syntax, variables, limits)
    functions = scope.function_names() if scope is not None else frozenset()
    try:
        letters = scope.letters if scope is not None else frozenset()
        return _TREES[syntax](text, limits, names, functions, scope is not None, letters, notation)
    except RecursionError:
        # max_depth normally stops nesting first; this covers callers already deep in the stack.
        raise ParseError("expression is nested too deeply", text=text,
                         hint=f"simplify the nesting (max_depth is {limits.max_depth})") from None


def parse(
    text: str,
    syntax: str = "auto",
    variables: Iterable[str] = (),
    limits: ParseLimits = ParseLimits(),
    *,
    scope: Scope | None = None,
    notation: Notation | None = None,
) -> sp.Expr:
    """Parse untrusted ``text`` ("text", "latex" or "auto") into a SymPy expression.

    Names become plain Symbols; e/E, pi and I are constants unless listed in
    ``variables``.  Raises ParseError (with the column and a hint) and nothing else.
    ``scope``: a line of a student's working; its bound names and defined functions are
    put in, and students' notation is read (see :class:`~derivkit.parsing.scope.Scope`).
    """
    text, syntax, names = _prepare(text, syntax, variables, limits)
    try:
        with deadline(limits.max_seconds):
            tree = parse_tree(text, syntax, names, limits, scope=scope, notation=notation)
            return build(tree, text, names, limits, scope, notation)
    except Expired:
        raise ParseError(
            f"building the expression took more than {limits.max_seconds:g} seconds of CPU time (max_seconds)",
            text=text, hint="simplify the expression, e.g. nest fewer functions",
        ) from None


def parse_as_written(text: str, syntax: str = "auto", variables: Iterable[str] = (),
                     limits: ParseLimits = ParseLimits(), *, notation: Notation | None = None) -> sp.Expr:
    """Like :func:`parse`, but the result keeps the form as written (unevaluated: the order of terms
    and factors, the fractions, the derivatives), for a derivation step stated as on paper.
    ``notation``: what the author declared (indexed families, functions; sums and products)."""
    text, syntax, names = _prepare(text, syntax, variables, limits)
    try:
        with deadline(limits.max_seconds):
            tree = parse_tree(text, syntax, names, limits, notation=notation)
            return build_as_written(tree, text, names, limits, notation)
    except Expired:
        raise ParseError(
            f"building the expression took longer than {limits.max_seconds} seconds (max_seconds)",
            text=text, hint="simplify the expression, e.g. nest fewer functions",
        ) from None


def parse_text(text: str, variables: Iterable[str] = (), limits: ParseLimits = ParseLimits()) -> sp.Expr:
    """Parse the plain-text syntax (``2z``, ``sigma(z)``, ``diff(x^2, x)``)."""
    return parse(text, "text", variables, limits)


def parse_latex(text: str, variables: Iterable[str] = (), limits: ParseLimits = ParseLimits()) -> sp.Expr:
    r"""Parse the LaTeX syntax (``\frac{1}{1+e^{-z}}``, ``\frac{d}{dz}\sigma(z)``)."""
    return parse(text, "latex", variables, limits)


__all__ = ["Notation", "ParseError", "ParseLimits", "Scope", "detect_syntax", "parse", "parse_as_written",
           "parse_latex", "parse_text", "parse_tree"]
