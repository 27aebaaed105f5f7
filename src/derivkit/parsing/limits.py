"""Resource limits for parsing untrusted input.

SymPy evaluates eagerly, so ``9^(9^9)`` or ``factorial(10^10)`` would hang or exhaust
memory while the expression is being *built*.  Every limit here is checked before the
expensive work happens, and every refusal names the limit so users know what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on one parse; the defaults are generous for coursework and far from harmful.

    max_length: characters of input (checked first, so a 1 MB paste is refused at once).
    max_depth: nesting of brackets, functions, powers and unary signs.  Kept well below
        Python's recursion limit: SymPy itself recurses several frames per level.
    max_nodes: syntax-tree nodes.
    max_integer_digits: digits in one number literal (and its decimal exponent).
    max_power_bits: size in bits of any number a power or product may produce,
        estimated before the power is computed.
    max_symbolic_exponent: largest |n| in ``expr^n`` when expr is not a plain number.
    max_factorial: largest integer argument of factorial and binomial.
    max_derivative_order: total order of all derivatives in one input.
    max_diff_nodes: estimated size (tree nodes) of all derivatives computed in one input.
    max_seconds: CPU-time bound of one parse (see deadline.py: SymPy's assumptions can
        take exponential time on nested functions, which no size limit predicts; CPU time,
        so that the same input is refused or not whatever the machine's load).
    """

    max_length: int = 10_000
    max_depth: int = 100
    max_nodes: int = 5_000
    max_integer_digits: int = 100
    max_power_bits: int = 10_000
    max_symbolic_exponent: int = 1_000
    max_factorial: int = 1_000
    max_derivative_order: int = 10
    max_diff_nodes: int = 30_000
    max_seconds: float = 5.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            kinds = (int, float) if field.name == "max_seconds" else (int,)
            if not isinstance(value, kinds) or isinstance(value, bool) or not value > 0:
                raise ValueError(f"ParseLimits.{field.name} must be a positive number, got {value!r}")
