"""The plain-text front end: ``2z``, ``sigma(z)*(1-sigma(z))``, ``diff(log(p), p)``.

Names are whole words (``xy`` is one name, ``y_2`` too); a name directly followed by
'(' is a function call, unless the user declared the name as a variable, in which case
it is a product (``z(1-z)`` with z declared).
"""

from __future__ import annotations

from fractions import Fraction

from derivkit.parsing.limits import ParseLimits
from derivkit.parsing.names import CONSTANTS, DIFF, FUNCTIONS, suggest
from derivkit.parsing.nodes import BigOp, Call, Diff, Index, Name, Node, Num, Product
from derivkit.parsing.notation import BIG_OPERATORS, Notation
from derivkit.parsing.pratt import MUL, Parser
from derivkit.parsing.tokens import LPAREN, NAME, Token, tokenize_text

FUNCTION_LIST = ", ".join(sorted(FUNCTIONS))
#: Function names students also use for a value in a working (sigma for sigma(z)).
VALUE_NAMES = frozenset({"sigma", "sigmoid"})


class TextParser(Parser):
    """Pratt parser plus names, function calls and diff(expr, var, n)."""

    def __init__(self, tokens: list[Token], text: str, limits: ParseLimits, variables: frozenset[str],
                 functions: frozenset[str] = frozenset(), working: bool = False) -> None:
        super().__init__(tokens, text, limits, variables, functions, working)
        self.nud[NAME] = self.nud_name

    def check_implicit(self, prev: Token | None, token: Token) -> None:
        super().check_implicit(prev, token)
        # Two words need an operator; a pasted Greek letter cannot be part of a word (2πr).
        # In a working, a space between two names is a product (p e^z), as students write it.
        if self.working and prev is not None and token.col > prev.col + len(prev.text):
            return
        if (prev is not None and prev.kind == NAME and token.kind == NAME
                and prev.text.isascii() and token.text.isascii()):
            raise self.error(
                f"missing operator between '{prev.text}' and '{token.text}'", token.col,
                f"write {prev.value}*{token.value} for a product "
                f"({prev.value}{token.value} without a space is one name)",
            )

    def nud_name(self, token: Token) -> Node:
        if self.working:
            return self.working_name(token)
        name = str(token.value)
        declared = self.declared(token, name) if self.notation is not None else None
        if declared is not None:
            return declared
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

    def declared(self, token: Token, name: str) -> Node | None:
        """What only a declared notation reads: f(x), delta(i, j), sum(body, k, 1, K), p[i] and p_i."""
        assert self.notation is not None
        call = self.declared_call(token, name)
        if call is not None:
            return call
        bracket = self.peek.kind == LPAREN
        if name in BIG_OPERATORS and bracket and self.peek.value == "(" and name not in self.variables:
            return self.big_operator(token, name)
        if name in self.notation.indexed and bracket and self.peek.value == "[":
            opener = self.advance()
            return self.node(Index, name, self.bracket_contents(opener), token.col)
        base, _, sub = name.partition("_")
        if sub and base in self.notation.indexed and name not in self.variables:
            col = token.col + len(base) + 1
            if not sub.isalnum():
                raise self.error("double subscript", col + sub.index("_"), f"write {base}[...] with one index")
            index = self.node(Num, Fraction(sub), col) if sub.isdigit() else self.node(Name, sub, col)
            return self.node(Index, base, index, token.col)
        return None

    def big_operator(self, token: Token, kind: str) -> Node:
        """sum(body, k, lower, upper) and prod(...): the index is a name, the limits are expressions."""
        args = self.arguments(token)
        if len(args) != 4 or not isinstance(args[1], Name):
            raise self.error(f"{kind} takes the body, the index and its two limits", token.col,
                             f"write {kind}(p_k, k, 1, K)")
        return self.node(BigOp, kind, args[0], args[1], args[2], args[3], token.col)

    def working_name(self, token: Token) -> Node:
        """A name in a working: a known or defined function applied to brackets (or, for a
        known one, to the next factor: log p, sqrt 5), f'(x); any other name is a variable,
        and a bracket after it makes a product (y(1 - sigma(z)))."""
        name = str(token.value)
        primes = self.count_primes()
        bracket = self.peek.kind == LPAREN and self.peek.value == "("
        if name in self.variables and not primes:
            return self.node(Name, name, token.col)
        if bracket and name == DIFF and not primes:
            return self.parse_diff(token)
        if bracket and name in FUNCTIONS:
            return self.parse_call(token, primes)
        if bracket and (name in self.functions or primes):
            return self.defined_call(token, name, primes)
        if primes:
            raise self.error(f"'{name}{chr(39) * primes}' needs its argument", token.col, f"write {name}'(x)")
        if name in FUNCTIONS and FUNCTIONS[name].min_args == 1 and self.peek.kind in self.IMPLICIT_STARTS:
            return self.node(Call, name, (self.expression(MUL),), token.col)
        if name in FUNCTIONS and name not in VALUE_NAMES:
            raise self.error(f"function '{name}' needs its argument", token.col, f"write {name}(x)")
        if self.splits(name):  # xy, with x and y variables of the working: x times y
            return self.node(Product, tuple(self.node(Name, ch, token.col + i) for i, ch in enumerate(name)), token.col)
        return self.node(Name, name, token.col)

    def splits(self, name: str) -> bool:
        letters = self.letters
        return (len(name) > 1 and name.isalpha() and name not in self.functions and name not in CONSTANTS
                and all(ch in letters for ch in name))

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
        return self.call_arguments(token)

    def parse_call(self, token: Token, primes: int = 0) -> Node:
        name = str(token.value)
        spec = FUNCTIONS[name]
        args = self.arguments(token)
        if not spec.min_args <= len(args) <= spec.max_args:
            wanted = str(spec.min_args) if spec.min_args == spec.max_args else f"{spec.min_args} to {spec.max_args}"
            plural = "" if wanted == "1" else "s"
            raise self.error(f"{name} takes {wanted} argument{plural}, got {len(args)}", token.col,
                             f"e.g. {name}({', '.join('xyz'[:spec.min_args])})")
        if primes and len(args) != 1:
            raise self.error(f"{name}' needs one argument", token.col, f"write {name}'(x)")
        return self.node(Call, name, tuple(args), token.col, primes)

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


def parse_text_tree(text: str, limits: ParseLimits, variables: frozenset[str],
                    functions: frozenset[str] = frozenset(), working: bool = False,
                    letters: frozenset[str] = frozenset(), notation: Notation | None = None) -> Node:
    """Text -> syntax tree (no SymPy involved yet)."""
    tokens = tokenize_text(text, limits, working)
    parser = TextParser(tokens, text, limits, variables, functions, working)
    parser.letters = letters
    parser.notation = notation
    return parser.parse()


__all__ = ["TextParser", "parse_text_tree"]
