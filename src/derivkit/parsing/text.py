"""The plain-text front end: ``2z``, ``sigma(z)*(1-sigma(z))``, ``diff(log(p), p)``.

Names are whole words (``xy`` is one name, ``y_2`` too); a name directly followed by
'(' is a function call, unless the user declared the name as a variable, in which case
it is a product (``z(1-z)`` with z declared).
"""

from __future__ import annotations

from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import CONSTANTS, DIFF, FUNCTIONS, suggest
from derivkit.parsing.nodes import Call, Diff, Name, Node, Num
from derivkit.parsing.pratt import Parser
from derivkit.parsing.tokens import COMMA, LPAREN, NAME, RPAREN, Token, tokenize_text

FUNCTION_LIST = ", ".join(sorted(FUNCTIONS))


class TextParser(Parser):
    """Pratt parser plus names, function calls and diff(expr, var, n)."""

    def __init__(self, tokens: list[Token], text: str, limits: ParseLimits, variables: frozenset[str]) -> None:
        super().__init__(tokens, text, limits, variables)
        self.nud[NAME] = self.nud_name

    def check_implicit(self, prev: Token | None, token: Token) -> None:
        super().check_implicit(prev, token)
        # Two words need an operator; a pasted Greek letter cannot be part of a word (2πr).
        if (prev is not None and prev.kind == NAME and token.kind == NAME
                and prev.text.isascii() and token.text.isascii()):
            raise self.error(
                f"missing operator between '{prev.text}' and '{token.text}'", token.col,
                f"write {prev.value}*{token.value} for a product "
                f"({prev.value}{token.value} without a space is one name)",
            )

    def nud_name(self, token: Token) -> Node:
        name = str(token.value)
        variable = name in self.variables
        if not variable and self.peek.kind == LPAREN and self.peek.value == "(":
            if name == DIFF:
                return self.parse_diff(token)
            if name in FUNCTIONS:
                return self.parse_call(token)
            if name not in CONSTANTS:
                raise self.unknown_function(token)
        if not variable and (name in FUNCTIONS or name == DIFF):
            raise self.error(
                f"function '{name}' needs its argument in parentheses", token.col,
                f"write {name}(x); to use '{name}' as a variable, declare it (e.g. --assume {name}=real)",
            )
        return self.node(Name, name, token.col)

    def unknown_function(self, token: Token) -> Exception:
        name = str(token.value)
        guess = suggest(name, [*FUNCTIONS, DIFF])
        if guess:
            return self.error(f"unknown function '{name}'; did you mean {guess}?", token.col,
                              f"write {guess}(...), or {name}*(...) for a product")
        return self.error(f"unknown function '{name}'", token.col,
                          f"for a product write {name}*(...); the known functions are {FUNCTION_LIST}")

    def arguments(self, token: Token) -> list[Node]:
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

    def parse_call(self, token: Token) -> Node:
        name = str(token.value)
        spec = FUNCTIONS[name]
        args = self.arguments(token)
        if not spec.min_args <= len(args) <= spec.max_args:
            wanted = str(spec.min_args) if spec.min_args == spec.max_args else f"{spec.min_args} to {spec.max_args}"
            plural = "" if wanted == "1" else "s"
            raise self.error(f"{name} takes {wanted} argument{plural}, got {len(args)}", token.col,
                             f"e.g. {name}({', '.join('xyz'[:spec.min_args])})")
        return self.node(Call, name, tuple(args), token.col)

    def parse_diff(self, token: Token) -> Node:
        """diff(expr, var) or diff(expr, var, n): var a name, n a small positive integer."""
        args = self.arguments(token)
        if len(args) not in (2, 3):
            raise self.error(f"diff takes 2 or 3 arguments, got {len(args)}", token.col,
                             "write diff(expr, z) or diff(expr, z, 2)")
        var = args[1]
        if not isinstance(var, Name):
            raise self.error("the second argument of diff must be a variable name", _col(var, token),
                             "write diff(expr, z)")
        order = 1
        if len(args) == 3:
            n = args[2]
            limit = self.limits.max_derivative_order
            if not (isinstance(n, Num) and n.value.denominator == 1 and 1 <= n.value <= limit):
                raise self.error(f"the order of diff must be a whole number from 1 to {limit} (max_derivative_order)",
                                 _col(n, token), "write diff(expr, z, 2)")
            order = int(n.value)
        return self.node(Diff, args[0], var, order, token.col)


def _col(node: Node, fallback: Token) -> int:
    return int(getattr(node, "col", fallback.col))


def parse_text_tree(text: str, limits: ParseLimits, variables: frozenset[str]) -> Node:
    """Text -> syntax tree (no SymPy involved yet)."""
    return TextParser(tokenize_text(text, limits), text, limits, variables).parse()


__all__ = ["TextParser", "parse_text_tree"]
