"""``derivkit grade ASSIGNMENT SUBMISSION``: score one submission; ``--class DIR``: a gradebook.

Exit status: 0 when everything was graded (whatever the scores), 2 when the assignment or
the submission file cannot be read (one line saying what and where).
"""

from __future__ import annotations

import argparse
import sys

from derivkit.cli.batching import add_executor_options, open_executor

EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade", help="score a submission against an assignment (TOML), or a whole class into a CSV gradebook",
        description="Score a submission (Markdown with a '## q1' heading per question, or JSON) against an "
                    "assignment file. With --class DIR, grade every submission in DIR into a CSV gradebook "
                    "(student, one column per question, total), a feedback file and a summary with a chart.",
        epilog="Example: derivkit grade examples/sigmoid-homework/assignment.toml "
               "examples/sigmoid-homework/submissions/ada.md",
    )
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment (.toml)")
    parser.add_argument("submission", metavar="SUBMISSION", nargs="?", help="one submission (.md or .json)")
    parser.add_argument("--json", action="store_true", help="print the grade as JSON")
    parser.add_argument("--class", dest="folder", metavar="DIR", help="grade every submission in DIR")
    parser.add_argument("-o", "--output", metavar="CSV", default="gradebook.csv",
                        help="the gradebook for --class (default gradebook.csv); the feedback (.jsonl), summary "
                             "(.md) and chart (.png) are written beside it")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="answers graded at once with --class (default: the number of CPUs)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr (--class)")
    add_executor_options(parser)
    parser.set_defaults(handler=run_grade_command)


def run_grade_command(args: argparse.Namespace) -> int:
    from derivkit.grading.assignment import load_assignment

    if (args.submission is None) == (args.folder is None):
        print("derivkit: error: give either a SUBMISSION or --class DIR", file=sys.stderr)
        return EXIT_INVALID
    if args.jobs is not None and args.jobs < 1:
        print("derivkit: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_INVALID
    assignment = load_assignment(args.assignment)
    if args.folder is not None:
        return _grade_class(args, assignment)
    from derivkit.grading.scoring import grade_submission
    from derivkit.grading.submission import read_submission

    grade = grade_submission(assignment, read_submission(args.submission, assignment))
    print(grade.to_json() if args.json else grade.text())
    return 0


def _grade_class(args: argparse.Namespace, assignment: object) -> int:
    from pathlib import Path

    from derivkit.grading.gradebook import grade_class, write_outputs

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"derivkit: error: {folder} is not a folder", file=sys.stderr)
        return EXIT_INVALID
    with open_executor(args) as executor:
        grades = grade_class(assignment, folder, executor, progress=not args.no_progress)  # type: ignore[arg-type]
    if not grades.grades:
        print(f"derivkit: error: no submissions (.md, .json, .txt) in {folder}", file=sys.stderr)
        return EXIT_INVALID
    paths = write_outputs(grades, args.output)
    if args.json:
        import json

        print(json.dumps({"gradebook": str(paths["gradebook"]), "students": len(grades.grades),
                          "summary": [s.to_dict() for s in grades.summary()]}, ensure_ascii=False, indent=2))
    else:
        print(grades.summary_markdown(), end="")
        print("\n" + "\n".join(f"wrote {path}" for path in paths.values()))
    return 0
