"""Prose with inline math: the text an author writes around the verified expressions.

Titles, motivation, chain intros, rule names, justifications, example texts, exercise prompts
and symbol meanings are prose. In prose, text between ``$...$`` is LaTeX math and is passed
through untouched; everything else is plain text and is escaped for the output format. A
literal dollar sign is written ``\\$``::

    "$e^z > 0$, so the division is allowed."
    "costs \\$3"

:func:`split` cuts prose into text and math segments (or raises :class:`ProseError` for a
``$`` that opens math never closed); :func:`latex`, :func:`markdown`, :func:`mathjax_text`
and :func:`plain` put the segments back together for each output. Nothing else parses
dollars: the templates use these through filters (:mod:`.environment`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derivkit.errors import ProseError

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEX_PATTERN = re.compile("|".join(re.escape(c) for c in _TEX_SPECIALS))
_MD_PATTERN = re.compile(r"[\\`*_\[\]|$]|<(?=[A-Za-z/!?])")


@dataclass(frozen=True)
class Segment:
    """A run of plain ``text``, or (``math=True``) the LaTeX between a pair of dollars."""

    text: str
    math: bool = False


def split(prose: object) -> tuple[Segment, ...]:
    """Cut prose into text and math segments; ``\\$`` outside math is a literal dollar.

    Inside math everything is kept as written, ``\\$`` included (it is LaTeX's dollar sign
    there). Spaces just inside the dollars are dropped, since Pandoc does not read ``$ x$``
    as math. Raises :class:`ProseError` for an unclosed ``$`` or an empty ``$$``.
    """
    text = str(prose)
    segments: list[Segment] = []
    chars: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("\\$", i):
            chars.append("$")
            i += 2
            continue
        if text[i] != "$":
            chars.append(text[i])
            i += 1
            continue
        end = _closing_dollar(text, i + 1)
        if end is None:
            raise ProseError(f"the $ at character {i + 1} opens math that is never closed "
                             f"(pair every $, and write \\$ for a dollar sign): {_excerpt(text, i)}")
        formula = text[i + 1:end].strip()
        if not formula:
            raise ProseError(f"empty math $$ at character {i + 1} (inline math only; write \\$ for a dollar "
                             f"sign): {_excerpt(text, i)}")
        if chars:
            segments.append(Segment("".join(chars)))
            chars = []
        segments.append(Segment(formula, math=True))
        i = end + 1
    if chars:
        segments.append(Segment("".join(chars)))
    return tuple(segments)


def _closing_dollar(text: str, start: int) -> int | None:
    """The index of the ``$`` that closes math opened just before ``start`` (skipping ``\\$``)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == "$":
            return i
        else:
            i += 1
    return None


def _excerpt(text: str, at: int, width: int = 30) -> str:
    start = max(0, at - width)
    return ("..." if start else "") + repr(text[start:at + width])[1:-1] + ("..." if at + width < len(text) else "")


def tex_escape(text: object) -> str:
    """Plain text for LaTeX: the ten special characters become their text forms."""
    return _TEX_PATTERN.sub(lambda m: _TEX_SPECIALS[m.group()], str(text))


def md_escape(text: object) -> str:
    """Plain text for Markdown: characters that would start emphasis, code, links, math or a table cell."""
    return _MD_PATTERN.sub(lambda m: "\\" + m.group(), str(text))


def latex(prose: object) -> str:
    """Prose for a LaTeX document: text escaped, math as ``$...$``."""
    return "".join(f"${s.text}$" if s.math else tex_escape(s.text) for s in split(prose))


def markdown(prose: object, table: bool = False) -> str:
    """Prose for Markdown (GitHub, MkDocs with arithmatex, Pandoc): text escaped, math as ``$...$``.

    ``table``: the prose sits in a table cell, where a ``|`` would end the cell even inside
    math, so math writes it ``\\vert``.
    """
    def formula(tex: str) -> str:
        return "$" + (re.sub(r"\|", r"\\vert ", tex) if table else tex) + "$"

    return "".join(formula(s.text) if s.math else md_escape(s.text) for s in split(prose))


def mathjax_text(prose: object) -> str:
    """Prose inside MathJax's ``\\text{...}``: it reads ``$...$`` as math there and shows the rest
    literally, so the characters it would misread are dropped from the text."""
    return "".join(f"${s.text}$" if s.math else re.sub(r"[\\{}$&%#~]", "", s.text) for s in split(prose))


def plain(prose: object) -> str:
    """Prose for a terminal: the dollars dropped, command names without their backslash
    (``$\\sigma(z)$`` reads ``sigma(z)``). Prose that does not split is returned as written."""
    try:
        segments = split(prose)
    except ProseError:
        return str(prose)
    return "".join(_plain_math(s.text) if s.math else s.text for s in segments)


def capitalise(prose: str) -> str:
    """Prose that starts a sentence: a lowercase first letter made uppercase (math is left alone)."""
    return prose[:1].upper() + prose[1:] if prose[:1].islower() else prose


def _plain_math(tex: str) -> str:
    tex = re.sub(r"\\(?:operatorname|mathrm|mathbf|mathit|text)\{([^{}]*)\}", r"\1", tex)
    tex = re.sub(r"\\[,;:!]|~", " ", tex)
    tex = re.sub(r"\\(left|right|big|Big|bigl|bigr|Bigl|Bigr)\b\s*", "", tex)
    tex = re.sub(r"\\(le|leq)\b\s*", "<= ", tex)
    tex = re.sub(r"\\(ge|geq)\b\s*", ">= ", tex)
    tex = re.sub(r"\\(ne|neq)\b\s*", "!= ", tex)
    tex = re.sub(r"\\(cdot|times)\b\s*", "* ", tex)
    tex = re.sub(r"\\(ldots|dots|cdots)\b\s*", "...", tex)
    return re.sub(r"\\([A-Za-z]+)|\\([{}$%&#_])", lambda m: m.group(1) or m.group(2), tex)
