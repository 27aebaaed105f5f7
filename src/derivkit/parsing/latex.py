r"""The LaTeX front end: the Pratt core plus commands, groups, scripts and derivatives.

Follows what the formula *looks like* when typeset: ``xy`` is x times y, ``\frac12`` is
one half, ``\ln p`` applies ln to p.  Where TeX's reading differs from what students mean
(``x^10`` typesets as x¹0), the input is refused with a hint instead of guessed at.
``\frac{d}{dz}`` and ``\frac{\partial}{\partial z}`` are derivative operators, recognised
from the tokens before anything is parsed, so no backtracking is ever needed.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from derivkit.parsing.latex_tokens import COMMAND_TOKENS, ROMAN_COMMANDS, SKIPPED, tokenize_latex
from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import (
    CONSTANTS,
    FUNCTIONS,
    GREEK,
    LATEX_DANGEROUS,
    LATEX_FUNCTIONS,
    LATEX_UNSUPPORTED,
    suggest,
)
from derivkit.parsing.nodes import BigOp, Call, Const, Diff, Index, Name, Neg, Node, Num, Power, Product, Recip
from derivkit.parsing.notation import DELTA, Notation
from derivkit.parsing.pratt import ADD, MUL, Parser
from derivkit.parsing.tokens import (
    CMD,
    COMMA,
    DIGITS,
    END,
    EQ,
    LBRACE,
    LPAREN,
    NAME,
    NUM,
    OP,
    PRIME,
    RBRACE,
    ROMAN,
    RPAREN,
    SQRT,
    SUB,
    SUP,
    Token,
)

#: Greek letters plus \pi (a constant unless declared), by symbol name.
LETTER_COMMANDS = GREEK | {"pi": "pi"}


def is_differential(token: Token) -> bool:
    r"""d, \mathrm{d} or \partial: the start of a derivative's numerator or denominator."""
    return (token.kind in (NAME, ROMAN) and token.value == "d") or (token.kind == CMD and token.value == "partial")


class LatexParser(Parser):
    """Pratt parser for LaTeX math."""

    IMPLICIT_STARTS = frozenset({NUM, NAME, LPAREN, SQRT, CMD, ROMAN, LBRACE})

    def __init__(self, tokens: list[Token], text: str, limits: ParseLimits, variables: frozenset[str],
                 functions: frozenset[str] = frozenset(), working: bool = False) -> None:
        super().__init__(tokens, text, limits, variables, functions, working)
        self.nud.update({NAME: self.nud_letter, CMD: self.nud_command, ROMAN: self.nud_roman, LBRACE: self.nud_bracket})
        self.commands: dict[str, Callable[[Token], Node]] = {
            "frac": self.frac, "dfrac": self.frac, "tfrac": self.frac, "cfrac": self.frac,
            "sqrt": self.sqrt, "binom": self.binom, "dbinom": self.binom, "tbinom": self.binom,
            "sigma": self.sigma, "sum": self.big_operator, "prod": self.big_operator, "delta": self.delta,
        }
        self.known_commands = sorted(
            {*self.commands, *LATEX_FUNCTIONS, *LETTER_COMMANDS, *COMMAND_TOKENS, *ROMAN_COMMANDS, *SKIPPED} - {" "}
        )

    def check_implicit(self, prev: Token | None, token: Token) -> None:
        spaced = prev is not None and token.col > prev.col + len(prev.text)
        if token.kind == NUM and not (self.working and spaced):
            raise self.error(
                f"missing operator before the number '{token.text}'", token.col,
                "write \\cdot between factors, or x_2 for a subscript",
            )

    # -- scripts and single-token arguments ---------------------------------------------
    def exponent(self, caret: Token) -> Node:
        power = self.script_argument(caret, "superscript")
        if (self.peek.kind == OP and self.peek.value == "^") or self.peek.kind == SUP:
            raise self.error("double superscript", self.peek.col, "write x^{ab} or {x^a}^b")
        return power

    def script_argument(self, token: Token, what: str) -> Node:
        """What follows ^ or _: a {group}, or one digit, letter or Greek letter."""
        nxt = self.peek
        if nxt.kind == LBRACE:
            self.advance()
            return self.bracket_contents(nxt)
        if nxt.kind == OP and nxt.value == "-":
            raise self.error(f"a negative {what} needs braces", nxt.col, f"write {token.text}{{-1}}")
        if nxt.kind == END:
            raise self.error(f"missing {what} after '{token.text}'", nxt.col, f"write {token.text}{{...}}")
        if nxt.kind == NUM and len(nxt.text) > 1:
            raise self.error(
                f"{what} '{nxt.text}' needs braces", nxt.col,
                f"write {token.text}{{{nxt.text}}}; TeX reads {token.text}{nxt.text} "
                f"as {token.text}{nxt.text[0]} followed by {nxt.text[1:]}",
            )
        return self.single_argument(token, what)

    def single_argument(self, token: Token, what: str, split_numbers: bool = False) -> Node:
        """One digit (a longer number is split, as TeX does for \\frac12), letter or Greek letter."""
        nxt = self.peek
        if nxt.kind == NUM and (split_numbers or len(nxt.text) == 1) and nxt.text[0] in DIGITS:
            if len(nxt.text) == 1:
                self.advance()
                return self.node(Num, nxt.value, nxt.col)
            rest = nxt.text[1:]
            self.tokens[self.pos] = Token(NUM, Fraction(rest), nxt.col + 1, rest)
            return self.node(Num, Fraction(int(nxt.text[0])), nxt.col)
        if nxt.kind == NAME:
            self.advance()
            return self.node(Name, nxt.value, nxt.col)
        if nxt.kind == CMD and nxt.value in LETTER_COMMANDS:
            if nxt.value == "sigma" and "sigma" not in self.variables:
                raise self.sigma_error(nxt)
            self.advance()
            return self.node(Name, LETTER_COMMANDS[str(nxt.value)], nxt.col)
        if nxt.kind == END:
            raise self.error(f"missing {what} after '{token.text}'", nxt.col, f"write {token.text}{{...}}")
        raise self.error(f"the {what} after '{token.text}' needs braces", nxt.col, f"write {token.text}{{...}}")

    def subscripted(self, base: str) -> str:
        """The name of a possibly subscripted variable: z_1 and z_{1} are z1, y_{k} is yk."""
        if self.peek.kind != SUB:
            return base
        underscore = self.advance()
        nxt = self.advance()
        if nxt.kind == LBRACE:
            pieces = []
            while self.peek.kind != RBRACE:
                pieces.append(self.subscript_piece(self.advance(), nxt))
            self.advance()
            if not pieces:
                raise self.error("empty subscript", nxt.col, "write z_{1}")
        elif nxt.kind == NUM and len(nxt.text) > 1:
            raise self.error(f"subscript '{nxt.text}' needs braces", nxt.col, f"write _{{{nxt.text}}}")
        else:
            pieces = [self.subscript_piece(nxt, underscore)]
        sub = "".join(pieces)
        plain, underscored = base + sub, f"{base}_{sub}"
        if self.peek.kind == SUB:
            raise self.error("double subscript", self.peek.col, "write a single subscript, e.g. z_{12}")
        if plain in CONSTANTS:  # p_i is the variable p_i, never pi
            return underscored
        return underscored if underscored in self.variables and plain not in self.variables else plain

    def subscript_piece(self, token: Token, opener: Token) -> str:
        if token.kind == NUM and all(ch in DIGITS for ch in token.text):
            return token.text
        if token.kind in (NAME, ROMAN):
            return str(token.value)
        if token.kind == CMD and token.value in LETTER_COMMANDS:
            return LETTER_COMMANDS[str(token.value)]
        if token.kind == END:
            if opener.kind == LBRACE:
                raise self.error("'{' is never closed", opener.col, "add the matching '}'")
            raise self.error("missing subscript after '_'", token.col, "write z_1 or z_{12}")
        raise self.error("a subscript may only contain letters and digits", token.col, "write z_1 or z_{ij}")

    # -- prefix actions ------------------------------------------------------------------
    def nud_letter(self, token: Token) -> Node:
        declared = self.declared(token, str(token.value))
        if declared is not None:
            return declared
        name = self.subscripted(str(token.value))
        if self.working:
            return self.working_call(token, name) or self.node(Name, name, token.col)
        return self.node(Name, name, token.col)

    def working_call(self, token: Token, name: str) -> Node | None:
        """In a working: a defined function applied to brackets, f(x) or f'(x); None otherwise."""
        primes = self.count_primes()
        if self.peek.kind == LPAREN and self.peek.value == "(" and (name in self.functions or primes):
            return self.defined_call(token, name, primes)
        if primes:
            raise self.error(f"'{name}{chr(39) * primes}' needs its argument", token.col, f"write {name}'(x)")
        return None

    def nud_command(self, token: Token) -> Node:
        name = str(token.value)
        if name in self.commands:
            return self.commands[name](token)
        if name in LATEX_FUNCTIONS:
            return self.function(token, LATEX_FUNCTIONS[name])
        if name in LETTER_COMMANDS:
            return self.declared(token, LETTER_COMMANDS[name]) or self.node(
                Name, self.subscripted(LETTER_COMMANDS[name]), token.col)
        raise self.unknown_command(token)

    # -- what only a declared notation reads ----------------------------------------------
    def declared(self, token: Token, name: str) -> Node | None:
        """f(x) for a declared function, p_i or p_{k+1} for a declared indexed family; else None."""
        if self.notation is None:
            return None
        call = self.declared_call(token, name)
        if call is not None:
            return call
        if name in self.notation.indexed and self.peek.kind == SUB:  # p_i is the family's even beside a symbol p
            underscore = self.advance()
            index = self.script_argument(underscore, "subscript")
            if self.peek.kind == SUB:
                raise self.error("double subscript", self.peek.col, "write a single subscript, e.g. p_{i}")
            return self.node(Index, name, index, token.col)
        return None

    def big_operator(self, token: Token) -> Node:
        r"""\sum_{k=1}^{K} body and \prod: the body runs to the next + or - outside brackets, as it reads."""
        if self.notation is None:
            raise self.unknown_command(token)
        kind = str(token.value)
        hint = f"write \\{kind}_{{k=1}}^{{K}} ..."
        if self.peek.kind != SUB or self.look(1).kind != LBRACE:
            raise self.error(f"'\\{kind}' needs its index and limits", token.col, hint)
        self.advance()
        opener = self.advance()
        var_token = self.advance()
        if var_token.kind == NAME:
            var = self.node(Name, str(var_token.value), var_token.col)
        elif var_token.kind == CMD and var_token.value in LETTER_COMMANDS and var_token.value != "sigma":
            var = self.node(Name, LETTER_COMMANDS[str(var_token.value)], var_token.col)
        else:
            raise self.error(f"the index of '\\{kind}' must be a letter", var_token.col, hint)
        if self.peek.kind != EQ:
            raise self.error(f"'\\{kind}' needs the lower limit of its index", self.peek.col, hint)
        self.advance()
        lower = self.expression(0)
        self.expect_closing(opener)
        if not (self.peek.kind == OP and self.peek.value == "^"):
            raise self.error(f"'\\{kind}' needs its upper limit", self.peek.col, hint)
        upper = self.script_argument(self.advance(), "upper limit")
        if self.peek.kind in (END, RPAREN, RBRACE) or (self.peek.kind == OP and self.peek.value != "-"):
            raise self.error(f"'\\{kind}' needs something to {'add' if kind == 'sum' else 'multiply'}",
                             self.peek.col, hint)
        body = self.expression(ADD)
        return self.node(BigOp, kind, body, var, lower, upper, token.col)

    def delta(self, token: Token) -> Node:
        r"""\delta_{ij} is the Kronecker delta in a declared notation; otherwise the letter delta."""
        if self.notation is None or DELTA in self.variables or self.peek.kind != SUB:
            return self.declared(token, DELTA) or self.node(Name, self.subscripted(DELTA), token.col)
        self.advance()
        opener = self.advance()
        if opener.kind != LBRACE:
            raise self.error("the Kronecker delta needs two indices in braces", opener.col, "write \\delta_{ij}")
        indices: list[Node] = []
        while self.peek.kind not in (RBRACE, END):
            piece = self.advance()
            if piece.kind == COMMA:
                continue
            text = self.subscript_piece(piece, opener)
            indices.append(self.node(Num, Fraction(text), piece.col) if text.isdigit()
                           else self.node(Name, text, piece.col))
        self.expect_closing(opener)
        if len(indices) != 2:
            raise self.error(f"the Kronecker delta takes two indices, got {len(indices)}", opener.col,
                             "write \\delta_{ij}")
        return self.node(Call, DELTA, tuple(indices), token.col)

    def unknown_command(self, token: Token) -> Exception:
        name = str(token.value)
        if name in LATEX_DANGEROUS:
            return self.error(f"'\\{name}' is not allowed: derivkit reads formulas, not TeX programs", token.col,
                              "remove it")
        if name in LATEX_UNSUPPORTED:
            return self.error(f"'\\{name}' is not supported: {LATEX_UNSUPPORTED[name]}", token.col, "rewrite it")
        guess = suggest(name, self.known_commands)
        if guess:
            return self.error(f"unknown LaTeX command '\\{name}'; did you mean \\{guess}?", token.col,
                              f"replace it with \\{guess}")
        return self.error(f"unknown LaTeX command '\\{name}'", token.col,
                          "use \\frac, \\sqrt, \\exp, \\ln, \\log, \\sigma(z), Greek letters, or \\operatorname{name}")

    def nud_roman(self, token: Token) -> Node:
        r"""\mathrm{e} is Euler's number; \operatorname{softplus} a function; others are names."""
        name = str(token.value)
        if name == "e":  # an upright e is Euler's number even where e is declared
            return self.node(Const, "E", token.col)
        if self.working and name not in FUNCTIONS:
            call = self.working_call(token, name)
            if call is not None:
                return call
        if name not in self.variables:
            if name == "d":
                raise self.error("'\\mathrm{d}' is only understood in a derivative", token.col,
                                 "write \\frac{\\mathrm{d}}{\\mathrm{d}z}(...)")
            if name in FUNCTIONS and FUNCTIONS[name].min_args == 1:
                return self.function(token, name)
        return self.node(Name, self.subscripted(name), token.col)

    def function(self, token: Token, func: str, brackets_only: bool = False) -> Node:
        r"""\ln p, \log(1-p), \sin^2 x, \log_2 x: apply ``func`` to what follows."""
        primes = self.count_primes() if self.working else 0
        if primes:
            brackets_only = True
        base = None
        if func == "log" and self.peek.kind == SUB:
            base = self.script_argument(self.advance(), "subscript")
        power = None
        if self.peek.kind == OP and self.peek.value == "^":
            power = self.script_argument(self.advance(), "superscript")
            if isinstance(power, Neg):
                raise self.error(f"'{token.text}^{{-1}}' is ambiguous", token.col,
                                 "write \\arcsin x style names for inverses, or \\frac{1}{...} for reciprocals")
        nxt = self.peek
        if nxt.kind in (LPAREN, LBRACE):
            self.advance()
            arg = self.bracket_contents(nxt)
        elif brackets_only or nxt.kind in (END, RPAREN, RBRACE, SUB, SUP) or (nxt.kind == OP and nxt.value != "-"):
            raise self.error(f"'{token.text}' needs an argument in parentheses", nxt.col, f"write {token.text}(z)")
        else:
            arg = self.expression(MUL)
        call = self.node(Call, func, (arg,) if base is None else (arg, base), token.col, primes)
        return call if power is None else self.node(Power, call, power, token.col)

    def sigma(self, token: Token) -> Node:
        r"""\sigma(z) is the sigmoid; \sigma_1 or a declared sigma is a variable."""
        if self.peek.kind == SUB or "sigma" in self.variables:
            return self.node(Name, self.subscripted("sigma"), token.col)
        if self.peek.kind in (LPAREN, PRIME) or (self.peek.kind == OP and self.peek.value == "^"):
            return self.function(token, "sigmoid", brackets_only=True)
        raise self.sigma_error(token)

    def sigma_error(self, token: Token) -> Exception:
        return self.error(
            "'\\sigma' without an argument is ambiguous", token.col,
            "write \\sigma(z) for the sigmoid; to use sigma as a variable, declare it (e.g. --assume sigma=positive)",
        )

    def argument(self, token: Token, parentheses: bool = False) -> Node:
        r"""A command argument: {group}, or one digit/letter (\frac12, \frac ab, \sqrt2)."""
        nxt = self.peek
        if nxt.kind == LBRACE or (parentheses and nxt.kind == LPAREN and nxt.value == "("):
            self.advance()
            return self.bracket_contents(nxt)
        return self.single_argument(token, "argument", split_numbers=True)

    def frac(self, token: Token) -> Node:
        derivative = self.derivative(token)
        if derivative is not None:
            return derivative
        numerator = self.argument(token)
        denominator = self.argument(token)
        return self.node(Product, (numerator, self.node(Recip, denominator, token.col)), token.col)

    def sqrt(self, token: Token) -> Node:
        nxt = self.peek
        if nxt.kind == LPAREN and nxt.value == "[":
            self.advance()
            index = self.bracket_contents(nxt)
            return self.node(Call, "root", (self.argument(token, parentheses=True), index), token.col)
        return self.node(Call, "sqrt", (self.argument(token, parentheses=True),), token.col)

    def binom(self, token: Token) -> Node:
        n = self.argument(token)
        return self.node(Call, "binomial", (n, self.argument(token)), token.col)

    # -- derivatives -------------------------------------------------------------------
    def matching_brace(self, start: int) -> int:
        """Index of the '}' closing the '{' at ``start`` (a bounded token scan)."""
        depth = 0
        for index in range(start, len(self.tokens)):
            kind = self.tokens[index].kind
            depth += (kind == LBRACE) - (kind == RBRACE)
            if depth == 0:
                return index
        raise self.error("'{' is never closed", self.tokens[start].col, "add the matching '}'")

    def derivative(self, frac: Token) -> Node | None:
        r"""\frac{d}{dz} EXPR, \frac{d^2}{dz^2} EXPR, \frac{\partial (EXPR)}{\partial z}; None if not one."""
        if self.peek.kind != LBRACE or not is_differential(self.look(1)):
            return None
        close = self.matching_brace(self.pos) - self.pos
        if self.look(close + 1).kind != LBRACE or not is_differential(self.look(close + 2)):
            return None
        opener, d_top = self.advance(), self.advance()
        order = self.derivative_order()
        operand = None
        if self.peek.kind == RBRACE:
            self.advance()
        else:
            first = self.peek
            operand = self.bracket_contents(opener)
            if isinstance(operand, Name) and first.kind not in (LPAREN, LBRACE) and not self.working:
                raise self.error("a derivative of a bare variable is ambiguous here", d_top.col,
                                 "write \\frac{d}{dz}(...) with the expression to differentiate")
        self.advance()
        d_bottom = self.advance()
        if (d_top.kind == CMD) != (d_bottom.kind == CMD):
            raise self.error("the derivative mixes d and \\partial", d_bottom.col, "use the same one above and below")
        var = self.derivative_variable()
        if self.derivative_order() != order or self.peek.kind != RBRACE:
            raise self.error("could not read the denominator of this derivative", d_bottom.col,
                             "write \\frac{d}{dz} or \\frac{d^2}{dz^2}, with matching orders")
        self.advance()
        if operand is None:
            nxt = self.peek
            if nxt.kind in (END, RPAREN, RBRACE, SUB, SUP) or (nxt.kind == OP and nxt.value != "-"):
                raise self.error(f"missing the expression to differentiate after '{frac.text}'", nxt.col,
                                 "write \\frac{d}{dz}\\left(...\\right)")
            operand = self.expression(ADD)
        return self.node(Diff, operand, var, order, frac.col)

    def derivative_order(self) -> int:
        """The n of d^n or dz^n (1 when absent)."""
        if not (self.peek.kind == OP and self.peek.value == "^"):
            return 1
        caret = self.advance()
        order = self.script_argument(caret, "superscript")
        limit = self.limits.max_derivative_order
        if not (isinstance(order, Num) and order.value.denominator == 1 and 1 <= order.value <= limit):
            raise self.error(f"the order of a derivative must be a whole number from 1 to {limit} "
                             "(max_derivative_order)",
                             caret.col, "write d^2 and dz^2")
        return int(order.value)

    def derivative_variable(self) -> Name:
        nxt = self.advance()
        if nxt.kind == NAME or (nxt.kind == ROMAN and nxt.value not in FUNCTIONS):
            return self.node(Name, self.subscripted(str(nxt.value)), nxt.col)  # type: ignore[return-value]
        if nxt.kind == CMD and nxt.value in LETTER_COMMANDS:
            return self.node(Name, self.subscripted(LETTER_COMMANDS[str(nxt.value)]), nxt.col)  # type: ignore[return-value]
        raise self.error("expected the variable after 'd' in the denominator", nxt.col, "write \\frac{d}{dz}")


def parse_latex_tree(text: str, limits: ParseLimits, variables: frozenset[str],
                     functions: frozenset[str] = frozenset(), working: bool = False,
                     letters: frozenset[str] = frozenset(), notation: Notation | None = None) -> Node:
    """LaTeX -> syntax tree (no SymPy involved yet)."""
    declared = notation.names if notation is not None else frozenset()
    tokens = tokenize_latex(text, limits, variables | functions | declared, working, notation is not None)
    parser = LatexParser(tokens, text, limits, variables, functions, working)
    parser.notation = notation
    return parser.parse()
