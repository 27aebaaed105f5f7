"""CI lints and type-checks src/ before the tests, with tools the dev extra installs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_ruff_and_mypy_before_the_tests():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    tests = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert lines.index(".venv/bin/ruff check src derivations") < tests
    assert lines.index(".venv/bin/mypy") < tests


def test_dev_extra_installs_ruff_and_mypy():
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    names = {requirement.split(">")[0].split("=")[0].split("<")[0].strip() for requirement in dev}
    assert {"ruff", "mypy"} <= names
