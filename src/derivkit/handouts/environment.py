"""The Jinja environments: strict, and for LaTeX with delimiters that do not clash with braces.

``StrictUndefined`` turns a misspelt field into an error instead of an empty string in a
handout. Autoescape is off for Markdown and LaTeX, and on for HTML (``*.html.jinja``), where every
value is escaped unless a filter marks it safe. Author prose, which may hold
inline ``$...$`` math (:mod:`.prose`), goes through the ``prose`` filter, which each
environment binds to its format (``prose_cell`` in a Markdown table cell, ``prose_mathjax``
inside MathJax's ``\\text{}``, ``plain`` for alt text, ``capitalise`` before it where prose
starts a sentence). Generated text (verdict messages) goes through ``tex`` and ``md``, code
through ``texttt`` and ``command``; expression LaTeX (from the printer) is never escaped, except
in HTML, where ``math`` and ``display`` put it (HTML-escaped) in an element KaTeX typesets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

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
    env.filters["yaml"] = yaml_string
    return env


def yaml_string(text: object) -> str:
    """A YAML front-matter value: a JSON string, which YAML reads as the same string."""
    return json.dumps(str(text), ensure_ascii=False)


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


def math_html(tex: object, display: bool = False) -> Markup:
    """LaTeX for KaTeX in a page: HTML-escaped inside a ``math`` element, which the page's script
    typesets (``render-math.js.jinja``); the TeX never reaches the page as markup."""
    tag, kind = ("div", "math display") if display else ("span", "math inline")
    return Markup('<{0} class="{1}">{2}</{0}>').format(tag, kind, escape(tex).strip())


_PUNCTUATION = re.compile(r"^[.,;:!?)\]]+")


def prose_html(text: object) -> Markup:
    """Prose for HTML: text escaped, each ``$...$`` an inline math element, kept on one line with
    the punctuation right after it (a narrow screen would start a line with the full stop)."""
    parts: list[Markup] = []
    glue = ""
    for segment in reversed(prose.split(text)):
        if segment.math:
            math = math_html(segment.text)
            parts.append(Markup('<span class="nobr">{}{}</span>').format(math, glue) if glue else math)
            glue = ""
            continue
        if glue:
            parts.append(escape(glue))
        match = _PUNCTUATION.match(segment.text)
        glue = match.group() if match else ""
        parts.append(escape(segment.text[len(glue):]))
    if glue:
        parts.append(escape(glue))
    return Markup("").join(reversed(parts))


@cache
def html_environment() -> jinja2.Environment:
    """Autoescaping: prose and math go through ``prose``, ``math`` and ``display``, which escape themselves."""
    env = _common(jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=True,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    ))
    env.filters["prose"] = prose_html
    env.filters["math"] = math_html
    env.filters["display"] = lambda tex: math_html(tex, display=True)
    env.filters["page"] = main_page
    return env


def main_page(files: Sequence[tuple[str, str]]) -> str:
    """The file an index entry's title links to: its HTML page, else its first file."""
    paths = [path for _, path in files]
    return next((p for p in paths if p.endswith(".html")), paths[0] if paths else "")


#: The environment of a template, by how its name ends (anything else is Markdown).
ENVIRONMENTS = {".tex.jinja": latex_environment, ".html.jinja": html_environment,
                ".css.jinja": html_environment, ".js.jinja": html_environment}


def environment(template: str) -> jinja2.Environment:
    suffix = "." + ".".join(template.rsplit(".", 2)[-2:])
    return ENVIRONMENTS.get(suffix, markdown_environment)()


def render(template: str, **context: object) -> str:
    """Render ``templates/<template>``; the environment follows the extension (.tex.jinja is LaTeX)."""
    return environment(template).get_template(template).render(**context)
