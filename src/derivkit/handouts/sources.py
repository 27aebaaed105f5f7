"""Which of derivkit's own source files an artefact depends on, found from the imports.

The build cache keys verdicts, figures and rendered pages by the source of every derivkit
module that can change them. A hand-kept list goes stale the day someone adds an import (the
worksheets' hiding reads the parser, which no list covered), so the list is computed: the
modules reachable from a root by ``import`` statements anywhere in a module (function-level
imports included; ``TYPE_CHECKING`` blocks and Jupyter's ``_repr_*_`` hooks excluded: they never
run when an artefact is made), read with :mod:`ast` without importing anything. The layering
test reads imports the same way (:func:`imports`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import derivkit

PACKAGE_DIR = Path(derivkit.__file__).resolve().parent
#: The vendored KaTeX inside the package (see its VENDORED.md).
KATEX = Path("handouts") / "static" / "katex"


def module_file(module: str, root: Path = PACKAGE_DIR) -> Path | None:
    """The file of a ``derivkit.*`` module (its ``__init__.py`` for a package), if it exists."""
    if module != "derivkit" and not module.startswith("derivkit."):
        return None
    path = root.joinpath(*module.split(".")[1:])
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def is_repr_hook(name: str) -> bool:
    """Jupyter's display hooks (``_repr_markdown_``): they render, so they may import upwards."""
    return name.startswith("_repr_") and name.endswith("_")


def imports(tree: ast.AST, *, in_functions: bool = True) -> Iterator[str]:
    """Every module an import statement in ``tree`` names (``from a import b`` yields a and a.b);
    ``in_functions=False`` keeps only the imports that run when the module itself is imported."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                not in_functions or is_repr_hook(node.name)):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


@cache
def _imports_of(source: str, in_functions: bool) -> tuple[str, ...]:
    """Cached on the text itself, so an edited file is read afresh."""
    return tuple(sorted(set(imports(ast.parse(source), in_functions=in_functions))))


def _direct(path: Path, in_functions: bool = True) -> tuple[str, ...]:
    return _imports_of(path.read_text(encoding="utf-8"), in_functions)


def _parents(module: str) -> Iterator[str]:
    parts = module.split(".")
    yield from (".".join(parts[:i]) for i in range(1, len(parts)))


def closure(roots: Iterable[str], root: Path = PACKAGE_DIR) -> list[Path]:
    """The source files of ``roots`` and of every derivkit module they import, transitively.
    A module's parent packages count too (importing it runs their ``__init__``), but of a parent
    only what runs on import: the functions of ``derivkit.handouts.__init__`` never run when a
    figure is drawn."""
    done: dict[str, bool] = {}  # module -> whether its function-level imports were followed
    files: set[Path] = set()
    todo = [(module, True) for module in roots]
    while todo:
        module, whole = todo.pop()
        if done.get(module) is True or (module in done and not whole):
            continue
        done[module] = whole
        path = module_file(module, root)
        if path is None:
            continue
        files.add(path)
        todo.extend((parent, False) for parent in _parents(module))
        todo.extend((name, True) for name in _direct(path, in_functions=whole))
    return sorted(files)


def closure_of_files(paths: Iterable[Path], root: Path = PACKAGE_DIR) -> list[Path]:
    """The derivkit source that scripts outside the package (derivations) import."""
    modules = {m for p in paths for m in _direct(Path(p))}
    return closure(modules, root)


def static(root: Path = PACKAGE_DIR) -> list[Path]:
    """The files copied as they are beside the HTML pages (the bundled KaTeX), except its notes."""
    folder = root / KATEX
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "VENDORED.md")


def templates(root: Path = PACKAGE_DIR) -> list[Path]:
    """The handout templates (Jinja reads them at render time; no import names them)."""
    return sorted((root / "handouts" / "templates").glob("*.jinja"))
