"""The sandboxed side of a check: parse both sides, decide with the engine, say it in words.

Everything here runs in a :mod:`derivkit.grading.sandbox` worker (``run_check`` is the task), so
nothing in it needs to guard against slowness: the parent stops a worker at the limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Literal

import sympy as sp

from derivkit.engine import Counterexample, Evaluator, Undefined, Unsupported, screen, variables_by_name
from derivkit.engine.domains import Domain, parse_domain
from derivkit.engine.equivalence import Verdict, equivalent
from derivkit.errors import ParseError
from derivkit.grading.request import CheckRequest, CheckResult, invalid
from derivkit.parsing import ParseLimits, parse

#: Parsing limits of a check. The parser's defaults, except that symbolic powers up to
#: 10,000 (and numbers up to 20,000 bits, as the parser estimates (x-4*a)^6000) are allowed:
#: STACK asks (x-a)^6000 = (a-x)^6000, SymPy does not expand such a power when it builds it,
#: and the sandbox bounds whatever a check costs.
CHECK_LIMITS = ParseLimits(max_symbolic_exponent=10_000, max_power_bits=20_000)
#: Share of the time limit the engine may spend on symbolic proof (checked between rungs),
#: so that the worker usually answers by itself before the sandbox has to stop it.
ENGINE_SHARE = 0.5
#: CPU time one side's parse may take, as a share of the check's time limit (at least
#: MIN_PARSE_SECONDS): an input that needs more is invalid ("too complex to build") on any
#: machine, however busy; a parse the sandbox stops first (a slow machine) is "unknown".
PARSE_SHARE = 0.5
MIN_PARSE_SECONDS = 0.5


def check_limits(timeout: float) -> ParseLimits:
    """CHECK_LIMITS with the parse's CPU-time bound scaled to the check's time limit."""
    return replace(CHECK_LIMITS, max_seconds=max(MIN_PARSE_SECONDS, timeout * PARSE_SHARE))


def show(expr: sp.Basic) -> str:
    """An expression as people type it: x^2, 2*x, sigmoid(z)."""
    return sp.sstr(expr).replace("**", "^")


def _names(expr: sp.Basic) -> set[str]:
    return {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}


def _listing(names: Iterable[str]) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def variable_notes(expected: sp.Expr, answer: sp.Expr, assumed: Iterable[str] = ()) -> list[str]:
    """Plain sentences about variables present on one side only (or assumed but unused)."""
    in_expected, in_answer = _names(expected), _names(answer)
    notes = []
    if extra := in_answer - in_expected:
        notes.append(f"Your answer uses {_listing(extra)}, which the expected answer does not.")
    if missing := in_expected - in_answer:
        notes.append(f"The expected answer uses {_listing(missing)}, which your answer does not.")
    if unused := set(assumed) - in_expected - in_answer:
        verb = "appears" if len(unused) == 1 else "appear"
        notes.append(f"Note: {_listing(unused)} {verb} in the assumptions but in neither expression.")
    return notes


def parse_error_text(who: str, exc: ParseError) -> str:
    where = f" at column {exc.column + 1}" if exc.column is not None else ""
    hint = f" ({exc.hint})" if exc.hint else ""
    return f"{who} could not be read: {exc.message}{where}{hint}."


def parse_pair(request: CheckRequest) -> tuple[sp.Expr, sp.Expr] | CheckResult:
    """Both sides parsed, or an invalid result naming the side(s) that could not be read."""
    parsed: list[sp.Expr] = []
    problems: list[tuple[str, ParseError]] = []
    for who, text in (("the expected answer", request.expected), ("your answer", request.answer)):
        try:
            parsed.append(parse(text, request.syntax, request.variables, check_limits(request.timeout)))
        except ParseError as exc:
            problems.append((who, exc))
    if problems:
        message = " ".join(parse_error_text(who, exc) for who, exc in problems)
        detail = "\n".join(f"{who}: {exc.render()}" for who, exc in problems)
        return invalid(message[0].upper() + message[1:] if message else message, detail)
    return parsed[0], parsed[1]


def _nowhere_real(expr: sp.Expr, domains: Mapping[str, Domain], tries: int = 24) -> bool:
    """True when ``expr`` takes no real value at any of ``tries`` sample points."""
    rng = random.Random(7)
    symbols = sorted((s for s in expr.free_symbols if isinstance(s, sp.Symbol)), key=str)
    samples = {s: domains.get(s.name, Domain()).samples(tries, rng) for s in symbols}
    evaluate = Evaluator(expr, 20, real_only=True)
    for i in range(tries):
        try:
            evaluate({s: samples[s][(i + 3 * j) % tries] for j, s in enumerate(symbols)})
            return False
        except (Undefined, Unsupported):
            continue
    return True


def quick_refutation(expected: sp.Expr, answer: sp.Expr, domains: Mapping[str, Domain]) -> Verdict | None:
    """A refutation by numeric screening alone, or None.

    Under principal semantics the engine tries its cheap symbolic rungs before screening,
    which suits verifying derivations (mostly true); a grader sees many wrong answers, and
    screening refutes one in a millisecond where the rungs take tens. The counterexample is
    the engine's own, confirmed at two precisions, so the verdict is the same; a pair that
    survives goes to the engine as usual.
    """
    start = time.perf_counter()
    if expected == answer:
        return None
    try:
        # a wrong answer almost always differs at the first points; agreement is the engine's job
        screening = screen(expected, answer, variables_by_name(expected, answer), dict(domains), target=4)
    except Exception:
        return None
    cex = screening.counterexample
    if cex is None:
        return None
    return Verdict("refuted", "numeric", cex, time.perf_counter() - start, cex.sentence())


def decide(expected: sp.Expr, answer: sp.Expr, request: CheckRequest, budget: float | None = None
           ) -> tuple[Verdict, list[str]]:
    """The engine's verdict and notes on how the semantics was applied.

    Natural semantics compares the sides where both are real. It does not apply to
    expressions that use the imaginary unit, nor to a side that is real nowhere (e.g. a
    complex constant such as (19601 - 13861*sqrt(2))^(7/4)): those are compared as complex
    numbers with principal branches, as a computer algebra system (and STACK) would.
    """
    budget = budget if budget is not None else max(0.2, request.timeout * ENGINE_SHARE)
    domains = request.domains
    start = time.perf_counter()
    notes: list[str] = []
    semantics = request.semantics
    if semantics == "natural" and (expected.has(sp.I) or answer.has(sp.I)):
        semantics = "principal"
        notes.append("The expressions use the imaginary unit I, so they were compared as complex numbers.")
    verdict = None
    if semantics == "principal":
        verdict = quick_refutation(expected, answer, domains)
    if verdict is None:
        verdict = equivalent(expected, answer, domains, budget=budget, semantics=semantics)  # type: ignore[arg-type]
    if verdict.status == "unknown" and semantics == "natural" \
            and (_nowhere_real(expected, domains) or _nowhere_real(answer, domains)):
        left = max(0.1, budget - (time.perf_counter() - start))
        verdict = equivalent(expected, answer, domains, budget=left, semantics="principal")
        notes.append("One side is not real anywhere on the domain, so they were compared as complex numbers.")
    return verdict, notes


def _domain_phrase(request: CheckRequest) -> str:
    if not request.assume:
        return ""
    return " for " + ", ".join(f"{name} in {parse_domain(text)}" for name, text in request.assume)


def verdict_result(verdict: Verdict, request: CheckRequest, notes: list[str]) -> CheckResult:
    """Turn the engine's verdict into the contract's result with a sentence for people."""
    tail = "".join(" " + n for n in notes)
    where = _domain_phrase(request)
    if verdict.status == "proved":
        how = f" ({verdict.method})" if verdict.method and verdict.method != "structural" else ""
        what = "the two expressions are identical" if verdict.method == "structural" else f"proved symbolically{how}"
        return CheckResult("equivalent", "symbolic", None, f"Equivalent{where}: {what}.{tail}", verdict.seconds,
                           notes=tuple(notes))
    if verdict.status == "numeric":
        message = verdict.message.replace("at 1 sample points", "at 1 sample point")
        return CheckResult("equivalent", "numeric", None, f"Equivalent{where} (numerically): {message}.{tail}",
                           verdict.seconds, notes=tuple(notes))
    if verdict.status == "refuted" and verdict.counterexample is not None:
        cex = verdict.counterexample
        method: Literal["symbolic", "numeric"] = "symbolic" if verdict.method == "symbolic" else "numeric"
        at = f"at {cex.where()} " if cex.point else ""
        sentence = f"Not equivalent: {at}your answer is {cex.answer} but the expected value is {cex.expected}."
        sentence += _complex_hint(cex, request)
        return CheckResult("not_equivalent", method, cex, sentence + tail, verdict.seconds, notes=tuple(notes))
    reason = verdict.message.removeprefix("could not decide: ")
    return CheckResult("unknown", None, None, f"Unknown: could not decide{where} ({reason}).{tail}",
                       verdict.seconds, notes=tuple(notes))


def _complex_hint(cex: Counterexample, request: CheckRequest) -> str:
    """Complex values at a real point usually mean the identity needs a restricted domain
    (log p - log(1 - p) is log(p/(1 - p)) only for 0 < p < 1): say how to declare it."""
    if not any(value.endswith("i") for value in (cex.expected, cex.answer)) or request.semantics == "natural":
        return ""
    first = next(iter(cex.point), "p")
    return (f" The values are complex there (a log or root of a negative number). If the variables are "
            f"restricted, declare it (e.g. --assume {first}=(0,1) or --assume {first}=positive), or compare only "
            f"where both sides are real with --semantics natural.")


def run_check(request: CheckRequest, budget: float | None = None) -> CheckResult:
    """The sandboxed task: parse both sides and decide. Returns a CheckResult.

    ``budget`` (seconds of symbolic proof) defaults to a share of the request's timeout;
    0 means numeric screening only (the fallback after a proof attempt ran out of time).
    """
    start = time.perf_counter()
    parsed = parse_pair(request)
    if isinstance(parsed, CheckResult):
        return replace(parsed, seconds=time.perf_counter() - start)
    expected, answer = parsed
    verdict, notes = decide(expected, answer, request, budget)
    notes = variable_notes(expected, answer, request.variables) + notes
    result = verdict_result(verdict, request, notes)
    return replace(result, seconds=time.perf_counter() - start)


__all__ = [
    "CHECK_LIMITS",
    "ENGINE_SHARE",
    "check_limits",
    "decide",
    "parse_error_text",
    "parse_pair",
    "quick_refutation",
    "run_check",
    "show",
    "variable_notes",
    "verdict_result",
]


def parse_task(text: str, syntax: str, variables: tuple[str, ...], timeout: float = 10.0) -> tuple[str, str] | None:
    """Sandbox task: None if ``text`` parses, else (one-line message, caret display). An assignment's
    reference answers are read this way when it loads, so a typo there fails before any grading."""
    try:
        parse(text, syntax, variables, check_limits(timeout))
    except ParseError as exc:
        return parse_error_text("This line", exc), exc.render()
    return None
