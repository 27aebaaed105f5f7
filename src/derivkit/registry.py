"""Finding the derivation scripts, from a checkout or from an installed wheel.

The scripts live in the repository's top-level ``derivations/`` (content, runnable on its
own); a wheel ships them as ``derivkit/_derivations``. Each script defines a module-level
``derivation``.
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from derivkit.derivation import Derivation
from derivkit.errors import DerivationError

PACKAGE_DIR = Path(__file__).resolve().parent


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
