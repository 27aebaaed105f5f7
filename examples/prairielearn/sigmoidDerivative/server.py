"""PrairieLearn grades this question with derivkit: an equivalent answer in any form is right
(exp(-z)/(1+exp(-z))^2 as well as sigma(z)*(1-sigma(z))), a wrong one gets a counterexample
and, when it is recognisable, the mistake's name; an unreadable one is a format error, which
costs no attempt. derivkit must be importable by PrairieLearn's Python (see the README,
"Grading a class").
"""

from derivkit.integrations import prairielearn as derivkit_pl

# The fields of an assignment's [[question]] table; `from = "sigmoid-derivative#1"` would take
# the reference from a verified derivation's exercise instead of `expected`.
QUESTION = derivkit_pl.question(id="dsigma", expected="sigma(z)*(1-sigma(z))", points=1)


def generate(data):
    data["correct_answers"]["dsigma"] = QUESTION.expected


def parse(data):
    derivkit_pl.parse(data, QUESTION)


def grade(data):
    derivkit_pl.grade(data, QUESTION)
