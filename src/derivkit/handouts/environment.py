"""The Jinja environments: strict, and for LaTeX with delimiters that do not clash with braces.

``StrictUndefined`` turns a misspelt field into an error instead of an empty string in a
handout. Autoescape is off because the outputs are not HTML. Author prose, which may hold
inline ``$...$`` math (:mod:`.prose`), goes through the ``prose`` filter, which each
environment binds to its format (``prose_cell`` in a Markdown table cell, ``prose_mathjax``
inside MathJax's ``\\text{}``, ``plain`` for alt text, ``capitalise`` before it where prose
starts a sentence). Generated text (verdict messages) goes through ``tex`` and ``md``, code
through ``texttt`` and ``command``; expression LaTeX (from the printer) is never escaped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from derivkit.derivation import prose
from derivkit.derivation.prose import md_escape, tex_escape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def texttt_escape(text: object) -> str:
    """Code for \\texttt: plain-text escaping, and ``--`` kept as two hyphens (no dash ligature)."""
    return tex_escape(text).replace("-", "-{}")


def command_tex(command: object) -> str:
    """A shell command in \\texttt that breaks only between its options: ``--answer "YOUR ANSWER"``
    stays on one line (an option too long for a line may still break at its spaces)."""
    chunks = re.split(r" (?=--)", str(command))
    return " ".join((r"\mbox{\texttt{%s}}" if len(chunk) <= 60 else r"\texttt{%s}") % texttt_escape(chunk)
                    for chunk in chunks)


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["tex"] = tex_escape
    env.filters["md"] = md_escape
    env.filters["texttt"] = texttt_escape
    env.filters["prose_mathjax"] = prose.mathjax_text
    env.filters["prose_cell"] = lambda text: prose.markdown(text, table=True)
    env.filters["plain"] = prose.plain
    env.filters["capitalise"] = prose.capitalise
    env.filters["command"] = command_tex
    return env


@cache
def markdown_environment() -> jinja2.Environment:
    env = _common(jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    ))
    env.filters["prose"] = prose.markdown
    return env


@cache
def latex_environment() -> jinja2.Environment:
    r"""``\VAR{x}``, ``\BLOCK{if ...}``, ``\#{comment}``, and ``%#`` line comments."""
    env = _common(jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%#",
    ))
    env.filters["prose"] = prose.latex
    return env


def render(template: str, **context: object) -> str:
    """Render ``templates/<template>``; the environment follows the extension (.tex.jinja is LaTeX)."""
    env = latex_environment() if template.endswith(".tex.jinja") else markdown_environment()
    return env.get_template(template).render(**context)
