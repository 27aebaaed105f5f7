"""The chain logic of a working, line by line (runs in one sandbox worker per working).

Each statement is checked by what it is (:mod:`derivkit.grading.interpret`): an expression
must equal the previous one on the domain; an equation must have the previous equation's
solutions (:mod:`derivkit.grading.equations`); a derivative line must equal the true
derivative of what it names; a definition or a given value starts a chain at its right side.
After the first wrong line, a line that follows from the wrong one is marked
``follows_from_wrong`` (not called wrong again), and a line equal to the correct chain again
is "back on track". Solutions gained (``implies``, e.g. by squaring) are a mistake only if the
working never comes back to the original equation's solutions (a check that rejects the
extra root makes the step fine), as a careful grader would mark it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import mpmath
import sympy as sp

from derivkit.engine import Counterexample
from derivkit.errors import ParseError
from derivkit.grading.diagnose import diagnose, inner_functions
from derivkit.grading.equations import Relation, relate
from derivkit.grading.interpret import Interpreter, Meaning, Value
from derivkit.grading.reading import WorkingLine
from derivkit.grading.request import CheckRequest, CheckResult
from derivkit.grading.worker import CHECK_LIMITS, decide, parse_error_text, show, verdict_result
from derivkit.parsing import parse

#: Seconds of symbolic proof per comparison (numeric screening decides most pairs first).
COMPARE_BUDGET = 0.6
#: Seconds the mistake-naming pass may take per wrong line.
DIAGNOSE_SECONDS = 1.0

#: The diagnosis sentence's key words and the mistake code they stand for.
MISTAKES = (
    ("sign error", "sign_error"),
    ("inner derivative", "missing_inner_derivative"),
    ("extra factor", "extra_factor"),
    ("constant factor", "constant_factor"),
    ("differs by a constant", "dropped_term"),
)


@dataclass(frozen=True)
class LineResult:
    """The verdict on one statement of a working (the ``lines[]`` of the JSON contract)."""

    line: int
    text: str
    status: str  # ok | wrong | invalid | unknown | text
    message: str
    method: str | None = None
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    diagnosis: str | None = None
    compared_with: int | None = None
    kind: str = "expression"
    relation: str | None = None
    mistake: str | None = None
    follows_from_wrong: bool = False
    note: str | None = None  # the reading used, when the line could be read two ways

    def to_dict(self) -> dict[str, object]:
        cex = self.counterexample
        return {
            "line": self.line,
            "text": self.text,
            "kind": self.kind,
            "status": self.status,
            "relation": self.relation,
            "method": self.method,
            "counterexample": cex.to_dict() if cex is not None else None,
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "compared_with": self.compared_with,
            "follows_from_wrong": self.follows_from_wrong,
            "mistake": self.mistake,
            "note": self.note,
        }


@dataclass(frozen=True)
class Step:
    """The verdict on one comparison; a statement's result is its worst step."""

    status: str
    message: str
    method: str | None = None
    counterexample: Counterexample | None = None
    compared_with: int | None = None
    relation: str | None = None
    mistake: str | None = None
    diagnosis: str | None = None
    follows_from_wrong: bool = False

    @property
    def rank(self) -> int:
        """How bad: a new mistake, then a wrong line, undecided, a follow-through, ok."""
        if self.status == "wrong":
            return 3 if self.follows_from_wrong else 4
        if self.status in ("unknown", "invalid"):
            return 2
        return 1 if self.follows_from_wrong else 0


def _worst(steps: Sequence[Step], default: Step) -> Step:
    return max(steps, key=lambda s: s.rank, default=default)


@dataclass
class _Chain:
    """The current chain: expressions (truth, last value) or equations (first, last residuals)."""

    kind: str  # "expression" | "equation"
    origin: str  # the kind of statement that started it (a lone expression continues only an expression chain)
    truth: object  # expressions: the correct value; equations: the first equation's residuals
    last: object
    last_line: int
    wrong: bool = False  # a wrong line happened in this chain
    unknown: sp.Symbol | None = None
    pending_gain: int | None = None  # a result whose gained solutions are not yet removed
    members: list[int] = field(default_factory=list)
    sides: tuple[Value, Value] | None = None  # the last equation's left and right side
    bindings: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)  # u = f(x), v = g(x) of a chain rule


@dataclass(frozen=True)
class Outcome:
    """What the sandbox task returns: every statement's result and what the working concludes."""

    lines: tuple[LineResult, ...]
    conclusion: tuple[str, ...] | None = None  # the final value(s), printed
    final: CheckResult | None = None


class Checker:
    """Checks the statements in order, keeping the current chain."""

    def __init__(self, request: CheckRequest, given: Mapping[str, str], deadline: float) -> None:
        self.request = request
        self.deadline = deadline
        self.domains = request.domains
        self.given = {name: parse(text, "auto", (), CHECK_LIMITS) for name, text in given.items()}
        #: given values, put in whenever two lines are compared (so that a definition keeps its
        #: variables for derivatives, and 0.2/0.8 after p/(1-p) is an evaluation at p = 0.2)
        self.values: dict[sp.Basic, sp.Expr] = {sp.Symbol(k): v for k, v in self.given.items()}
        self.results: list[LineResult] = []
        self.chain: _Chain | None = None
        self.facts: dict[sp.Basic, sp.Expr] = {}  # since y1 + y2 = 1: y2 = 1 - y1 from there on

    # -- comparing values ----------------------------------------------------------------
    def budget(self) -> float:
        left = self.deadline - time.perf_counter()
        return max(0.0, min(COMPARE_BUDGET, left * 0.2))

    def same(self, a: Value, b: Value, approx: bool = False) -> CheckResult:
        """Are a and b equal on the domain (component-wise for tuples)?"""
        if isinstance(a, tuple) or isinstance(b, tuple):
            if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b):
                return CheckResult("not_equivalent", "symbolic", None, "a vector is compared with a single value")
            result = CheckResult("equivalent", "symbolic", None, "")
            for x, y in zip(a, b):
                result = self.same(x, y, approx)
                if not result.equivalent:
                    return result
            return result
        a, b = self.evaluated(a), self.evaluated(b)
        if approx:
            return self._approximately(a, b)
        verdict, notes = decide(a, b, self.request, budget=self.budget())
        return verdict_result(verdict, self.request, notes)

    def evaluated(self, expr: sp.Expr) -> sp.Expr:
        """expr with the chain's bindings (u = f(x) in a chain rule) and the given values put in."""
        if self.chain is not None and self.chain.bindings:
            expr = expr.xreplace(self.chain.bindings)
        if self.facts:
            expr = expr.xreplace(self.facts)
        return expr.xreplace(self.values) if self.values else expr

    def _approximately(self, exact: sp.Expr, written: sp.Expr) -> CheckResult:
        """``≈ 1.386`` after log(4): right to the decimals written."""
        try:
            x, y = complex(sp.N(exact, 20)), complex(sp.N(written, 20))
        except (TypeError, ValueError):
            return CheckResult("unknown", None, None, "Unknown: an approximation of an expression with variables.")
        # the decimals written: 1.386 is 693/500, whose denominator divides 10^3
        q = int(sp.fraction(written)[1]) if written.is_Rational else 1
        digits = next((k for k in range(16) if 10**k % q == 0), 6)
        ok = abs(x - y) <= 0.5 * 10.0**-digits * 1.01 + 1e-12
        message = "a correct rounding" if ok else f"{show(exact)} is about {mpmath.nstr(x.real, 6)}"
        return CheckResult("equivalent" if ok else "not_equivalent", "numeric", None, message)

    def equal(self, a: object, b: object) -> bool:
        return a is b or a == b or self.same(a, b).equivalent

    # -- results -------------------------------------------------------------------------
    def add(self, statement: WorkingLine, meaning: Meaning, step: Step) -> int:
        kind = meaning.kind if meaning.kind != "invalid" else "expression"
        self.results.append(
            LineResult(
                statement.line, statement.text, step.status, step.message, step.method, step.counterexample,
                diagnosis=step.diagnosis, compared_with=step.compared_with, kind=kind, relation=step.relation,
                mistake=step.mistake, follows_from_wrong=step.follows_from_wrong, note=meaning.note,
            )
        )
        index = len(self.results) - 1
        if self.chain is not None:
            self.chain.members.append(index)
            if step.status == "wrong":
                self.chain.wrong = True
        return index

    def run(self, statements: list[WorkingLine], meanings: list[Meaning]) -> None:
        handlers = {
            "text": self.text, "invalid": self.invalid, "expression": self.expression,
            "definition": self.definition, "given": self.given_value, "derivative": self.derivative,
            "fact": self.fact,
            "equation": self.equation,
        }
        for index, (statement, meaning) in enumerate(zip(statements, meanings)):
            start = time.perf_counter()
            if start > self.deadline:
                self.add(statement, meaning, Step("unknown", "not checked: the time limit was reached"))
            else:
                count = len(self.results)
                try:
                    handlers[meaning.kind](statement, meaning, meanings[index + 1 :])
                except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError) as exc:
                    # SymPy fails in odd ways on odd input: this line is undecided, the others are still checked
                    del self.results[count:]
                    self.close_chain()
                    self.add(statement, meaning, Step("unknown", f"could not be checked ({type(exc).__name__})"))
            self.results[-1] = replace(self.results[-1], seconds=time.perf_counter() - start)
        self.close_chain()

    def text(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        self.add(statement, meaning, Step("text", "text (not checked)"))

    def invalid(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        self.add(statement, meaning, Step("invalid", meaning.error or "could not be read"))
        if not statement.continues:
            # an unreadable new statement: a later "= ..." cannot be compared with what it continues
            self.close_chain()

    def start_chain(self, chain: _Chain) -> _Chain:
        self.close_chain()
        self.chain = chain
        return chain

    def close_chain(self) -> None:
        """End the chain; solutions gained and never removed make the gaining line wrong."""
        chain = self.chain
        if chain is not None and chain.pending_gain is not None:
            index = chain.pending_gain
            result = self.results[index]
            self.results[index] = replace(
                result, status="wrong", mistake="solutions_gained_by_squaring",
                message=result.message + " The extra solutions are never removed, so the working ends with "
                "solutions the original equation does not have.",
            )
            for later in chain.members:
                if later > index and self.results[later].status == "ok":
                    self.results[later] = replace(self.results[later], follows_from_wrong=True)
        self.chain = None

    # -- expression chains ---------------------------------------------------------------
    def expression(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        chain = self.chain
        if statement.continues and chain is None and len(self.results) and self.results[-1].status == "invalid":
            first = meaning.values[0]
            chain = self.start_chain(_Chain("expression", "expression", first, first, statement.line))
            start = Step("unknown", f"continues line {self.results[-1].line}, which could not be read; "
                                    "checked from here on")
            self._pieces(statement, meaning, chain, meaning.values[1:], start)
            return
        if statement.continues and chain is not None and chain.kind == "equation":
            self._continue_equation(statement, meaning, chain)
            return
        lone = not statement.continues
        if chain is None or chain.kind != "expression" or (lone and (len(meaning.values) > 1
                                                                     or chain.origin != "expression")):
            # a new chain: a lone first expression, or a line a = b read as an evaluation
            first = meaning.values[0]
            chain = self.start_chain(_Chain("expression", meaning.kind, first, first, statement.line))
            self._pieces(statement, meaning, chain, meaning.values[1:], Step("ok", "the starting expression"))
            return
        self._pieces(statement, meaning, chain, meaning.values, Step("ok", "the starting expression"))

    def _pieces(self, statement: WorkingLine, meaning: Meaning, chain: _Chain, values: Sequence[Value],
                start: Step) -> None:
        """Check values one after another along the chain; the statement's result is the worst step."""
        steps = [
            self._step(chain, value, statement.line, meaning.approx and k == len(values) - 1)
            for k, value in enumerate(values)
        ]
        self.add(statement, meaning, _worst(steps, start))

    def _step(self, chain: _Chain, value: Value, line: int, approx: bool) -> Step:
        before = chain.last_line
        result = self.same(chain.last, value, approx)
        previous_wrong = chain.wrong and not self.equal(chain.last, chain.truth)
        chain.last, chain.last_line = value, line
        if result.equivalent:
            if previous_wrong:
                return Step("ok", f"follows from line {before}, which was wrong", result.method,
                            compared_with=before, follows_from_wrong=True)
            how = "proved" if result.method == "symbolic" else "checked numerically"
            return Step("ok", f"follows from line {before} ({how})", result.method, compared_with=before)
        if result.verdict in ("unknown", "invalid"):
            return Step("unknown", result.message, compared_with=before)
        if previous_wrong and self.same(chain.truth, value, approx).equivalent:
            return Step("ok", f"back on track: correct, although it does not follow from line {before}",
                        result.method, compared_with=before)
        mistake, diagnosis = self._name(chain.truth, value)
        message = _not_following(result, before, line) + (f" {diagnosis}" if diagnosis else "")
        return Step("wrong", message, result.method, result.counterexample, before, mistake=mistake,
                    diagnosis=diagnosis)

    def _name(self, expected: object, answer: Value, derivative: bool = False) -> tuple[str | None, str | None]:
        """The mistake's code and sentence, named only when the engine confirms the corrected line follows."""
        if not isinstance(expected, sp.Expr) or not isinstance(answer, sp.Expr):
            return None, None
        return self._name_values(self.evaluated(expected), self.evaluated(answer), derivative)

    def _name_values(self, expected: sp.Expr, answer: sp.Expr, derivative: bool) -> tuple[str | None, str | None]:
        if not (expected.free_symbols or answer.free_symbols):
            return "arithmetic_slip", f"An arithmetic slip: the value is {show(sp.nsimplify(expected))}."
        left = self.deadline - time.perf_counter()
        if left < 0.3:
            return None, None
        misapplied = self._misapplied_rule(expected, answer)
        if misapplied is not None:
            return misapplied
        sentence = diagnose(expected, answer, self.request, min(DIAGNOSE_SECONDS, left * 0.3))
        if not sentence:
            return None, None
        sentence = (sentence.replace("your answer", "this line").replace("Your answer", "This line")
                    .replace("the expected one", "the correct expression"))
        code = next((c for key, c in MISTAKES if key in sentence), None)
        if code == "sign_error" and derivative:
            inner = _negated_inner(answer, expected)
            if inner is not None:
                # confirmed: answer = -expected, and -1 is the derivative of the inner function
                return "missing_inner_derivative", (
                    f"The chain rule's inner derivative is missing: the derivative of the inner function "
                    f"{show(inner)} is -1, so the sign is wrong.")
        return code, sentence

    def _misapplied_rule(self, expected: sp.Expr, answer: sp.Expr) -> tuple[str, str] | None:
        """A wrong rule that turns the correct expression into this line, confirmed by the engine:
        a log split over a sum (log(a + b) -> log a + log b), a log of a quotient taken as a
        quotient of logs, a wrong exponent (x^3 -> x^2)."""
        for old, new, code, sentence in _wrong_rules(expected):
            if time.perf_counter() > self.deadline:
                return None
            candidate = expected.xreplace({old: new})
            if candidate == expected:
                continue
            verdict, _ = decide(candidate, answer, self.request, budget=min(0.3, self.budget()))
            if verdict.equivalent:
                return code, sentence
        return None

    # -- definitions, givens and derivative lines ----------------------------------------
    def definition(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        first = meaning.values[0]
        chain = self.start_chain(_Chain("expression", meaning.kind, first, first, statement.line))
        what = "given value" if meaning.kind == "given" else "definition"
        self._pieces(statement, meaning, chain, meaning.values[1:], Step("ok", f"{what} of {meaning.name}"))
        last = self.results[-1]
        if last.status == "ok" and meaning.note and "known function" in meaning.note:
            self.results[-1] = replace(last, message=f"agrees with the definition of {meaning.name}")

    def fact(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        """since y1 + y2 = 1: solved for one variable and put in from here on (a side fact)."""
        lhs, rhs = meaning.values[0], meaning.values[1]
        chain, self.chain = self.chain, None
        solved = None
        if isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr):
            residual = lhs - rhs
            for symbol in sorted(residual.free_symbols, key=str, reverse=True):
                if sp.degree(residual, symbol) == 1 if residual.is_polynomial(symbol) else False:
                    solved = (symbol, sp.solve(residual, symbol)[0])
                    break
        if solved is None:
            self.add(statement, meaning, Step("text", "text (not checked)"))
        else:
            self.facts[solved[0]] = solved[1]
            self.add(statement, meaning, Step("ok", f"a fact used from here on ({solved[0]} = {show(solved[1])})"))
        self.results[-1] = replace(self.results[-1], kind="given" if solved is not None else "text")
        self.chain = chain

    def given_value(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        """p = 0.2: recorded for every later comparison; the current chain goes on (a side fact)."""
        first = meaning.values[0]
        steps = []
        for value in meaning.values[1:]:
            result = self.same(first, value, meaning.approx)
            if result.verdict == "not_equivalent":
                steps.append(Step("wrong", _not_following(result, statement.line, statement.line),
                                  result.method, result.counterexample, mistake="arithmetic_slip"))
        if meaning.name is not None and isinstance(first, sp.Expr):
            self.values[sp.Symbol(meaning.name)] = first
        chain, self.chain = self.chain, None
        self.add(statement, meaning, _worst(steps, Step("ok", f"given value of {meaning.name}")))
        self.chain = chain

    def derivative(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        target = meaning.target
        chain = self.start_chain(_Chain("expression", "derivative", target, target, statement.line))
        chain.bindings = dict(meaning.bindings)
        steps = [self._derivative_first(chain, meaning.values[0], meaning)]
        for k, value in enumerate(meaning.values[1:], start=2):
            steps.append(self._step(chain, value, statement.line, meaning.approx and k == len(meaning.values)))
        self.add(statement, meaning, _worst(steps, steps[0]))

    def _derivative_first(self, chain: _Chain, value: Value, meaning: Meaning) -> Step:
        result = self.same(chain.truth, value)
        chain.last = value
        if result.equivalent:
            return Step("ok", f"equals the derivative {meaning.name}", result.method)
        if result.verdict in ("unknown", "invalid"):
            return Step("unknown", result.message)
        cex = result.counterexample
        if cex is not None:
            at = f"at {cex.where()} " if cex.point else ""
            message = (f"is not the derivative {meaning.name}: {at}this line is {cex.answer} but {meaning.name} "
                       f"is {cex.expected}.")
        else:
            message = f"is not the derivative {meaning.name}."
        mistake, diagnosis = self._name(chain.truth, value, derivative=True)
        message += f" {diagnosis}" if diagnosis else ""
        return Step("wrong", message, result.method, cex, mistake=mistake, diagnosis=diagnosis)

    # -- equations -----------------------------------------------------------------------
    def equation(self, statement: WorkingLine, meaning: Meaning, rest: list[Meaning]) -> None:
        residuals = [_residual(option) for option in meaning.options]
        chain = self.chain
        if chain is None or chain.kind != "equation":
            unknown = _unknown([meaning, *_equation_run(rest)])
            fresh = _Chain("equation", "equation", residuals, residuals, statement.line, unknown=unknown)
            chain = self.start_chain(fresh)
            identities = self._identities(meaning, chain)
            self.add(statement, meaning, identities or Step("ok", "the starting equation"))
            return
        unknown = chain.unknown or _unknown([meaning])
        before = chain.last_line
        previous_sides, previous_residuals = chain.sides, chain.last
        relation = Relation("unknown")
        if unknown is not None:
            relation = relate(chain.last, residuals, unknown, self.domains, self.values)  # type: ignore[arg-type]
        previous_wrong = chain.wrong
        chain.last, chain.last_line = residuals, statement.line
        step = self._equation_step(chain, relation, residuals, unknown, before, previous_wrong)
        if step.status == "wrong" and step.relation == "unrelated":
            step = self._one_side(step, previous_sides, meaning)
        identities = self._identities(meaning, chain)
        if identities is not None and unknown is not None and len(meaning.options) == 1:
            # z = log(sigma/(1 - sigma)) = log(...): sides equal where the equations hold are fine
            option = meaning.options[0]
            whole = [_residual([option[0], option[-1]])]
            for reference in (previous_residuals, chain.truth):
                if relate(reference, whole, unknown, self.domains, self.values).relation == "equivalent":  # type: ignore[arg-type]
                    identities = None
                    break
        if identities is not None and identities.rank > step.rank:
            step = replace(identities, relation=step.relation, compared_with=before)
        index = self.add(statement, meaning, step)
        if relation.relation == "implies" and step.status == "ok" and chain.pending_gain is None and not previous_wrong:
            chain.pending_gain = index

    def _equation_step(self, chain: _Chain, relation: Relation, residuals: list[sp.Expr], unknown: sp.Symbol | None,
                       before: int, previous_wrong: bool) -> Step:
        kind = relation.relation
        base = Step("ok", "", "numeric", compared_with=before, relation=kind if kind != "unknown" else None)
        if kind == "unknown" or unknown is None:
            return replace(base, status="unknown",
                           message=f"could not decide whether this equation has the solutions of line {before}")
        if kind == "equivalent":
            if previous_wrong:
                return replace(base, message=f"equivalent to line {before}, which was wrong", follows_from_wrong=True)
            return replace(base, message=f"equivalent to line {before} (same solutions)")
        if previous_wrong or chain.pending_gain is not None or kind == "implied_by":
            original = relate(chain.truth, residuals, unknown, self.domains, self.values)  # type: ignore[arg-type]
            if original.relation == "equivalent":
                start = self.results[chain.members[0]].line if chain.members else before
                if chain.pending_gain is not None:
                    chain.pending_gain = None
                    return replace(base, message=f"has the solutions of the original equation (line {start}): the "
                                                 "solutions gained earlier were removed")
                if previous_wrong:
                    return replace(base, message=f"back on track: the solutions of the original equation (line "
                                                 f"{start}), although it does not follow from line {before}")
                return replace(base, message=f"has the solutions of the original equation (line {start})")
        witness = _witness(relation, before)
        where = _where(relation)
        if kind == "implies":
            return replace(base, counterexample=witness,
                           message=f"implied by line {before} but not equivalent: it gains solutions ({where} solves "
                                   f"this line but not line {before}).")
        if kind == "implied_by":
            return replace(base, status="wrong", counterexample=witness, mistake="solutions_lost_by_division",
                           message=f"loses solutions of line {before}: {where} solves line {before} but not this "
                                   "line (dividing by something that can be 0 loses solutions).")
        message = f"does not follow from line {before}: {where} solves line {before} but not this line."
        return replace(base, status="wrong", counterexample=witness, message=message)

    def _one_side(self, step: Step, previous: tuple[Value, Value] | None, meaning: Meaning) -> Step:
        """Name an operation applied to one side only: one side kept, the other changed (both confirmed)."""
        if previous is None or len(meaning.options) != 1:
            return step
        (old_lhs, old_rhs), option = previous, meaning.options[0]
        new_lhs, new_rhs = option[0], option[-1]
        for kept, changed, (old, new) in (("right", "left", (old_lhs, new_lhs)), ("left", "right", (old_rhs, new_rhs))):
            same_kept = self.equal(old_rhs, new_rhs) if kept == "right" else self.equal(old_lhs, new_lhs)
            if same_kept and not self.equal(old, new):
                sentence = (f"The {kept} side is unchanged but the {changed} side was changed: an operation "
                            "applied to one side only.")
                return replace(step, mistake="one_side_only", diagnosis=sentence, message=f"{step.message} {sentence}")
        return step

    def _identities(self, meaning: Meaning, chain: _Chain) -> Step | None:
        """a = b = c on one line: each further right side must equal the one before."""
        option = meaning.options[0] if meaning.options else meaning.values
        chain.sides = (option[0], option[-1])
        for before, after in itertools.pairwise(option[1:]):
            result = self.same(before, after, meaning.approx)
            if result.verdict == "not_equivalent":
                numbers = not (getattr(before, "free_symbols", None) or getattr(after, "free_symbols", None))
                message = f"the right side {_shown(after)} is not equal to {_shown(before)}."
                mistake = "arithmetic_slip" if numbers else None
                return Step("wrong", message, result.method, result.counterexample, mistake=mistake)
        return None

    def _continue_equation(self, statement: WorkingLine, meaning: Meaning, chain: _Chain) -> None:
        """``= ...`` after an equation continues its right side."""
        sides = chain.sides
        previous = sides[1] if sides else None
        step = Step("ok", f"continues line {chain.last_line}", compared_with=chain.last_line)
        for value in meaning.values:
            if previous is not None:
                result = self.same(previous, value, meaning.approx)
                if result.verdict == "not_equivalent" and step.status == "ok":
                    step = Step("wrong", _not_following(result, chain.last_line), result.method,
                                result.counterexample, chain.last_line)
            previous = value
        if sides is not None and isinstance(previous, sp.Expr) and isinstance(sides[0], sp.Expr):
            chain.sides = (sides[0], previous)
            chain.last = [sides[0] - previous]
        self.add(statement, meaning, step)
        chain.last_line = statement.line


def _shown(value: Value) -> str:
    return show(value) if isinstance(value, sp.Basic) else "(" + ", ".join(show(v) for v in value) + ")"


MAX_RULE_CANDIDATES = 12


def _wrong_rules(expr: sp.Expr) -> list[tuple[sp.Expr, sp.Expr, str, str]]:
    """(subexpression, what a misapplied rule makes of it, code, sentence) for the usual slips."""
    found: list[tuple[sp.Expr, sp.Expr, str, str]] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.log) and node.args[0].is_Add:
            terms = node.args[0].args
            split = sp.Add(*[-sp.log(-t) if t.could_extract_minus_sign() else sp.log(t) for t in terms])
            found.append((node, split, "log_split",
                          f"The log of a sum or difference was split: {show(node)} is not {show(split)}."))
        elif isinstance(node, sp.log) and node.args[0].is_Mul:
            numerator, denominator = sp.fraction(node.args[0])
            if denominator != 1:
                wrong = sp.log(numerator) / sp.log(denominator)
                found.append((node, wrong, "log_rule",
                              f"The log of a quotient is a difference of logs, not {show(wrong)}."))
        elif isinstance(node, sp.Pow) and node.exp.is_Integer and node.base.free_symbols and abs(node.exp) > 1:
            for exponent in (node.exp - 1, node.exp + 1):
                found.append((node, node.base**exponent, "wrong_exponent",
                              f"A wrong exponent: {show(node)} became {show(node.base**exponent)}."))
        if len(found) >= MAX_RULE_CANDIDATES:
            break
    return found


def _negated_inner(answer: sp.Expr, expected: sp.Expr) -> sp.Expr | None:
    """An inner function whose derivative is -1 (the -z of exp(-z)): a lost factor -1 of the chain rule."""
    for inner in inner_functions(answer, expected):
        if any(sp.diff(inner, s) == -1 for s in inner.free_symbols):
            return inner
    return None


def _not_following(result: CheckResult, before: int, line: int | None = None) -> str:
    cex = result.counterexample
    if line == before:  # a = b on one line
        at = f"at {cex.where()} " if cex is not None and cex.point else ""
        values = f": {at}the right side is {cex.answer} but the left side is {cex.expected}" if cex else ""
        return f"the two sides are not equal{values}." if cex else f"the two sides are not equal ({result.message})."
    if cex is None:
        return f"does not follow from line {before}."
    at = f"at {cex.where()} " if cex.point else ""
    return f"does not follow from line {before}: {at}this line is {cex.answer} but line {before} is {cex.expected}."


def _residual(option: Sequence[Value]) -> sp.Expr:
    lhs, rhs = option[0], option[1]
    if not isinstance(lhs, sp.Expr) or not isinstance(rhs, sp.Expr):
        raise TypeError("an equation between vectors")
    return lhs - rhs


def _equation_run(rest: list[Meaning]) -> list[Meaning]:
    """The equations that follow (text between them allowed), for choosing the unknown."""
    run = []
    for meaning in rest:
        if meaning.kind == "equation":
            run.append(meaning)
        elif meaning.kind not in ("text", "invalid", "expression"):
            break
    return run


def _unknown(equations: list[Meaning]) -> sp.Symbol | None:
    """The variable solved for: the last bare left side (p = ...), else the first common variable."""
    for meaning in reversed(equations):
        for option in meaning.options:
            if isinstance(option[0], sp.Symbol):
                return option[0]
    symbols = [
        set().union(*(v.free_symbols for v in option if isinstance(v, sp.Expr)))
        for meaning in equations
        for option in meaning.options
    ]
    common = set.intersection(*symbols) if symbols else set()
    pool = common or (set.union(*symbols) if symbols else set())
    return sorted(pool, key=str)[0] if pool else None


def _where(relation: Relation) -> str:
    if not relation.point:
        return "a solution"
    return ", ".join(f"{k} = {v}" for k, v in relation.point.items())


def _witness(relation: Relation, before: int) -> Counterexample | None:
    if not relation.point:
        return None
    if relation.solves == "this":
        return Counterexample(dict(relation.point), f"not a solution of line {before}", "a solution of this line")
    return Counterexample(dict(relation.point), f"a solution of line {before}", "not a solution of this line")


def conclusion(meanings: list[Meaning]) -> list[Value] | None:
    """What the working concludes: the value(s) of the unknown solved for, or the last expression."""
    for meaning in reversed(meanings):
        if meaning.kind == "equation":
            if all(isinstance(o[0], sp.Symbol) for o in meaning.options):
                return [o[-1] for o in meaning.options]
            return None
        if meaning.kind in ("expression", "derivative", "definition", "given") and meaning.values:
            return [meaning.values[-1]]
    return None


def read_expected(text: str, variables: tuple[str, ...]) -> list[Value]:
    """The expected answer: one value, or a set ``{a, b}`` of values (raises ParseError)."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}") and "\\" not in body:
        return [parse(p, "text", variables, CHECK_LIMITS) for p in body[1:-1].split(",") if p.strip()]
    return [parse(body, "auto", variables, CHECK_LIMITS)]


def final_check(checker: Checker, concluded: list[Value] | None, expected: str) -> CheckResult:
    """What the working concludes against the expected answer (a set: the same values, in any order)."""
    try:
        wanted = read_expected(expected, checker.request.variables)
    except ParseError as exc:
        return CheckResult("invalid", None, None, parse_error_text("The expected answer", exc))
    if concluded is None:
        return CheckResult("unknown", None, None, "Unknown: the working does not end with a value to compare.")
    if len(wanted) != len(concluded):
        return CheckResult("not_equivalent", "symbolic", None, f"Not equivalent: the working concludes "
                           f"{len(concluded)} value(s), the expected answer has {len(wanted)}.")
    if len(wanted) == 1:
        result = checker.same(wanted[0], concluded[0])
        return replace(result, message=result.message.replace("your answer", "the working's conclusion"))
    remaining = list(wanted)
    for value in concluded:
        match = next((w for w in remaining if checker.same(w, value).equivalent), None)
        if match is None:
            return CheckResult("not_equivalent", "numeric", None,
                               f"Not equivalent: {_shown(value)} is not among the expected values.")
        remaining.remove(match)
    return CheckResult("equivalent", "numeric", None, "Equivalent: the working concludes the expected values.")


def check_working(statements: list[WorkingLine], request: CheckRequest, given: Mapping[str, str],
                  expected: str | None = None, seconds: float = 10.0) -> Outcome:
    """The sandbox task: read every statement in order, check each by its kind."""
    deadline = time.perf_counter() + seconds * 0.85
    try:
        checker = Checker(request, given, deadline)
    except ParseError as exc:
        return Outcome((LineResult(0, "", "invalid", parse_error_text("A given value", exc)),))
    interpreter = Interpreter(request.syntax, request.assume, checker.given)
    meanings = [interpreter.read(s) for s in statements]
    checker.run(statements, meanings)
    concluded = conclusion(meanings)
    final = final_check(checker, concluded, expected) if expected is not None else None
    shown = tuple(_shown(v) for v in concluded) if concluded else None
    return Outcome(tuple(checker.results), shown, final)


__all__ = ["Checker", "LineResult", "Outcome", "Step", "check_working", "conclusion", "read_expected"]
