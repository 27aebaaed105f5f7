"""Rendered handouts: golden files, what each variant shows and hides, worked examples, failures.

Golden files live in tests/golden/; after an intended change to a derivation or a template,
rewrite them with ``pytest tests/handouts/test_handouts.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import sympy as sp

from derivkit import Derivation, sigmoid
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.cli import main
from derivkit.derivation import DerivationReport
from derivkit.handouts.latex_printer import to_latex
from derivkit.handouts.notebook import latex as notebook_latex

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DATE = "2024-01-01"
IDS = registry.ids()


@pytest.fixture(scope="module")
def verified() -> dict[str, tuple[Derivation, DerivationReport]]:
    return {d.id: (d, d.verify()) for d in registry.load_all()}


def rendered(verified: dict, derivation_id: str, variant: str) -> tuple[str, str]:
    derivation, report = verified[derivation_id]
    model = render.handout(derivation, report, variant, date=DATE)
    return render.markdown(model), render.latex(model)


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        return
    assert path.exists(), f"no golden file {path.name}; create it with pytest --update-golden"
    assert text == path.read_text(), f"{name} differs from its golden file; if intended, run pytest --update-golden"


@pytest.mark.parametrize("derivation_id", IDS)
def test_handout_matches_golden(verified: dict, derivation_id: str, update_golden: bool) -> None:
    md, tex = rendered(verified, derivation_id, "handout")
    check_golden(f"{derivation_id}.md", md, update_golden)
    check_golden(f"{derivation_id}.tex", tex, update_golden)


@pytest.mark.parametrize("variant", ["worksheet", "key"])
@pytest.mark.parametrize("derivation_id", IDS)
def test_variants_match_golden(verified: dict, derivation_id: str, variant: str, update_golden: bool) -> None:
    md, tex = rendered(verified, derivation_id, variant)
    check_golden(f"{derivation_id}-{variant}.md", md, update_golden)
    check_golden(f"{derivation_id}-{variant}.tex", tex, update_golden)


@pytest.mark.parametrize("derivation_id", IDS)
def test_worksheet_hides_exercise_steps_and_key_shows_them(verified: dict, derivation_id: str) -> None:
    derivation, _ = verified[derivation_id]
    hidden = {s.index: to_latex(s.relation.rhs) for s in derivation.steps if s.exercise}
    assert hidden, f"{derivation_id} has no exercise steps"
    worksheet, key, handout = (rendered(verified, derivation_id, v) for v in ("worksheet", "key", "handout"))
    rows = {r.number: r for chain in render.handout(*verified[derivation_id], "key", date=DATE).chains
            for r in chain.rows}
    for number, answer in hidden.items():
        for text in worksheet:
            if not re.fullmatch(r"[A-Za-z0-9]", answer):  # a lone symbol appears everywhere
                assert answer not in text
        for text in (*key, *handout):  # LaTeX breaks a long answer into lines: each line is there
            assert answer in text or all(line in text for line in rows[number].layout.rhs)
    assert "## Answers" not in worksheet[0] and r"\section*{Answers}" not in worksheet[1]
    assert "## Answers" in key[0] and r"\answer{" in key[1] and r"\textcolor{blue}" in key[0]
    sized_box = r"\\boxed\{\\rule\[[^]]*\]\{0pt\}\{[\d.]+ex\}\\hspace\{[\d.]+em\}\}"  # sized to the answer
    assert r"\blank{" in worksheet[1] and re.search(sized_box, worksheet[0])


def test_handout_content(verified: dict) -> None:
    md, tex = rendered(verified, "sigmoid-from-logit", "handout")
    assert md.startswith("# The sigmoid from the logit model\n")
    assert "| $p$ | $(0, 1)$ | probability that $y = 1$ given $x$ |" in md
    assert r"\sigma\left(2\right) \approx 0.8808" in md and r"\sigma\left(2\right) \approx 0.8808" in tex
    assert "$$\n\\boxed{p = \\sigma\\left(z\\right)}\n$$" in md and r"\boxed{p = \sigma\left(z\right)}" in tex
    assert "**Step 1: exponentiate both sides.**" in md and "✓ proved" in md
    assert "![The sigmoid sigma(z) and its slope sigma'(z)" in md and "figures/sigmoid.svg" in md
    assert r"*Figure 1. The sigmoid $\sigma(z)$ and its slope $\sigma'(z)$" in md
    assert r"\caption{The sigmoid $\sigma(z)$ and its slope $\sigma'(z)$" in tex
    assert r"\includegraphics[width=\linewidth]{figures/sigmoid.pdf}" in tex
    assert f"*Every step was verified by derivkit 0.1.0 with SymPy {sp.__version__} on {DATE}: 15 proved.*" in md
    assert f"Every step was verified by derivkit 0.1.0 with SymPy {sp.__version__} on {DATE}" in tex


def test_markdown_display_math_has_blank_lines_around_it(verified: dict) -> None:
    for derivation_id in IDS:
        lines = rendered(verified, derivation_id, "key")[0].split("\n")
        opening = True
        for n, line in enumerate(lines):
            if line == "$$":
                neighbour = lines[n - 1] if opening else lines[n + 1]
                assert neighbour == "", f"{derivation_id} line {n + 1}: $$ block not separated by a blank line"
                opening = not opening
        assert "\n\n\n" not in "\n".join(lines)


def test_check_commands_in_the_answers_grade_the_answer(verified: dict) -> None:
    for derivation_id in IDS:
        model = render.handout(*verified[derivation_id], "key", date=DATE)
        for exercise in model.exercises:
            if not exercise.check_command:
                continue
            argv = [exercise.answer_text if a == "YOUR ANSWER" else a for a in shlex.split(exercise.check_command)]
            assert argv[:2] == ["derivkit", "check"]
            assert main(argv[1:]) == 0, exercise.check_command


def test_failed_step_is_named_with_its_counterexample() -> None:
    d = Derivation("broken", "A broken derivation", "A wrong derivative, on purpose.")
    z = d.symbol("z", "real", "the logit")
    c = d.chain("A wrong derivative")
    c.start(sigmoid(z), rule="the sigmoid")
    c.differentiate(z, sigmoid(z) ** 2, rule="a wrong rule", justification="Not true.")
    model = render.handout(d, d.verify(), "handout", date=DATE)
    md, tex = render.markdown(model), render.latex(model)
    assert "> **Verification FAILED at step 1** (a wrong rule" in md and "✗ FAILED" in md
    assert "Counterexample: at z = " in md and "Counterexample: at \\texttt{z = " in tex
    assert "1 of 1 steps FAILED (step 1)" in md and r"\failed" in tex


def test_notebook_latex_is_one_aligned_block(verified: dict) -> None:
    derivation, _ = verified["sigmoid-from-logit"]
    tex = notebook_latex(derivation)
    assert tex.strip().startswith("$$\n\\begin{aligned}") and tex.strip().endswith("\\end{aligned}\n$$")
    assert r"\text{(1) exponentiate both sides: proved}" in tex
    assert derivation._repr_markdown_().startswith("# The sigmoid from the logit model")
