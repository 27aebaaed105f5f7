"""Every HTML page, opened from file:// in a real headless Chromium: its math typesets with the
bundled KaTeX (no ``.katex-error``, no raw TeX left in the visible text), its figures load, and no
request leaves the machine (every request is recorded; anything but file: and data: is aborted).

Needs Debian's ``chromium`` (``.ci/install-browser``) and the ``playwright`` Python package (the
``dev`` extra; its own browser download is not used). Without them the test is skipped locally and
fails on CI (env CI=true).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from derivkit.derivation import registry
from derivkit.handouts.build import build

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\$\$|\\[()\[\]]")
#: The text a reader sees: every text node outside scripts, styles and KaTeX's hidden MathML copy.
VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest("script, style, .katex-mathml")) parts.push(node.textContent);
  }
  return parts.join(" ");
}"""
PAGE_FACTS = """() => ({
  errors: Array.from(document.querySelectorAll(".katex-error")).map(e => e.getAttribute("title") || e.textContent),
  math: document.querySelectorAll(".math").length,
  typeset: document.querySelectorAll(".math > .katex, .math > .katex-display").length,
  brokenImages: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  katexFont: document.fonts.check("16px KaTeX_Main"),
})"""


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path:
        return path
    message = "Chromium or playwright missing: run .ci/install-browser and pip install -e '.[dev]'"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (required on CI)")
    pytest.skip(message)


class Browser:
    """A headless Chromium on a fresh profile that records every request and lets only local files through."""

    def __init__(self, executable: str, profile: Path) -> None:
        from playwright.sync_api import sync_playwright

        self._driver = sync_playwright().start()
        self.context = self._driver.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900})
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())

    def open(self, url: str) -> tuple[dict, str, list[str]]:
        """The page's facts (PAGE_FACTS), its visible text and the requests it made."""
        self.requests.clear()
        page = self.context.new_page()
        try:
            page.goto(url, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.evaluate(PAGE_FACTS), page.evaluate(VISIBLE_TEXT), list(self.requests)
        finally:
            page.close()

    def close(self) -> None:
        self.context.close()
        self._driver.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    executable = chromium()
    opened = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(out, formats=["html"], variants=["handout", "worksheet", "key"], date="2024-01-01",
                   progress=False, echo=lambda line: None)
    assert result.exit_status == 0, result.errors
    return out


def local(url: str, root: Path) -> bool:
    return url.startswith("data:") or (url.startswith("file://") and url[len("file://"):].startswith(str(root)))


@pytest.mark.slow
def test_every_page_renders_offline_without_math_errors(browser: Browser, site: Path) -> None:
    stems = [f"{i}{v}" for i in registry.ids() for v in ("", "-worksheet", "-key")]
    indexes = [site / "index.html", site / "keys.html"]
    pages = [site / f"{stem}.html" for stem in stems] + indexes
    assert len(pages) == 3 * len(registry.ids()) + 2
    problems = []
    for path in pages:
        facts, text, requests = browser.open(path.as_uri())
        name = path.name
        problems += [f"{name}: KaTeX error: {e}" for e in facts["errors"]]
        if facts["typeset"] != facts["math"]:
            problems.append(f"{name}: {facts['math'] - facts['typeset']} of {facts['math']} math elements not typeset")
        problems += [f"{name}: raw TeX in the visible text: {m!r}" for m in sorted(set(RAW_TEX.findall(text)))]
        problems += [f"{name}: image did not load: {src}" for src in facts["brokenImages"]]
        problems += [f"{name}: request leaves the machine: {url}" for url in requests if not local(url, site)]
        if facts["math"] and not facts["katexFont"]:
            problems.append(f"{name}: the bundled KaTeX fonts did not load")
        if path not in indexes:
            assert any(url.endswith("/katex/katex.min.js") for url in requests), name
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_browser_check_catches_an_error_raw_tex_and_a_remote_request(browser: Browser, site: Path) -> None:
    """The checks above can fail: a page with bad TeX, untypeset TeX and a remote image trips each one."""
    bad = site / "bad.html"
    page = (site / "sigmoid-derivative.html").read_text()
    bad.write_text(page.replace("<main", '<p>$$\\frac{1}{2}$$</p><span class="math inline">\\frac{1}{</span>'
                                '<img src="http://derivkit.invalid/x.png" alt="remote"><main', 1))
    facts, text, requests = browser.open(bad.as_uri())
    assert facts["errors"], "a KaTeX parse error shows as .katex-error"
    assert RAW_TEX.search(text)
    assert [url for url in requests if not local(url, site)] == ["http://derivkit.invalid/x.png"]
    assert "http://derivkit.invalid/x.png" in facts["brokenImages"]
