"""A derivation script and where things in it were written.

Two jobs, both about the author's ``.py`` file:

* **Where.** Every step and exercise remembers the file and line of the call that stated it
  (:func:`caller`: the first frame outside derivkit), so a failure reads ``mine.py:23``.
* **Run on its own.** ``python mine.py`` must report and exit non-zero when a step fails,
  without a ``__main__`` block. A derivation created by the main module registers one
  :mod:`atexit` hook (:func:`report_when_main`); when the script has run to its end, the hook
  verifies every derivation the script made and was not already reported (``print_report``),
  prints the reports, and on a failure ends the process with status 1. An atexit hook cannot
  set the exit status by raising ``SystemExit`` (Python ignores it there), so on a failure the
  hook first runs the remaining exit hooks itself (``atexit._run_exitfuncs``: they would have
  run next anyway), flushes the output and calls ``os._exit(1)``. A script that died of an
  exception reports nothing more (its traceback is the report), and a script imported by
  ``derivkit verify``/``build`` or a test is not the main module, so it registers nothing.
"""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derivkit.derivation.derivation import Derivation

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/derivkit

_main_derivations: list[Derivation] = []


def _outside(frame: FrameType | None) -> FrameType | None:
    while frame is not None:
        file = frame.f_code.co_filename
        if not file.startswith("<") and not Path(file).resolve().is_relative_to(PACKAGE_DIR):
            return frame
        frame = frame.f_back
    return None


def caller() -> tuple[str, int] | None:
    """``(file, line)`` of the innermost call from outside derivkit (the author's script)."""
    frame = _outside(sys._getframe(1))
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def where_text(origin: tuple[str, int] | None) -> str:
    """``file.py:LINE``, the file relative to the current folder when it is below it."""
    if origin is None:
        return ""
    file, line = origin
    path = Path(file)
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = str(path)
    return f"{shown}:{line}"


def report_when_main(derivation: Derivation) -> None:
    """Register ``derivation`` for the report at exit when the main module (``python mine.py``) made it."""
    frame = _outside(sys._getframe(1))
    if frame is None or frame.f_globals.get("__name__") != "__main__":
        return
    if not _main_derivations:
        atexit.register(_report_at_exit)
    _main_derivations.append(derivation)


def _report_at_exit() -> None:
    if getattr(sys, "last_value", None) is not None:  # the script died of an exception: that is the report
        return
    status = 0
    for derivation in _main_derivations:
        if not derivation._reported:
            status = max(status, derivation.print_report())
    if status:
        atexit.unregister(_report_at_exit)
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
