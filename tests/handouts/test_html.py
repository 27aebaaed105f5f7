"""HTML handouts without a browser: the page's structure, escaping, what a worksheet hides, its
blanks sized like the Markdown's, the Result / Also-derived split, the course line, the students'
and the keys' index, and the build (pages, index.html, the bundled KaTeX, and its cache). The
browser test is tests/handouts/test_browser.py."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy as sp

from derivkit import Derivation, sigmoid
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.handouts import sources
from derivkit.handouts.build import build
from derivkit.handouts.latex_printer import to_latex
from derivkit.handouts.model import CourseInfo, IndexEntry, IndexPart

DATE = "2024-01-01"
PACKAGE = Path(render.__file__).resolve().parent
COURSE = CourseInfo("Deep nets", "Ada <L>", "U & V")
#: A worksheet's box, as TeX in the page: its depth, height (ex) and width (em).
BLANK = re.compile(r"\\boxed\{\\rule\[-([\d.]+)ex\]\{0pt\}\{([\d.]+)ex\}\\hspace\{([\d.]+)em\}\}")


class Links(HTMLParser):
    """Every src and href of a page, and the text of its <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.title, self._in_title = "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in ("src", "href")]
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def links(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def sigmoid_derivative() -> tuple[Derivation, object]:
    derivation = registry.load("sigmoid-derivative")
    return derivation, derivation.verify()


def test_a_page_is_a_whole_document_with_only_relative_links(sigmoid_derivative: tuple) -> None:
    page = render.html(render.handout(*sigmoid_derivative, "handout", date=DATE))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page and "@media (max-width" in page
    parsed = links(page)
    assert parsed.title == "The sigmoid's derivative and its identities"
    assert {"katex/katex.min.css", "katex/katex.min.js", "katex/LICENSE", "index.html",
            "figures/sigmoid.svg"} <= set(parsed.urls)
    assert not [u for u in parsed.urls if re.match(r"[a-z]+:", u) or u.startswith("//")], "an absolute URL"
    assert '<div class="step" id="step-6">' in page and "✓ proved" in page


def test_math_and_prose_are_escaped_for_html() -> None:
    d = Derivation("esc", "A <b>bold</b> & $x < y$ title", "Prose with <script>alert(1)</script>.")
    z = d.symbol("z", "real", "the logit")
    c = d.chain("Bounds")
    c.start(sigmoid(z), rule="the sigmoid")
    c.compare("<", sp.Integer(1), rule="less than one")
    page = render.html(render.handout(d, d.verify(), "handout", date=DATE))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'A &lt;b&gt;bold&lt;/b&gt; &amp; <span class="math inline">x &lt; y</span> title' in page
    assert links(page).title == "A <b>bold</b> & x < y title"
    displays = re.findall(r'<div class="math display">(.*?)</div>', page, re.S)
    assert any("&lt;" in tex and "<" not in tex for tex in displays)


@pytest.mark.parametrize("derivation_id", ["sigmoid-derivative", "chain-rule"])
def test_the_worksheet_page_hides_what_the_markdown_worksheet_hides(derivation_id: str) -> None:
    derivation = registry.load(derivation_id)
    report = derivation.verify()
    pages = {v: render.html(render.handout(derivation, report, v, date=DATE)) for v in render.VARIANTS}
    hidden = [to_latex(s.relation.rhs) for s in derivation.steps if s.exercise]
    assert hidden
    for answer in hidden:
        if not re.fullmatch(r"[A-Za-z0-9]", answer):
            assert html.escape(answer, quote=False) not in pages["worksheet"]
    assert "Your turn: fill in this step" in pages["worksheet"] and BLANK.search(pages["worksheet"])
    assert 'id="answers"' not in pages["worksheet"] and 'id="answers"' in pages["key"]
    assert r"\colorbox{#dbeafe}" in pages["key"] and r"\colorbox" not in pages["handout"]


def sections(page: str) -> dict[str, str]:
    """Each <h2>'s id and the page up to the next <h2> (or the footer)."""
    body = page.split("<footer>", 1)[0]
    return dict(re.findall(r'<h2 id="([\w-]+)">.*?</h2>(.*?)(?=<h2 |\Z)', body, re.S))


def md_sections(md: str) -> dict[str, str]:
    return dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", md.split("\n---\n")[0], re.S | re.M))


@pytest.mark.parametrize("derivation_id", ["sigmoid-derivative", "odds-and-log-odds"])
def test_the_result_section_holds_the_main_result_and_also_derived_the_others(derivation_id: str) -> None:
    derivation = registry.load(derivation_id)
    model = render.handout(derivation, derivation.verify(), "handout", date=DATE)
    page, md = render.html(model), render.markdown(model)
    html_parts, md_parts = sections(page), md_sections(md)
    names = {key: re.findall(r'<span class="name">([\w-]+)</span>', html_parts[key])
             for key in ("result", "also-derived")}
    assert names["result"] == [derivation.main_result] == [r.name for r in model.main_results]
    assert names["also-derived"] == [r.name for r in model.other_results] and len(names["also-derived"]) > 1
    for key, heading in (("result", "Result"), ("also-derived", "Also derived")):  # what the Markdown lists
        assert names[key] == re.findall(r"\(`([\w-]+)`\)", md_parts[heading])
        steps = re.findall(r', derived in <a href="#step-(\d+)">step \1</a>', html_parts[key])
        assert steps == re.findall(r", derived in step (\d+)", md_parts[heading])
    assert page.count('<div class="result main"') == 1 and "<h2 id=\"result\">Result</h2>" in page


def test_a_single_result_has_no_also_derived() -> None:
    d = Derivation("one", "One result")
    x = d.symbol("x", "real", "the input")
    c = d.chain("Differentiate")
    c.start(sp.Derivative(x ** 2, x))
    c.equals(2 * x, rule="the power rule")
    c.conclude("slope", main=True)
    page = render.html(render.handout(d, d.verify(), "handout", date=DATE))
    assert list(sections(page)) == ["symbols", "derivation", "result"]
    assert "Also derived" not in page and 'id="also-derived"' not in page
    assert re.findall(r'<span class="name">([\w-]+)</span>', sections(page)["result"]) == ["slope"]


def test_the_course_line_heads_every_page_of_a_course() -> None:
    derivation = registry.load("chain-rule")
    report = derivation.verify()
    for variant in render.VARIANTS:
        page = render.html(render.handout(derivation, report, variant, date=DATE, course=COURSE))
        head = page.split("<h1>", 1)[0]
        assert '<p class="course">Deep nets · Ada &lt;L&gt;, U &amp; V</p>' in head, variant
        home = "keys.html" if variant == "key" else "index.html"  # a key links the keys' index
        assert f'<nav><a href="{home}">' in head
    plain = render.html(render.handout(derivation, report, "handout", date=DATE))
    assert 'class="course"' not in plain  # no course.toml title or author: no empty line
    only_title = render.html(render.handout(derivation, report, "handout", date=DATE, course=CourseInfo("Deep nets")))
    assert '<p class="course">Deep nets</p>' in only_title


def test_index_pages_carry_the_course_heading_and_keys_have_their_own() -> None:
    part = IndexPart("", "", (IndexEntry("a", "Alpha", True, "3 proved", (("html", "a.html"),)),))
    students = render.index([part], DATE, "html", course=COURSE)
    keys = render.index([part], DATE, "html", course=COURSE, keys=True)
    assert links(students).title == "Deep nets" and links(keys).title == "Deep nets: answer keys"
    assert "<h1>Deep nets</h1>" in students and "<h1>Deep nets: answer keys</h1>" in keys
    for page in (students, keys):
        assert '<p class="byline">Ada &lt;L&gt;, U &amp; V</p>' in page
    assert "for instructors" in keys and "for instructors" not in students
    bare = render.index([part], DATE, "html")
    assert "<h1>derivkit handouts</h1>" in bare and 'class="byline"' not in bare


def test_worksheet_blanks_are_sized_like_their_answers_as_in_the_markdown() -> None:
    d = Derivation("blanks", "Short and long blanks")
    x = d.symbol("x", "real", "the input")
    short = d.chain("A short answer")
    short.start(sp.Derivative(x ** 2 / 2, x))
    short.equals(x, rule="the power rule", exercise=True)
    long = d.chain("A long answer")
    long.start(sp.Derivative(sp.Add(*(-sp.cos(k * x) / k ** 2 for k in range(1, 7))), x))
    long.equals(sp.Add(*(sp.sin(k * x) / k for k in range(1, 7))), rule="term by term", exercise=True)
    model = render.handout(d, d.verify(), "worksheet", date=DATE)
    page = render.html(model)
    boxes = [(float(depth), float(height), float(width)) for depth, height, width in BLANK.findall(page)]
    hidden = [r for c in model.chains for r in c.rows if r.blank] + [r for r in model.results if r.blank]
    assert [(h, w) for _, h, w in boxes] == [(r.layout.blank.height, r.layout.blank.width) for r in hidden]
    (_, short_height, short_width), (_, long_height, long_width) = boxes[:2]  # the two steps
    assert short_width < long_width and short_height <= long_height
    assert BLANK.findall(page) == BLANK.findall(render.markdown(model))  # one box, two formats


def test_index_page_follows_the_index_model() -> None:
    entries = (IndexEntry("a", "Alpha $x$", True, "3 proved", (("md", "a.md"), ("html", "a.html"),
                                                               ("key html", "a-key.html"))),
               IndexEntry("b", "Beta", False, "FAILED at step 2", (("md", "b.md"),)))
    page = render.index([IndexPart("Basics", "Start here.", entries, 1)], DATE, "html")
    assert '<h2>1. Basics</h2>' in page and "<p>Start here.</p>" in page
    assert '<a href="a.html">Alpha <span class="math inline">x</span></a>' in page  # the title opens the page
    assert '<a href="b.md">Beta</a>' in page  # no page: its first file
    assert '<a href="a-key.html">key html</a>' in page and "✗" in page and "Built on 2024-01-01." in page


def test_the_vendored_katex_is_complete_and_attributed() -> None:
    folder = PACKAGE / "static" / "katex"
    css = (folder / "katex.min.css").read_text()
    fonts = set(re.findall(r"url\(fonts/([\w-]+\.woff2)\)", css))
    assert fonts and fonts == {p.name for p in (folder / "fonts").glob("*.woff2")}
    version = re.search(r'version:"([\d.]+)"', (folder / "katex.min.js").read_text()).group(1)
    assert f"KaTeX {version} (MIT licence" in (folder / "VENDORED.md").read_text()
    assert "The MIT License" in (folder / "LICENSE").read_text()
    assert {p.name for p in sources.static()} >= {"katex.min.js", "katex.min.css", "LICENSE"}


def test_build_html_writes_pages_index_and_katex_and_caches_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(out, formats=["html"], only=["sigmoid-from-logit"], variants=["handout", "key"], date=DATE,
                  progress=False, echo=lambda line: None)
    assert first.exit_status == 0
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert {"sigmoid-from-logit.html", "sigmoid-from-logit-key.html", "index.html", "index.md",
            "figures/sigmoid.svg", "katex/katex.min.js", "katex/fonts/KaTeX_Main-Regular.woff2"} <= names
    assert not any(n.endswith(".tex") or (n.endswith(".md") and n not in ("index.md", "keys.md")) for n in names)
    assert (out / "katex" / "katex.min.js").read_bytes() == (PACKAGE / "static" / "katex" / "katex.min.js").read_bytes()
    assert '<a href="sigmoid-from-logit.html">' in (out / "index.html").read_text()
    again = build(out, formats=["html"], only=["sigmoid-from-logit"], variants=["handout", "key"], date=DATE,
                  progress=False, echo=lambda line: None)
    assert again.up_to_date and not again.written


def test_a_new_md_flavor_rewrites_the_markdown_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kwargs = {"formats": ["md", "html"], "only": ["sigmoid-from-logit"], "date": DATE, "progress": False,
              "echo": lambda line: None}
    build(out, **kwargs)
    assert not (out / "sigmoid-from-logit.md").read_text().startswith("---")
    myst = build(out, md_flavor="myst", **kwargs)
    assert not myst.up_to_date and not myst.verified_now
    written = {p.name for p in myst.written}
    assert written == {"sigmoid-from-logit.md", "index.md"}, written
    assert (out / "sigmoid-from-logit.md").read_text().startswith("---\ntitle: ")
    assert "$$ (sigmoid-from-logit-step-1)" in (out / "sigmoid-from-logit.md").read_text()
