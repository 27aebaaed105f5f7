"""Finding the derivation scripts, from a checkout or from an installed wheel.

The scripts live in the repository's top-level ``derivations/`` (content, runnable on its
own); a wheel ships them as ``derivkit/_derivations``. Each script defines a module-level
``derivation``.
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from derivkit.derivation.derivation import Derivation
from derivkit.errors import DerivationError

# src/derivkit (the wheel ships derivations as derivkit/_derivations)
PACKAGE_DIR = Path(__file__).resolve().parent.parent
COURSE_FILE = "course.toml"


def derivations_dir() -> Path:
    """The installed copy if present, else the checkout's top-level folder."""
    for candidate in (PACKAGE_DIR / "_derivations", PACKAGE_DIR.parent.parent / "derivations"):
        if candidate.is_dir():
            return candidate
    raise DerivationError("no derivations folder found; reinstall derivkit (pip install .) from a checkout")


def script_paths(folder: Path | None = None) -> list[Path]:
    return sorted(p.resolve() for p in (folder or derivations_dir()).glob("*.py")
                  if not p.name.startswith("_") and p.name != FIGURES_FILE)


def _load_module(path: Path) -> ModuleType:
    name = f"derivkit_derivation_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DerivationError(f"cannot load derivation script {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@cache
def _load_path(path: Path, figures_module: Path | None = None) -> Derivation:
    module = _load_module(path)
    derivation = getattr(module, "derivation", None)
    if not isinstance(derivation, Derivation):
        raise DerivationError(f"{path.name} must define a module-level 'derivation' (a derivkit.Derivation)")
    derivation.figures_module = figures_module
    return derivation


def load_all(folder: Path | None = None, figures_module: Path | None = None) -> list[Derivation]:
    """Every derivation, in file-name order."""
    return [_load_path(p, figures_module) for p in script_paths(folder)]


def ids(folder: Path | None = None) -> list[str]:
    return [d.id for d in load_all(folder)]


def load(derivation_id: str, folder: Path | None = None, figures_module: Path | None = None) -> Derivation:
    """One derivation by id; an unknown id gets a suggestion."""
    found = {d.id: d for d in load_all(folder, figures_module)}
    if derivation_id in found:
        return found[derivation_id]
    close = difflib.get_close_matches(derivation_id, found, n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; known ids: {', '.join(found)}"
    raise DerivationError(f"unknown derivation id {derivation_id!r}{hint}")


@dataclass(frozen=True)
class CoursePart:
    """One part of the suggested reading order: a title, a sentence about it, derivation ids in order."""

    title: str
    about: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Course:
    """A course: a folder holding ``course.toml`` (title, author, institution, reading order),
    its derivation scripts (in ``derivations/``, or beside ``course.toml`` as in the built-in
    course) and optionally a figures module (``figures.py``) whose figures the scripts use by name."""

    root: Path
    title: str = ""
    author: str = ""
    institution: str = ""
    builtin: bool = False

    @property
    def file(self) -> Path:
        return self.root / COURSE_FILE

    @property
    def scripts(self) -> Path:
        """The folder of the derivation scripts."""
        nested = self.root / "derivations"
        return nested if nested.is_dir() else self.root

    @property
    def figures_module(self) -> Path | None:
        """The course's own figures (``figures.py`` beside ``course.toml``), if it has any."""
        path = self.root / FIGURES_FILE
        return path if path.is_file() else None

    @property
    def inputs(self) -> list[Path]:
        """Every file of the course a build depends on: scripts, course.toml, the figures module."""
        files = [*self.scripts.glob("*.py"), *self.root.glob("*.toml")]
        if self.figures_module is not None:
            files.append(self.figures_module)
        return sorted(set(files))

    def derivations(self) -> list[Derivation]:
        return load_all(self.scripts, self.figures_module)

    def load(self, derivation_id: str) -> Derivation:
        return load(derivation_id, self.scripts, self.figures_module)

    def parts(self) -> tuple[CoursePart, ...]:
        return course(self.scripts, self.file)


FIGURES_FILE = "figures.py"


def read_course(root: Path, builtin: bool = False) -> Course:
    """The course in ``root`` (its ``course.toml`` may be missing: a folder of scripts)."""
    path = root / COURSE_FILE
    data = _read_toml(path) if path.exists() else {}
    meta = {key: str(data.get(key, "")) for key in ("title", "author", "institution")}
    return Course(root.resolve(), builtin=builtin, **meta)


def builtin_course() -> Course:
    return read_course(derivations_dir(), builtin=True)


def find_course(course_dir: Path | str | None = None, start: Path | None = None) -> Course:
    """``course_dir`` if given; else the nearest folder holding ``course.toml``, from ``start`` (the
    current folder) upwards, as git finds ``.git``; else the built-in course."""
    if course_dir is not None:
        root = Path(course_dir)
        if not root.is_dir():
            raise DerivationError(f"course folder {root} does not exist; create one with: derivkit new {root}")
        if not (root / COURSE_FILE).exists() and not script_paths(root) and not (root / "derivations").is_dir():
            raise DerivationError(f"{root} is not a course: it has no {COURSE_FILE} and no derivation scripts "
                                  f"(create one with: derivkit new DIR)")
        return read_course(root, builtin=root.resolve() == derivations_dir().resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return read_course(folder, builtin=folder == derivations_dir().resolve())
    return builtin_course()


def course_of_script(path: Path) -> Course:
    """The course a script belongs to: the nearest ``course.toml`` above it (else its own folder)."""
    here = path.resolve().parent
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return read_course(folder)
    return read_course(here)


def load_script(path: Path | str) -> Derivation:
    """The derivation defined by one script, outside any course listing (``derivkit verify PATH.py``)."""
    script = Path(path)
    if not script.is_file():
        raise DerivationError(f"no such derivation script: {script}")
    if script.suffix != ".py":
        raise DerivationError(f"{script}: a derivation script is a Python file (.py)")
    return _load_path(script.resolve(), course_of_script(script).figures_module)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DerivationError(f"{path}: not a valid course file ({exc})") from None


def course(folder: Path | None = None, path: Path | None = None) -> tuple[CoursePart, ...]:
    """The reading order in ``course.toml`` (beside the scripts unless ``path`` names it; none: no
    parts). Unknown or repeated ids are errors, so the order cannot silently drift from the scripts."""
    folder = folder or derivations_dir()
    path = path or folder / COURSE_FILE
    if not path.exists():
        return ()
    data = _read_toml(path)
    try:
        parts = tuple(CoursePart(str(p["title"]), str(p.get("about", "")), tuple(map(str, p["derivations"])))
                      for p in data.get("part", []))
    except (KeyError, TypeError) as exc:
        raise DerivationError(f"{path}: not a valid course file ({exc}); each [[part]] needs a title and "
                              "a derivations list") from None
    listed = [i for part in parts for i in part.ids]
    known = set(ids(folder))
    for i in listed:
        if i not in known:
            close = difflib.get_close_matches(i, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise DerivationError(f"{path}: unknown derivation id {i!r}{hint}")
    if len(listed) != len(set(listed)):
        twice = sorted({i for i in listed if listed.count(i) > 1})
        raise DerivationError(f"{path}: a derivation is listed twice: {twice}")
    return parts
