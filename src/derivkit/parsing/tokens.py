"""Tokens shared by both front ends, and the tokenizer of the plain-text syntax.

The tokenizer accepts a small whitelist of characters and refuses everything else with
a message naming the character: code (quotes, dots, semicolons, ``__dunder__`` names)
is stopped here, before any parsing happens.  Only ASCII digits and letters count as
digits and letters; ``str.isdigit`` would let in Arabic-Indic digits and friends.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from fractions import Fraction

from derivkit.errors import ParseError
from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import UNICODE_GREEK

# Token kinds.
NUM, NAME, OP, LPAREN, RPAREN, BAR, COMMA, SUP, SQRT, END = (
    "number", "name", "operator", "'('", "')'", "'|'", "','", "superscript", "'√'", "end of input"
)
CMD, ROMAN, LBRACE, RBRACE, SUB = "command", "roman name", "'{'", "'}'", "'_'"
PRIME = "prime"
EQ = "'='"  # only in a declared notation: the lower limit of a sum, \sum_{k=1}

DIGITS = frozenset(string.digits)
LETTERS = frozenset(string.ascii_letters)
NAME_CHARS = LETTERS | DIGITS | {"_"}
WHITESPACE = frozenset(" \t\r\n")
CLOSING = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``value`` is a str (names, operators), Fraction (numbers) or int (superscripts)."""

    kind: str
    value: object
    col: int
    text: str


def error(message: str, text: str, col: int | None, hint: str = "") -> ParseError:
    """A ParseError pointing at ``col`` of ``text`` (both front ends report the same way)."""
    return ParseError(message, text=text, column=col, hint=hint)


#: Characters both syntaxes read as operators, brackets or separators.
SINGLE_TOKENS: dict[str, tuple[str, str]] = {
    "+": (OP, "+"), "-": (OP, "-"), "*": (OP, "*"), "/": (OP, "/"), "^": (OP, "^"),
    "(": (LPAREN, "("), ")": (RPAREN, ")"), "[": (LPAREN, "["), "]": (RPAREN, "]"),
    "|": (BAR, "|"),
    # Unicode a student may paste from a PDF or a phone keyboard.
    "·": (OP, "*"), "×": (OP, "*"), "⋅": (OP, "*"), "∗": (OP, "*"),
    "−": (OP, "-"), "–": (OP, "-"), "÷": (OP, "/"), "√": (SQRT, "sqrt"),
}

SUPERSCRIPT_DIGITS = {ch: str(i) for i, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
SUPERSCRIPT_CHARS = frozenset(SUPERSCRIPT_DIGITS) | {"⁻"}

#: Characters refused with a specific explanation (anything else gets a generic one).
REFUSED: dict[str, tuple[str, str]] = {
    ".": ("'.' is not allowed here", "attribute access is not math; decimals are written like 0.5"),
    "'": ("strings are not allowed", "remove the quotes; for a derivative write diff(expr, z)"),
    '"': ("strings are not allowed", "remove the quotes"),
    ";": ("';' is not allowed", "enter a single expression"),
    "=": ("'=' is not allowed", "enter an expression, not an equation or an assignment"),
    "@": ("'@' is not allowed", "use * for multiplication"),
    "`": ("backticks are not allowed", "enter plain math"),
    ":": ("':' is not allowed", "enter plain math"),
    "!": ("'!' is not allowed", "write factorial(n)"),
    "$": ("'$' is not allowed", "remove the $...$ delimiters, or use --syntax latex"),
    "#": ("'#' is not allowed", "comments are not supported"),
    "%": ("'%' is not allowed", "write percentages as fractions, e.g. 5/100"),
    "\\": ("'\\' is not allowed in the text syntax", "use --syntax latex for LaTeX input"),
    "{": ("'{' is not allowed in the text syntax", "use ( ) for grouping, or --syntax latex"),
    "}": ("'}' is not allowed in the text syntax", "use ( ) for grouping, or --syntax latex"),
}


def refuse_char(text: str, i: int, refused: dict[str, tuple[str, str]] = REFUSED) -> ParseError:
    """The error for a character we do not accept: say which one, in a printable form."""
    ch = text[i]
    if ch in refused:
        message, hint = refused[ch]
        return error(message, text, i, hint)
    if "\udc80" <= ch <= "\udcff":  # a byte that is not UTF-8, kept by surrogateescape (command-line argument)
        return error(f"byte 0x{ord(ch) - 0xDC00:02X} is not valid UTF-8", text, i,
                     "save or type the input as UTF-8 text")
    if "\ud800" <= ch <= "\udfff":
        return error(f"a lone surrogate (U+{ord(ch):04X}) is not a character", text, i,
                     "the input is not valid Unicode text; retype it")
    shown = ch if ch.isprintable() and not ch.isspace() else repr(ch)[1:-1]
    if ch.isascii():
        return error(f"character '{shown}' is not allowed", text, i,
                     "enter plain math: numbers, names, + - * / ^ and brackets")
    return error(
        f"character '{shown}' (U+{ord(ch):04X}) is not allowed", text, i,
        "type it in plain ASCII, e.g. * for ·, - for −, sqrt(x) for √x, x^2 for x²",
    )


def scan_digits(text: str, i: int) -> int:
    """Index just past the ASCII digits starting at ``i``."""
    while i < len(text) and text[i] in DIGITS:
        i += 1
    return i


def scan_number(text: str, start: int, limits: ParseLimits, scientific: bool) -> Token:
    """An exact decimal literal; scientific notation (1e-3) only where the syntax has it.

    Digit counts are checked before int() runs, so a 10,000-digit literal is refused
    rather than converted.
    """
    i = scan_digits(text, start)
    int_digits = text[start:i]
    frac_digits = ""
    if i + 1 < len(text) and text[i] == "." and text[i + 1] in DIGITS:
        j = scan_digits(text, i + 1)
        frac_digits, i = text[i + 1:j], j
    mantissa = int_digits + frac_digits
    if len(mantissa) > limits.max_integer_digits:
        raise error(
            f"number with {len(mantissa)} digits is longer than the limit of "
            f"{limits.max_integer_digits} (max_integer_digits)", text, start, "shorten the number",
        )
    exponent = 0
    if scientific and i < len(text) and text[i] in "eE":
        j = i + 1
        if j < len(text) and text[j] in "+-":
            j += 1
        k = scan_digits(text, j)
        if k > j:  # '2e' alone is 2*e; '2e-3' is 0.002
            digits = text[j:k].lstrip("0") or "0"
            if len(digits) > len(str(limits.max_integer_digits)) or int(digits) > limits.max_integer_digits:
                raise error(
                    f"exponent in '{text[start:k]}' is larger than the limit of "
                    f"{limits.max_integer_digits} (max_integer_digits)", text, start, "use a smaller exponent",
                )
            exponent = -int(digits) if text[j - 1] == "-" else int(digits)
            i = k
    value = Fraction(int(mantissa), 10 ** len(frac_digits)) * Fraction(10) ** exponent
    return Token(NUM, value, start, text[start:i])


def scan_superscript(text: str, start: int, limits: ParseLimits) -> Token:
    """A run of Unicode superscripts such as ² or ⁻¹, read as one integer exponent."""
    i = start + 1 if text[start] == "⁻" else start
    j = i
    while j < len(text) and text[j] in SUPERSCRIPT_DIGITS:
        j += 1
    if j == i:
        raise error("superscript minus '⁻' must be followed by superscript digits", text, start,
                    "e.g. x⁻¹, or write x^(-1)")
    digits = "".join(SUPERSCRIPT_DIGITS[ch] for ch in text[i:j])
    if len(digits) > limits.max_integer_digits:
        raise error(f"superscript with {len(digits)} digits is too long (max_integer_digits)", text, start)
    value = int(digits)
    return Token(SUP, -value if i > start else value, start, text[start:j])


def _scan_name(text: str, start: int) -> Token:
    """A name such as z, z1, y_2 or epsilon_0; refuses the underscore tricks of Python."""
    i = start
    while i < len(text) and text[i] in NAME_CHARS:
        i += 1
    name = text[start:i]
    if name.startswith("_"):
        raise error(f"names may not start with '_' ('{name}')", text, start, "start names with a letter, e.g. z or y_2")
    if "__" in name:
        raise error(f"names may not contain '__' ('{name}')", text, start + name.index("__"),
                    "use a single '_' in names")
    return Token(NAME, name, start, name)


def tokenize_text(text: str, limits: ParseLimits, working: bool = False) -> list[Token]:
    """Split plain-text math into tokens, ending with an END token.

    ``working``: a student's working, where a prime after a name (f'(x)) is a derivative."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in WHITESPACE:
            i += 1
            continue
        if ch in DIGITS or (ch == "." and i + 1 < n and text[i + 1] in DIGITS):
            token = scan_number(text, i, limits, scientific=True)
        elif ch in LETTERS or ch == "_":
            token = _scan_name(text, i)
        elif ch == "*" and text.startswith("**", i):
            token = Token(OP, "^", i, "**")
        elif ch == ",":
            token = Token(COMMA, ",", i, ",")
        elif ch in SINGLE_TOKENS:
            kind, value = SINGLE_TOKENS[ch]
            token = Token(kind, value, i, ch)
        elif ch in SUPERSCRIPT_CHARS:
            token = scan_superscript(text, i, limits)
        elif ch in UNICODE_GREEK:
            token = Token(NAME, UNICODE_GREEK[ch], i, ch)
        elif working and ch == "'" and tokens and tokens[-1].kind in (NAME, PRIME):
            token = Token(PRIME, 1, i, ch)
        else:
            raise refuse_char(text, i)
        tokens.append(token)
        i += len(token.text)
    tokens.append(Token(END, None, n, ""))
    return tokens
