"""One check: is the student's answer equal to the expected one (on the declared domain)?

The parent process only validates the request's shape (strings, names, domains); parsing
and the equivalence engine run in a sandbox worker (:func:`run_check`) under a wall-clock
and memory limit. The worker returns a :class:`CheckResult`; a worker that had to be
stopped becomes an ``unknown`` result that says so.

Verdicts (the ``derivkit check`` contract): ``equivalent`` (proved symbolically, method
"symbolic", or equal at every sample point without a proof, method "numeric"),
``not_equivalent`` (a confirmed counterexample), ``invalid`` (the input could not be
read), ``unknown`` (undecided, or stopped at the time or memory limit).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import sympy as sp

from derivkit.domains import Domain, parse_domain
from derivkit.equivalence import Verdict, equivalent
from derivkit.errors import DomainError, ParseError
from derivkit.evaluate import Evaluator, Undefined, Unsupported
from derivkit.parsing import ParseLimits, parse
from derivkit.sandbox import Limits, Outcome, WorkerPool, run_bounded
from derivkit.screening import Counterexample, screen

CheckVerdict = Literal["equivalent", "not_equivalent", "invalid", "unknown"]

EXIT_CODES: dict[str, int] = {"equivalent": 0, "not_equivalent": 1, "invalid": 2, "unknown": 3}
SYNTAXES = ("text", "latex", "auto")
SEMANTICS = ("principal", "natural")
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 3600.0
#: Memory a single check may add to its worker.
MEMORY_MB = 1024
#: Parsing limits of a check. The parser's defaults, except that symbolic powers up to
#: 10,000 (and numbers up to 20,000 bits, as the parser estimates (x-4*a)^6000) are allowed:
#: STACK asks (x-a)^6000 = (a-x)^6000, SymPy does not expand such a power when it builds it,
#: and the sandbox bounds whatever a check costs.
CHECK_LIMITS = ParseLimits(max_symbolic_exponent=10_000, max_power_bits=20_000)
#: Share of the time limit the engine may spend on symbolic proof (checked between rungs),
#: so that the worker usually answers by itself before the sandbox has to stop it.
ENGINE_SHARE = 0.5

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
        return json.dumps(self.to_dict(), ensure_ascii=False)


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
    return CheckResult("invalid", None, None, f"Invalid input: {message}", seconds, detail=detail)


# -- validation in the parent (no parsing of expressions here) ------------------------------


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
                              "use real, positive, negative, nonnegative, nonzero, integer or an interval such as (0,1)")
        try:
            parse_domain(text)
        except DomainError as exc:
            raise DomainError(f"bad domain for {name}: {exc}") from None
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
    return CheckRequest(expected, answer, str(syntax), pairs, str(semantics), float(timeout))


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- the worker side ----------------------------------------------------------------------


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
            parsed.append(parse(text, request.syntax, request.variables, CHECK_LIMITS))
        except ParseError as exc:
            problems.append((who, exc))
    if problems:
        message = " ".join(parse_error_text(who, exc) for who, exc in problems)
        detail = "\n".join(f"{who}: {exc.render()}" for who, exc in problems)
        return invalid(message[0].upper() + message[1:] if message else message, detail)
    return parsed[0], parsed[1]


def _nowhere_real(expr: sp.Expr, domains: Mapping[str, Domain], tries: int = 24) -> bool:
    """True when ``expr`` takes no real value at any of ``tries`` sample points."""
    import random

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
    groups: dict[str, list[sp.Basic]] = {}
    for expr in (expected, answer):
        for atom in expr.free_symbols:
            if isinstance(atom, sp.Symbol) and not isinstance(atom, sp.Dummy) and atom not in groups.get(atom.name, []):
                groups.setdefault(atom.name, []).append(atom)
    try:
        screening = screen(expected, answer, {k: tuple(v) for k, v in groups.items()}, dict(domains))
    except Exception:  # noqa: BLE001 - the engine proper will have its say
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
        return CheckResult("equivalent", "numeric", None,
                           f"Equivalent{where} (numerically): {verdict.message}.{tail}", verdict.seconds,
                           notes=tuple(notes))
    if verdict.status == "refuted" and verdict.counterexample is not None:
        cex = verdict.counterexample
        method = "symbolic" if verdict.method == "symbolic" else "numeric"
        at = f"at {cex.where()}" if cex.point else "the two are different numbers:"
        sentence = f"Not equivalent: {at} your answer is {cex.answer} but the expected value is {cex.expected}."
        return CheckResult("not_equivalent", method, cex, sentence + tail, verdict.seconds, notes=tuple(notes))
    reason = verdict.message.removeprefix("could not decide: ")
    return CheckResult("unknown", None, None, f"Unknown: could not decide{where} ({reason}).{tail}",
                       verdict.seconds, notes=tuple(notes))


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


# -- the parent side ----------------------------------------------------------------------

_warm = False


def warm_up() -> None:
    """Run one small, fixed check in this process, so that SymPy's lazy first-use work
    (derivatives, caches) is done once here and inherited by every worker forked later
    instead of being repeated in each of them. Only constant, trusted input is used."""
    global _warm
    if _warm:
        return
    _warm = True
    request = CheckRequest("diff(sigma(x)*sin(x^2), x)", r"\frac{d}{dx}\left(\sigma(x)\sin(x^2)\right)")
    run_check(request, budget=0.5)



def limits_for(timeout: float) -> Limits:
    return Limits(timeout=timeout, memory_mb=MEMORY_MB)


def outcome_result(outcome: Outcome, timeout: float) -> CheckResult:
    """A sandbox outcome as a CheckResult (stopped tasks become ``unknown``)."""
    if outcome.status == "ok" and isinstance(outcome.value, CheckResult):
        return outcome.value
    if outcome.status == "timeout":
        message = (f"Unknown: the check was stopped after {timeout:g} s (the time limit); the expressions may be "
                   "too hard to decide. Try a longer --timeout.")
    elif outcome.status == "memory":
        message = (f"Unknown: the check was stopped because it needed more than {MEMORY_MB} MB of memory; "
                   "the expressions may be too large.")
    elif outcome.status == "crashed":
        message = f"Unknown: the check was stopped: {outcome.message}."
    else:
        message = f"Unknown: an internal error stopped the check ({outcome.message}); please report it."
    return CheckResult("unknown", None, None, message, outcome.seconds)


#: Share of the time limit given to the full check; if it is stopped, the rest goes to a
#: numeric-only pass, so that a proof attempt that runs away (simplify on nested radicals)
#: still leaves a numeric verdict instead of "unknown".
MAIN_SHARE = 0.75

Runner = Callable[..., Outcome]


def shared_runner(fn: Callable[..., object], args: tuple, seconds: float) -> Outcome:
    """Run on the module-wide sandbox pool with a limit of ``seconds``."""
    return run_bounded(fn, *args, limits=limits_for(seconds))


def pool_runner(pool: WorkerPool) -> Runner:
    """Run on ``pool`` (its own limits apply)."""
    return lambda fn, args, seconds: pool.run(fn, *args)


def bounded_check(request: CheckRequest, runner: Runner = shared_runner) -> CheckResult:
    """The check in the sandbox: full attempt first, then numeric screening if it was stopped."""
    main = request.timeout * MAIN_SHARE if request.timeout >= 0.4 else request.timeout
    outcome = runner(run_check, (request,), main)
    return after_timeout(request, outcome, runner)


def after_timeout(request: CheckRequest, outcome: Outcome, runner: Runner) -> CheckResult:
    """The result of a main attempt; a stopped one gets a numeric-only second pass."""
    result = outcome_result(outcome, request.timeout)
    if outcome.status != "timeout":
        return result
    left = request.timeout - outcome.seconds
    if left <= 0.05:
        return result
    quick = runner(run_check, (request, 0.0), left)
    if quick.ok and isinstance(quick.value, CheckResult) and quick.value.verdict in ("equivalent", "not_equivalent"):
        value = quick.value
        if value.verdict == "equivalent":
            value = replace(value, message=value.message.rstrip(".") +
                            "; the symbolic proof did not finish within the time limit.")
        return replace(value, seconds=outcome.seconds + quick.seconds)
    return result


def with_diagnosis(result: CheckResult, diagnosis: str | None) -> CheckResult:
    if not diagnosis:
        return result
    return replace(result, message=f"{result.message} {diagnosis}", diagnosis=diagnosis)


#: Seconds the mistake-naming pass may take after a "not equivalent" verdict.
DIAGNOSIS_SECONDS = 3.0


def check(expected: str, answer: str, syntax: str = "auto",
          assume: Mapping[str, str] | Iterable[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
          semantics: str = "principal", *, diagnose: bool = True, pool: WorkerPool | None = None) -> CheckResult:
    """Check ``answer`` against ``expected``; never raises for bad input (it is ``invalid``).

    ``assume`` maps variable names to domains (``{"p": "(0,1)"}``) or is a list of
    ``"VAR=DOMAIN"`` strings; every other variable is real. ``semantics`` is "principal"
    (complex values, principal branches: SymPy's convention) or "natural" (compare where
    both sides are real: STACK's). ``diagnose`` names a recognisable mistake (sign, constant
    factor, missing chain-rule factor) after a "not equivalent" verdict. ``pool``: a
    :class:`~derivkit.sandbox.WorkerPool` to run in (its limits apply); by default a shared
    pool with this call's timeout.
    """
    from derivkit.homework.diagnose import diagnose_task

    start = time.perf_counter()
    request = make_request(expected, answer, syntax, assume, timeout, semantics)
    if isinstance(request, CheckResult):
        return replace(request, seconds=time.perf_counter() - start)
    runner = pool_runner(pool) if pool is not None else shared_runner
    result = bounded_check(request, runner)
    left = request.timeout - (time.perf_counter() - start)
    if diagnose and result.verdict == "not_equivalent" and left > 0.3:
        seconds = min(DIAGNOSIS_SECONDS, left)
        outcome = runner(diagnose_task, (request, seconds), seconds)
        if outcome.ok:
            result = with_diagnosis(result, outcome.value)  # type: ignore[arg-type]
    return replace(result, seconds=time.perf_counter() - start)


__all__ = ["CheckResult", "CheckRequest", "EXIT_CODES", "check", "make_request", "run_check", "parse_assumptions",
           "outcome_result", "limits_for", "show", "bounded_check", "after_timeout", "shared_runner", "pool_runner"]
