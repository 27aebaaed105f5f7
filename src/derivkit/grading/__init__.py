"""Checking students' work: one answer (``check``), a line-by-line working (``check_steps``),
and a whole class's answers at once (``grade_batch``).

Everything a user typed is parsed *and* decided inside :mod:`derivkit.grading.sandbox` workers, so
a hostile or merely enormous input ends as ``invalid`` or ``unknown`` within its time limit,
never as a hang or a crash of the caller.

Modules: :mod:`~derivkit.grading.request` (the result type and request validation),
:mod:`~derivkit.grading.worker` (the sandboxed task: parse, decide, explain),
:mod:`~derivkit.grading.single` (one check from the caller's side: ``check``),
:mod:`~derivkit.grading.diagnose` (naming the mistake: sign, constant factor, chain rule),
:mod:`~derivkit.grading.working` (a derivation line by line), :mod:`~derivkit.grading.batch`
(JSON lines / CSV grading with a progress bar), :mod:`~derivkit.grading.executors` (where a
batch runs: the local pool or Dask); assignments: :mod:`~derivkit.grading.assignment` (the TOML
file), :mod:`~derivkit.grading.submission` (a student's Markdown or JSON),
:mod:`~derivkit.grading.scoring` (points and feedback per question) and
:mod:`~derivkit.grading.gradebook` (a class into a CSV gradebook and a summary).
"""

from __future__ import annotations

from derivkit.grading.single import EXIT_CODES, CheckResult, check
from derivkit.grading.working import LineResult, StepsReport, check_steps, read_working

__all__ = ["EXIT_CODES", "CheckResult", "LineResult", "StepsReport", "check", "check_steps", "read_working"]
