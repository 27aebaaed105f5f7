"""A class folder into a CSV gradebook, feedback and a summary with a chart."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from derivkit.cli import main
from derivkit.grading.assignment import load_assignment
from derivkit.grading.executors import LocalExecutor
from derivkit.grading.gradebook import grade_class

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sigmoid-homework"
EXPECTED_ROWS = [["student", "q1", "q2", "total"], ["ada", "2", "3", "5"], ["bob", "0", "3", "3"],
                 ["cleo", "2", "0", "2"], ["dan", "0", "3", "3"]]


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions"
    shutil.copytree(EXAMPLE / "submissions", folder)
    return folder


def test_the_class_gradebook_is_a_csv_lms_imports_read(class_folder: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "gradebook.csv"
    status = main(["grade", str(EXAMPLE / "assignment.toml"), "--class", str(class_folder), "-o", str(out),
                   "--jobs", "2", "--no-progress"])
    printed = capsys.readouterr().out
    assert status == 0
    with open(out, newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == EXPECTED_ROWS
    feedback = [json.loads(line) for line in (tmp_path / "out" / "gradebook-feedback.jsonl").read_text().splitlines()]
    assert [(f["student"], f["score"]) for f in feedback] == [("ada", 5), ("bob", 3), ("cleo", 2), ("dan", 3)]
    assert feedback[1]["questions"][0]["counterexample"]["point"] == {"z": "0.5"}
    summary = (tmp_path / "out" / "gradebook-summary.md").read_text()
    assert "| q1 | 50% (2/4) |" in summary and "| q2 | 75% (3/4) |" in summary
    assert (tmp_path / "out" / "gradebook-summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| q1 | 50% (2/4) |" in printed and f"wrote {out}" in printed


def test_summary_counts_named_mistakes_and_unreadable_files_keep_their_row(tmp_path: Path) -> None:
    assignment = load_assignment(EXAMPLE / "assignment.toml")
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("eve", "fay", "gus"):  # the same mistake three times: graded once, counted three times
        (folder / f"{name}.md").write_text("## q1\nsigma(z)*(1-sigma(z))*(-1)\n", encoding="utf-8")
    (folder / "hal.md").write_bytes(b"## q1\n\xff\xfe\n")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not a submission
    grades = grade_class(assignment, folder, LocalExecutor(2))
    assert [s for s, _ in grades.grades] == ["eve", "fay", "gus", "hal"]
    hal = grades.grades[3][1]
    assert [q.verdict for q in hal.questions] == ["invalid", "invalid"] and hal.score == 0
    assert "not valid UTF-8" in hal.questions[0].feedback
    q1 = grades.summary()[0]
    assert (q1.students, q1.correct, q1.format_errors) == (4, 0, 1)
    (mistake, count), = q1.mistakes
    assert count == 3 and "sign error" in mistake
    assert grades.summary()[1].to_dict()["share_right"] == 0


def test_an_empty_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", str(EXAMPLE / "assignment.toml"), "--class", str(tmp_path), "--no-progress",
                 "-o", str(tmp_path / "g.csv")]) == 2
    assert "no submissions" in capsys.readouterr().err
    assert main(["grade", str(EXAMPLE / "assignment.toml")]) == 2
