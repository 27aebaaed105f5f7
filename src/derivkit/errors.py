"""The exception hierarchy: every error derivkit raises on purpose is a DerivkitError.

Callers (the CLI, the batch grader) catch DerivkitError and print its one-line message;
anything else escaping is a bug.
"""

from __future__ import annotations


class DerivkitError(Exception):
    """Base class of every error derivkit raises deliberately."""


class DomainError(DerivkitError, ValueError):
    """A domain string such as '(0,1' could not be understood."""


class ParseError(DerivkitError, ValueError):
    """User text could not be parsed; carries the column so the message can point at it."""

    def __init__(self, message: str, text: str = "", column: int | None = None, hint: str = "") -> None:
        self.message = message
        self.text = text
        self.column = column
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """The message, the offending line with a caret under the column, and the hint."""
        where = f" at column {self.column + 1}" if self.column is not None else ""
        lines = [f"{self.message}{where}"]
        if self.text and self.column is not None and len(self.text) <= 200 and "\n" not in self.text:
            lines.append(f"  {self.text}")
            lines.append("  " + " " * self.column + "^")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class BatchInputError(DerivkitError):
    """A batch input that cannot be read on (no line end for many megabytes: not a batch file)."""


class DerivationError(DerivkitError):
    """A derivation was authored wrongly (a step that cannot be computed, an unknown id)."""


class EvaluationError(DerivkitError):
    """Numeric evaluation of an expression failed or exceeded its bounds."""


class SandboxError(DerivkitError):
    """A bounded evaluation was killed (time or memory) or its worker died."""


class ProseError(DerivationError):
    """Prose whose ``$`` signs do not pair up (or that holds an empty formula ``$$``)."""


class Undefined(EvaluationError):
    """The expression has no (finite, or real when asked) value at this point."""


class Unsupported(EvaluationError):
    """The tree holds a node we cannot evaluate numerically (e.g. an unevaluated Sum)."""


class NotGradable(DerivkitError):
    """The expression has no form in the text syntax."""


class UnknownFormula(DerivkitError, KeyError):
    """A formula name that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])


class LatexError(DerivkitError):
    """latexmk failed on a generated .tex (a template bug, never the author's fault)."""


class ExportError(DerivkitError):
    """A formula cannot be exported to the requested target."""


class ProofFailure(DerivkitError):
    """A stable form could not be proved equal to its textbook formula: nothing is written."""


class ProofSetupError(DerivkitError):
    """A stable form cannot be turned into claims (an unsupported construct)."""


class LoweringError(DerivkitError):
    """The stable form uses a construct the array lowering does not know."""


class AssignmentError(DerivkitError):
    """An assignment file that cannot be used: the message names the file, line and field."""


class SubmissionError(DerivkitError):
    """A submission file that cannot be read at all (not UTF-8, not Markdown or JSON)."""


class ExecutorError(DerivkitError):
    """A batch executor that cannot start (dask not installed, scheduler unreachable)."""


class WheelError(DerivkitError):
    """The running derivkit could not be packed into a wheel for an autograder."""
