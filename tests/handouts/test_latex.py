"""Every generated .tex compiles with latexmk (all derivations, all variants) into a page a teacher
can hand out: no line past the margin (an overfull box wider than 1 pt in TeX's log), no page
with almost no text (only the footer, a lone line), nothing after the footer.

Without latexmk or pdftotext the test is skipped locally, but fails on CI (env CI=true), where
.ci/install-tex installs them (TeX Live's latexmk, texlive-latex-base, texlive-latex-recommended,
lmodern; poppler-utils' pdftotext).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derivkit.derivation import registry
from derivkit.handouts.build import LOG_DIR, build
from derivkit.handouts.pdf import TEX_PACKAGES, overfull_boxes

#: A page with fewer visible characters than this, besides the footer and the page number, is
#: "almost empty": a lone line or two that a teacher would not print a sheet for.
MIN_PAGE_CHARS = 150
FOOTER = re.compile(r"(Every step was verified|Checked by derivkit)")


def require(tool: str, packages: str) -> None:
    if shutil.which(tool):
        return
    message = f"{tool} not found; install {packages}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (required on CI)")
    pytest.skip(message)


def pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def visible(text: str) -> int:
    """Characters a reader sees on a page, besides the footer sentence and the page number."""
    lines = [line for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
    body = "\n".join(lines)
    match = FOOTER.search(body)
    if match:
        body = body[:match.start()]
    return len(re.sub(r"\s+", "", body))


def page_problems(name: str, texts: list[str]) -> list[str]:
    problems = []
    for number, text in enumerate(texts, start=1):
        if visible(text) < MIN_PAGE_CHARS:
            problems.append(f"{name} p{number}: almost no text ({visible(text)} characters besides the footer)")
    last = [line.strip() for line in texts[-1].splitlines() if line.strip()]
    footer = [i for i, line in enumerate(last) if FOOTER.search(line)]
    if not footer:
        problems.append(f"{name}: the footer is not on the last page (something floated past it)")
    elif any(not line.isdigit() and not FOOTER.search(line) and i > footer[0] + 2 for i, line in enumerate(last)):
        problems.append(f"{name}: something follows the footer on the last page")
    return problems


def test_overfull_boxes_are_read_from_the_log() -> None:
    log = ("Overfull \\hbox (485.93025pt too wide) detected at line 159\n"
           "Overfull \\hbox (0.5pt too wide) in paragraph at lines 3--4\n")
    boxes = overfull_boxes(log)
    assert [(b.points, b.where) for b in boxes] == [(485.93025, "detected at line 159")]


def test_a_page_with_only_the_footer_is_flagged() -> None:
    body = "x" * 400
    footer = "Every step was verified by derivkit 0.1.0 with SymPy 1.14 on 2024-01-01: 3 proved."
    assert page_problems("good", [body, f"{body}\n{footer}\n2"]) == []
    assert page_problems("bad", [body, f"{footer}\n2"]) == ["bad p2: almost no text (0 characters besides the footer)"]
    assert page_problems("late", [f"{body}\n{footer}\n1", "Figure 1: a figure\n2"])[-1].startswith("late: the footer")


@pytest.mark.slow
def test_every_generated_tex_compiles_to_print_ready_pages(tmp_path: Path) -> None:
    require("latexmk", " ".join(TEX_PACKAGES))
    require("pdftotext", "poppler-utils")
    out = tmp_path / "out"
    result = build(out, formats=["tex", "pdf"], variants=["handout", "worksheet", "key"], date="2024-01-01",
                   progress=False, echo=lambda line: None, jobs=2)
    assert not result.errors, result.errors
    ids = registry.ids()
    stems = [f"{i}{v}" for i in ids for v in ("", "-worksheet", "-key")]
    problems = []
    for stem in stems:
        pdf = out / f"{stem}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"{stem}.pdf missing"
        log = (out / LOG_DIR / f"{stem}.log").read_text(errors="replace")
        problems += [f"{stem}: {box}" for box in overfull_boxes(log)]
        problems += page_problems(stem, pages(pdf))
    assert not problems, "\n".join(problems)
    assert [w for w in result.warnings if "too wide" in w] == []
    leftovers = [p.name for p in out.iterdir() if p.suffix in (".aux", ".log", ".fls", ".fdb_latexmk")]
    assert not leftovers, f"auxiliary files left in the output folder: {leftovers}"
    # An unchanged .tex keeps its PDF: nothing is compiled again (past the whole-build stamp, too).
    state = out / ".cache" / "build.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "stamp": ""}))
    again = build(out, formats=["tex", "pdf"], variants=["handout", "worksheet", "key"], date="2024-01-01",
                  progress=False, echo=lambda line: None, force=False)
    assert not again.up_to_date and not again.verified_now
    assert not [p for p in again.written if p.suffix == ".pdf"]
