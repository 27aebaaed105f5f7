"""Grades where courses keep them: Gradescope autograders and PrairieLearn questions.

A stage above :mod:`derivkit.grading` (it imports grading, nothing below imports it), like
:mod:`derivkit.cli`. Modules: :mod:`~derivkit.integrations.gradescope` (the autograder zip
and the program it runs), :mod:`~derivkit.integrations.prairielearn` (``grade(data,
question)`` for a question's ``server.py``), :mod:`~derivkit.integrations.wheel` (a wheel of
the running derivkit to ship inside an autograder).
"""
