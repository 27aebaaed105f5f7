"""Fixtures of the integration tests: one wheel of this checkout, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivkit.integrations.wheel import running_wheel


@pytest.fixture(scope="session")
def derivkit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``derivkit gradescope`` ships: built from this checkout (pip wheel)."""
    return running_wheel(tmp_path_factory.mktemp("wheel"))
