"""A course is a folder: ``derivkit new``, every command on the instructor's folder (``--course`` or
the nearest course.toml), scripts by path, the course's own figures, its metadata in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivkit.cli import main
from derivkit.derivation import registry
from derivkit.errors import DerivationError
from derivkit.handouts import figures as plots
from derivkit.handouts.build import build

DATE = "2024-01-01"

OWN = '''
from derivkit import Derivation

d = Derivation("relu-slope", "The slope of softplus")
z = d.symbol("z", "real", "the input")
c = d.chain("Differentiate softplus")
c.start("log(1 + exp(z))", rule="softplus")
c.differentiate(z, "{stated}", rule="the chain rule")
c.conclude("softplus-slope", main=True)
d.figure("{figure}", caption="Softplus and its slope, the sigmoid.")
derivation = d
'''

FIGURE = '''
import numpy as np
from derivkit import figure


@figure("softplus", formulas=("z",))
def softplus(fig):
    z = np.linspace(-4, 4, 81)
    ax = fig.add_subplot()
    ax.plot(z, np.log1p(np.exp(z)), color="{color}")
    ax.set_xlabel("$z$")
'''


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    assert main(["new", str(folder), "--title", "Deep nets", "--author", "Ada", "--institution", "U"]) == 0
    (folder / "derivations" / "softplus_slope.py").write_text(OWN.format(stated="exp(z)/(1 + exp(z))",
                                                                          figure="softplus"))
    (folder / "figures.py").write_text((folder / "figures.py").read_text() + FIGURE.format(color="C0"))
    return folder


def test_new_writes_a_course(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    assert main(["new", str(folder), "--title", 'Maths "for" ML']) == 0
    assert {p.name for p in folder.iterdir()} == {"course.toml", "derivations", "figures.py", "README.md"}
    found = registry.find_course(folder)
    assert found.title == 'Maths "for" ML' and [d.id for d in found.derivations()] == ["tanh-derivative"]
    assert [p.ids for p in found.parts()] == [("tanh-derivative",)]
    example = found.load("tanh-derivative")
    assert example.verify().verified and example.exercises[0].wrong is not None and example.figures == ["tanh"]
    assert plots.spec("tanh", found.figures_module).name == "tanh"
    assert main(["new", str(folder)]) == 2  # not over an existing course
    assert "already exists" in capsys.readouterr().err


def test_new_from_builtin_copies_the_fifteen(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    assert main(["new", str(folder), "--from", "builtin", "--title", "Copy"]) == 0
    copied = registry.find_course(folder)
    assert sorted(d.id for d in copied.derivations()) == sorted(registry.ids())
    assert copied.parts() == registry.builtin_course().parts() and copied.title == "Copy"


def test_commands_find_the_nearest_course_upwards(course: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(course / "derivations")
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "relu-slope" in out and "tanh-derivative" in out and "sigmoid-from-logit" not in out
    assert main(["verify", "relu-slope"]) == 0
    assert main(["show", "tanh-derivative"]) == 0
    monkeypatch.chdir(course.parent)  # outside: the built-in course, or --course
    assert main(["list"]) == 0 and "sigmoid-from-logit" in capsys.readouterr().out
    assert main(["list", "--json", "--course", str(course)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["course"]["title"] == "Deep nets" and len(listed["derivations"]) == 2
    assert main(["verify", "relu-slope", "--course", str(course)]) == 0
    assert main(["verify", "relu-slope"]) == 2  # not in the built-in course
    assert "unknown derivation id 'relu-slope'" in capsys.readouterr().err
    assert main(["verify", "--course", str(course / "nowhere")]) == 2


def test_verify_a_script_by_path_names_file_and_line(course: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    script = course / "derivations" / "softplus_slope.py"
    script.write_text(OWN.format(stated="exp(z)/(1 + exp(z))^2", figure="softplus"))
    monkeypatch.chdir(course)
    assert main(["verify", "derivations/softplus_slope.py"]) == 1
    out = capsys.readouterr().out
    assert "derivations/softplus_slope.py:8:" in out and "computed:" in out
    assert main(["verify", "--json", str(script)]) == 1
    step = json.loads(capsys.readouterr().out)["derivations"][0]["steps"][0]
    assert step["verdict"] == "failed" and step["where"].endswith("softplus_slope.py:8")
    assert main(["verify", "missing.py"]) == 2


def test_build_a_course_with_its_own_figure_metadata_and_two_indexes(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = course / "out"
    result = build(out, formats=["md", "tex", "html"], variants=["handout", "worksheet", "key"], date=DATE,
                   progress=False, course=registry.find_course(course), echo=lambda line: None)
    assert result.exit_status == 0, [r.failures for r in result.reports.values()]
    assert (out / "figures" / "softplus.svg").exists() and (out / "figures" / "tanh.pdf").exists()
    handout = (out / "relu-slope.md").read_text()
    assert "*Figure 1. Softplus and its slope, the sigmoid.*" in handout
    assert "*Deep nets · Ada, U*" in handout
    assert r"\def\derivkit@head{Deep nets · Ada, U}" in (out / "relu-slope.tex").read_text()  # the running head
    index = (out / "index.md").read_text()
    assert index.startswith("# Deep nets\n\n*Ada, U*") and "-key." not in index
    assert "relu-slope-key.md" in (out / "keys.md").read_text()
    page = (out / "relu-slope.html").read_text()  # the HTML pages say the same
    assert '<p class="course">Deep nets · Ada, U</p>' in page
    assert '<h2 id="result">Result</h2>' in page and "Also derived" not in page  # its one result
    index, keys = (out / "index.html").read_text(), (out / "keys.html").read_text()
    assert "<h1>Deep nets</h1>" in index and '<p class="byline">Ada, U</p>' in index and "-key." not in index
    assert "<h1>Deep nets: answer keys</h1>" in keys and "relu-slope-key.html" in keys
    # cached like the built-in figures: unchanged, nothing is redrawn; a changed figures module redraws
    monkeypatch.setattr(plots, "write_figure", lambda *a, **k: pytest.fail("figure redrawn"))
    again = build(out, formats=["md", "tex"], variants=["handout"], date="2024-02-02", progress=False,
                  course=registry.find_course(course), echo=lambda line: None)
    assert again.exit_status == 0
    monkeypatch.undo()
    figures = course / "figures.py"
    figures.write_text(figures.read_text().replace('color="C0"', 'color="C3"'))
    before = (out / "figures" / "softplus.svg").read_bytes()
    third = build(out, formats=["md", "tex"], variants=["handout"], date="2024-02-02", progress=False,
                  course=registry.find_course(course), echo=lambda line: None)
    assert out / "figures" / "softplus.svg" in third.written and (out / "figures" / "softplus.svg").read_bytes() != before


def test_an_unknown_own_figure_is_a_clear_error(course: Path) -> None:
    (course / "derivations" / "softplus_slope.py").write_text(OWN.format(stated="exp(z)/(1 + exp(z))", figure="tahn"))
    with pytest.raises(DerivationError, match=r"unknown figure 'tahn' \(a figure of the course is defined in figures\.py"):
        build(course / "out", formats=["md"], progress=False, course=registry.find_course(course), echo=lambda line: None)


def test_an_exercise_error_fails_the_build(course: Path) -> None:
    script = course / "derivations" / "tanh_derivative.py"
    script.write_text(script.read_text().replace('wrong="tanh(z)*(1 - tanh(z))"', 'wrong="1 - tanh(z)**2"'))
    result = build(course / "out", formats=["md"], progress=False, course=registry.find_course(course),
                   echo=lambda line: None)
    assert result.exit_status == 1 and "equivalent to the answer" in result.reports["tanh-derivative"].problems[0]
