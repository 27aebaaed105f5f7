"""Gradescope: an autograder zip per Gradescope's specification, and the program it runs.

The zip (``derivkit gradescope ASSIGNMENT -o autograder.zip``) holds, at its root:

- ``setup.sh``: run once when Gradescope builds the image; installs derivkit from the wheel
  in the zip (its dependencies from the package index) into ``$ROOT/derivkit-venv`` and
  checks that the assignment loads;
- ``run_autograder``: run per submission from ``/autograder``; grades the file in
  ``/autograder/submission/`` and writes ``/autograder/results/results.json``;
- ``assignment.toml`` and ``derivkit-<version>-py3-none-any.whl``.

``$ROOT`` is ``/autograder`` unless ``DERIVKIT_AUTOGRADER_ROOT`` moves it (tests, a dry run on a
laptop). results.json: ``score``, ``output`` (the total, Markdown), ``output_format: "md"``,
and one test per question with ``name``, ``score``, ``max_score``, ``status``, ``output`` (the
feedback: counterexample, first wrong line, named mistake), ``output_format`` and
``visibility``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import jinja2

import derivkit
from derivkit.errors import DerivkitError, SubmissionError
from derivkit.grading.assignment import Assignment, load_assignment
from derivkit.grading.scoring import SubmissionGrade, format_error_grade, grade_submission, points
from derivkit.grading.submission import SUFFIXES, read_submission

DEFAULT_ROOT = "/autograder"
ROOT_VARIABLE = "DERIVKIT_AUTOGRADER_ROOT"
ASSIGNMENT_NAME = "assignment.toml"
#: Gradescope's values for ``visibility`` and ``output_format`` (its specification).
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
OUTPUT_FORMATS = ("text", "html", "simple_format", "md", "ansi")
#: Which submitted file is graded when several are uploaded: Markdown first.
PREFERENCE = {".md": 0, ".markdown": 0, ".json": 1, ".txt": 2}


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("derivkit.integrations", "templates"),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["oneline"] = lambda text: re.sub(r"[\x00-\x1f\x7f]+", " ", str(text))
    return env


def root_dir() -> Path:
    return Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)


# -- building the zip ------------------------------------------------------------------------


def build_autograder(assignment_path: str | Path, output: str | Path, wheel: str | Path | None = None) -> Path:
    """Write the autograder zip for ``assignment_path``; ``wheel`` defaults to a wheel of the
    running derivkit (see :mod:`derivkit.integrations.wheel`)."""
    from derivkit.integrations.wheel import running_wheel

    assignment_path = Path(assignment_path)
    assignment = load_assignment(assignment_path)  # refuse a broken assignment before shipping it
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="derivkit-wheel-") as scratch:
        wheel_path = Path(wheel) if wheel is not None else running_wheel(scratch)
        if not wheel_path.is_file() or not wheel_path.name.endswith(".whl"):
            raise DerivkitError(f"{wheel_path} is not a wheel file")
        values = {"version": derivkit.__version__, "title": assignment.title, "wheel": wheel_path.name,
                  "assignment": ASSIGNMENT_NAME}
        env = _templates()
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("setup.sh", "run_autograder"):
                _add(archive, name, env.get_template(f"{name}.jinja").render(values).encode(), executable=True)
            _add(archive, ASSIGNMENT_NAME, assignment_path.read_bytes())
            _add(archive, wheel_path.name, wheel_path.read_bytes())
    return output


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
    archive.writestr(info, data)


# -- running inside Gradescope ---------------------------------------------------------------


def find_submission(folder: Path) -> tuple[Path | None, list[str]]:
    """The submitted file to grade (Markdown first, then JSON, then text) and notes."""
    if not folder.is_dir():
        return None, [f"no submission folder {folder}"]
    found = [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    if not found:
        return None, []
    found.sort(key=lambda p: (PREFERENCE[p.suffix.lower()], len(p.parts), str(p)))
    notes = []
    if len(found) > 1:
        notes.append(f"Several files were submitted; {found[0].relative_to(folder)} was graded.")
    return found[0], notes


def results(assignment: Assignment, grade: SubmissionGrade, seconds: float = 0.0,
            visibility: str = "visible") -> dict[str, object]:
    """results.json for one graded submission (Gradescope's fields)."""
    prompts = {q.id: q.prompt for q in assignment.questions}
    tests = []
    for q in grade.questions:
        prompt = " ".join(prompts.get(q.id, "").split())
        name = f"{q.id}: {prompt}" if prompt else q.id
        tests.append({"name": name if len(name) <= 120 else name[:117] + "...", "score": q.score,
                      "max_score": q.max_score, "status": "passed" if q.verdict == "correct" else "failed",
                      "output": f"**{q.verdict}** ({points(q.score)}/{points(q.max_score)})\n\n"
                                + q.feedback.replace("\n", "\n\n"),
                      "output_format": "md", "visibility": visibility})
    lines = [f"**{assignment.title}**: {points(grade.score)}/{points(grade.max_score)}"]
    lines += [f"- {note}" for note in grade.notes]
    return {"score": round(grade.score, 4), "execution_time": round(seconds, 3), "output": "\n".join(lines),
            "output_format": "md", "test_output_format": "md", "visibility": visibility,
            "stdout_visibility": "hidden", "tests": tests}


def run(root: Path, assignment_path: Path) -> dict[str, object]:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns it."""
    start = time.perf_counter()
    assignment = load_assignment(assignment_path)
    path, notes = find_submission(root / "submission")
    if path is None:
        reason = "no submission file was found: upload a Markdown (.md) or JSON (.json) file"
        grade = SubmissionGrade(tuple(format_error_grade(q, reason) for q in assignment.questions), "", tuple(notes))
    else:
        try:
            submission = read_submission(path, assignment)
        except SubmissionError as exc:
            grade = SubmissionGrade(tuple(format_error_grade(q, str(exc)) for q in assignment.questions), "",
                                    tuple(notes))
        else:
            graded = grade_submission(assignment, submission)
            grade = SubmissionGrade(graded.questions, "", tuple(notes) + graded.notes)
    data = results(assignment, grade, time.perf_counter() - start)
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(out)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m derivkit.integrations.gradescope``: what run_autograder and setup.sh call."""
    parser = argparse.ArgumentParser(prog="python -m derivkit.integrations.gradescope",
                                     description="Grade a Gradescope submission (run_autograder calls this).")
    parser.add_argument("--root", type=Path, default=None, help=f"default: ${ROOT_VARIABLE} or {DEFAULT_ROOT}")
    parser.add_argument("--assignment", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="only check that the assignment loads")
    args = parser.parse_args(argv)
    try:
        if args.check:
            assignment = load_assignment(args.assignment)
            print(f"derivkit {derivkit.__version__}: {assignment.title}, {len(assignment.questions)} questions, "
                  f"{points(assignment.max_score)} points")
            return 0
        data = run(args.root or root_dir(), args.assignment)
    except DerivkitError as exc:
        print(f"derivkit: error: {exc}", file=sys.stderr)
        return 2
    print(f"derivkit: score {data['score']}")
    return 0


def unpack(zip_path: str | Path, root: str | Path) -> Path:
    """Lay the zip out as Gradescope does (``root/source``, ``root/run_autograder``): for
    trying an autograder on a laptop and for the tests."""
    root = Path(root)
    source = root / "source"
    source.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).is_absolute() or ".." in Path(info.filename).parts:
                continue
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod((info.external_attr >> 16) & 0o777 or 0o644)
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    for folder in ("submission", "results"):
        (root / folder).mkdir(exist_ok=True)
    return root


__all__ = ["build_autograder", "find_submission", "main", "results", "root_dir", "run", "unpack"]


if __name__ == "__main__":
    sys.exit(main())
