"""The wheel shipped in an autograder: from a checkout it is pip's build; from an installed
copy it is rebuilt from the installed files, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


def test_an_installed_derivkit_is_rebuilt_into_the_same_wheel(derivkit_wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(derivkit_wheel)], check=True, capture_output=True, timeout=300)
    code = ("import sys; from pathlib import Path; from derivkit.integrations import wheel; "
            "assert wheel.checkout_root() is None; print(wheel.running_wheel(Path(sys.argv[1])))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rebuilt = zipfile.ZipFile(done.stdout.strip())
    original = zipfile.ZipFile(derivkit_wheel)
    skip = ("RECORD", "WHEEL")
    names = {n for n in original.namelist() if not n.endswith(skip)}
    assert {n for n in rebuilt.namelist() if not n.endswith(skip)} == names
    assert all(rebuilt.read(n) == original.read(n) for n in names)
    record = rebuilt.read(next(n for n in rebuilt.namelist() if n.endswith("RECORD"))).decode()
    assert "derivkit/grading/scoring.py,sha256=" in record
    # and it installs
    again = tmp_path / "again"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(again),
                    rebuilt.filename], check=True, capture_output=True, timeout=300)
    assert (again / "derivkit" / "integrations" / "templates" / "setup.sh.jinja").is_file()
