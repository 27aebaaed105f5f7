"""An instructor's own course, written the way instructors write (tests/data/instructor_course/).

Ten derivations of an ML maths course, steps mostly LaTeX copied from lecture notes. derivkit must
prove every step (the one documented numeric step excepted), catch each of the 30 seeded mistakes of
``mistakes.toml`` at the seeded step and name ``file.py:LINE``, and build the course to Markdown with
its title, author and the steps as written. The corpus's ground truth is checked without derivkit by
``verify_ground_truth.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from derivkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "tests" / "data" / "instructor_course"
MISTAKES = tomllib.loads((COURSE / "mistakes.toml").read_text(encoding="utf-8"))["mistake"]
#: Steps derivkit verifies only numerically (KNOWN_LIMITS.md): (derivation id, step).
NUMERIC = {("gaussian-mean-mle", 2)}
#: "step 3 failed at derivations/x.py:12: the rewrite is false: ...": the step and the rest of its line.
FAILED = re.compile(r"^\s*step (\d+) failed at (.*)$", re.MULTILINE)
DERIVATION_IDS = {"mse-linear-regression", "least-squares-1d", "ridge-regression", "tanh-via-sigmoid",
                  "softplus-derivative", "swish-derivative", "two-layer-backprop", "gaussian-mean-mle",
                  "bernoulli-kl", "softmax-temperature"}


def derivkit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, from this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": "0"}
    return subprocess.run([sys.executable, "-m", "derivkit", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)


def test_every_step_of_the_course_verifies() -> None:
    result = derivkit("verify", "--json", "--course", str(COURSE))
    assert result.returncode == 0, result.stdout + result.stderr
    reports = json.loads(result.stdout)["derivations"]
    assert {r["id"] for r in reports} == DERIVATION_IDS
    numeric = set()
    for report in reports:
        assert report["verified"], report
        assert "problems" not in report
        for step in report["steps"]:
            assert step["verdict"] in ("proved", "numeric"), (report["id"], step)
            if step["verdict"] == "numeric":
                numeric.add((report["id"], step["index"]))
    assert numeric == NUMERIC
    assert sum(len(r["steps"]) for r in reports) == 56


def test_the_mistakes_file_is_well_formed() -> None:
    assert 20 <= len(MISTAKES) <= 30
    assert len({m["id"] for m in MISTAKES}) == len(MISTAKES)
    for m in MISTAKES:
        text = (COURSE / "derivations" / m["file"]).read_text(encoding="utf-8")
        assert text.count(m["find"]) == 1, m["id"]
        assert m["find"] != m["replace"], m["id"]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m["id"] for m in MISTAKES])
def test_a_seeded_mistake_fails_at_its_step(mistake: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__"))
    script = course / "derivations" / mistake["file"]
    text = script.read_text(encoding="utf-8")
    line = text[: text.index(mistake["find"])].count("\n") + 1
    script.write_text(text.replace(mistake["find"], mistake["replace"]), encoding="utf-8")

    status = main(["verify", str(script)])
    out = capsys.readouterr().out
    assert status == 1, out
    failed = dict(FAILED.findall(out))  # step number -> what follows "failed at "
    own = {int(n): rest for n, rest in failed.items() if not rest.split(": ", 1)[-1].startswith("follows from step")}
    assert list(own) == [mistake["step"]], out
    where = own[mistake["step"]].split(": ", 1)[0]
    assert where.endswith(f"{mistake['file']}:{line}"), out
    assert all(int(n) > mistake["step"] for n in failed if int(n) != mistake["step"]), out  # earlier steps hold


def test_the_course_builds_to_markdown_as_written(tmp_path: Path) -> None:
    out = tmp_path / "handouts"
    result = derivkit("build", "--course", str(COURSE), "--format", "md", "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stdout + result.stderr
    index = (out / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Calculus for Machine Learning: worked derivations")
    assert "Dr. Maren Okafor" in index and "Northbridge Polytechnic" in index
    parts = [index.index(title) for title in ("## 1. Regression", "## 2. Activations", "## 3. Networks")]
    assert parts == sorted(parts)
    assert index.index("(mse-linear-regression.md)") < index.index("(least-squares-1d.md)")

    mse = (out / "mse-linear-regression.md").read_text(encoding="utf-8")
    written = [  # steps 1 to 3 as written in LaTeX: 1/N in front of the sum, factors in the author's order
        r"= \frac{1}{N} \sum_{i=1}^{N} 2 \left(w x_{i} + b - y_{i}\right) x_{i} \tag{1}",
        r"= \frac{2}{N} \sum_{i=1}^{N} \left(w x_{i} + b - y_{i}\right) x_{i} \tag{2}",
        r"= \frac{2}{N} \left(w \sum_{i=1}^{N} x_{i}^{2} + b \sum_{i=1}^{N} x_{i} - \sum_{i=1}^{N} x_{i} y_{i}\right)"
        r" \tag{3}",
    ]
    at = [mse.find(form) for form in written]
    assert -1 not in at, at
    assert at == sorted(at)

    gaussian = (out / "gaussian-mean-mle.md").read_text(encoding="utf-8")
    assert r"\mu = \frac{1}{N} \sum_{i=1}^{N} x_{i} \tag{6}" in gaussian
    assert "numerically checked" in gaussian  # the numeric step says so, never "proved"

    swish = (out / "swish-derivative.md").read_text(encoding="utf-8")
    assert "figures/swish.svg" in swish
    assert (out / "figures" / "swish.svg").is_file()
