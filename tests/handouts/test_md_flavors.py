"""Markdown for site generators: each flavor's front matter, math delimiters, equation labels and
references, checked by that generator's own Python renderer where one exists (markdown-it-py with
mdit-py-plugins for MyST, Python-Markdown with pymdown-extensions' arithmatex for MkDocs) and by
the structure the dialect's documentation gives otherwise (GitHub, Quarto)."""

from __future__ import annotations

import re

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from derivkit import Derivation, sigmoid
from derivkit import handouts as render
from derivkit.derivation import prose, registry
from derivkit.errors import DerivkitError
from derivkit.handouts.model import Handout

DATE = "2024-01-01"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$([^\n]*)$", re.S | re.M)


@pytest.fixture(scope="module")
def models() -> dict[str, Handout]:
    """A real key (blanks highlighted, results derived in a step) and a derivation that fails."""
    derivation = registry.load("sigmoid-derivative")
    key = render.handout(derivation, derivation.verify(), "key", date=DATE)
    d = Derivation("broken", "A broken derivation", "A wrong derivative, on purpose.")
    z = d.symbol("z", "real", "the logit")
    c = d.chain("A wrong derivative")
    c.start(sigmoid(z), rule="the sigmoid")
    c.differentiate(z, sigmoid(z) ** 2, rule="a wrong rule", justification="Not true.")
    return {"key": key, "broken": render.handout(d, d.verify(), "handout", date=DATE)}


def steps(model: Handout) -> list[int]:
    return [row.number for chain in model.chains for row in chain.rows]


def page(model: Handout) -> str:
    """The page's name, which labels carry (a book holds the handout, worksheet and key side by side)."""
    return model.id + {"handout": "", "worksheet": "-worksheet", "key": "-key"}[model.variant]


def displays(text: str) -> list[tuple[str, str]]:
    """Every $$ block: (its TeX, what follows the closing $$ on that line)."""
    return DISPLAY.findall(text)


def test_every_flavor_shows_the_same_mathematics(models: dict[str, Handout]) -> None:
    """Flavors differ in labels and front matter only: the same display math, once each, in order."""
    for model in models.values():
        bodies = {}
        for flavor in render.MD_FLAVORS:
            found = displays(render.markdown(model, flavor))
            bodies[flavor] = [re.sub(r" \\tag\{\d+\}$", "", tex) for tex, _ in found]
        assert len({tuple(b) for b in bodies.values()}) == 1, "the flavors disagree on the display math"
        assert len(bodies["github"]) >= len(steps(model))


def test_front_matter_per_flavor(models: dict[str, Handout]) -> None:
    model = models["key"]
    title = prose.plain(model.title) + " (answer key)"
    for flavor in render.MD_FLAVORS:
        text = render.markdown(model, flavor)
        match = FRONT_MATTER.match(text)
        if flavor == "github":  # GitHub would show front matter as a table: the # heading is the title
            assert match is None and text.startswith(f"# {prose.markdown(model.title)} (answer key)\n")
            continue
        assert match, f"{flavor}: no YAML front matter"
        assert yaml.safe_load(match.group(1)) == {"title": title, "date": DATE}
        headings = re.findall(r"^# .*$", text, re.M)
        assert len(headings) == (0 if flavor == "quarto" else 1), f"{flavor}: {headings}"


def test_an_unknown_flavor_is_refused(models: dict[str, Handout]) -> None:
    with pytest.raises(DerivkitError, match="unknown Markdown flavor 'pandoc'; use one of github, mkdocs"):
        render.markdown(models["key"], "pandoc")


def myst_parser() -> MarkdownIt:
    return (MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
            .use(dollarmath_plugin, allow_labels=True, allow_space=False, allow_digits=False, double_inline=True)
            .use(amsmath_plugin).use(myst_role_plugin))


def inline_text(tokens: list) -> str:
    return " ".join(child.content for t in tokens if t.type == "inline" for child in t.children or []
                    if child.type == "text")


@pytest.mark.parametrize("name", ["key", "broken"])
def test_myst_labels_every_step_and_references_resolve(models: dict[str, Handout], name: str) -> None:
    model = models[name]
    text = render.markdown(model, "myst")
    tokens = myst_parser().parse(text)
    assert tokens[0].type == "front_matter" and yaml.safe_load(tokens[0].content)["title"]
    labelled = {t.info: t.content for t in tokens if t.type == "math_block_label"}
    assert list(labelled) == [f"{page(model)}-step-{n}" for n in steps(model)]
    refs = [c.content for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "myst_role"
            and c.meta.get("name") == "eq"]
    assert refs, "no {eq} reference"
    assert set(refs) <= set(labelled), f"references without a label: {set(refs) - set(labelled)}"
    assert not any(t.type == "math_block_label" and not t.content.strip() for t in tokens)
    assert "$" not in inline_text(tokens), "a $ left unparsed by dollarmath"
    assert "<table>" in myst_parser().render(text)


def test_myst_labels_differ_between_the_variants_of_one_handout() -> None:
    derivation = registry.load("chain-rule")
    report = derivation.verify()
    labels = [set(re.findall(r"^\$\$ \((.+)\)$", render.markdown(render.handout(derivation, report, v, date=DATE),
                                                                  "myst"), re.M)) for v in render.VARIANTS]
    assert all(labels) and not (labels[0] & labels[1] or labels[0] & labels[2] or labels[1] & labels[2])


@pytest.mark.parametrize("name", ["key", "broken"])
def test_mkdocs_arithmatex_typesets_every_formula_and_anchors_resolve(models: dict[str, Handout], name: str) -> None:
    import markdown

    model = models[name]
    text = render.markdown(model, "mkdocs")
    match = FRONT_MATTER.match(text)
    assert match and yaml.safe_load(match.group(1))["title"]  # MkDocs reads and strips the front matter itself
    body = text[match.end():]
    html = markdown.markdown(body, extensions=["tables", "pymdownx.arithmatex"],
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})
    blocks = re.findall(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', html, re.S)
    assert len(blocks) == len(displays(body))
    tags = [int(n) for b in blocks for n in re.findall(r"\\tag\{(\d+)\}", b)]
    assert tags == steps(model)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', html))
    assert anchors == {f"step-{n}" for n in steps(model)}
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert links and set(links) <= anchors
    outside = re.sub(r'<(span|div) class="arithmatex">.*?</\1>', "", html, flags=re.S)
    assert "$" not in outside and not re.search(r"\\[A-Za-z]{2,}", outside), "math arithmatex did not take"
    assert "<table>" in html


@pytest.mark.parametrize("name", ["key", "broken"])
def test_quarto_labels_and_cross_references(models: dict[str, Handout], name: str) -> None:
    model = models[name]
    text = render.markdown(model, "quarto")
    labels = [after.strip() for _, after in displays(text) if after.strip()]
    assert all(re.fullmatch(r"\{#eq-[A-Za-z0-9_-]+\}", label) for label in labels), labels
    names = [label[2:-1] for label in labels]
    assert names == [f"eq-{page(model)}-step-{n}" for n in steps(model)] and len(set(names)) == len(names)
    refs = re.findall(r"\[-@(eq-[A-Za-z0-9_-]+)\]", text)
    assert refs and set(refs) <= set(names)
    # Pandoc reads $ math only with no space inside the delimiters, as dollarmath does (which knows
    # no {#eq-} attribute: it is taken off first).
    tokens = myst_parser().parse(re.sub(r"^\$\$ \{#eq-[^}]+\}$", "$$", text, flags=re.M))
    assert "$" not in inline_text(tokens)


@pytest.mark.parametrize("name", ["key", "broken"])
def test_github_tags_each_step_and_refers_by_number(models: dict[str, Handout], name: str) -> None:
    model = models[name]
    text = render.markdown(model, "github")
    tags = [int(n) for tex, _ in displays(text) for n in re.findall(r"\\tag\{(\d+)\}$", tex)]
    assert tags == steps(model)
    assert all(not after for _, after in displays(text)), "GitHub reads nothing after the closing $$"
    assert "{eq}" not in text and "@eq-" not in text and "<a id=" not in text
    tokens = (MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, allow_space=False,
                                                             allow_digits=False, double_inline=True).parse(text))
    assert "$" not in inline_text(tokens)


def test_a_failure_note_refers_to_the_failing_step(models: dict[str, Handout]) -> None:
    expected = {"github": "step 1**", "mkdocs": "step [1](#step-1)**", "myst": "step {eq}`broken-step-1`**",
                "quarto": "step [-@eq-broken-step-1]**"}
    for flavor, ref in expected.items():
        assert f"> **Verification FAILED at {ref}" in render.markdown(models["broken"], flavor), flavor
