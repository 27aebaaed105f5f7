"""Workings read as students mean them: the reproductions of issue 11, each a test."""

from __future__ import annotations

import sympy as sp

from derivkit.grading import check_steps
from derivkit.grading.reading import read_working
from derivkit.parsing import Scope, parse

x, z, p, y = sp.symbols("x z p y")


def test_equation_is_one_statement_and_equivalent_steps_pass() -> None:
    report = check_steps("log(p/(1-p)) = z\np/(1-p) = exp(z)\n", assume=["p=(0,1)"])
    assert [r.kind for r in report.lines] == ["equation", "equation"]
    assert report.lines[1].relation == "equivalent" and report.verdict == "ok"


def test_derivative_line_is_checked_against_the_true_derivative() -> None:
    working = "L = -y*log(sigma(z)) - (1-y)*log(1-sigma(z))\ndL/dz = -y*(1-sigma(z)) - (1-y)*sigma(z)\n"
    report = check_steps(working)
    assert [r.kind for r in report.lines] == ["definition", "derivative"]
    assert report.first_wrong is not None and report.first_wrong.line == 2 and report.exit_code == 1
    right = check_steps("L = -y*log(sigma(z)) - (1-y)*log(1-sigma(z))\ndL/dz = sigma(z) - y\n")
    assert right.verdict == "ok"


def test_lost_inner_derivative_is_line_2_and_line_3_is_back_on_track() -> None:
    working = "sigma(z) = (1+exp(-z))^(-1)\nsigma'(z) = -(1+exp(-z))^(-2)*exp(-z)\n= exp(-z)/(1+exp(-z))^2\n"
    report = check_steps(working)
    assert [r.status for r in report.lines] == ["ok", "wrong", "ok"]
    assert report.first_wrong is not None and report.first_wrong.line == 2
    assert report.lines[1].mistake is not None
    assert "back on track" in report.lines[2].message


def test_composite_of_defined_functions_is_a_definition_not_compared_with_g() -> None:
    report = check_steps("f(x) = x^2\ng(x) = sin(x)\nh(f(x),g(x)) = x^2*sin(x)\n")
    assert [r.kind for r in report.lines] == ["definition"] * 3
    assert report.verdict == "ok" and all(r.compared_with is None for r in report.lines)


def test_product_rule_through_defined_functions() -> None:
    working = "f(x) = x^2\ng(x) = sin(x)\nh(f(x),g(x)) = x^2*sin(x)\ndh/dx = 2x sin(x) + x^2 cos(x)\n"
    assert check_steps(working).verdict == "ok"
    wrong = check_steps(working.replace("+ x^2 cos(x)", "- x^2 cos(x)"))
    assert wrong.first_wrong is not None and wrong.first_wrong.line == 4


def test_given_values_make_an_evaluation_not_a_false_alarm() -> None:
    working = "odds = p/(1-p)\n= 0.2/0.8\n= 1/4\n"
    report = check_steps(working, assume=["p=(0,1)"], given=["p=0.2"])
    assert report.verdict == "ok", report.text()
    slip = check_steps("odds = p/(1-p)\n= 0.2/0.6\n= 1/3\n", assume=["p=(0,1)"], given={"p": "0.2"})
    assert slip.first_wrong is not None and slip.first_wrong.line == 2
    assert slip.first_wrong.mistake == "arithmetic_slip"
    assert slip.lines[2].follows_from_wrong and slip.lines[2].status == "ok"


def test_given_value_line_binds_the_name() -> None:
    report = check_steps("p = 0.2\no = p/(1-p) = 0.2/0.8 = 1/4\n")
    assert [r.kind for r in report.lines] == ["given", "definition"] and report.verdict == "ok"


def test_softmax_outputs_are_bound_by_their_definitions() -> None:
    working = "p1 = exp(z1)/(exp(z1)+exp(z2))\np2 = exp(z2)/(exp(z1)+exp(z2))\np1 = 1 - p2\n"
    assert check_steps(working).verdict == "ok"
    wrong = check_steps(working.replace("1 - p2", "1 + p2"))
    assert wrong.first_wrong is not None and wrong.first_wrong.line == 3


def test_student_notation_reads() -> None:
    scope = Scope({}, {"f": ((x,), x**2)})
    assert parse("-y(1-sigma(z))", "text", scope=scope) == -y * (1 - parse("sigma(z)"))
    assert parse("p e^z", "text", scope=scope) == p * sp.exp(z)
    assert parse(r"\sigma'(z)", "latex", scope=scope) == sp.diff(parse("sigma(z)"), z)
    assert parse("f'(x)", "text", scope=scope) == 2 * x
    assert parse("e^z(1-p)", "text", scope=scope) == sp.exp(z) * (1 - p)
    assert parse("log p / log(1-p)", "text", scope=scope) == sp.log(p) / sp.log(1 - p)


def test_unreadable_lines_of_the_issue_now_read() -> None:
    assert check_steps("-y(1-sigma(z))\n= -y + y*sigma(z)\n").verdict == "ok"
    assert check_steps("p e^z + p\n= p(1+e^z)\n").verdict == "ok"
    assert check_steps("f(x) = x^2\nf'(x) = 2x\n").verdict == "ok"
    assert check_steps(r"\sigma'(z) = \sigma(z)(1-\sigma(z))" + "\n").verdict == "ok"
    report = check_steps("f(x, y) = x^2 + y^2\n\\nabla f = (2x, 2y)\n")
    assert report.verdict == "ok" and report.lines[1].kind == "derivative"
    bad = check_steps("f(x, y) = x^2 + y^2\n\\nabla f = (2x, y)\n")
    assert bad.first_wrong is not None and bad.first_wrong.line == 2
    two = check_steps(r"h(u,v) = u\,e^{v}, \quad f(x) = x^2" + "\n" + r"\frac{\partial h}{\partial v} = u e^{v}" + "\n")
    assert [r.kind for r in two.lines] == ["definition", "definition", "derivative"] and two.verdict == "ok"
    assert check_steps("d/dz sigma(z)\n= sigma(z)(1 - sigma(z))\n").verdict == "ok"


def test_a_lone_equation_is_an_equation_not_a_label() -> None:
    report = check_steps("p(1+e^z) = e^z\n")
    assert report.lines[0].kind == "equation"
    statements = read_working("p(1+e^z) = e^z\n")
    assert statements[0].pieces == ("p(1+e^z)", "e^z")


def test_equation_relations_as_stack_reports_them() -> None:
    squared = check_steps("sqrt(p(1-p)) = 2p - 1\np(1-p) = (2p-1)^2\n5p^2 - 5p + 1 = 0\np = (5 ± sqrt(5))/10\n",
                          assume=["p=(0,1)"])
    assert squared.lines[1].relation == "implies"
    assert squared.first_wrong is not None and squared.first_wrong.line == 2
    assert squared.first_wrong.mistake == "solutions_gained_by_squaring"
    checked = check_steps("sqrt(p(1-p)) = 2p - 1\np(1-p) = (2p-1)^2\np = (5 + sqrt(5))/10\n", assume=["p=(0,1)"])
    assert checked.verdict == "ok", checked.text()
    divided = check_steps("w(w^2-1) = 0\nw^2 - 1 = 0\n")
    assert divided.lines[1].relation == "implied_by" and divided.lines[1].mistake == "solutions_lost_by_division"
    assert divided.lines[1].counterexample is not None and divided.lines[1].counterexample.point["w"] == "0"
    one_side = check_steps("p/(1-p) = e^z\np = e^z\n", assume=["p=(0,1)"])
    assert one_side.lines[1].relation == "unrelated" and one_side.lines[1].mistake == "one_side_only"


def test_expected_is_compared_with_what_the_working_concludes() -> None:
    working = "log(p/(1-p)) = z\np/(1-p) = e^z\np = e^z(1-p)\np(1 + e^z) = e^z\np = e^z/(1+e^z)\n"
    report = check_steps(working, assume=["p=(0,1)"], expected="1/(1+exp(-z))")
    assert report.verdict == "ok" and report.final is not None and report.final.equivalent
    roots = check_steps("w(w-1)(w+1) = 0\nw = 0, w = 1 or w = -1\n", expected="{-1, 0, 1}")
    assert roots.verdict == "ok", roots.text()


def test_text_lines_are_kept_and_not_checked() -> None:
    report = check_steps("# solve for p\nlog(p/(1-p)) = z\nexponentiate both sides\np/(1-p) = e^z\n",
                         assume=["p=(0,1)"])
    assert [r.status for r in report.lines] == ["text", "ok", "text", "ok"]
    assert report.lines[3].compared_with == 2


def test_misapplied_rules_are_named() -> None:
    split = check_steps("log(x + y)\n= log(x) + log(y)\n", assume=["x=positive", "y=positive"])
    assert split.first_wrong is not None and split.first_wrong.mistake == "log_split"
    power = check_steps("diff(x^3, x)\n= 3x^3\n")
    assert power.first_wrong is not None and power.first_wrong.mistake == "wrong_exponent"
    fine = check_steps("log(x*y)\n= log(x) + log(y)\n", assume=["x=positive", "y=positive"])
    assert fine.verdict == "ok"


def test_chain_rule_through_a_function_of_two_variables() -> None:
    working = "f(x) = x^2, g(x) = sin(x)\nh(u, v) = u v\ndh/dx = h_u f'(x) + h_v g'(x)\n= v 2x + u cos(x)\n" \
              "= 2x sin(x) + x^2 cos(x)\n"
    report = check_steps(working)
    assert report.verdict == "ok", report.text()
    dropped = check_steps("f(x) = sigma(x); g(x) = 1 - sigma(x); h(u,v) = u*v\ndh/dx = f'(x) g(x)\n")
    assert dropped.first_wrong is not None and dropped.first_wrong.line == 2


def test_partial_derivative_in_a_defined_name() -> None:
    working = ("p = \\sigma(z), \\quad L = -y\\log p - (1-y)\\log(1-p)\n"
               "\\frac{\\partial L}{\\partial p} = -\\frac{y}{p} + \\frac{1-y}{1-p}\n"
               "\\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial p}\\,\\frac{dp}{dz}\n= p - y\n")
    assert check_steps(working).verdict == "ok"
    wrong = check_steps(working.replace("= p - y", "= y - p"))
    assert wrong.first_wrong is not None and wrong.first_wrong.line == 4


def test_facts_values_and_indexed_definitions() -> None:
    fact = check_steps("p1 = e^z1/(e^z1 + e^z2); p2 = e^z2/(e^z1 + e^z2)\nL = -y1 log(p1) - y2 log(p2)\n"
                       "dL/dz1 = p1 (y1 + y2) - y1\nsince y1 + y2 = 1\n= p1 - y1\n")
    assert fact.verdict == "ok", fact.text()
    at = check_steps("f(x, y) = x^2 y + y^3\ngrad f = (2x y, x^2 + 3y^2)\nat x = 1, y = 2\n= (4, 13)\n")
    assert at.verdict == "ok", at.text()
    assert check_steps("f(x, y) = x^2 y + y^3\ngrad f = (2x y, x^2 + 3y^2)\nat x = 1, y = 2\n= (4, 12)\n") \
        .first_wrong is not None
    indexed = check_steps("p_k = \\frac{e^{z_k}}{e^{z_1}+e^{z_2}}\\quad(k = 1, 2)\np_1 + p_2 = 1\n")
    assert [r.kind for r in indexed.lines][:2] == ["definition", "definition"]


def test_xy_is_a_product_of_the_working_variables() -> None:
    report = check_steps("f(x, y) = x^2 + xy + y^2\ngrad f = (2x, 2y)\n")
    assert report.first_wrong is not None and report.first_wrong.line == 2


def test_a_question_label_on_its_own_line_is_text_not_the_start_of_a_chain() -> None:
    working = "Q6\ne^(z1-c)/(e^(z1-c) + e^(z2-c))\n= e^z1/(e^z1 + e^z2)\n"
    assert [w.kind_hint for w in read_working(working)][0] == "text"
    assert check_steps(working).verdict == "ok"
    assert check_steps(working.replace("= e^z1/", "= e^z2/")).first_wrong.line == 3  # type: ignore[union-attr]


def test_an_equation_of_a_sum_between_a_chain_s_lines_is_a_fact_the_chain_uses() -> None:
    working = ("dL/dz1 = -y1 + (y1 + y2) e^z1/(e^z1 + e^z2)\ny1 + y2 = 1\n= e^z1/(e^z1 + e^z2) - y1\n")
    kinds = [w.kind_hint for w in read_working(working)]
    assert kinds[1] == "fact"
    defined = "p1 = e^z1/(e^z1 + e^z2), p2 = e^z2/(e^z1 + e^z2)\nL = -y1 log(p1) - y2 log(p2)\n"
    assert check_steps(defined + working).verdict == "ok"
    wrong = check_steps(defined + working.replace("- y1\n", "+ y1\n"))
    assert wrong.first_wrong is not None and wrong.first_wrong.line == 5
