"""PDFs from the rendered LaTeX with latexmk, auxiliary files kept out of the output folder.

TeX's log is kept (under the build cache) because it is the only place that says a line ran
off the page: :func:`overfull_boxes` reads it, and the build warns about every box wider than
:data:`OVERFULL_TOLERANCE`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from derivkit.errors import LatexError

#: The Debian packages the LaTeX templates need (and nothing more: the preamble is kept to these).
TEX_PACKAGES = ("latexmk", "texlive-latex-base", "texlive-latex-recommended", "lmodern")
LATEXMK = ("latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error")
INSTALL_HINT = ("PDF skipped: latexmk not found; install TeX Live: "
                f"sudo apt-get install --no-install-recommends {' '.join(TEX_PACKAGES)}")
#: An overfull box wider than this many points is visible on paper (text past the margin).
OVERFULL_TOLERANCE = 1.0
_OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\) (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Overfull:
    """A line TeX could not fit: how far it sticks out, and where in the .tex it is."""

    points: float
    where: str

    def __str__(self) -> str:
        return f"a line {self.points:.1f} pt too wide ({self.where})"


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None


def compile_pdf(tex: Path, timeout: float = 300.0, log: Path | None = None) -> Path:
    """Compile ``tex`` (run from its folder, so figures/... resolves) and put the PDF beside it;
    the TeX log is copied to ``log`` when given.

    Auxiliary files go to a temporary folder that is removed afterwards.
    """
    tex = tex.resolve()
    with tempfile.TemporaryDirectory(prefix="derivkit-latex-") as aux:
        command = [*LATEXMK, f"-outdir={aux}", tex.name]
        try:
            done = subprocess.run(command, cwd=tex.parent, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise LatexError(f"latexmk took longer than {timeout:.0f} s on {tex.name}") from None
        produced, tex_log = Path(aux) / f"{tex.stem}.pdf", Path(aux) / f"{tex.stem}.log"
        if log is not None and tex_log.exists():
            log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tex_log, log)
        if done.returncode != 0 or not produced.exists():
            raise LatexError(f"latexmk failed on {tex.name}: {_first_error(tex_log, done)}")
        target = tex.with_suffix(".pdf")
        shutil.copyfile(produced, target)
    return target


def overfull_boxes(log_text: str, tolerance: float = OVERFULL_TOLERANCE) -> tuple[Overfull, ...]:
    """The overfull horizontal boxes of a TeX log wider than ``tolerance`` points."""
    found = (Overfull(float(m.group(1)), m.group(2).strip()) for m in _OVERFULL.finditer(log_text))
    return tuple(box for box in found if box.points > tolerance)


def _first_error(log: Path, done: subprocess.CompletedProcess[str]) -> str:
    """The first '! ...' line of the TeX log (with the line after it), else latexmk's last words."""
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            return " ".join(part.strip() for part in lines[i:i + 2])
    tail = (done.stderr or done.stdout).strip().splitlines()
    return tail[-1] if tail else f"exit status {done.returncode}"
