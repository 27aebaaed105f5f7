"""The build: one code path for ``derivkit build`` and build_docs.py, its cache, its exit status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from derivkit.handouts import build as build_module
from derivkit.handouts import figures as plots
from derivkit.handouts.build import build
from derivkit.cli import main
from derivkit.derivation import Derivation
from derivkit.errors import DerivkitError

ROOT = Path(__file__).resolve().parents[2]
DATE = "2024-01-01"

SCRIPT = '''
import sympy as sp
from derivkit import Derivation, sigmoid

d = Derivation("{id}", "{title}", "Motivation: 50% & more_of it.")
z = d.symbol("z", "real", "the logit")
c = d.chain("Its derivative")
c.start(sigmoid(z), rule="the sigmoid")
c.differentiate(z, {stated}, rule="differentiate", justification="Chain rule.", exercise=True)
c.conclude("{id}")
d.example(sigmoid(z), {{z: 0}}, "At zero the sigmoid is")
d.exercise("Differentiate sigma(z).", sigmoid(z) * (1 - sigmoid(z)))
d.figure("{figure}")
derivation = d
'''
RIGHT = "sigmoid(z) * (1 - sigmoid(z))"
WRONG = "sigmoid(z) ** 2"


def scripts(folder: Path, *specs: tuple[str, str, str]) -> Path:
    """A derivations folder holding small scripts: (id, title, stated derivative[, figure])."""
    folder.mkdir(parents=True)
    for spec in specs:
        derivation_id, title, stated, *figure = spec
        text = SCRIPT.format(id=derivation_id, title=title, stated=stated, figure=(figure or ["sigmoid"])[0])
        (folder / f"{derivation_id.replace('-', '_')}.py").write_text(text)
    return folder


def quiet(**kwargs: object) -> dict[str, object]:
    return {"date": DATE, "progress": False, "echo": lambda line: None, **kwargs}


def test_cli_build_only_markdown(tmp_path: Path) -> None:
    out = tmp_path / "out"
    status = main(["build", "--only", "sigmoid-from-logit", "--format", "md", "--out", str(out), "--date", DATE,
                   "--no-progress"])
    assert status == 0
    assert (out / "sigmoid-from-logit.md").read_text().startswith("# The sigmoid from the logit model")
    assert (out / "figures" / "sigmoid.svg").exists() and not (out / "figures" / "sigmoid.pdf").exists()
    assert not list(out.glob("*.tex")) and not list(out.glob("*.pdf"))
    assert "[The sigmoid from the logit model](sigmoid-from-logit.md)" in (out / "index.md").read_text()


def test_variants_get_their_own_files_and_the_index_lists_every_handout(tmp_path: Path) -> None:
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT), ("beta", "Beta", RIGHT))
    result = build(tmp_path / "out", formats=["md", "tex"], variants=["handout", "worksheet", "key"], folder=folder,
                   **quiet())
    assert result.exit_status == 0
    names = {p.name for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert names == {f"{i}{v}.{e}" for i in ("alpha", "beta") for v in ("", "-worksheet", "-key")
                     for e in ("md", "tex")} | {"index.md", "keys.md"}
    index = (tmp_path / "out" / "index.md").read_text()
    assert "| [Alpha](alpha.md) | ✓ verified (1 proved) |" in index and "[worksheet md](beta-worksheet.md)" in index
    # index.md can be given to students: it links no answer key; keys.md lists only the keys.
    assert "-key." not in index
    keys = (tmp_path / "out" / "keys.md").read_text()
    assert "[key md](beta-key.md)" in keys and "beta-worksheet" not in keys and "(beta.md)" not in keys
    assert "Motivation: 50\\% \\& more\\_of it." in (tmp_path / "out" / "alpha.tex").read_text()


def test_a_rebuild_reuses_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT))
    out = tmp_path / "out"
    first = build(out, formats=["md", "tex"], folder=folder, **quiet())
    assert first.verified_now == ["alpha"] and first.written
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}

    def refuse(self: Derivation, budget: float = 10.0) -> None:
        raise AssertionError(f"{self.id} was verified again")

    monkeypatch.setattr(Derivation, "verify", refuse)
    monkeypatch.setattr(plots, "write_figure", lambda *a, **k: pytest.fail("figure redrawn"))
    second = build(out, formats=["md", "tex"], folder=folder, **quiet())
    assert second.up_to_date and second.exit_status == 0 and not second.written
    assert second.reports["alpha"].verified
    # Past the whole-build stamp (a new date re-renders): verdicts and figures still come from the cache.
    third = build(out, formats=["md", "tex"], folder=folder, **quiet(date="2024-02-02"))
    assert not third.up_to_date and third.verified_now == [] and third.exit_status == 0
    assert "on 2024-02-02" in (out / "alpha.md").read_text()
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items() if p.suffix == ".svg")


def test_a_changed_derivation_is_verified_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, formats=["md"], folder=scripts(tmp_path / "v1", ("alpha", "Alpha", RIGHT), ("beta", "Beta", RIGHT)),
          **quiet())
    changed = build(out, formats=["md"],
                    folder=scripts(tmp_path / "v2", ("alpha", "Alpha", WRONG), ("beta", "Beta", RIGHT)), **quiet())
    assert changed.verified_now == ["alpha"]
    assert changed.exit_status == 1 and not changed.reports["alpha"].verified and changed.reports["beta"].verified


def test_a_failing_derivation_is_written_and_fails_the_build(tmp_path: Path) -> None:
    folder = scripts(tmp_path / "d", ("broken", "Broken", WRONG))
    result = build(tmp_path / "out", formats=["md", "tex"], folder=folder, **quiet())
    assert result.exit_status == 1
    md = (tmp_path / "out" / "broken.md").read_text()
    assert "**Verification FAILED at step 1** (differentiate" in md and "Counterexample: at z = " in md
    assert "FAILED at step 1" in (tmp_path / "out" / "index.md").read_text()


def test_pdf_without_latexmk_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(build_module, "latexmk_available", lambda: False)
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT))
    result = build(tmp_path / "out", folder=folder, date=DATE, progress=False)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("PDF skipped: latexmk not found; install TeX Live: sudo apt-get")
    assert result.exit_status == 0 and result.pdf_skipped
    assert (tmp_path / "out" / "alpha.md").exists() and (tmp_path / "out" / "alpha.tex").exists()
    assert not (tmp_path / "out" / "alpha.pdf").exists()


def test_unknown_figure_or_format_is_a_clear_error(tmp_path: Path) -> None:
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT, "sigmiod"))
    with pytest.raises(DerivkitError, match="unknown figure 'sigmiod'"):
        build(tmp_path / "out", folder=folder, **quiet())
    with pytest.raises(DerivkitError, match="unknown format or variant docx"):
        build(tmp_path / "out", formats=["docx"], folder=folder, **quiet())
    with pytest.raises(DerivkitError, match="unknown Markdown flavor 'pandoc'; use one of github, mkdocs"):
        build(tmp_path / "out", md_flavor="pandoc", folder=folder, **quiet())
    assert not (tmp_path / "out").exists()
    assert main(["build", "--only", "no-such-id", "--out", str(tmp_path / "x"), "--format", "md"]) == 2


def test_build_docs_py_runs_the_same_command(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}  # 2024-01-01
    done = subprocess.run([sys.executable, str(ROOT / "build_docs.py"), "--only", "sigmoid-from-logit",
                           "--format", "md", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "built 1 handout" in done.stdout
    assert "on 2024-01-01" in (tmp_path / "out" / "sigmoid-from-logit.md").read_text()


# -- the reading order (course.toml) --------------------------------------------------------------

def test_index_follows_the_reading_order_in_parts(tmp_path: Path) -> None:
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT), ("beta", "Beta", RIGHT), ("gamma", "Gamma", RIGHT))
    (folder / "course.toml").write_text('[[part]]\ntitle = "First things"\nabout = "Start with $z$."\n'
                                        'derivations = ["beta"]\n\n[[part]]\ntitle = "Then"\nderivations = ["alpha"]\n')
    assert build(tmp_path / "out", formats=["md"], folder=folder, **quiet()).exit_status == 0
    index = (tmp_path / "out" / "index.md").read_text()
    first, then, further = (index.index(h) for h in ("## 1. First things", "## 2. Then", "## Further handouts"))
    assert first < index.index("[Beta](beta.md)") < then < index.index("[Alpha](alpha.md)") < further
    assert further < index.index("[Gamma](gamma.md)")
    assert "Start with $z$." in index


@pytest.mark.parametrize(("course", "complaint"), [
    ('[[part]]\ntitle = "A"\nderivations = ["alhpa"]\n', "unknown derivation id 'alhpa'; did you mean alpha?"),
    ('[[part]]\ntitle = "A"\nderivations = ["alpha", "alpha"]\n', "listed twice"),
    ('[[part]]\nderivations = ["alpha"]\n', "each [[part]] needs a title"),
    ('[[part]\n', "not a valid course file"),
])
def test_a_bad_reading_order_is_a_clear_error_before_anything_is_written(tmp_path: Path, course: str,
                                                                       complaint: str) -> None:
    folder = scripts(tmp_path / "d", ("alpha", "Alpha", RIGHT))
    (folder / "course.toml").write_text(course)
    with pytest.raises(DerivkitError, match=complaint.replace("[", r"\[").replace("?", r"\?")):
        build(tmp_path / "out", formats=["md"], folder=folder, **quiet())
    assert not (tmp_path / "out" / "alpha.md").exists()


def test_the_course_lists_every_derivation_once() -> None:
    from derivkit.derivation import registry

    listed = [i for part in registry.course() for i in part.ids]
    assert sorted(listed) == sorted(registry.ids())
