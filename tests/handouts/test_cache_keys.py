"""The build cache is exactly right: each artefact is keyed by the source it is computed by.

The keys are computed on a copy of derivkit's source (``root``), which the tests then edit: a
parser edit must re-render the worksheets (their hiding reads the parser) without
re-verifying, and a sandbox edit must re-verify, re-render and redraw nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from derivkit import Derivation
from derivkit.handouts import build as build_module
from derivkit.handouts import sources
from derivkit.handouts.build import build

DATE = "2024-01-01"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of derivkit's source tree, safe to edit."""
    copy = tmp_path / "derivkit"
    shutil.copytree(build_module.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "_derivations"))
    return copy


def keys(root: Path) -> dict[str, str]:
    return {"verdicts": build_module.engine_key(root), "render": build_module.render_key(root),
            "figures": build_module.figures_key(root)}


def edit(path: Path) -> None:
    path.write_text(path.read_text() + "\n# an edit\n")


@pytest.mark.parametrize(("edited", "changed"), [
    ("parsing/latex.py", {"verdicts", "render"}),  # steps written as on paper are read by the parser
    ("grading/sandbox.py", set()),
    ("engine/_proof.py", {"verdicts", "render"}),
    ("handouts/figures/curves.py", {"figures", "render"}),
    ("handouts/templates/handout.tex.jinja", {"render"}),
    ("codegen/printers.py", set()),
])
def test_an_edit_changes_exactly_the_keys_of_what_it_can_change(package: Path, edited: str, changed: set[str]) -> None:
    before = keys(package)
    edit(package / edited)
    after = keys(package)
    assert {name for name in before if before[name] != after[name]} == changed


def test_dependencies_come_from_the_imports_including_function_level_ones(package: Path) -> None:
    rendered = {p.relative_to(package).as_posix() for p in sources.closure(build_module.RENDERER, package)}
    verified = {p.relative_to(package).as_posix() for p in sources.closure(build_module.VERIFIER, package)}
    assert "parsing/latex.py" in rendered  # hiding imports the parser inside a function
    assert "grading/sandbox.py" not in rendered | verified
    assert not any(p.startswith("handouts/") for p in verified)  # _repr_ hooks do not count


def _worksheet_build(out: Path) -> build_module.BuildResult:
    return build(out, formats=["md"], only=["sigmoid-from-logit"], variants=["handout", "worksheet"],
                 date=DATE, progress=False, echo=lambda line: None)


def test_editing_a_parser_file_re_renders_worksheets_and_editing_the_sandbox_re_verifies_nothing(
        package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "PACKAGE_DIR", package)
    out = tmp_path / "out"
    first = _worksheet_build(out)
    assert first.verified_now == ["sigmoid-from-logit"]
    state = out / build_module.STATE_FILE
    recorded = json.loads(state.read_text())["keys"]

    edit(package / "grading" / "sandbox.py")
    second = _worksheet_build(out)
    assert second.up_to_date and second.verified_now == []
    assert json.loads(state.read_text())["keys"] == recorded

    edit(package / "parsing" / "latex.py")
    third = _worksheet_build(out)
    # re-rendered, and re-verified: a derivation's steps written as on paper are read by the parser
    assert not third.up_to_date and third.verified_now == ["sigmoid-from-logit"]
    now = json.loads(state.read_text())["keys"]
    assert now["sigmoid-from-logit-worksheet.md"] != recorded["sigmoid-from-logit-worksheet.md"]
    assert now["sigmoid-from-logit.md"] != recorded["sigmoid-from-logit.md"]


def _reordered(text: str) -> str:
    d = Derivation("order", "Order")
    d.symbol("p")
    d.symbol("z")
    c = d.chain("c")
    c.start("p*z + 1")
    c.equals(text, rule="reorder")
    return build_module.content_text(d)


def test_a_written_form_reordered_re_renders_its_handout() -> None:
    # srepr, and so the verification fingerprint, sorts terms and factors; the handout prints them as written
    assert _reordered("z*p + 1") != _reordered("p*z + 1")
    assert _reordered("1 + p*z") != _reordered("p*z + 1")
    assert _reordered("p*z + 1") == _reordered("p*z + 1")
