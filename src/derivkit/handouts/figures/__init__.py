"""The figures handouts show, registered by name (``derivation.figure("sigmoid")``).

Every curve is computed from the formulas with NumPy, never drawn by hand. Figures are
drawn with matplotlib's object API (no pyplot, so no global backend state; the Agg canvas
is used) and written deterministically: a fixed SVG hash salt and no dates in the metadata,
so a rebuild produces byte-identical files and the build cache can trust them.

One module per family of figures, each exporting ``FIGURES`` (a tuple of
:class:`~derivkit.handouts.figures.spec.FigureSpec`); add a module to ``_MODULES`` to register it.

A course has figures of its own in its figures module (``figures.py`` beside ``course.toml``):
every :class:`FigureSpec` defined at its top level (usually by the :func:`figure` decorator) is
registered under its name, before the built-in ones. Every function here takes that module's
path as ``module`` (``None``: built-in figures only).

A caption is prose (:mod:`derivkit.derivation.prose`): formulas in it are ``$...$``. A figure's
image is the same in every variant of a handout, so its labels name quantities (``$\\sigma'(z)$``)
rather than state derived formulas a worksheet may ask for; a caption may state one in a
sentence of its own, which a worksheet drops when the formula is one of its blanks.
``FigureSpec.formulas`` lists every piece of math text a figure draws (a test keeps it
honest), so a worksheet can leave out a figure whose labels would state a hidden answer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derivkit.errors import DerivationError
from derivkit.handouts.figures import curves, likelihood, normalisation, softmax, surfaces
from derivkit.handouts.figures.softmax import SOFTMAX_LOGITS
from derivkit.handouts.figures.spec import FigureSpec, figure
from derivkit.handouts.figures.surfaces import BCE_X, BCE_Y, bce_gradient, bce_loss

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

#: Output formats: SVG for Markdown, PDF for LaTeX.
FORMATS = ("svg", "pdf")

_RC: dict[RcKeyType, Any] = {"svg.hashsalt": "derivkit", "svg.fonttype": "path", "font.size": 10, "axes.grid": True,
       "grid.alpha": 0.3, "path.simplify": False}
_METADATA = {"svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}

_MODULES = (curves, softmax, surfaces, normalisation, likelihood)

FIGURES: dict[str, FigureSpec] = {figure.name: figure for module in _MODULES for figure in module.FIGURES}


_COURSE_CACHE: dict[tuple[Path, float], dict[str, FigureSpec]] = {}


def course_figures(module: Path | None) -> Mapping[str, FigureSpec]:
    """The figures a course's figures module defines, by name (loaded once per version of the file)."""
    if module is None:
        return {}
    path = Path(module).resolve()
    key = (path, path.stat().st_mtime)
    if key not in _COURSE_CACHE:
        spec_ = importlib.util.spec_from_file_location(f"derivkit_course_figures_{abs(hash(path))}", path)
        if spec_ is None or spec_.loader is None:
            raise DerivationError(f"cannot load the figures module {path}")
        loaded = importlib.util.module_from_spec(spec_)
        spec_.loader.exec_module(loaded)
        found = [v for v in vars(loaded).values() if isinstance(v, FigureSpec)]
        found += [f for f in getattr(loaded, "FIGURES", ()) if isinstance(f, FigureSpec)]
        _COURSE_CACHE[key] = {f.name: f for f in found}
    return _COURSE_CACHE[key]


def spec(name: str, module: Path | None = None) -> FigureSpec:
    """The figure registered as ``name`` (the course's own first); an unknown name is a clear error."""
    own = course_figures(module)
    if name in own:
        return own[name]
    try:
        return FIGURES[name]
    except KeyError:
        own_hint = f" (a figure of the course is defined in {module.name} with @figure({name!r}))" if module else ""
        known = ", ".join([*own, *FIGURES])
        raise DerivationError(f"unknown figure {name!r}{own_hint}; known figures: {known}") from None


def draw(name: str, module: Path | None = None) -> Figure:
    """Figure ``name`` drawn onto a fresh matplotlib Figure (Agg canvas, derivkit's style)."""
    import matplotlib  # deferred: importing matplotlib costs time a cached rebuild does not have
    from matplotlib.figure import Figure

    figure_spec = spec(name, module)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=figure_spec.size, layout="constrained")
        figure_spec.draw(fig)
    return fig


def write_figure(name: str, folder: Path, fmt: str, module: Path | None = None) -> Path:
    """Draw figure ``name`` and write ``folder/name.fmt`` (svg or pdf), byte-identical on reruns."""
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {FORMATS}, not {fmt!r}")
    spec(name, module)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    with matplotlib.rc_context(_RC):  # saving lays the figure out: same style as drawing
        fig = draw(name, module)
        fig.savefig(path, format=fmt, metadata=_METADATA[fmt], dpi=200)  # dpi: the rasterised 3D surfaces
    return path


__all__ = [
    "BCE_X",
    "BCE_Y",
    "FIGURES",
    "FORMATS",
    "SOFTMAX_LOGITS",
    "FigureSpec",
    "bce_gradient",
    "bce_loss",
    "course_figures",
    "draw",
    "figure",
    "spec",
    "write_figure",
]
