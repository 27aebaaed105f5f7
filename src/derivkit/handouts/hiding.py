"""What a worksheet must not show: the results of its fill-in steps, in any form.

A step marked ``exercise=True`` is a blank on the worksheet. Its result can leak in two ways:

* as a displayed expression: a later step restating it, a boxed result, a worked example.
  That is decided on the expressions, not on their LaTeX: a display reveals a compound answer
  when the answer is a subexpression of it (or, for a sum or product, some of its terms or
  factors are exactly the answer's); a lone symbol or number (``1``, ``K``) is an answer only
  where it is stated about the same thing as the blank: equal left sides, or the left side
  the blank's chain started from (its boxed result). Every other ``= 1`` stays on the page;
* in author prose (a justification, the motivation, a figure caption) that writes the same
  formula by hand, e.g. ``$1/(1+e^{-z})$`` for the printed ``\\frac{1}{1 + e^{- z}}``. Each
  ``$...$`` formula, and each side of an equation in it, is read with derivkit's own LaTeX
  parser and compared *structurally* with the answer read the same way. Structural, not
  mathematical: every form in a chain equals the answer, what a blank hides is its form.
  Formulas the parser cannot read (sums, derivatives) are compared as normalised LaTeX:
  without spacing, ``\\left``/``\\right`` and braces, and with a sum over symbolic limits
  written by its index only, so the printed ``\\sum_{j=1}^{K} e^{z_{j}}`` and the
  hand-written ``\\sum_j e^{z_j}`` are the same (``\\sum_{j=1}^{2}``, a concrete case, is not).

The key needs the same decisions, to highlight what the worksheet leaves blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

import sympy as sp

from derivkit.derivation import prose
from derivkit.derivation.derivation import Derivation
from derivkit.handouts.latex_printer import to_latex

#: Where one formula in prose splits into parts worth comparing on their own: relations,
#: commas, and spacing commands between them.
_PIECES = re.compile(r"=|\\[lg]eq?\b|\\neq?\b|\\approx\b|(?<!\\)[<>,;]|\\quad\b|\\qquad\b|\\text\{[^{}]*\}")
#: What normalising LaTeX removes: spacing and sizing commands, and the limits of big operators.
_NOISE = re.compile(r"\\(?:left|right|middle|[bB]ig{1,2}[lr]?|displaystyle)(?![A-Za-z])|\\[,;:! ]|\s+")
_GROUP = r"(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\?[A-Za-z0-9])"
_LIMITS = re.compile(rf"(\\(?:sum|prod))(?:\\(?:no)?limits)?(?:_({_GROUP}))?(?:\^({_GROUP}))?")
#: Normalised answers shorter than this are not looked for in prose (``e^z`` is everywhere).
_MIN_NORMALISED = 6
#: The end of a sentence: ., ! or ? followed by white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _read(tex: str) -> sp.Basic | None:
    """The formula as derivkit's parser reads it, or None when it cannot."""
    from derivkit.parsing import parse

    try:
        return parse(tex, "latex")
    except Exception:
        return None


def normalise(tex: str) -> str:
    """LaTeX reduced to what a reader sees of its form: ``\\sum_{j=1}^{K} e^{z_{j}}`` -> ``\\sum_j e^z_j``."""
    tex = _LIMITS.sub(_limits, tex)
    tex = _NOISE.sub(" ", tex)
    tex = re.sub(r"(?<!\\)[{}]", "", tex)
    return re.sub(r"\s+(?![A-Za-z])|(?<![A-Za-z])\s+", "", tex).strip()


def _limits(match: re.Match[str]) -> str:
    """``\\sum_{j=1}^{K}`` and ``\\sum_j`` -> ``\\sum_j``; ``\\sum_{j=1}^{2}`` stays concrete."""
    operator, lower, upper = match.group(1), (match.group(2) or "").strip("{}"), (match.group(3) or "").strip("{}")
    index = lower.split("=")[0].strip()
    if upper.strip().isdigit():
        return f"{operator}_{{{lower}}}^{{{upper}}} "
    return f"{operator}_{index} " if index else f"{operator} "


class Hider:
    """The hidden answers of a derivation's worksheet, and whether something shows one.

    Every question is answered the same for all variants (the key highlights exactly what the
    worksheet blanks); :attr:`active` says whether this variant actually hides.
    """

    def __init__(self, derivation: Derivation, active: bool) -> None:
        self.active = active
        hidden = [(chain, step) for chain in derivation.chains for step in chain.steps if step.exercise]
        self.exprs = [step.relation.rhs for _, step in hidden]
        self.numbers = [step.index for _, step in hidden]
        #: what each blank is about: its own left side and the expressions its chain went through
        self.subjects = [_subjects(chain, step) for chain, step in hidden]
        self.answers = [(e.is_Atom, to_latex(e)) for e in self.exprs]
        #: what the worksheet had to leave out besides the blanks, for the build to tell the author
        self.notes: list[str] = []

    @cached_property
    def _read_answers(self) -> list[sp.Basic]:
        """The answers as the parser reads their printed LaTeX; one it misreads (names that are
        not the answer's symbols, e.g. ``f`` for ``f(x)``) is left out."""
        read = []
        for expr, (atom, tex) in zip(self.exprs, self.answers):
            parsed = None if atom else _read(tex)
            names = {str(s) for s in expr.free_symbols}
            if parsed is not None and not parsed.is_Atom and {str(s) for s in parsed.free_symbols} == names:
                read.append(parsed)
        return read

    @cached_property
    def _normalised_answers(self) -> list[str]:
        normalised = (normalise(tex) for atom, tex in self.answers if not atom)
        return [n for n in normalised if len(n) >= _MIN_NORMALISED]

    def reveals(self, expr: sp.Basic, lhs: sp.Basic | None = None) -> bool:
        """Whether displaying ``expr`` (the right side of ``lhs = expr``, when given) shows a hidden answer."""
        return bool(self.revealed(expr, lhs))

    def revealed(self, expr: sp.Basic, lhs: sp.Basic | None = None) -> list[int]:
        """The step numbers of the blanks whose answers displaying ``expr`` shows."""
        return [number for number, answer, subjects in zip(self.numbers, self.exprs, self.subjects)
                if _shows(expr, answer, lhs, subjects)]

    def note(self, where: str, what: str = "is left out") -> None:
        """Record that the worksheet left ``where`` out (or could not hide it), naming the blanks it gives away."""
        self.notes.append(f"{where} gives away a blank's answer and {what} on the worksheet; "
                          "rewrite it so it asks rather than tells")

    def reveals_formula(self, tex: str) -> bool:
        """Whether a hand-written formula (prose math, a figure label) shows a hidden answer."""
        if not self.answers:
            return False
        if any(not atom and answer in tex for atom, answer in self.answers):
            return True
        normalised = normalise(tex)
        if any(answer in normalised for answer in self._normalised_answers):
            return True
        if not self._read_answers:
            return False
        for piece in {tex, *(p.strip() for p in _PIECES.split(tex))}:
            read = _read(piece) if piece else None
            if read is not None and any(read == answer for answer in self._read_answers):
                return True
        return False

    def reveals_prose(self, text: str) -> bool:
        return any(s.math and self.reveals_formula(s.text) for s in prose.split(text))

    def any_reveals(self, formulas: Iterable[str]) -> bool:
        return any(self.reveals_formula(f) for f in formulas)

    def prose(self, text: str, where: str = "") -> str:
        """``text`` as this variant shows it: on a worksheet, without the sentences whose math
        shows a hidden answer (noted for the author when ``where`` names the text)."""
        if not self.active or not text or not self.answers:
            return text
        every = sentences(text)
        kept = [sentence for sentence in every if not self.reveals_prose(sentence)]
        if where and not kept:  # a sentence less is no loss; a whole justification or intro is
            self.note(where, "is left out")
        return " ".join(kept)


def _subjects(chain: object, step: object) -> tuple[sp.Basic, ...]:
    """What a blank states something about: its left side, and where its chain started."""
    starts = [getattr(chain, "start_expr", None), getattr(getattr(chain, "premise", None), "lhs", None)]
    return tuple(e for e in (step.relation.lhs, *starts) if e is not None)  # type: ignore[attr-defined]


def _shows(expr: sp.Basic, answer: sp.Basic, lhs: sp.Basic | None, subjects: tuple[sp.Basic, ...]) -> bool:
    """Whether ``expr`` (displayed as ``lhs = expr``) shows ``answer``: structurally, never by value."""
    if answer.is_Atom:  # a lone 1 or K is an answer only about the same thing
        return expr == answer and lhs is not None and any(lhs == subject for subject in subjects)
    return expr == answer or expr.has(answer) or any(_holds_terms(node, answer) for node in sp.preorder_traversal(expr))


def _holds_terms(node: sp.Basic, answer: sp.Basic) -> bool:
    """A sum (product) some of whose terms (factors) are exactly the answer's, as ``a + b`` in ``a + b + c``."""
    if type(node) is not type(answer) or not isinstance(node, sp.Add | sp.Mul):
        return False
    terms = list(node.args)
    for term in answer.args:
        if term not in terms:
            return False
        terms.remove(term)
    return True


def sentences(text: str) -> list[str]:
    """Prose cut into sentences (at ., ! or ? and white space outside math), each still prose."""
    out, current = [], ""
    for segment in prose.split(text):
        if segment.math:
            current += f"${segment.text}$"
            continue
        parts = _SENTENCE_END.split(segment.text.replace("$", r"\$"))
        for part in parts[:-1]:
            out.append((current + part).strip())
            current = ""
        current += parts[-1]
    if current.strip():
        out.append(current.strip())
    return [s for s in out if s]
