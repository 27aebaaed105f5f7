"""Reading a student's working into statements, each with the line of the file it is on.

This is the *textual* half of reading a working as its author means it: which lines are
prose (``exponentiate both sides``, ``\\text{..}``, ``# ..``), which continue the line
before (a leading ``=``, ``&=``, ``\\Rightarrow``, ``≈``), how a line splits into its
``=``-separated pieces (``a = b = c``), into several statements (``p_1 = 0.2,\\quad p_2 =
0.6``) or into alternatives (``p = 1/4 or p = 1``, ``w = \\pm 1``). LaTeX layout (``&``,
``\\\\``, ``\\,``, environments, ``&& \\text{reason}``) is removed. What each statement *is*
(definition, equation, derivative, given value, expression) depends on what came before, and
is decided when the working is checked (:mod:`derivkit.grading.interpret`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from derivkit.parsing.names import FUNCTIONS, LATEX_FUNCTIONS


@dataclass(frozen=True)
class WorkingLine:
    """One statement of a working.

    ``options`` are the alternatives of the statement (one unless it says ``or`` or ``±``),
    each the ``=``-separated pieces as written; ``continues`` marks a leading ``=``
    (the first piece continues the previous line); ``approx`` a ``≈`` before the last piece.
    A prose line has ``kind_hint == "text"`` and no options.
    """

    line: int
    text: str
    syntax: str = "auto"
    options: tuple[tuple[str, ...], ...] = ()
    continues: bool = False
    approx: bool = False
    kind_hint: str | None = None

    @property
    def pieces(self) -> tuple[str, ...]:
        return self.options[0] if self.options else ()


#: Words that make a line prose rather than mathematics.
PROSE = frozenset(
    [
        "a", "an", "the", "so", "then", "thus", "hence", "therefore", "since", "because", "as", "is", "are", "was",
        "be", "being", "it", "its", "we", "i", "you", "our", "us", "find", "solve", "for", "by", "both", "side",
        "sides", "multiply", "multiplying", "divide", "dividing", "square", "squaring", "take", "taking",
        "exponentiate", "exponentiating", "apply", "applying", "use", "using", "rule", "chain", "product",
        "quotient", "set", "setting", "equal", "zero", "substitute", "substituting", "plug", "in", "into",
        "simplify", "simplifying", "expand", "expanding", "factor", "factorise", "factorize", "rearrange",
        "collect", "terms", "term", "stationary", "points", "point", "critical", "maximise", "maximize", "minimise",
        "minimize", "derivative", "derivatives", "differentiate", "differentiating", "gives", "give", "get", "gets",
        "reject", "rejected", "check", "checking", "where", "when", "which", "that", "this", "these", "those",
        "must", "not", "here", "can", "cannot", "nothing", "gained", "lost", "answer", "means", "mean", "with",
        "of", "to", "from", "on", "at", "let", "now", "flip", "flipping", "fraction", "changes", "change", "sign",
        "signs", "both", "each", "all", "only", "also", "need", "needs", "needed", "positive", "negative",
        "nonzero", "because", "hold", "holds", "true", "false", "value", "values", "solution", "solutions", "root",
        "roots", "slope", "itself", "times", "half", "write", "writing", "note", "recall", "definition", "define",
        "defined", "gradient", "respect", "wrt", "first", "second", "third", "next", "step", "steps", "final",
        "result", "therefore", "answer"
    ]
)
#: Words that connect alternatives or statements inside a mathematical line.
CONNECTIVES = frozenset({"or", "and"})
_KNOWN_WORDS = frozenset(FUNCTIONS) | frozenset(LATEX_FUNCTIONS) | {"diff", "pi", "sqrt"}

_MATRIX = re.compile(r"\\begin\s*\{\s*([pbv]?matrix)\s*\}(.*?)\\end\s*\{\s*\1\s*\}")
_ENV = re.compile(r"\\(begin|end)\s*\{\s*[A-Za-z*]+\s*\}(\s*\{[^{}]*\})?")
_DROP_ARG = re.compile(r"\\(label|tag|hspace|vspace)\s*\*?\s*\{[^{}]*\}")
_DROP_CMD = re.compile(r"\\(nonumber|notag|displaystyle|textstyle)(?![A-Za-z])")
_LEADING = re.compile(r"^(\\Rightarrow|\\implies|\\iff|\\Leftrightarrow|\\therefore|\\Longrightarrow|=>|⇒|⇔|∴)\s*")
_APPROX = re.compile(r"\\approx(?![A-Za-z])|≈")
_TEXT_OR = re.compile(r"\\(?:text|mbox|textrm)\s*\{\s*(or|and)\s*\}")
_TEXT_ARG = re.compile(r"\\(?:text|mbox|textrm|intertext)\s*\{([^{}]*)\}")
_ANNOTATION = re.compile(r"\\q?quad\s*\(?\s*\\(?:text|mbox)\b.*$")
_SPACING = re.compile(r"\\(,|;|!|:| )")
_PLUS_MINUS = re.compile(r"\\pm(?![A-Za-z])|±")
#: A question label on a line of its own ("Q6", "Problem 2b:", "(c)"): text, not the variable Q6
_LABEL = re.compile(r"^(?:(?:q|question|problem|exercise|ex|part)\s*\.?\s*\d+[a-z]?|\(?[a-h]\))\s*[.:)]?$",
                    re.IGNORECASE)
#: "since y1 + y2 = 1", "\text{and } y_1 + y_2 = 1": a fact the next lines use
_FACT = re.compile(
    r"^(?:\\text\s*\{\s*)?(since|because|and|with|where|using|as)\b\s*\}?\s*(.+=.+)$", re.IGNORECASE
)
#: "p_k = ... \quad (k = 1, 2, 3)": one definition per index value
_INDEXED = re.compile(
    r"^(.*?)(?:\\q?quad|,)\s*\(?\s*(?:\\text\s*\{\s*for\s*\}\s*)?([a-z])\s*=\s*(\d+(?:\s*,\s*\d+)+)\s*\)?\s*$"
)
_VALUE = r"\s*[A-Za-z][A-Za-z0-9_{}]*\s*=\s*-?[0-9./]+\s*"
_AT = re.compile(
    rf"^(?:\\text\s*\{{\s*)?(at|for|when|with)\s*\}}?\s*({_VALUE}(?:[,;]{_VALUE})*)[.:]?$", re.IGNORECASE
)
_ACCENT = re.compile(r"\\(hat|bar|tilde)\s*\{?\s*([A-Za-z])\s*\}?")
_INEQUALITY = re.compile(r"\\(le|ge|leq|geq|neq|ne|lt|gt)(?![A-Za-z])|[<>≤≥≠]")


def _is_latex(text: str, syntax: str) -> bool:
    return syntax == "latex" or (syntax == "auto" and any(ch in text for ch in "\\{}"))


def _words(text: str) -> list[str]:
    """The words of a line: commands removed, \\text{..} contents kept."""
    plain = _TEXT_ARG.sub(lambda m: f" {m.group(1)} ", text)
    plain = re.sub(r"\\[A-Za-z]+", " ", plain)
    return [w.lower() for w in re.findall(r"(?<![A-Za-z_0-9])[A-Za-z]{2,}(?![A-Za-z_0-9(])", plain)]


def is_prose(text: str) -> bool:
    """True when the line says something in words (a reason, a remark) instead of mathematics."""
    if "\\text" in _TEXT_OR.sub(" ", text) or "\\intertext" in text or "\\mbox" in text:
        return True
    words = [w for w in _words(text) if w not in _KNOWN_WORDS and w not in CONNECTIVES]
    return any(w in PROSE for w in words) or len([w for w in words if len(w) >= 3]) >= 3


def split_top_level(text: str, separators: str) -> list[str]:
    """Split at single-character separators outside brackets and braces."""
    pieces, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            pieces.append(text[begin:i])
            begin = i + 1
    pieces.append(text[begin:])
    return pieces


def _matrix(match: re.Match[str]) -> str:
    r"""A column vector \begin{pmatrix} a \\ b \end{pmatrix} as the tuple (a, b)."""
    rows = [r.strip() for r in re.split(r"\\\\|&", match.group(2)) if r.strip()]
    return "\\left(" + ", ".join(rows) + "\\right)"


def _clean_latex(row: str) -> str:
    row = _MATRIX.sub(_matrix, row)
    row = re.sub(r"(?<!\\)%.*$", "", row)
    row = re.sub(r"\\\\(\s*\[[^\]]*\])?", " ", row)
    for pattern in (_ENV, _DROP_ARG, _DROP_CMD):
        row = pattern.sub(" ", row)
    row = row.replace("$$", " ").replace("\\[", " ").replace("\\]", " ")
    row = re.sub(r"(?<!\\)\$", " ", row)
    row = row.split("&&")[0]
    row = _ANNOTATION.sub("", row)
    return row.replace("&", " ")


def _expand_plus_minus(piece: str) -> list[str]:
    if not _PLUS_MINUS.search(piece):
        return [piece]
    return [_PLUS_MINUS.sub("+", piece, count=1), _PLUS_MINUS.sub("-", piece, count=1)]


_D2_OVER_D = re.compile(r"^d\^(\d)\s*/\s*d\s*([A-Za-z][A-Za-z0-9_]*)\^(\d)\s*(.+)$")
_D_OVER_D = re.compile(r"^d\s*/\s*d\s*([A-Za-z][A-Za-z0-9_]*)\s+(.+)$|^d\s*/\s*d\s*([A-Za-z][A-Za-z0-9_]*)\s*(\(.+\))$")


def derivative_operator(piece: str) -> str:
    """``d/dz sigma(z)`` (text) as ``diff(sigma(z), z)``; anything else unchanged."""
    second = _D2_OVER_D.match(piece.strip())
    if second and second.group(1) == second.group(3):
        return f"diff({second.group(4)}, {second.group(2)}, {second.group(1)})"
    match = _D_OVER_D.match(piece.strip())
    if not match:
        return piece
    var = match.group(1) or match.group(3)
    body = match.group(2) or match.group(4)
    return f"diff({body}, {var})"


def _statement(number: int, shown: str, body: str, syntax: str, approx: bool) -> WorkingLine | None:
    """One statement: its '='-separated pieces, alternatives expanded."""
    continues = body.lstrip().startswith("=")
    if continues:
        body = body.lstrip()[1:]
    alternatives = [a for a in re.split(r"\s+or\s+|\x00", body) if a.strip()]
    options: list[tuple[str, ...]] = []
    for alternative in alternatives:
        pieces = [" ".join(p.split()).strip(" .,;") for p in split_top_level(alternative, "=")]
        if any(not p for p in pieces):
            pieces = [p for p in pieces if p] or pieces
        if not any(pieces):
            continue
        for expanded in _expand_plus_minus("\x01".join(pieces)):
            options.append(tuple(derivative_operator(p) if syntax != "latex" else p for p in expanded.split("\x01")))
    if not options:
        return None
    return WorkingLine(number, shown, syntax, tuple(options), continues, approx)


def _same_subject(statements: list[WorkingLine]) -> bool:
    """``w = 0, w = 1``: several alternatives for one name, not several statements."""
    subjects = {s.pieces[0] for s in statements if len(s.pieces) == 2}
    return len(subjects) == 1 and all(len(s.pieces) == 2 for s in statements)


def read_line(number: int, raw: str, syntax: str = "auto") -> list[WorkingLine]:
    """The statements of one line of the file (a prose line is one statement of kind text)."""
    shown = raw.strip()
    if not shown:
        return []
    if shown.startswith("#") or _LABEL.match(shown):
        return [WorkingLine(number, shown, "text", kind_hint="text")]
    latex = _is_latex(shown, syntax)
    row = _clean_latex(shown) if latex else shown
    row = row.strip()
    if not row or (latex and row.startswith("%")):
        return []
    row = _LEADING.sub("", row).strip()
    if latex:
        row = _ACCENT.sub(lambda m: f"{m.group(2)}_{{{m.group(1)}}}", row)  # \hat{y} is the name yhat
    approx = bool(_APPROX.search(row))
    row = _APPROX.sub("=", row)
    at = _AT.match(row)
    if at:
        pairs = [split_top_level(part, "=") for part in split_top_level(at.group(2), ",;")]
        at_syntax = "latex" if latex else "text"
        return [WorkingLine(number, shown, at_syntax, ((pair[0].strip(), pair[1].strip(" .")),), kind_hint="at")
                for pair in pairs]
    indexed = _INDEXED.match(row)
    if indexed:
        index, values = indexed.group(2), [v.strip() for v in indexed.group(3).split(",")]
        pattern = re.compile(rf"_(?:\{{\s*{index}\s*\}}|{index}(?![A-Za-z0-9]))")
        body = indexed.group(1)
        return [st for v in values for st in read_line(number, pattern.sub(f"_{{{v}}}", body), syntax)
                if st.kind_hint != "text"]
    fact = _FACT.match(row)
    if fact and not is_prose(fact.group(2)) and len(split_top_level(fact.group(2), "=")) == 2 \
            and not _INEQUALITY.search(fact.group(2)):
        lhs, rhs = (" ".join(p.split()) for p in split_top_level(fact.group(2), "="))
        fact_syntax = "latex" if latex else ("text" if syntax == "auto" else syntax)
        return [WorkingLine(number, shown, fact_syntax, ((lhs, rhs.strip(" .,;")),), kind_hint="fact")]
    row = _TEXT_OR.sub("\x00", row) if latex else row
    if is_prose(row) or _INEQUALITY.search(row):
        return [WorkingLine(number, shown, "text", kind_hint="text")]
    if latex:
        row = _SPACING.sub(" ", row)
        separators_row = re.sub(r"\\q?quad(?![A-Za-z])", ";", row)
    else:
        separators_row = row
    row_syntax = "latex" if latex else ("text" if syntax == "auto" else syntax)
    segments = [s for s in split_top_level(separators_row, ",;") if s.strip()]
    if len(segments) > 1 and all("=" in s for s in segments):
        statements = [st for s in segments if (st := _statement(number, shown, s, row_syntax, approx)) is not None]
        if _same_subject(statements):
            options = tuple(o for s in statements for o in s.options)
            return [WorkingLine(number, shown, row_syntax, options, statements[0].continues, approx)]
        return statements
    if latex:
        row = re.sub(r"\\q?quad(?![A-Za-z])", " ", row)
    statement = _statement(number, shown, row, row_syntax, approx)
    return [statement] if statement is not None else []


def read_working(text: str, syntax: str = "auto") -> list[WorkingLine]:
    """Every statement of a working, each with its line number in the file."""
    found: list[WorkingLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        found.extend(read_line(number, raw, syntax))
    return _side_facts(found)


def _side_facts(lines: list[WorkingLine]) -> list[WorkingLine]:
    """An equation of a sum standing between a chain's lines ("y1 + y2 = 1" before "= p1 - y1")
    is a fact the chain goes on with, as "since y1 + y2 = 1" is: a line that continues with "="
    cannot continue an equation, and a sum on the left is not a definition."""
    out = list(lines)
    for k in range(1, len(out) - 1):
        line, before, after = out[k], out[k - 1], out[k + 1]
        if (line.kind_hint is None and not line.continues and len(line.options) == 1 and len(line.pieces) == 2
                and after.continues and before.kind_hint != "text"
                and len(split_top_level(line.pieces[0].lstrip("+-"), "+-")) > 1):
            out[k] = replace(line, kind_hint="fact")
    return out


def is_latex_block(text: str) -> bool:
    return bool(re.search(r"\\begin\s*\{\s*(align|aligned|eqnarray|gather|split|equation)\*?\s*\}|&\s*=|\\\\", text))


__all__ = [
    "PROSE",
    "WorkingLine",
    "derivative_operator",
    "is_latex_block",
    "is_prose",
    "read_line",
    "read_working",
    "split_top_level",
]
