"""Every generated .tex compiles with latexmk (all derivations, all variants).

Without latexmk the test is skipped locally, but fails on CI (env CI=true), where TeX must be
installed: apt-get install --no-install-recommends latexmk texlive-latex-base texlive-latex-recommended lmodern
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from derivkit.derivation import registry
from derivkit.handouts.build import build
from derivkit.handouts.pdf import TEX_PACKAGES


def require_latexmk() -> None:
    if shutil.which("latexmk"):
        return
    message = f"latexmk not found; install {' '.join(TEX_PACKAGES)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (required on CI)")
    pytest.skip(message)


@pytest.mark.slow
def test_every_generated_tex_compiles(tmp_path: Path) -> None:
    require_latexmk()
    out = tmp_path / "out"
    result = build(out, formats=["tex", "pdf"], variants=["handout", "worksheet", "key"], date="2024-01-01",
                   progress=False, echo=lambda line: None)
    assert not result.errors, result.errors
    ids = registry.ids()
    stems = [f"{i}{v}" for i in ids for v in ("", "-worksheet", "-key")]
    for stem in stems:
        pdf = out / f"{stem}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"{stem}.pdf missing"
    leftovers = [p.name for p in out.iterdir() if p.suffix in (".aux", ".log", ".fls", ".fdb_latexmk")]
    assert not leftovers, f"auxiliary files left in the output folder: {leftovers}"
    # An unchanged .tex keeps its PDF: nothing is compiled again (past the whole-build stamp, too).
    state = out / ".cache" / "build.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "stamp": ""}))
    again = build(out, formats=["tex", "pdf"], variants=["handout", "worksheet", "key"], date="2024-01-01",
                  progress=False, echo=lambda line: None, force=False)
    assert not again.up_to_date and not again.verified_now
    assert not [p for p in again.written if p.suffix == ".pdf"]
