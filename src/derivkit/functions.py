"""Machine-learning functions as first-class SymPy citizens.

SymPy knows exp and log but not the logistic sigmoid, so a derivation written with
``1/(1+exp(-z))`` everywhere reads badly and prints worse. These classes keep the
compact name in printed steps while SymPy still differentiates, rewrites, evaluates to
any precision and lambdifies them.
"""

from __future__ import annotations

from typing import ClassVar

import sympy as sp
from sympy import Function, S, exp, log
from sympy.core.logic import fuzzy_and


class MLFunction(Function):
    """Shared behaviour: LaTeX under a readable name, evaluation and code printing through
    the exp/log form (SymPy's printers and evalf already know exp and log)."""

    latex_name: ClassVar[str] = ""

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(exp)._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        args = ", ".join(printer._print(a) for a in self.args)
        tex = r"%s\left(%s\right)" % (self.latex_name, args)
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _elementary_code(self, printer: object) -> str:
        return printer._print(self.rewrite(exp))  # type: ignore[attr-defined]

    _numpycode = _mpmathcode = _pythoncode = _elementary_code


class sigmoid(MLFunction):  # noqa: N801 - SymPy function classes are lower case
    r"""The logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`."""

    nargs = 1
    latex_name = r"\sigma"

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z is S.Zero:
            return S.Half
        if z is S.Infinity:
            return S.One
        if z is S.NegativeInfinity:
            return S.Zero
        if isinstance(z, logit):
            return z.args[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def inverse(self, argindex: int = 1) -> type[Function]:
        return logit

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + exp(-z))

    def _eval_rewrite_as_tanh(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return (1 + sp.tanh(z / 2)) / 2

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_real else None


class logit(MLFunction):  # noqa: N801
    r"""The log-odds :math:`\operatorname{logit}(p) = \log\frac{p}{1-p}`, inverse of sigmoid."""

    nargs = 1
    latex_name = r"\operatorname{logit}"

    @classmethod
    def eval(cls, p: sp.Expr) -> sp.Expr | None:
        if p == S.Half:
            return S.Zero
        if isinstance(p, sigmoid):
            return p.args[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        p = self.args[0]
        return 1 / (p * (1 - p))

    def inverse(self, argindex: int = 1) -> type[Function]:
        return sigmoid

    def _eval_rewrite_as_log(self, p: sp.Expr, **kwargs: object) -> sp.Expr:
        return log(p / (1 - p))

    _eval_rewrite_as_exp = _eval_rewrite_as_log


class softplus(MLFunction):  # noqa: N801
    r"""The softplus :math:`\log(1+e^{z})`, whose derivative is the sigmoid."""

    nargs = 1
    latex_name = r"\operatorname{softplus}"

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z is S.Zero:
            return log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return log(1 + exp(z))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None


class logsumexp(MLFunction):  # noqa: N801
    r"""The log-sum-exp :math:`\log\sum_j e^{z_j}` of finitely many arguments."""

    latex_name = r"\operatorname{logsumexp}"

    @classmethod
    def eval(cls, *zs: sp.Expr) -> sp.Expr | None:
        if len(zs) == 0:
            raise TypeError("logsumexp needs at least one argument")
        if len(zs) == 1:
            return zs[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        zs = self.args
        return exp(zs[argindex - 1]) / sp.Add(*[exp(z) for z in zs])

    def _eval_rewrite_as_exp(self, *zs: sp.Expr, **kwargs: object) -> sp.Expr:
        return log(sp.Add(*[exp(z) for z in zs]))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_is_extended_real(self) -> bool | None:
        return fuzzy_and(z.is_extended_real for z in self.args)


#: Our functions, by the name users and derivations know them by.
ML_FUNCTIONS: dict[str, type[Function]] = {
    "sigmoid": sigmoid,
    "logit": logit,
    "softplus": softplus,
    "logsumexp": logsumexp,
}


def as_expr(value: object) -> sp.Basic:
    """A SymPy object from a SymPy object or a Python number, never from text.

    ``sympify`` on a string runs ``eval``; strings from users go through
    :func:`derivkit.parsing.parse` instead, so they are refused here.
    """
    if isinstance(value, str):
        raise TypeError(f"expected a SymPy expression or a number, got the string {value[:40]!r}; "
                        "parse text with derivkit.parsing.parse(text)")
    return sp.sympify(value, strict=True)


def to_elementary(expr: sp.Expr) -> sp.Expr:
    """Replace our ML functions by exp/log forms, which SymPy's simplifiers understand."""
    return expr.replace(
        lambda e: isinstance(e, tuple(ML_FUNCTIONS.values())),
        lambda e: e.rewrite(exp),
    )


def named(name: str, expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """``expr`` displayed as ``name(variables)``, e.g. a written-out cost as ``J(w_1, w_2)``.

    SymPy differentiates it through ``expr``, so a gradient or Hessian step still computes its
    result from the full form while its left side prints ``\\partial J/\\partial w_1`` instead of
    the whole cost inside every partial.
    """

    def fdiff(self: Function, argindex: int = 1) -> sp.Expr:
        return sp.diff(expr, variables[argindex - 1]).xreplace(dict(zip(variables, self.args)))

    return type(name, (Function,), {"nargs": len(variables), "fdiff": fdiff})(*variables)
