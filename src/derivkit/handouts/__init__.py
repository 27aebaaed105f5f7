"""Rendering derivations as handouts: a render model, then Jinja templates.

``handout(derivation, report, variant)`` builds the model (:mod:`.model`); ``markdown`` and
``latex`` and ``html`` lay it out with ``templates/handout.{md,tex,html}.jinja``; Markdown comes in
the dialect of a site generator (``MD_FLAVORS``: front matter, equation labels and references, each
a ``templates/flavor-<name>.md.jinja``).
The build pipeline (:mod:`derivkit.handouts.build`) and Jupyter (:mod:`.notebook`) both come here.
Jinja and the model assembly are imported on first use, so ``import derivkit.handouts`` is cheap
(a cached ``derivkit build`` never needs them).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from derivkit.errors import DerivkitError
from derivkit.handouts.model import VARIANTS, CourseInfo, Handout, IndexEntry, IndexPart, Variant

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation, DerivationReport

_BLANK_RUNS = re.compile(r"\n{3,}")
TEMPLATES = {"md": "handout.md.jinja", "tex": "handout.tex.jinja", "html": "handout.html.jinja"}
INDEX_TEMPLATES = {"md": "index.md.jinja", "html": "index.html.jinja"}
#: Markdown dialects; the first is the default. Each is a template of macros, ``flavor-<name>.md.jinja``.
MD_FLAVORS = ("github", "mkdocs", "myst", "quarto")
#: Where an HTML page finds the bundled KaTeX (the build copies ``handouts/static/katex`` there).
KATEX_DIR = "katex"


def build_date(date: dt.date | str | None = None) -> str:
    """The date a handout states: given, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today."""
    if isinstance(date, dt.date):
        return date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        if date:
            return dt.date.fromisoformat(date).isoformat()
        if epoch:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    except ValueError:
        raise DerivkitError(f"bad date {date or epoch!r}: use YYYY-MM-DD (or SOURCE_DATE_EPOCH in seconds)") from None
    return dt.date.today().isoformat()


def handout(derivation: Derivation, report: DerivationReport, variant: Variant = "handout", *,
            date: dt.date | str | None = None, figures: Sequence[str] | None = None,
            course: CourseInfo | None = None) -> Handout:
    """The render model of one derivation in one variant (see :func:`derivkit.handouts.assemble.handout`)."""
    from derivkit.handouts import assemble

    return assemble.handout(derivation, report, variant, date=build_date(date), figures=figures, course=course)


def _flavor(flavor: str) -> str:
    if flavor not in MD_FLAVORS:
        raise DerivkitError(f"unknown Markdown flavor {flavor!r}; use one of {', '.join(MD_FLAVORS)}")
    return flavor


def markdown(model: Handout, flavor: str = MD_FLAVORS[0]) -> str:
    """The Markdown handout in a site generator's dialect (runs of blank lines left by the
    template's loops collapsed to one)."""
    from derivkit.handouts.environment import render

    return _BLANK_RUNS.sub("\n\n", render(TEMPLATES["md"], h=model, flavor=_flavor(flavor)))


def html(model: Handout, katex: str = KATEX_DIR) -> str:
    """A standalone HTML page; ``katex`` is the (relative) folder holding the bundled KaTeX."""
    from derivkit.handouts.environment import render

    return render(TEMPLATES["html"], h=model, katex=katex)


def latex(model: Handout) -> str:
    from derivkit.handouts.environment import render

    return render(TEMPLATES["tex"], h=model)


def index(parts: Sequence[IndexPart], date: str, fmt: str = "md", flavor: str = MD_FLAVORS[0], *,
          course: CourseInfo | None = None, keys: bool = False) -> str:
    """The index page (``fmt`` md or html): every handout with its verification status, in the
    suggested reading order. ``keys=False``: the students' index (handouts and worksheets);
    ``keys=True``: the answer keys' index. ``course`` heads it with the course's title and author."""
    from derivkit.handouts.environment import render

    return render(INDEX_TEMPLATES[fmt], parts=list(parts), date=date, flavor=_flavor(flavor), katex=KATEX_DIR,
                  course=course or CourseInfo(), keys=keys)


__all__ = [
    "KATEX_DIR", "MD_FLAVORS", "VARIANTS", "CourseInfo", "Handout", "IndexEntry", "IndexPart", "Variant", "build_date",
    "handout", "html", "index", "latex", "markdown",
]
