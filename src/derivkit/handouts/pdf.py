"""PDFs from the rendered LaTeX with latexmk, auxiliary files kept out of the output folder."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from derivkit.errors import LatexError

#: The Debian packages the LaTeX templates need (and nothing more: the preamble is kept to these).
TEX_PACKAGES = ("latexmk", "texlive-latex-base", "texlive-latex-recommended", "lmodern")
LATEXMK = ("latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error")
INSTALL_HINT = ("PDF skipped: latexmk not found; install TeX Live: "
                f"sudo apt-get install --no-install-recommends {' '.join(TEX_PACKAGES)}")


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None


def compile_pdf(tex: Path, timeout: float = 300.0) -> Path:
    """Compile ``tex`` (run from its folder, so figures/... resolves) and put the PDF beside it.

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
        produced = Path(aux) / f"{tex.stem}.pdf"
        if done.returncode != 0 or not produced.exists():
            raise LatexError(f"latexmk failed on {tex.name}: {_first_error(Path(aux) / f'{tex.stem}.log', done)}")
        target = tex.with_suffix(".pdf")
        shutil.copyfile(produced, target)
    return target


def _first_error(log: Path, done: subprocess.CompletedProcess[str]) -> str:
    """The first '! ...' line of the TeX log (with the line after it), else latexmk's last words."""
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            return " ".join(part.strip() for part in lines[i:i + 2])
    tail = (done.stderr or done.stdout).strip().splitlines()
    return tail[-1] if tail else f"exit status {done.returncode}"
