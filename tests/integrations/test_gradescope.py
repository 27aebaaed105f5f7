"""The Gradescope autograder: the zip has what the specification asks for, and its
run_autograder, run on fake /autograder folders with derivkit installed from the zip's wheel
into a fresh virtual environment, writes a results.json with the specification's fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from derivkit.integrations.gradescope import OUTPUT_FORMATS, VISIBILITIES, build_autograder, unpack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sigmoid-homework"


@pytest.fixture(scope="module")
def autograder(derivkit_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_autograder(EXAMPLE / "assignment.toml", tmp_path_factory.mktemp("zip") / "autograder.zip",
                            wheel=derivkit_wheel)


def fresh_root(autograder: Path, root: Path, wheel_name: str) -> Path:
    """/autograder as Gradescope lays it out, with derivkit installed as setup.sh would: from
    the zip's wheel into ROOT/derivkit-venv. The dependencies (sympy, numpy, ...) come from this
    environment's site-packages instead of the index, to keep the test offline and fast."""
    unpack(autograder, root)
    venv = root / "derivkit-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next(venv.glob("lib/python*/site-packages"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(root / "source" / wheel_name)], check=True, capture_output=True, timeout=300)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return root


def run_autograder(root: Path) -> tuple[subprocess.CompletedProcess, dict]:
    env = {**os.environ, "DERIVKIT_AUTOGRADER_ROOT": str(root)}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    return done, json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def validate(results: dict) -> None:
    """The fields of Gradescope's results.json specification, with their types."""
    assert isinstance(results["score"], int | float)
    assert results["output_format"] in OUTPUT_FORMATS and results["output_format"] == "md"
    assert isinstance(results["output"], str)
    assert results.get("visibility", "visible") in VISIBILITIES
    assert isinstance(results["execution_time"], int | float)
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], int | float) and isinstance(test["max_score"], int | float)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in VISIBILITIES and test.get("output_format", "md") in OUTPUT_FORMATS
        assert test.get("status", "passed") in ("passed", "failed")
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_the_zip_has_setup_and_an_executable_run_autograder_at_its_root(autograder: Path,
                                                                        derivkit_wheel: Path) -> None:
    archive = zipfile.ZipFile(autograder)
    names = archive.namelist()
    assert names == ["setup.sh", "run_autograder", "assignment.toml", derivkit_wheel.name]
    for name in ("setup.sh", "run_autograder"):
        mode = archive.getinfo(name).external_attr >> 16
        assert mode & 0o111, f"{name} is not executable"
        assert archive.read(name).startswith(b"#!/usr/bin/env bash\n")
    setup = archive.read("setup.sh").decode()
    assert f'pip install --quiet "$SOURCE/{derivkit_wheel.name}"' in setup
    assert "DERIVKIT_AUTOGRADER_ROOT:-/autograder" in setup
    assert archive.read("assignment.toml") == (EXAMPLE / "assignment.toml").read_bytes()
    wheel_names = zipfile.ZipFile(derivkit_wheel).namelist()
    assert "derivkit/integrations/templates/run_autograder.jinja" in wheel_names
    assert "derivkit/_derivations/sigmoid_derivative.py" in wheel_names


def test_setup_sh_is_valid_bash(autograder: Path, tmp_path: Path) -> None:
    unpack(autograder, tmp_path)
    for name in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / "source" / name)], check=True)


@pytest.mark.parametrize(("submission", "score", "q1"), [("ada.md", 5, "passed"), ("bob.md", 3, "failed")])
def test_run_autograder_writes_results_json_per_the_specification(autograder: Path, derivkit_wheel: Path,
                                                                  tmp_path: Path, submission: str, score: int,
                                                                  q1: str) -> None:
    root = fresh_root(autograder, tmp_path / "autograder", derivkit_wheel.name)
    (root / "submission" / submission).write_bytes((EXAMPLE / "submissions" / submission).read_bytes())
    done, results = run_autograder(root)
    assert done.returncode == 0, done.stderr
    validate(results)
    assert results["score"] == score
    assert [(t["name"], t["max_score"], t["status"]) for t in results["tests"]] == [
        ("q1: Differentiate sigma(z).", 2, q1), ("q2: Solve log(p/(1-p)) = z for p.", 3, "passed")]
    if q1 == "failed":
        assert "at z = 0.5 your answer is 1.00991495" in results["tests"][0]["output"]
    # derivkit ran from the zip's wheel, not from this checkout
    where = subprocess.run([str(root / "derivkit-venv" / "bin" / "python"), "-c",
                            "import derivkit; print(derivkit.__file__)"], capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(root / "derivkit-venv"))


def test_no_submission_or_an_unreadable_one_still_gets_results(autograder: Path, derivkit_wheel: Path,
                                                               tmp_path: Path) -> None:
    root = fresh_root(autograder, tmp_path / "autograder", derivkit_wheel.name)
    done, results = run_autograder(root)
    assert done.returncode == 0, done.stderr
    validate(results)
    assert results["score"] == 0 and "no submission file" in results["tests"][0]["output"]
    (root / "submission" / "answers.md").write_bytes(b"## q1\n\xff\n")
    (root / "submission" / "scratch.txt").write_text("x", encoding="utf-8")
    done, results = run_autograder(root)
    validate(results)
    assert results["score"] == 0 and "not valid UTF-8" in results["tests"][0]["output"]
    assert "answers.md was graded" in results["output"]
