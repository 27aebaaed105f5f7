"""The Jinja environments: strict, and for LaTeX with delimiters that do not clash with braces.

``StrictUndefined`` turns a misspelt field into an error instead of an empty string in a
handout. Autoescape is off because the outputs are not HTML; prose is escaped explicitly
with the ``tex`` and ``md`` filters, and expression LaTeX (from the printer) is never escaped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEX_PATTERN = re.compile("|".join(re.escape(c) for c in _TEX_SPECIALS))
_MD_PATTERN = re.compile(r"[\\`*_\[\]|$]|<(?=[A-Za-z/!?])")


def tex_escape(text: object) -> str:
    """Prose for LaTeX: the ten special characters become their text forms."""
    return _TEX_PATTERN.sub(lambda m: _TEX_SPECIALS[m.group()], str(text))


def texttt_escape(text: object) -> str:
    """Code for \\texttt: prose escaping, and ``--`` kept as two hyphens (no dash ligature)."""
    return tex_escape(text).replace("-", "-{}")


def md_escape(text: object) -> str:
    """Prose for Markdown: characters that would start emphasis, code, links, math or a table cell."""
    return _MD_PATTERN.sub(lambda m: "\\" + m.group(), str(text))


def mathjax_text(text: object) -> str:
    """Prose for MathJax's \\text{...}, which shows its content literally: drop what it would misread."""
    return re.sub(r"[\\{}$&%#~]", "", str(text))


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["tex"] = tex_escape
    env.filters["md"] = md_escape
    env.filters["texttt"] = texttt_escape
    env.filters["mathjax_text"] = mathjax_text
    return env


@cache
def markdown_environment() -> jinja2.Environment:
    return _common(jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    ))


@cache
def latex_environment() -> jinja2.Environment:
    r"""``\VAR{x}``, ``\BLOCK{if ...}``, ``\#{comment}``, and ``%#`` line comments."""
    return _common(jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%#",
    ))


def render(template: str, **context: object) -> str:
    """Render ``templates/<template>``; the environment follows the extension (.tex.jinja is LaTeX)."""
    env = latex_environment() if template.endswith(".tex.jinja") else markdown_environment()
    return env.get_template(template).render(**context)
