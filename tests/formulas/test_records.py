"""One record per formula: codegen, the figures and the derivation scripts read the catalogue's
records; none keeps its own copy of a formula."""

from __future__ import annotations

import ast
from pathlib import Path

import derivkit
from derivkit import numeric
from derivkit.codegen.specs import SPECS
from derivkit.formulas import CATALOGUE, symbolic
from derivkit.handouts.figures import curves, softmax, surfaces

PACKAGE = Path(derivkit.__file__).resolve().parent
DERIVATIONS = PACKAGE.parents[1] / "derivations"
#: the only homes of formula definitions: SymPy functions, the records, the generated NumPy
HOMES = {"functions.py", "numeric.py", "formulas"}
FORMULA_NAMES = {f.name for f in CATALOGUE} | {"sigmoid", "logit", "softplus", "cost"}


def test_every_numeric_function_is_a_view_of_its_record() -> None:
    records = {f.name: f for f in CATALOGUE}
    assert SPECS, "no numeric specs"
    for spec in SPECS:
        record = records[spec.name]
        assert record.stable is not None and spec.params is record.inputs and spec.textbook is record.symbolic
        assert (spec.steps, spec.result, spec.stability) == (record.stable.steps, record.stable.result,
                                                             record.stable.stability)
    assert {s.name for s in SPECS} == {f.name for f in CATALOGUE if f.stable is not None}


def test_figures_draw_with_the_generated_numeric_functions() -> None:
    assert curves.sigmoid is numeric.sigmoid and curves.logit is numeric.logit
    assert surfaces.binary_cross_entropy_with_logits is numeric.binary_cross_entropy_with_logits
    assert softmax.sigmoid is numeric.sigmoid and softmax.softmax is numeric.softmax


def _defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_no_module_outside_the_formulas_defines_a_formula_of_its_own() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in HOMES or "_derivations" in rel.parts:
            continue
        offenders += [f"{rel}: {name}" for name in _defined_functions(path) & {"sigmoid", "logit", "softmax"}]
    assert offenders == []


def test_derivation_scripts_build_their_formulas_from_the_records() -> None:
    """A script may name a helper softmax(...) or cost(...) for readability, but its body must call
    the record's builder, not restate the formula."""
    for path in DERIVATIONS.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in FORMULA_NAMES:
                calls = [c.func for c in ast.walk(node) if isinstance(c, ast.Call)]
                called = {f.id for f in calls if isinstance(f, ast.Name)} | {
                    f.attr for f in calls if isinstance(f, ast.Attribute)}
                assert called & set(symbolic.__all__), \
                    f"{path.name}: {node.name}() restates a formula; build it from derivkit.formulas"
