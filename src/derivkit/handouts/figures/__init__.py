"""The figures handouts show, registered by name (``derivation.figure("sigmoid")``).

Every curve is computed from the formulas with NumPy, never drawn by hand. Figures are
drawn with matplotlib's object API (no pyplot, so no global backend state; the Agg canvas
is used) and written deterministically: a fixed SVG hash salt and no dates in the metadata,
so a rebuild produces byte-identical files and the build cache can trust them.

One module per family of figures, each exporting ``FIGURES`` (a tuple of
:class:`~derivkit.handouts.figures.spec.FigureSpec`); add a module to ``_MODULES`` to register it.

A caption is prose (:mod:`derivkit.derivation.prose`): formulas in it are ``$...$``. A figure's
image is the same in every variant of a handout, so its labels name quantities (``$\\sigma'(z)$``)
rather than state derived formulas a worksheet may ask for; a caption may state one in a
sentence of its own, which a worksheet drops when the formula is one of its blanks.
``FigureSpec.formulas`` lists every piece of math text a figure draws (a test keeps it
honest), so a worksheet can leave out a figure whose labels would state a hidden answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from derivkit.errors import DerivationError
from derivkit.handouts.figures import curves, likelihood, normalisation, softmax, surfaces
from derivkit.handouts.figures.softmax import SOFTMAX_LOGITS
from derivkit.handouts.figures.spec import FigureSpec
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


def spec(name: str) -> FigureSpec:
    """The figure registered as ``name``; an unknown name is a clear error."""
    try:
        return FIGURES[name]
    except KeyError:
        raise DerivationError(f"unknown figure {name!r}; known figures: {', '.join(FIGURES)}") from None


def draw(name: str) -> Figure:
    """Figure ``name`` drawn onto a fresh matplotlib Figure (Agg canvas, derivkit's style)."""
    import matplotlib  # deferred: importing matplotlib costs time a cached rebuild does not have
    from matplotlib.figure import Figure

    figure_spec = spec(name)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=figure_spec.size, layout="constrained")
        figure_spec.draw(fig)
    return fig


def write_figure(name: str, folder: Path, fmt: str) -> Path:
    """Draw figure ``name`` and write ``folder/name.fmt`` (svg or pdf), byte-identical on reruns."""
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {FORMATS}, not {fmt!r}")
    spec(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    with matplotlib.rc_context(_RC):  # saving lays the figure out: same style as drawing
        fig = draw(name)
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
    "draw",
    "spec",
    "write_figure",
]
