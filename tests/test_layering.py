"""The folders are the pipeline's stages, and a stage imports only the stages below it.

Every module of ``src/derivkit`` is read with :mod:`ast` (nothing is imported): each import
statement, wherever it stands (inside functions too), must name a module of a lower layer or
of its own stage. Allowed exceptions: ``TYPE_CHECKING`` blocks and Jupyter's ``_repr_*_``
hooks, which never run while a stage does its work (the same reading the build cache uses).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import derivkit
from derivkit.handouts.sources import imports

PACKAGE = Path(derivkit.__file__).resolve().parent

#: stage -> layer. Stages of one layer do not import each other.
LAYERS: dict[str, int] = {
    "errors": 0, "functions": 0, "ordering": 0, "toydata": 0, "numeric": 0,
    "parsing": 1, "engine": 1,
    "derivation": 2,
    "formulas": 3,
    "codegen": 4, "grading": 4, "handouts": 4,
    "integrations": 5, "testing": 5, "cli": 6, "__main__": 7,
}
#: the package's own __init__ imports only errors eagerly; its public names load lazily (PEP 562)
FACADE = "__init__"


def stage_of(module: str) -> str | None:
    """'derivkit.engine._proof' -> 'engine'; None for modules outside derivkit."""
    parts = module.split(".")
    if parts[0] != "derivkit":
        return None
    if len(parts) == 1:
        return FACADE
    is_module = (PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()
    return parts[1] if is_module else FACADE  # `from derivkit import __version__` names the facade


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_derivations" not in p.parts)


def dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def upward_imports(path: Path) -> list[str]:
    here = stage_of(dotted(path)) or FACADE
    if here == FACADE:
        return [m for m in imports(ast.parse(path.read_text())) if stage_of(m) not in (None, "errors")]
    assert here in LAYERS, f"{path}: stage {here!r} has no layer; add it to LAYERS"
    bad = []
    for module in imports(ast.parse(path.read_text())):
        there = stage_of(module)
        if there in (None, here, FACADE):  # the facade eagerly imports only errors (checked below)
            continue
        if LAYERS.get(there, 99) >= LAYERS[here]:
            bad.append(module)
    return bad


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    assert upward_imports(path) == [], f"{path.relative_to(PACKAGE)} imports upwards"


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    """A negative case: an engine module importing the handouts, even inside a function, fails."""
    engine = PACKAGE / "engine"
    fake = engine / "_layering_probe.py"
    try:
        fake.write_text("def f():\n    from derivkit.handouts import build\n    return build\n")
        assert upward_imports(fake) == ["derivkit.handouts", "derivkit.handouts.build"]
        fake.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from derivkit.cli import main\n")
        assert upward_imports(fake) == []
        fake.write_text("from derivkit.parsing import parse\n")  # a peer of the same layer
        assert upward_imports(fake) == ["derivkit.parsing", "derivkit.parsing.parse"]
    finally:
        fake.unlink(missing_ok=True)


def test_readme_imports_still_work() -> None:
    """Everything the README imports from derivkit imports after the move to packages."""
    readme = (PACKAGE.parents[1] / "README.md").read_text()
    lines = [line.strip() for line in readme.splitlines()
             if line.strip().startswith(("from derivkit", "import derivkit"))]
    assert lines, "the README shows no imports?"
    for line in lines:
        exec(compile(line.split("#")[0], "README", "exec"), {})  # our own README, not user input
