"""One check, from the caller's side: validate, run in the sandbox, explain a stopped worker.

The parent process only validates the request's shape (:mod:`~derivkit.grading.request`);
parsing and the equivalence engine run in a sandbox worker
(:func:`~derivkit.grading.worker.run_check`) under a wall-clock and memory limit. A worker
stopped at the limit gets a short numeric-only second pass; if that cannot decide either,
the result is ``unknown`` and says it was stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from derivkit.grading.diagnose import diagnose_task
from derivkit.grading.request import (  # noqa: F401 - re-exported: the check API in one place
    DEFAULT_TIMEOUT,
    EXIT_CODES,
    SEMANTICS,
    SYNTAXES,
    CheckRequest,
    CheckResult,
    CheckVerdict,
    invalid,
    make_request,
    parse_assumptions,
)
from derivkit.grading.sandbox import Limits, Outcome, WorkerPool, run_bounded
from derivkit.grading.worker import (  # noqa: F401 - re-exported
    CHECK_LIMITS,
    ENGINE_SHARE,
    check_limits,
    decide,
    parse_error_text,
    parse_pair,
    quick_refutation,
    run_check,
    show,
)

#: Memory a single check may add to its worker.
MEMORY_MB = 1024

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
        # the time it really ran (a first attempt has only part of the limit), not the limit
        ran = round(outcome.seconds, 1) if outcome.seconds > 0 else timeout
        message = (f"Unknown: the check was stopped after {ran:g} s (the time limit is {timeout:g} s); the "
                   "expressions may be too hard to decide. Try a longer --timeout.")
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
    return settle_after_stop(outcome, quick, request.timeout)


def settle_after_stop(first: Outcome, quick: Outcome, timeout: float) -> CheckResult:
    """The numeric-only pass's verdict if it reached one, else the stopped first attempt's."""
    if quick.ok and isinstance(quick.value, CheckResult) and quick.value.verdict in ("equivalent", "not_equivalent"):
        value = quick.value
        if value.verdict == "equivalent":
            text = value.message.replace("no symbolic proof found", "the symbolic proof did not finish in time")
            if text == value.message:
                text = text.rstrip(".") + "; the symbolic proof did not finish in time."
            value = replace(value, message=text)
        return replace(value, seconds=first.seconds + quick.seconds)
    return outcome_result(replace(first, seconds=first.seconds + quick.seconds), timeout)


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
    :class:`~derivkit.grading.sandbox.WorkerPool` to run in (its limits apply); by default a shared
    pool with this call's timeout.
    """
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



__all__ = [
    "EXIT_CODES",
    "MEMORY_MB",
    "CheckRequest",
    "CheckResult",
    "after_timeout",
    "bounded_check",
    "check",
    "decide",
    "limits_for",
    "make_request",
    "outcome_result",
    "parse_assumptions",
    "pool_runner",
    "quick_refutation",
    "run_check",
    "settle_after_stop",
    "shared_runner",
    "show",
    "warm_up",
]
