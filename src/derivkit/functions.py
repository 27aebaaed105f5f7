"""Machine-learning functions as first-class SymPy citizens.

SymPy knows exp and log but not the logistic sigmoid, so a derivation written with
``1/(1+exp(-z))`` everywhere reads badly and prints worse. These classes keep the
compact name in printed steps while SymPy still differentiates, rewrites, evaluates to
any precision and lambdifies them.
"""

from __future__ import annotations

import sympy as sp
from sympy import Function, S, exp, log


class sigmoid(Function):  # noqa: N801 - SymPy function classes are lower case
    r"""The logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`."""

    nargs = 1

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

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        tex = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _numpycode(self, printer: object) -> str:
        arg = printer._print(self.args[0])  # type: ignore[attr-defined]
        fn = printer._module_format("numpy.exp")  # type: ignore[attr-defined]
        return f"1/(1 + {fn}(-({arg})))"

    _pythoncode = None  # plain-Python printers fall back to the exp rewrite

    def _mpmathcode(self, printer: object) -> str:
        arg = printer._print(self.args[0])  # type: ignore[attr-defined]
        fn = printer._module_format("mpmath.exp")  # type: ignore[attr-defined]
        return f"1/(1 + {fn}(-({arg})))"


class logit(Function):  # noqa: N801
    r"""The log-odds :math:`\operatorname{logit}(p) = \log\frac{p}{1-p}`, inverse of sigmoid."""

    nargs = 1

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

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(log)._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        tex = r"\operatorname{logit}\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _numpycode(self, printer: object) -> str:
        arg = printer._print(self.args[0])  # type: ignore[attr-defined]
        fn = printer._module_format("numpy.log")  # type: ignore[attr-defined]
        return f"{fn}(({arg})/(1 - ({arg})))"


class softplus(Function):  # noqa: N801
    r"""The softplus :math:`\log(1+e^{z})`, whose derivative is the sigmoid."""

    nargs = 1

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

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        tex = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _numpycode(self, printer: object) -> str:
        arg = printer._print(self.args[0])  # type: ignore[attr-defined]
        fn = printer._module_format("numpy.logaddexp")  # type: ignore[attr-defined]
        return f"{fn}(0, {arg})"


class logsumexp(Function):  # noqa: N801
    r"""The log-sum-exp :math:`\log\sum_j e^{z_j}` of finitely many arguments."""

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

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return sp.fuzzy_and(z.is_extended_real for z in self.args)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        tex = r"\operatorname{logsumexp}\left(%s\right)" % ", ".join(printer._print(z) for z in self.args)
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _numpycode(self, printer: object) -> str:
        args = ", ".join(printer._print(z) for z in self.args)  # type: ignore[attr-defined]
        fn = printer._module_format("numpy.logaddexp.reduce")  # type: ignore[attr-defined]
        arr = printer._module_format("numpy.array")  # type: ignore[attr-defined]
        return f"{fn}({arr}([{args}]), axis=0)"


#: Our functions, by the name users and derivations know them by.
ML_FUNCTIONS: dict[str, type[Function]] = {
    "sigmoid": sigmoid,
    "logit": logit,
    "softplus": softplus,
    "logsumexp": logsumexp,
}


def to_elementary(expr: sp.Expr) -> sp.Expr:
    """Replace our ML functions by exp/log forms, which SymPy's simplifiers understand."""
    return expr.replace(
        lambda e: isinstance(e, tuple(ML_FUNCTIONS.values())),
        lambda e: e.rewrite(exp),
    )
