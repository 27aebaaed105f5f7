"""A wheel built from the repository carries the derivations and runs outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{result.stderr[-2000:]}")
    return next(out.glob("derivkit-*.whl"))


def test_wheel_ships_every_derivation_script(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("derivkit/_derivations/")}
    expected = {p.name for p in (ROOT / "derivations").glob("*.py")}
    assert expected <= shipped


def test_wheel_ships_py_typed(wheel: Path):
    """PEP 561: without the marker, type checkers ignore derivkit's annotations in user code."""
    assert "derivkit/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_wheel_ships_the_templates_and_the_bundled_katex(wheel: Path):
    """HTML pages render their math offline only if KaTeX (script, styles, fonts, licence) is in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    katex = "derivkit/handouts/static/katex/"
    assert {f"{katex}katex.min.js", f"{katex}katex.min.css", f"{katex}LICENSE"} <= names
    fonts = {p.name for p in (ROOT / "src" / katex / "fonts").glob("*.woff2")}
    assert fonts and {f"{katex}fonts/{font}" for font in fonts} <= names
    templates = {p.name for p in (ROOT / "src/derivkit/handouts/templates").glob("*.jinja")}
    assert {f"derivkit/handouts/templates/{t}" for t in templates} <= names


def test_installed_wheel_finds_derivations_outside_the_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "from derivkit.derivation import registry; print(registry.derivations_dir()); print(' '.join(registry.ids()))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    folder, ids = result.stdout.splitlines()
    assert folder.startswith(str(target))
    assert "sigmoid-from-logit" in ids.split()
