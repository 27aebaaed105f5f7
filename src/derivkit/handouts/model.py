"""The render model: a derivation as plain, frozen data, every expression already LaTeX.

Templates only lay this out. Anything that needs SymPy (printing, evaluating an example,
deciding what a worksheet hides) happens while the model is assembled
(:mod:`derivkit.handouts.assemble`), so a template can neither compute nor leak a hidden
answer: a blank in the model has no LaTeX to leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Variant = Literal["handout", "worksheet", "key"]
VARIANTS: tuple[Variant, ...] = ("handout", "worksheet", "key")


@dataclass(frozen=True)
class SymbolRow:
    """One line of the table of symbols."""

    latex: str
    domain: str
    meaning: str


@dataclass(frozen=True)
class Layout:
    """An equation broken into lines for the LaTeX page. ``wide``: the left side gets its own
    line(s) and the relation starts the next; otherwise ``lhs &= rhs[0]`` then ``&\\quad rhs[i]``.
    A side left blank for students has no lines."""

    lhs: tuple[str, ...] = ()
    rhs: tuple[str, ...] = ()
    wide: bool = False
    blank: BlankSize | None = None  # the size of the box of a side left blank, from its answer


@dataclass(frozen=True)
class BlankSize:
    """How much room a blank leaves: about the size of its answer (``width`` in em, ``height`` in
    ex), so a box neither gives away a short answer by its size nor cramps a long one."""

    width: float
    height: float


@dataclass(frozen=True)
class VerdictView:
    """How a step's verdict reads: ``status`` is proved, numeric, failed or unchecked."""

    status: str
    label: str
    message: str
    counterexample: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "numeric")


@dataclass(frozen=True)
class StepRow:
    """One numbered step. ``continues`` marks a row whose lhs is the previous row's rhs (LaTeX
    aligns it as "= rhs"); ``blank``/``lhs_blank`` mean a side is left for the student (and is
    then empty, and so are ``rule`` and ``justification``: the row is a fill-in);
    ``highlight``/``lhs_highlight`` mark, in the key, a side the worksheet leaves blank."""

    number: int
    lhs: str
    relation: str
    rhs: str
    rule: str
    justification: str
    verdict: VerdictView
    exercise: bool = False
    blank: bool = False
    highlight: bool = False
    lhs_blank: bool = False
    lhs_highlight: bool = False
    continues: bool = False
    layout: Layout = Layout()

    @property
    def fill_in(self) -> bool:
        """A step the student completes: its rule and justification are not shown."""
        return self.blank or self.lhs_blank


@dataclass(frozen=True)
class Premise:
    """Where a chain begins: ``given`` an equation, or ``start`` from an expression. A start
    expression is shown once, as the left side of the chain's first step; the blank and
    highlight flags (a given equation only) are as in :class:`StepRow`."""

    kind: Literal["given", "start"]
    lhs: str
    relation: str
    rhs: str
    rule: str
    justification: str
    layout: Layout = Layout()
    blank: bool = False
    lhs_blank: bool = False
    highlight: bool = False
    lhs_highlight: bool = False


@dataclass(frozen=True)
class ChainView:
    number: int
    title: str
    intro: str
    premise: Premise | None
    rows: tuple[StepRow, ...]
    conclusion: str = ""


@dataclass(frozen=True)
class CaseCell:
    """One claim checked at one value: its steps (``"20--21"`` as first and last) and their verdict."""

    first: int
    last: int
    verdict: VerdictView


@dataclass(frozen=True)
class CaseTable:
    """Chains that repeat the same mathematics for several values of a parameter, said once: a row
    per value (LaTeX), a column per claim (prose); a cell is None where a claim was not checked."""

    title: str
    intro: str
    label: str
    claims: tuple[str, ...]
    rows: tuple[tuple[str, tuple[CaseCell | None, ...]], ...]


@dataclass(frozen=True)
class ResultView:
    """A named result; ``blank`` hides its right side on a worksheet, ``highlight`` marks it in
    the key. ``title`` is the prose title of the chain that concludes it (the heading a reader
    sees; ``name`` is its identifier)."""

    name: str
    lhs: str
    relation: str
    rhs: str
    blank: bool = False
    layout: Layout = Layout()
    title: str = ""
    highlight: bool = False
    #: The derivation's main result (the handout's "Result"); the others are "Also derived".
    main: bool = False


@dataclass(frozen=True)
class ExampleView:
    """A worked example: ``expr`` at ``point`` is ``substituted``, which equals (or is about) ``value``."""

    text: str
    expr: str
    point: tuple[tuple[str, str], ...]  # (symbol, value) pairs, LaTeX
    substituted: str
    value: str
    exact: bool
    #: For a page: the expression's and the substituted expression's lines; ``wide`` when the
    #: example does not fit on one line and is set over several.
    layout: Layout = Layout()


@dataclass(frozen=True)
class FigureView:
    name: str
    caption: str
    svg: str
    pdf: str


@dataclass(frozen=True)
class ExerciseView:
    """A question; the answer fields are empty when the variant hides answers."""

    number: int
    prompt: str
    answer: str = ""
    answer_text: str = ""
    check_command: str = ""
    mistake: str = ""  # a common wrong answer (LaTeX), shown only when the engine refuted it
    mistake_where: str = ""  # the counterexample's point, e.g. "z = 0.5"
    mistake_values: tuple[str, str] = ("", "")  # (reference, mistake) there
    mistake_at: str = ""  # the same point as LaTeX math, e.g. "z_{1} = 0.5, z_{2} = -2"


@dataclass(frozen=True)
class FailureView:
    number: int
    rule: str
    chain: str
    verdict: VerdictView


@dataclass(frozen=True)
class CourseInfo:
    """The course a page belongs to (``course.toml``): shown in the index heading and on every page."""

    title: str = ""
    author: str = ""
    institution: str = ""

    @property
    def byline(self) -> str:
        """"Author, Institution" (either may be missing)."""
        return ", ".join(part for part in (self.author, self.institution) if part)

    @property
    def line(self) -> str:
        """One line for a page header or footer: "Title · Author, Institution" ('' without a title or author)."""
        return " · ".join(part for part in (self.title, self.byline) if part)


@dataclass(frozen=True)
class Footer:
    derivkit_version: str
    sympy_version: str
    date: str
    verified: bool
    proved: int
    numeric: int
    failed: int
    course: CourseInfo = CourseInfo()

    @property
    def total(self) -> int:
        return self.proved + self.numeric + self.failed


@dataclass(frozen=True)
class Handout:
    """Everything one rendered document shows."""

    id: str
    title: str
    motivation: str
    variant: Variant
    symbols: tuple[SymbolRow, ...]
    chains: tuple[ChainView, ...]
    results: tuple[ResultView, ...]
    examples: tuple[ExampleView, ...]
    figures: tuple[FigureView, ...]
    exercises: tuple[ExerciseView, ...]
    failures: tuple[FailureView, ...]
    footer: Footer
    tables: tuple[CaseTable, ...] = ()
    #: What the build should tell the author, e.g. prose a worksheet cannot hide without losing the step.
    warnings: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return not self.failures

    @property
    def main_results(self) -> tuple[ResultView, ...]:
        return tuple(r for r in self.results if r.main)

    @property
    def other_results(self) -> tuple[ResultView, ...]:
        return tuple(r for r in self.results if not r.main)

    @property
    def show_answers(self) -> bool:
        return self.variant != "worksheet"

    @property
    def has_blanks(self) -> bool:
        return any(row.exercise for chain in self.chains for row in chain.rows)

    @property
    def fill_ins(self) -> tuple[StepRow, ...]:
        """The steps the student completes on this worksheet (none in the other variants)."""
        return tuple(row for chain in self.chains for row in chain.rows if row.fill_in)


@dataclass(frozen=True)
class IndexEntry:
    """One handout in the index: where its files are and whether it verified."""

    id: str
    title: str
    verified: bool
    summary: str
    files: tuple[tuple[str, str], ...]  # (label, relative path)


@dataclass(frozen=True)
class IndexPart:
    """A part of the reading order in the index (``course.toml``), its handouts in reading order."""

    title: str
    about: str
    entries: tuple[IndexEntry, ...]
    number: int | None = None  # its place in the reading order; None for handouts outside it
