"""The shape of a check: its result (the ``derivkit check`` contract) and its validated request.

Verdicts: ``equivalent`` (proved symbolically, method "symbolic", or equal at every sample
point without a proof, method "numeric"), ``not_equivalent`` (a confirmed counterexample),
``invalid`` (the input could not be read), ``unknown`` (undecided, or stopped at the time or
memory limit). Validation here runs in the parent process and never parses an expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from derivkit.engine.domains import Domain, parse_domain
from derivkit.engine.verdict import Counterexample
from derivkit.errors import DomainError
from derivkit.grading.output import json_line

CheckVerdict = Literal["equivalent", "not_equivalent", "invalid", "unknown"]

EXIT_CODES: dict[str, int] = {"equivalent": 0, "not_equivalent": 1, "invalid": 2, "unknown": 3}
SYNTAXES = ("text", "latex", "auto")
SEMANTICS = ("principal", "natural")
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 3600.0

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
_MAX_DOMAIN_TEXT = 100


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check. ``to_dict``/``to_json`` give exactly the contract's fields."""

    verdict: CheckVerdict
    method: Literal["symbolic", "numeric"] | None
    counterexample: Counterexample | None
    message: str
    seconds: float = 0.0
    #: Extra, not in the JSON: the offending input with a caret under the column (invalid
    #: input), and the named mistake when one was recognised (not equivalent).
    detail: str = ""
    diagnosis: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def equivalent(self) -> bool:
        return self.verdict == "equivalent"

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "method": self.method,
            "counterexample": self.counterexample.to_dict() if self.counterexample is not None else None,
            "message": self.message,
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> str:
        """One line of standard JSON, valid UTF-8 whatever the input held."""
        return json_line(self.to_dict())


@dataclass(frozen=True)
class CheckRequest:
    """A validated request, cheap to pickle: everything here is plain text."""

    expected: str
    answer: str
    syntax: str = "auto"
    assume: tuple[tuple[str, str], ...] = ()
    semantics: str = "principal"
    timeout: float = DEFAULT_TIMEOUT

    @property
    def domains(self) -> dict[str, Domain]:
        return {name: parse_domain(text) for name, text in self.assume}

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.assume)


def invalid(message: str, detail: str = "", seconds: float = 0.0) -> CheckResult:
    end = "" if message.endswith(".") else "."
    return CheckResult("invalid", None, None, f"Invalid input: {message}{end}", seconds, detail=detail)


def parse_assumptions(assume: Mapping[str, object] | Iterable[str] | None) -> tuple[tuple[str, str], ...]:
    """``{"p": "(0,1)"}`` or ``["p=(0,1)", "x=positive"]`` as validated (name, domain) pairs.

    Raises DomainError with a sentence naming the bad entry.
    """
    if assume is None:
        return ()
    if isinstance(assume, str):
        assume = [assume]
    if isinstance(assume, Mapping):
        items = list(assume.items())
    else:
        items = []
        for entry in assume:
            if not isinstance(entry, str) or "=" not in entry:
                raise DomainError(f"bad assumption {_short(entry)}: write VAR=DOMAIN, e.g. p=(0,1) or x=positive")
            name, _, text = entry.partition("=")
            items.append((name.strip(), text.strip()))
    pairs: dict[str, str] = {}
    for name, text in items:
        if not isinstance(name, str) or not _NAME.match(name):
            raise DomainError(f"bad variable name {_short(name)} in an assumption: use a name such as p, x1 or y_2")
        if isinstance(text, Domain):
            text = str(text)
        if not isinstance(text, str):
            raise DomainError(f"the domain of {name} must be text such as \"(0,1)\" or \"positive\", "
                              f"not {type(text).__name__}")
        if len(text) > _MAX_DOMAIN_TEXT:
            raise DomainError(f"the domain of {name} is {len(text)} characters long; "
                              "use real, positive, negative, nonnegative, nonzero, integer or an interval "
                              "such as (0,1)")
        try:
            parse_domain(text)
        except DomainError as exc:
            raise DomainError(f"bad domain for {name}: {exc}") from None
        except Exception as exc:  # never let an unforeseen domain string escape as a crash
            raise DomainError(f"bad domain for {name}: {text!r} could not be read ({type(exc).__name__})") from None
        if name in pairs and pairs[name] != text:
            raise DomainError(f"{name} is given two domains ({pairs[name]} and {text})")
        pairs[name] = text
    return tuple(pairs.items())


def make_request(expected: object, answer: object, syntax: object = "auto",
                 assume: Mapping[str, object] | Iterable[str] | None = None,
                 timeout: object = DEFAULT_TIMEOUT, semantics: object = "principal") -> CheckRequest | CheckResult:
    """A CheckRequest, or an ``invalid`` CheckResult saying what is wrong with the arguments."""
    for what, value in (("the expected answer", expected), ("the answer", answer)):
        if not isinstance(value, str):
            return invalid(f"{what} must be text, not {type(value).__name__}")
    if syntax not in SYNTAXES:
        return invalid(f"unknown syntax {_short(syntax)}; use text, latex or auto")
    if semantics not in SEMANTICS:
        return invalid(f"unknown semantics {_short(semantics)}; use principal or natural")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not math.isfinite(timeout) \
            or not 0 < timeout <= MAX_TIMEOUT:
        return invalid(f"the timeout must be a number of seconds between 0 and {MAX_TIMEOUT:g}, not {_short(timeout)}")
    try:
        pairs = parse_assumptions(assume)
    except DomainError as exc:
        return invalid(str(exc))
    return CheckRequest(str(expected), str(answer), str(syntax), pairs, str(semantics), float(timeout))


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."



__all__ = [
    "DEFAULT_TIMEOUT",
    "EXIT_CODES",
    "SEMANTICS",
    "SYNTAXES",
    "CheckRequest",
    "CheckResult",
    "CheckVerdict",
    "invalid",
    "make_request",
    "parse_assumptions",
]
