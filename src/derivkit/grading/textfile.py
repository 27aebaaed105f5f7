"""Reading the small text files a TA hands in (assignments, submissions): one place that caps the
size before reading everything, drops a BOM, and names the line of a byte that is not UTF-8."""

from __future__ import annotations

from pathlib import Path

from derivkit.errors import DerivkitError


def read_small_text(path: Path, limit: int, error: type[DerivkitError], too_big: str) -> str:
    """The file's text; ``error`` (with the file, and the line of a bad byte) when it cannot be read,
    is larger than ``limit`` bytes (``too_big`` says what such a file should be) or is not UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(f"{path} is larger than {limit // 1024} KB; {too_big}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}, line {line}: not valid UTF-8; save the file as UTF-8") from None
