"""``derivkit new DIR``: start a course of one's own.

A course is a folder: ``course.toml`` (title, author, institution, reading order),
``derivations/`` (one script per derivation), ``figures.py`` (the course's own figures) and a
short README. The files come from ``course_template/``: a commented example derivation (symbols,
a chain written as on paper, an exercise with a common mistake, a figure) and its figure.
``--from builtin`` starts from a copy of the built-in derivations and their reading order instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from derivkit.derivation import registry
from derivkit.errors import DerivkitError

TEMPLATE_DIR = Path(__file__).resolve().parent / "course_template"
EXAMPLE = "tanh_derivative.py"
EXAMPLE_PART = registry.CoursePart("Getting started", "A first derivation: the slope of $\\tanh$.",
                                   ("tanh-derivative",))
SOURCES = ("example", "builtin")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="start a course of your own in a new folder",
                                   description="Create a course folder: course.toml, derivations/ with an example "
                                               "derivation, figures.py with an example figure, and a README.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (must not exist or be empty)")
    parser.add_argument("--title", help="the course title (default: the folder's name)")
    parser.add_argument("--author", default="", help="the author shown on every page")
    parser.add_argument("--institution", default="", help="the institution shown on every page")
    parser.add_argument("--from", dest="source", choices=SOURCES, default="example",
                        help="example (default): one commented example derivation; builtin: a copy of the "
                             "built-in derivations and their reading order")
    parser.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace) -> int:
    folder = create(args.folder, args.title, args.author, args.institution, args.source)
    scripts = sorted(p.name for p in (folder / "derivations").glob("*.py"))
    print(f"created the course {folder}/ with {len(scripts)} derivation{'s' if len(scripts) != 1 else ''}")
    print(f"  next: cd {folder} && derivkit verify && derivkit build")
    return 0


def create(folder: Path, title: str | None = None, author: str = "", institution: str = "",
           source: str = "example") -> Path:
    """Write a new course into ``folder`` (refused when it exists and is not empty)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DerivkitError(f"{folder} already exists and is not empty; choose a new folder")
    if source not in SOURCES:
        raise DerivkitError(f"unknown --from {source!r}; use one of {', '.join(SOURCES)}")
    scripts = folder / "derivations"
    scripts.mkdir(parents=True)
    if source == "builtin":
        builtin = registry.builtin_course()
        for path in registry.script_paths(builtin.scripts):
            shutil.copyfile(path, scripts / path.name)
        parts = builtin.parts()
    else:
        shutil.copyfile(TEMPLATE_DIR / f"{EXAMPLE}.txt", scripts / EXAMPLE)
        parts = (EXAMPLE_PART,)
    shutil.copyfile(TEMPLATE_DIR / "figures.py.txt", folder / registry.FIGURES_FILE)
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["toml"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # a JSON string is a TOML string
    values = {"title": title or folder.resolve().name, "author": author, "institution": institution,
              "parts": parts, "example": f"derivations/{EXAMPLE}" if source == "example" else "copied from derivkit"}
    for name in ("course.toml", "README.md"):
        (folder / name).write_text(env.get_template(f"{name}.jinja").render(**values), encoding="utf-8")
    return folder
