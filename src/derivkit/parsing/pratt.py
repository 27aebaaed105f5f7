"""The Pratt parser core shared by the text and LaTeX front ends.

A Pratt parser gives each token a binding power and a prefix ("nud") or infix ("led")
action.  It is small, handles precedence and associativity without a grammar table,
and lets the LaTeX front end add its own prefix actions (commands, groups) on top.

Guards: every recursive descent goes through ``expression``, which counts depth, so
10,000 nested brackets is a ParseError rather than a RecursionError; every node goes
through ``node``, which counts nodes.  Sums and products are n-ary, so a long chain
``1+1+...+1`` is flat, not 5,000 levels deep.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import ClassVar

from derivkit.errors import ParseError
from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.nodes import Call, Neg, Node, Num, Power, Product, Recip, Sum
from derivkit.parsing.notation import DELTA, Notation
from derivkit.parsing.tokens import (
    BAR,
    CLOSING,
    COMMA,
    END,
    EQ,
    LBRACE,
    LPAREN,
    NAME,
    NUM,
    OP,
    PRIME,
    RBRACE,
    RPAREN,
    SQRT,
    SUB,
    SUP,
    Token,
    error,
)

# Binding powers: higher binds tighter.  Unary minus sits below power so -x^2 = -(x^2).
ADD, MUL, UNARY, POW, ATOM = 10, 20, 30, 40, 50
OP_POWER = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "^": POW}

#: What to say when a token turns up where it cannot be used.
UNEXPECTED: dict[str, tuple[str, str]] = {
    COMMA: ("',' is only allowed between the arguments of a function", "e.g. log(x, 2); remove the comma"),
    RPAREN: ("unmatched closing bracket", "remove it or add the matching opening bracket"),
    RBRACE: ("unmatched '}'", "remove it or add the matching '{'"),
    BAR: ("unexpected '|'", "write |x| for an absolute value, with one '|' on each side"),
    SUB: ("'_' (subscript) is only allowed directly after a variable name", "write z_1 or z_{12}"),
    SUP: ("a superscript needs something before it", "write x² or x^2"),
    EQ: ("'=' is only allowed in the lower limit of a sum or product", "write \\sum_{k=1}^{K} ..."),
}


class Parser:
    """Pratt core: numbers, + - * / ^, brackets, |abs|, √, implicit multiplication."""

    #: Token kinds that may start a factor in an implicit product such as 2z or 2(z+1).
    IMPLICIT_STARTS: ClassVar[frozenset[str]] = frozenset({NUM, NAME, LPAREN, SQRT})

    def __init__(self, tokens: list[Token], text: str, limits: ParseLimits, variables: frozenset[str],
                 functions: frozenset[str] = frozenset(), working: bool = False) -> None:
        self.tokens = tokens
        self.text = text
        self.limits = limits
        self.variables = variables
        #: a student's working: names the working defined as functions (f in f(x) = x^2), and
        #: its notation (a space or a bracket after an unknown name is a product, primes)
        self.functions = functions
        self.working = working
        self.letters: frozenset[str] = frozenset()  # see Scope.letters
        #: what an author declared (indexed families, functions, sums); None for a student's answer
        self.notation: Notation | None = None
        self.pos = 0
        self.depth = 0
        self.nodes = 0
        self.abs_depth = 0  # open |...| at the current bracket level: a '|' then closes
        self.prev: Token | None = None  # the token consumed last
        self.before: Token | None = None  # the one consumed before that
        self.nud: dict[str, Callable[[Token], Node]] = {
            NUM: self.nud_number, OP: self.nud_operator, LPAREN: self.nud_bracket,
            BAR: self.nud_abs, SQRT: self.nud_sqrt,
        }
        self.leds: dict[tuple[str, object], Callable[[Node], Node]] = {
            (SUP, None): self.led_superscript, (OP, "^"): self.led_power,
            (OP, "+"): self.led_sum, (OP, "-"): self.led_sum,
        }

    # -- token stream -----------------------------------------------------------------
    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def look(self, offset: int) -> Token:
        """The token ``offset`` places ahead (END past the end), for bounded lookahead."""
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != END:
            self.pos += 1
        self.before, self.prev = self.prev, token
        return token

    def error(self, message: str, col: int | None, hint: str = "") -> ParseError:
        return error(message, self.text, col, hint)

    def node(self, cls: type, *args: object) -> Node:
        """Create a node, counting it against max_nodes."""
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self.error(
                f"expression has more than {self.limits.max_nodes} parts (max_nodes)",
                self.prev.col if self.prev else None, "split it into smaller expressions",
            )
        return cls(*args)

    # -- driver -----------------------------------------------------------------------
    def parse(self) -> Node:
        """Parse the whole input; anything left over is an error."""
        tree = self.expression(0)
        if self.peek.kind != END:
            raise self.unexpected(self.peek)
        return tree

    def expression(self, rbp: int) -> Node:
        """Parse while the next operator binds tighter than ``rbp`` (the Pratt loop)."""
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise self.error(
                f"expression is nested more than {self.limits.max_depth} levels deep (max_depth)",
                self.peek.col, "simplify the nesting",
            )
        token = self.advance()
        nud = self.nud.get(token.kind)
        if nud is None:
            raise self.missing_operand(token)
        left = nud(token)
        while rbp < self.lbp(self.peek):
            left = self.led(left)
        self.depth -= 1
        return left

    def lbp(self, token: Token) -> int:
        """Left binding power; a factor-starting token binds like '*' (implicit product)."""
        if token.kind == OP:
            return OP_POWER[str(token.value)]
        if token.kind == SUP:
            return POW
        if token.kind == BAR:
            return MUL if self.abs_depth == 0 else 0
        return MUL if token.kind in self.IMPLICIT_STARTS else 0

    def led(self, left: Node) -> Node:
        """Infix/postfix action of the next token; anything else continues a product."""
        token = self.peek
        action = self.leds.get((token.kind, token.value if token.kind == OP else None), self.led_product)
        return action(left)

    def led_superscript(self, left: Node) -> Node:
        token = self.advance()
        return self.node(Power, left, self.node(Num, Fraction(int(str(token.value))), token.col), token.col)

    def led_power(self, left: Node) -> Node:
        caret = self.advance()
        return self.node(Power, left, self.exponent(caret), caret.col)

    def exponent(self, caret: Token) -> Node:
        """The right side of '^' (right-associative; 2^-1 allowed)."""
        return self.expression(POW - 1)

    def led_sum(self, left: Node) -> Node:
        col = self.peek.col
        terms = [left]
        while self.peek.kind == OP and self.peek.value in ("+", "-"):
            op = self.advance()
            term = self.expression(ADD)
            terms.append(term if op.value == "+" else self.node(Neg, term, op.col))
        return self.node(Sum, tuple(terms), col)

    def led_product(self, left: Node) -> Node:
        col = self.peek.col
        factors = [left]
        while self.lbp(self.peek) == MUL:
            token = self.peek
            if token.kind == OP:
                self.advance()
                factor = self.expression(MUL)
                factors.append(self.node(Recip, factor, token.col) if token.value == "/" else factor)
            else:
                self.check_implicit(self.prev, token)
                factors.append(self.expression(MUL))
        return self.node(Product, tuple(factors), col)

    def check_implicit(self, prev: Token | None, token: Token) -> None:
        """Refuse juxtapositions that are more likely a typo than a product (in a working, a
        number after a space is a product, as students write it: v 2x, (1/2) 2 (x - y))."""
        if token.kind == LPAREN and token.text == "[" and prev is not None and prev.kind == NAME:
            raise self.error(
                f"'{prev.text}[' reads as indexing, which is not supported", token.col,
                f"for a product write {prev.text}*(...); for a subscript write {prev.text}_0",
            )
        spaced = prev is not None and token.col > prev.col + len(prev.text)
        if token.kind == NUM and not (self.working and spaced):
            shown = prev.text if prev is not None else ""
            raise self.error(
                f"missing operator between '{shown}' and the number '{token.text}'", token.col,
                "write * between the factors",
            )

    def count_primes(self) -> int:
        """Consume the primes after a function name (f'' is 2)."""
        count = 0
        while self.peek.kind == PRIME:
            self.advance()
            count += 1
        if count > self.limits.max_derivative_order:
            raise self.error(f"more than {self.limits.max_derivative_order} primes (max_derivative_order)",
                             self.prev.col if self.prev else None, "use fewer primes")
        return count

    def call_arguments(self, token: Token) -> list[Node]:
        """The comma-separated arguments of a call; the '(' is the next token."""
        opener = self.advance()
        if self.peek.kind == RPAREN:
            raise self.error(f"{token.value}() needs an argument", self.peek.col, f"write {token.value}(x)")
        saved, self.abs_depth = self.abs_depth, 0
        args = [self.expression(0)]
        while self.peek.kind == COMMA:
            self.advance()
            args.append(self.expression(0))
        self.abs_depth = saved
        self.expect_closing(opener)
        return args

    def declared_call(self, token: Token, name: str) -> Node | None:
        """``f(x)`` for a function the author declared, ``delta(i, j)`` for the Kronecker delta; None when
        ``name`` is neither or no bracket follows (then it is read as before)."""
        notation = self.notation
        if notation is None or not (self.peek.kind == LPAREN and self.peek.value == "("):
            return None
        if name == DELTA and name not in self.variables and name not in notation.functions:
            args = self.call_arguments(token)
            if len(args) != 2:
                raise self.error(f"the Kronecker delta takes two indices, got {len(args)}", token.col,
                                 "write delta(i, j)")
            return self.node(Call, DELTA, tuple(args), token.col)
        if name in notation.functions:
            return self.node(Call, name, tuple(self.call_arguments(token)), token.col)
        return None

    def defined_call(self, token: Token, name: str, primes: int) -> Node:
        """A call of a function the working defined: f(x), h(f(x), g(x)), f'(x)."""
        return self.node(Call, name, tuple(self.call_arguments(token)), token.col, primes)

    # -- prefix actions ---------------------------------------------------------------
    def nud_number(self, token: Token) -> Node:
        return self.node(Num, token.value, token.col)

    def nud_operator(self, token: Token) -> Node:
        """Unary minus and plus; other operators cannot start an operand."""
        if token.value not in ("+", "-"):
            raise self.missing_operand(token)
        operand = self.expression(UNARY)
        return self.node(Neg, operand, token.col) if token.value == "-" else operand

    def nud_bracket(self, token: Token) -> Node:
        return self.bracket_contents(token)

    def bracket_contents(self, opener: Token) -> Node:
        """The expression inside brackets opened by ``opener``, with the closer consumed."""
        if self.peek.kind in (RPAREN, RBRACE):
            raise self.error(f"empty brackets '{opener.text}{self.peek.text}'", opener.col,
                             "put an expression inside, or remove them")
        saved, self.abs_depth = self.abs_depth, 0  # bars inside brackets pair up afresh
        inner = self.expression(0)
        self.abs_depth = saved
        self.expect_closing(opener)
        return inner

    def expect_closing(self, opener: Token) -> Token:
        want_kind = RBRACE if opener.kind == LBRACE else RPAREN
        want = CLOSING[str(opener.value)]
        token = self.peek
        if token.kind == want_kind and token.value == want:
            return self.advance()
        if token.kind in (RPAREN, RBRACE):
            raise self.error(
                f"'{opener.text}' at column {opener.col + 1} is closed by '{token.text}'", token.col,
                f"close it with '{want}'",
            )
        if token.kind == END:
            raise self.error(f"'{opener.text}' is never closed", opener.col, f"add the matching '{want}'")
        raise self.unexpected(token)

    def nud_abs(self, token: Token) -> Node:
        """|x|; a '|' right after an opening one opens again (||x|| is |(|x|)|)."""
        self.abs_depth += 1
        inner = self.expression(0)
        if self.peek.kind != BAR:
            if self.peek.kind == END:
                raise self.error("'|' is never closed", token.col, "add the matching '|'")
            raise self.unexpected(self.peek)
        self.advance()
        self.abs_depth -= 1
        return self.node(Call, "abs", (inner,), token.col)

    def nud_sqrt(self, token: Token) -> Node:
        """√ applies to the following atom or bracket: √2x is sqrt(2)*x."""
        return self.node(Call, "sqrt", (self.expression(ATOM),), token.col)

    # -- errors -----------------------------------------------------------------------
    def missing_operand(self, token: Token) -> ParseError:
        """The error for a token where a number, a name or '(' was needed."""
        after = f" after '{self.before.text}'" if self.before is not None else ""
        if token.kind == END:
            return self.error(f"expression ends too early{after}", token.col, "complete the expression")
        if token.kind == OP:
            return self.error(f"'{token.text}' needs something on its left", token.col, "add the missing operand")
        return self.unexpected(token)

    def unexpected(self, token: Token) -> ParseError:
        message, hint = UNEXPECTED.get(token.kind, (f"unexpected '{token.text}'", "check the expression"))
        if token.kind == END:
            message, hint = "expression ends too early", "complete the expression"
        return self.error(message, token.col, hint)
