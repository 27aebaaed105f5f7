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
    return sorted(p for p in (folder or derivations_dir()).glob("*.py") if not p.name.startswith("_"))


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
def _load_path(path: Path) -> Derivation:
    module = _load_module(path)
    derivation = getattr(module, "derivation", None)
    if not isinstance(derivation, Derivation):
        raise DerivationError(f"{path.name} must define a module-level 'derivation' (a derivkit.Derivation)")
    return derivation


def load_all(folder: Path | None = None) -> list[Derivation]:
    """Every derivation, in file-name order."""
    return [_load_path(p) for p in script_paths(folder)]


def ids(folder: Path | None = None) -> list[str]:
    return [d.id for d in load_all(folder)]


def load(derivation_id: str, folder: Path | None = None) -> Derivation:
    """One derivation by id; an unknown id gets a suggestion."""
    found = {d.id: d for d in load_all(folder)}
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


def course(folder: Path | None = None) -> tuple[CoursePart, ...]:
    """The reading order in ``course.toml`` beside the scripts (none: no parts). Unknown or
    repeated ids are errors, so the order cannot silently drift from the scripts."""
    folder = folder or derivations_dir()
    path = folder / COURSE_FILE
    if not path.exists():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        parts = tuple(CoursePart(str(p["title"]), str(p.get("about", "")), tuple(map(str, p["derivations"])))
                      for p in data.get("part", []))
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
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
