"""HTML handouts without a browser: the page's structure, escaping, what a worksheet hides, the
index, and the build (pages, index.html, the bundled KaTeX, and its cache). The browser test is
tests/handouts/test_browser.py."""

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
from derivkit.handouts.model import IndexEntry, IndexPart

DATE = "2024-01-01"
PACKAGE = Path(render.__file__).resolve().parent


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
    assert "Your turn: fill in this step" in pages["worksheet"] and r"\hspace{7em}" in pages["worksheet"]
    assert 'id="answers"' not in pages["worksheet"] and 'id="answers"' in pages["key"]
    assert r"\colorbox{#dbeafe}" in pages["key"] and r"\colorbox" not in pages["handout"]


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
