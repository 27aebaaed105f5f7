"""The names users may write: functions, constants, Greek letters, LaTeX commands.

Tables instead of branches, so adding a function is one line and the suggestion
machinery ("did you mean sigmoid?") always knows every name that exists.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy as sp

from derivkit.functions import logit, logsumexp, sigmoid, softplus


@dataclass(frozen=True)
class FunctionSpec:
    """How to build a function call; ``integer_guard`` marks functions whose integer
    arguments must stay below ParseLimits.max_factorial (their values explode)."""

    build: Callable[..., sp.Expr]
    min_args: int = 1
    max_args: int = 1
    integer_guard: bool = False


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    """Natural log, or log to a base given as a second argument."""
    return sp.log(x) if base is None else sp.log(x, base)


#: Functions in the text syntax (and the names ``\operatorname{..}`` accepts in LaTeX).
FUNCTIONS: dict[str, FunctionSpec] = {
    "exp": FunctionSpec(sp.exp),
    "log": FunctionSpec(_log, 1, 2),
    "ln": FunctionSpec(sp.log),
    "sqrt": FunctionSpec(sp.sqrt),
    "root": FunctionSpec(sp.root, 2, 2),
    "abs": FunctionSpec(sp.Abs),
    "sign": FunctionSpec(sp.sign),
    "sin": FunctionSpec(sp.sin),
    "cos": FunctionSpec(sp.cos),
    "tan": FunctionSpec(sp.tan),
    "sec": FunctionSpec(sp.sec),
    "csc": FunctionSpec(sp.csc),
    "cot": FunctionSpec(sp.cot),
    "asin": FunctionSpec(sp.asin),
    "acos": FunctionSpec(sp.acos),
    "atan": FunctionSpec(sp.atan),
    "arcsin": FunctionSpec(sp.asin),
    "arccos": FunctionSpec(sp.acos),
    "arctan": FunctionSpec(sp.atan),
    "sinh": FunctionSpec(sp.sinh),
    "cosh": FunctionSpec(sp.cosh),
    "tanh": FunctionSpec(sp.tanh),
    "coth": FunctionSpec(sp.coth),
    "sech": FunctionSpec(sp.sech),
    "csch": FunctionSpec(sp.csch),
    "asinh": FunctionSpec(sp.asinh),
    "acosh": FunctionSpec(sp.acosh),
    "atanh": FunctionSpec(sp.atanh),
    "acoth": FunctionSpec(sp.acoth),
    "sigma": FunctionSpec(sigmoid),
    "sigmoid": FunctionSpec(sigmoid),
    "logit": FunctionSpec(logit),
    "softplus": FunctionSpec(softplus),
    "logsumexp": FunctionSpec(logsumexp, 1, 100),
    "factorial": FunctionSpec(sp.factorial, integer_guard=True),
    "binomial": FunctionSpec(sp.binomial, 2, 2, integer_guard=True),
}

#: The name of the derivative pseudo-function in the text syntax.
DIFF = "diff"

#: Names that mean a constant unless the user declared them as variables.
CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "E": sp.E, "pi": sp.pi, "I": sp.I}

#: Forced constants (Const nodes), never overridden by a declaration.
FORCED_CONSTANTS: dict[str, sp.Expr] = {"E": sp.E, "pi": sp.pi}

#: LaTeX Greek-letter commands and the symbol names they stand for.
GREEK: dict[str, str] = {
    name: name
    for name in [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
        "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
        "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    ]
} | {"varepsilon": "epsilon", "vartheta": "theta", "varrho": "rho", "varphi": "phi", "varsigma": "sigma"}

#: Unicode Greek letters a student may paste into text input, by symbol name.
UNICODE_GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda",
    "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}

#: LaTeX function commands and the FUNCTIONS key each one applies.
LATEX_FUNCTIONS: dict[str, str] = {
    name: name
    for name in [
        "exp", "log", "ln", "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "coth", "sech",
        "csch", "arcsin", "arccos", "arctan",
    ]
} | {"arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh", "sgn": "sign"}

#: TeX primitives and macros that program TeX; refused with a specific message.
LATEX_DANGEROUS: frozenset[str] = frozenset([
    "input", "include", "includeonly", "write", "immediate", "openout", "openin", "read", "readline", "def", "edef",
    "gdef", "xdef", "let", "futurelet", "newcommand", "renewcommand", "providecommand", "newenvironment",
    "renewenvironment", "csname", "endcsname", "catcode", "expandafter", "noexpand", "usepackage", "documentclass",
    "begin", "end", "special", "directlua", "luaexec", "shipout", "jobname", "endinput", "afterassignment",
    "everypar", "everymath", "loop", "makeatletter", "makeatother", "newwrite", "newread", "closeout", "closein",
])

#: Commands we recognise but do not support, with a sentence saying what to do instead.
LATEX_UNSUPPORTED: dict[str, str] = {
    "sum": "sums are not supported; write the terms out",
    "prod": "products with \\prod are not supported; write the factors out",
    "int": "integrals are not supported",
    "lim": "limits are not supported",
    "infty": "infinity is not supported",
    "partial": "\\partial is only understood inside \\frac{\\partial}{\\partial z}",
    "nabla": "gradients with \\nabla are not supported; use \\frac{\\partial}{\\partial z}",
    "max": "max is not supported",
    "min": "min is not supported",
    "prime": "primes are not supported; write the derivative as \\frac{d}{dz}(...)",
}


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest known name, so a typo gets a concrete fix rather than a shrug."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def printable_functions() -> frozenset[str]:
    """The function names that build a SymPy function of the same name (``exp``, ``sech``,
    ``sigmoid``; not ``ln`` or ``arcsin``, which build ``log`` and ``asin``): the answer
    printer writes exactly these, so every answer it prints is read back by the parser."""
    names = set()
    for name, spec in FUNCTIONS.items():
        for arity in range(spec.min_args, min(spec.max_args, 2) + 1):
            built = spec.build(*sp.symbols(f"x0:{arity}", real=True))
            if type(built).__name__ == name:
                names.add(name)
    return frozenset(names)

