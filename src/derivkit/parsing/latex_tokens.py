r"""The LaTeX tokenizer: commands, braces, single letters, and nothing that programs TeX.

In LaTeX math every letter is its own symbol (``xy`` is x times y), so letters are
single tokens, except runs matching a multi-letter variable the user declared.
Spacing and sizing commands (``\,``, ``\quad``, ``\left``, ``\bigl``...) are dropped
here; ``\cdot`` becomes '*'; ``\mathrm{..}`` and friends become one ROMAN token.
"""

from __future__ import annotations

from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import UNICODE_GREEK
from derivkit.parsing.tokens import (
    BAR,
    CMD,
    COMMA,
    DIGITS,
    END,
    EQ,
    LBRACE,
    LETTERS,
    LPAREN,
    NAME,
    OP,
    PRIME,
    RBRACE,
    ROMAN,
    RPAREN,
    SINGLE_TOKENS,
    SUB,
    SUPERSCRIPT_CHARS,
    WHITESPACE,
    Token,
    error,
    refuse_char,
    scan_number,
    scan_superscript,
)

#: Commands that only affect spacing or size: dropped.
SKIPPED = frozenset([
    ",", ";", ":", "!", ">", "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "left", "right",
    "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
    "limits", "nolimits",
]) | {" "}

#: Sizing commands after which a '.' (the null delimiter, as in \left.) is dropped too.
DELIMITER_SIZERS = frozenset([
    "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr",
])

#: Commands that are operators or brackets.
COMMAND_TOKENS: dict[str, tuple[str, str]] = {
    "cdot": (OP, "*"), "times": (OP, "*"), "ast": (OP, "*"), "div": (OP, "/"),
    "{": (LPAREN, "{"), "}": (RPAREN, "}"), "lbrace": (LPAREN, "{"), "rbrace": (RPAREN, "}"),
    "lbrack": (LPAREN, "["), "rbrack": (RPAREN, "]"), "lparen": (LPAREN, "("), "rparen": (RPAREN, ")"),
    "vert": (BAR, "|"), "lvert": (BAR, "|"), "rvert": (BAR, "|"), "mid": (BAR, "|"),
}

#: Commands whose braced argument is an upright name: \mathrm{e}, \operatorname{softplus}.
ROMAN_COMMANDS = frozenset(["mathrm", "operatorname", "text", "textrm", "textit", "mathit", "mathsf", "rm"])

#: Characters refused in LaTeX input, with what to do instead.
LATEX_REFUSED: dict[str, tuple[str, str]] = {
    ".": ("'.' is not allowed here", "decimals are written like 0.5"),
    ",": ("',' is not allowed in LaTeX input", "for a thin space write \\,"),
    "'": ("primes are not supported", "write the derivative as \\frac{d}{dz}(...)"),
    '"': ("strings are not allowed", "remove the quotes"),
    "%": ("'%' starts a TeX comment and is not allowed", "remove it; write percentages as \\frac{5}{100}"),
    "&": ("'&' (alignment) is not allowed", "enter a single expression"),
    "$": ("'$' is only allowed around the whole formula", "remove the inner '$'"),
    "=": ("'=' is not allowed", "enter an expression, not an equation"),
    "!": ("'!' is not allowed", "write \\operatorname{factorial}(n)"),
    ";": ("';' is not allowed", "enter a single expression"),
    ":": ("':' is not allowed", "enter a single expression"),
    "#": ("'#' is not allowed", "enter plain math"),
    "@": ("'@' is not allowed", "use \\cdot for multiplication"),
    "`": ("backticks are not allowed", "enter plain math"),
}

MATH_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def math_span(text: str) -> tuple[int, int]:
    """The part of ``text`` inside one optional pair of $..$, $$..$$, \\(..\\) or \\[..\\]."""
    lo, hi = len(text) - len(text.lstrip()), len(text.rstrip())
    for opener, closer in MATH_DELIMITERS:
        if hi - lo >= len(opener) + len(closer) and text.startswith(opener, lo) and text.endswith(closer, lo, hi):
            return lo + len(opener), hi - len(closer)
    return 0, len(text)


def _skip_spaces(text: str, i: int, end: int) -> int:
    while i < end and text[i] in WHITESPACE:
        i += 1
    return i


def _roman(text: str, start: int, i: int, end: int, command: str) -> tuple[Token, int]:
    r"""Read the name after \mathrm and friends: ``\mathrm{e}``, ``\operatorname{logit}``, ``\mathrm e``."""
    i = _skip_spaces(text, i, end)
    if i < end and text[i] in LETTERS:
        return Token(ROMAN, text[i], start, text[start:i + 1]), i + 1
    if i >= end or text[i] != "{":
        raise error(f"\\{command} must be followed by a name in braces", text, start, f"write \\{command}{{name}}")
    close = text.find("}", i, end)
    name = text[i + 1:close].strip() if close >= 0 else ""
    if close < 0 or not name or name[0] not in LETTERS or not all(ch in LETTERS or ch in DIGITS for ch in name):
        raise error(f"\\{command}{{...}} may only contain a plain name such as e or softplus", text, start,
                    f"write \\{command}{{name}} with letters and digits only")
    return Token(ROMAN, name, start, text[start:close + 1]), close + 1


def _command(text: str, start: int, end: int) -> tuple[Token | None, int]:
    """A backslash command at ``start``; None for dropped (spacing) commands."""
    j = start + 1
    if j >= end:
        raise error("a lone '\\' at the end of the input", text, start, "remove it or complete the command")
    if text[j] in LETTERS:
        k = j
        while k < end and text[k] in LETTERS:
            k += 1
        name = text[j:k]
    else:
        name, k = text[j], j + 1
    if name in SKIPPED:
        if name in DELIMITER_SIZERS:
            after = _skip_spaces(text, k, end)
            if after < end and text[after] == ".":
                k = after + 1
        return None, k
    if name in COMMAND_TOKENS:
        kind, value = COMMAND_TOKENS[name]
        return Token(kind, value, start, text[start:k]), k
    if name in ROMAN_COMMANDS:
        return _roman(text, start, k, end, name)
    if name == "\\":
        raise error("line breaks '\\\\' are not allowed", text, start, "enter a single expression")
    if name[0] not in LETTERS:
        if not (name.isascii() and name.isprintable()):  # name the character (or byte) itself
            raise refuse_char(text, j, LATEX_REFUSED)
        raise error(f"'\\{name}' is not allowed", text, start, "remove it")
    return Token(CMD, name, start, text[start:k]), k


def _letters(text: str, i: int, end: int, multi: list[str]) -> Token:
    """One letter, or the longest declared multi-letter variable starting here."""
    for name in multi:
        if text.startswith(name, i) and i + len(name) <= end:
            return Token(NAME, name, i, name)
    return Token(NAME, text[i], i, text[i])


def tokenize_latex(text: str, limits: ParseLimits, variables: frozenset[str], working: bool = False,
                   notation: bool = False) -> list[Token]:
    """Split LaTeX math into tokens, ending with an END token.

    ``working``: a student's working, where ``f'(x)`` is a derivative and ``h(u, v)`` has commas.
    ``notation``: an author's formula, where ``h(u, v)`` has commas and a sum ``\\sum_{k=1}`` an '='."""
    multi = sorted(
        (v for v in variables if len(v) > 1 and v[0] in LETTERS and all(ch in LETTERS or ch in DIGITS for ch in v)),
        key=len, reverse=True,
    )
    i, end = math_span(text)
    body = text[:end]  # scanners stop at a closing math delimiter
    tokens: list[Token] = []
    while i < end:
        ch = text[i]
        token: Token | None
        if ch in WHITESPACE or ch == "~":
            i += 1
            continue
        if ch == "\\":
            token, i = _command(text, i, end)
            if token is not None:
                tokens.append(token)
            continue
        if ch in DIGITS or (ch == "." and i + 1 < end and text[i + 1] in DIGITS):
            token = scan_number(body, i, limits, scientific=False)
        elif ch in LETTERS:
            token = _letters(text, i, end, multi)
        elif ch in "{}_":
            token = Token({"{": LBRACE, "}": RBRACE, "_": SUB}[ch], ch, i, ch)
        elif ch in SINGLE_TOKENS:
            kind, value = SINGLE_TOKENS[ch]
            token = Token(kind, value, i, ch)
        elif ch in SUPERSCRIPT_CHARS:
            token = scan_superscript(body, i, limits)
        elif ch in UNICODE_GREEK:
            token = Token(CMD, UNICODE_GREEK[ch], i, ch)
        elif working and ch == "'" and tokens and tokens[-1].kind in (NAME, CMD, ROMAN, PRIME):
            token = Token(PRIME, 1, i, ch)
        elif (working or notation) and ch == ",":
            token = Token(COMMA, ",", i, ch)
        elif notation and ch == "=":
            token = Token(EQ, "=", i, ch)
        else:
            raise refuse_char(text, i, LATEX_REFUSED)
        tokens.append(token)
        i += len(token.text)
    tokens.append(Token(END, None, end, ""))
    return tokens
