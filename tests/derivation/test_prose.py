"""Prose with inline $...$ math: splitting, escaping per output, literal dollars, unbalanced dollars."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivkit import Derivation, sigmoid
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.handouts.build import build
from derivkit.errors import DerivationError
from derivkit.derivation import prose
from derivkit.handouts.assemble import prose_fields
from derivkit.handouts.environment import command_tex
from derivkit.derivation.prose import Segment, split


def test_split_into_text_and_math() -> None:
    assert split("$e^z > 0$, so the division is allowed.") == (
        Segment("e^z > 0", math=True), Segment(", so the division is allowed."))
    assert split("divide by $e^z$") == (Segment("divide by "), Segment("e^z", math=True))
    assert split("$a$$b$") == (Segment("a", math=True), Segment("b", math=True))
    assert split("no math at all") == (Segment("no math at all"),)
    assert split("") == ()


def test_math_is_passed_through_untouched() -> None:
    tex = r"\sigma(z) = \frac{1}{1+e^{-z}} \quad 50\% \& x_1 \{a\} \$"
    assert split(f"where ${tex}$.")[1] == Segment(tex, math=True)
    assert prose.latex(f"where ${tex}$.") == f"where ${tex}$."
    assert prose.markdown(f"where ${tex}$.") == f"where ${tex}$."


def test_spaces_just_inside_the_dollars_are_dropped() -> None:
    assert prose.markdown("a $ x + 1 $ b") == "a $x + 1$ b"  # Pandoc does not read "$ x$" as math


def test_text_outside_math_is_escaped_for_latex() -> None:
    text = "50% & more_of #2 {a} ~ ^ \\ costs \\$3, and $x_1^2$ stays"
    assert prose.latex(text) == (r"50\% \& more\_of \#2 \{a\} \textasciitilde{} \textasciicircum{} "
                                 r"\textbackslash{} costs \$3, and $x_1^2$ stays")


def test_text_outside_math_is_escaped_for_markdown() -> None:
    assert prose.markdown("a*b_c | <b> [x] and $a_b * c_d$") == r"a\*b\_c \| \<b> \[x\] and $a_b * c_d$"
    assert prose.markdown(r"costs \$3") == r"costs \$3"


def test_a_pipe_in_math_in_a_table_cell() -> None:
    assert prose.markdown("the norm $|x|$") == "the norm $|x|$"
    assert prose.markdown("the norm $|x|$", table=True) == r"the norm $\vert x\vert $"


def test_literal_dollar() -> None:
    assert split(r"it costs \$3 or \$4") == (Segment("it costs $3 or $4"),)
    assert prose.latex(r"\$3 for $x$") == r"\$3 for $x$"
    assert prose.plain(r"\$3 for $x$") == "$3 for x"
    assert split(r"$a \$ b$") == (Segment(r"a \$ b", math=True),)  # LaTeX's dollar inside math


@pytest.mark.parametrize("text", ["one $ dollar", "$x$ and $y", "$", r"only \$ then $x", "$a \\$"])
def test_unbalanced_dollars_are_an_error(text: str) -> None:
    with pytest.raises(prose.ProseError, match="never closed"):
        split(text)
    with pytest.raises(DerivationError):
        prose.latex(text)


def test_empty_math_is_an_error() -> None:
    with pytest.raises(prose.ProseError, match="empty math"):
        split("display $$x$$ math")


def test_mathjax_text_keeps_math_and_drops_what_text_mode_misreads() -> None:
    assert prose.mathjax_text("cancel {a} & $1 + e^{-z}$") == "cancel a  $1 + e^{-z}$"


def test_plain_reads_like_the_author_typed_it() -> None:
    assert prose.plain(r"$\sigma(z) = 1/(1+e^{-z})$ and $1 \le i \le n$") == "sigma(z) = 1/(1+e^{-z}) and 1 <= i <= n"
    assert prose.plain(r"$\log u$, $\partial L/\partial z$") == "log u, partial L/partial z"
    assert prose.plain(r"$\operatorname{softmax}(z)$ of $x_1, \ldots, x_n$") == "softmax(z) of x_1, ..., x_n"
    assert prose.plain("unbalanced $x") == "unbalanced $x"  # shown as written rather than failing


def test_capitalise_only_a_leading_letter() -> None:
    assert prose.capitalise("exponentiate both sides") == "Exponentiate both sides"
    assert prose.capitalise("$Z$ does not depend on $j$") == "$Z$ does not depend on $j$"
    assert prose.capitalise("") == ""


def test_check_commands_break_only_between_options() -> None:
    tex = command_tex('derivkit check --expected "x - 1" --answer "YOUR ANSWER"')
    assert tex == (r'\mbox{\texttt{derivkit check}} \mbox{\texttt{-{}-{}expected "x -{} 1"}} '
                   r'\mbox{\texttt{-{}-{}answer "YOUR ANSWER"}}')


def small(**prose_by_field: str) -> Derivation:
    d = Derivation("tiny", prose_by_field.get("title", "A $z$ title"), prose_by_field.get("motivation", ""))
    z = d.symbol("z", "real", prose_by_field.get("meaning", "the logit $z$"))
    c = d.chain(prose_by_field.get("chain", "Its derivative"))
    c.start(sigmoid(z), rule="the sigmoid")
    c.differentiate(z, sigmoid(z) * (1 - sigmoid(z)), rule=prose_by_field.get("rule", "differentiate"),
                    justification=prose_by_field.get("justification", r"$\sigma' = \sigma\,(1 - \sigma)$."))
    d.example(sigmoid(z), {z: 0}, prose_by_field.get("example", "At $z = 0$:"))
    d.exercise(prose_by_field.get("prompt", r"Differentiate $\sigma(z)$."), sigmoid(z) * (1 - sigmoid(z)))
    return d


def test_handouts_typeset_the_math_in_prose() -> None:
    d = small(rule="divide by $e^z$", justification="$e^z > 0$, so 50% of it is fine.")
    model = render.handout(d, d.verify(), date="2024-01-01")
    md, tex = render.markdown(model), render.latex(model)
    assert r"{\bfseries\boldmath Divide by $e^z$.} $e^z > 0$, so 50\% of it is fine." in tex
    assert "**Step 1: divide by $e^z$.** $e^z > 0$, so 50% of it is fine." in md
    assert "# A $z$ title" in md and r"\exhyphenpenalty=10000 A $z$ title\par}" in tex
    assert "| $z$ | $\\mathbb{R}$ | the logit $z$ |" in md and r"& the logit $z$ \\" in tex
    assert "At $z = 0$:" in md and r"\item Differentiate $\sigma(z)$." in tex


@pytest.mark.parametrize(("field", "where"), [
    ("title", "title"), ("motivation", "motivation"), ("meaning", "meaning of the symbol z"),
    ("chain", "title of chain 1"), ("rule", "rule of step 1"), ("justification", "justification of step 1"),
    ("example", "text of example 1"), ("prompt", "prompt of exercise 1"),
])
def test_unbalanced_dollar_names_the_derivation_and_field(field: str, where: str) -> None:
    d = small(**{field: "costs $3"})
    with pytest.raises(DerivationError, match=rf"derivation 'tiny', {where}: the \$ at character 7 opens math"):
        render.handout(d, d.verify(), date="2024-01-01")


def test_an_unbalanced_dollar_fails_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "tiny.py").write_text(
        "from derivkit import Derivation, sigmoid\n"
        "d = Derivation('tiny', 'Tiny')\nz = d.symbol('z', 'real', 'the logit')\n"
        "c = d.chain('A chain')\nc.start(sigmoid(z), rule='the sigmoid')\n"
        "c.differentiate(z, rule='differentiate', justification='costs $3')\nderivation = d\n")
    with pytest.raises(DerivationError, match=r"'tiny', justification of step 1: the \$ at character 7"):
        build(tmp_path / "out", formats=("md",), folder=folder, progress=False, echo=lambda line: None)


def test_every_derivation_has_balanced_prose() -> None:
    for derivation in registry.load_all():
        for where, text in prose_fields(derivation):
            prose.split(text)  # raises if unbalanced


def test_prose_fields_name_every_piece_of_prose() -> None:
    names = [where for where, _ in prose_fields(small())]
    assert names == ["title", "motivation", "meaning of the symbol z", "title of chain 1", "intro of chain 1",
                     "rule of the start of chain 1", "justification of the start of chain 1", "rule of step 1",
                     "justification of step 1", "text of example 1", "prompt of exercise 1"]
