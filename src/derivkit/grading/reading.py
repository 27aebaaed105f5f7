"""Reading a student's working into expressions, each with the line it starts on.

Plain text: one expression per line (a leading ``=`` allowed, ``a = b`` on one line counts
as two expressions, blank lines and ``#`` comments skipped). LaTeX: an ``align*``/``aligned``
block whose rows are separated by ``\\`` and aligned at ``&=``; environments, labels,
spacing and math delimiters are blanked so columns and line numbers stay where they were.
A row that starts with a label (``f(x) =``, ``f'(x) =``, ``dy/dx =``) starts a new chain.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkingLine:
    """One expression of the working and the 1-based line of the file it starts on.

    ``chain`` numbers the chains of a working: a row that starts with a new label (``f(x) =``,
    ``f'(x) =``, ``dy/dx =``) starts a new chain, compared only within itself.
    """

    line: int
    text: str
    syntax: str = "auto"
    chain: int = 0
    label: str | None = None


_ENV = re.compile(r"\\(begin|end)\s*\{\s*[A-Za-z*]+\s*\}")
_DROP_ARG = re.compile(r"\\(label|tag|text|mbox|textrm|intertext|hspace|vspace)\s*\*?\s*\{[^{}]*\}")
_SPACING = re.compile(r"\\(nonumber|notag|quad|qquad|displaystyle|,|;|!|:)(?![A-Za-z])")
_MATH_DELIMS = re.compile(r"\$\$|\\\[|\\\]|\$")
_LATEX_BLOCK = re.compile(r"\\begin\s*\{\s*(align|aligned|eqnarray|gather|split|equation)\*?\s*\}|&\s*=|\\\\")


def _strip_latex_comment(line: str) -> str:
    match = re.search(r"(?<!\\)%", line)
    return line[: match.start()] if match else line


def _split_top_level(row: str) -> list[tuple[int, str]]:
    """Split a row at '=' signs outside brackets; returns (offset, piece)."""
    pieces, depth, begin = [], 0, 0
    for i, ch in enumerate(row):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            pieces.append((begin, row[begin:i]))
            begin = i + 1
    pieces.append((begin, row[begin:]))
    return pieces


_IDENT = r"(?:[A-Za-z][A-Za-z0-9_]*|\\[A-Za-z]+)"
_PRIME = r"(?:'+|\^\{?\s*\\prime\s*\}?|\^\{?\s*\(\d\)\s*\}?)?"
_LABELS = (
    re.compile(rf"^{_IDENT}{_PRIME}$"),                                            # y, y', L
    re.compile(rf"^(?P<name>{_IDENT}){_PRIME}\s*\(\s*[^()]*\)$"),                  # f(x), f'(x), g(x, y)
    re.compile(rf"^d\s*{_IDENT}\s*/\s*d\s*{_IDENT}$"),                           # dy/dx
    re.compile(rf"^\\[dt]?frac\s*\{{\s*(d|\\partial)\s*{_IDENT}\s*\}}\s*\{{\s*(d|\\partial)\s*{_IDENT}\s*\}}$"),
)


def label_of(piece: str) -> str | None:
    """The piece as a label (``f(x)``, ``f'(x)``, ``y``, ``dy/dx``, ``\\frac{dy}{dx}``), or None
    when it is an expression to check (a known function such as ``sin(x)`` is not a label)."""
    from derivkit.parsing.names import FUNCTIONS, LATEX_FUNCTIONS

    text = " ".join(piece.split())
    for pattern in _LABELS:
        match = pattern.match(text)
        if match:
            name = (match.groupdict().get("name") or "").lstrip("\\")
            if name and (name in FUNCTIONS or name in LATEX_FUNCTIONS or name == "diff") and "'" not in text:
                return None
            return text
    return None


def _with_chains(rows: list[list[tuple[int, str]]], syntax: str) -> list[WorkingLine]:
    """Expressions of the rows; a row's first piece is a label when it looks like one."""
    found: list[WorkingLine] = []
    chain, label = 0, None
    for pieces in rows:
        row_label = label_of(pieces[0][1]) if len(pieces) > 1 else None
        if row_label is not None:
            pieces = pieces[1:]
            if found and row_label != label:
                chain += 1
            label = row_label
        for number, text in pieces:
            found.append(WorkingLine(number, text, syntax, chain, label))
    return found


def is_latex_block(text: str) -> bool:
    return bool(_LATEX_BLOCK.search(text))


def read_working(text: str, syntax: str = "auto") -> list[WorkingLine]:
    """The expressions of a working, each with its line number in the file."""
    if syntax != "text" and is_latex_block(text):
        return _with_chains(_latex_rows(text), "latex")
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("%"):
            continue
        pieces = [(number, piece.strip()) for _, piece in _split_top_level(line) if piece.strip()]
        if pieces:
            rows.append(pieces)
    return _with_chains(rows, syntax)


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping its newlines, so positions and line numbers stay."""
    return "".join(ch if ch == "\n" else " " for ch in match.group(0))


def _latex_rows(text: str) -> list[list[tuple[int, str]]]:
    lines = [_strip_latex_comment(raw) if not raw.lstrip().startswith("#") else "" for raw in text.splitlines()]
    joined = "\n".join(lines)
    joined = re.sub(r"(\\\\)(\s*\[[^\]\n]*\])", lambda m: m.group(1) + " " * len(m.group(2)), joined)
    for pattern in (_ENV, re.compile(r"\\intertext\s*\{[^{}]*\}"), _DROP_ARG, _SPACING, _MATH_DELIMS):
        joined = pattern.sub(_blank, joined)
    rows: list[list[tuple[int, str]]] = []
    newlines = [m.start() for m in re.finditer("\n", joined)]  # line of an offset by bisection: linear reading
    position = 0
    for match in re.finditer(r"\\\\|$", joined):
        row = joined[position:match.start()]
        row_start = position
        position = match.end()
        pieces = []
        for offset, piece in _split_top_level(row.replace("&", " ")):
            stripped = piece.lstrip()
            cleaned = " ".join(piece.split()).rstrip(".,;").strip()
            if cleaned:
                at = row_start + offset + (len(piece) - len(stripped))
                pieces.append((bisect.bisect_right(newlines, at - 1) + 1, cleaned))
        if pieces:
            rows.append(pieces)
        if match.end() >= len(joined):
            break
    return rows
