"""Take the README's two screenshots of an HTML handout (desktop and phone width) with Debian's
chromium, as small palette PNGs: ``.venv/bin/python tools/screenshots.py [BUILD_DIR]``.

BUILD_DIR holds a ``derivkit build --format html`` output (default: build/handouts; built first when
the page is missing). Needs the dev extra (playwright) and ``.ci/install-browser``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGE = "sigmoid-derivative-key.html"
SHOTS = {"handout-html-desktop.png": ({"width": 1100, "height": 1000}, ""),
         "handout-html-phone.png": ({"width": 390, "height": 780}, "#step-5")}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(out: Path) -> None:
    if not (out / PAGE).exists():
        subprocess.run([sys.executable, "-m", "derivkit", "build", "--format", "html", "--variant", "all",
                        "--only", "sigmoid-derivative", "--out", str(out), "--no-progress"], check=True)
    executable = shutil.which("chromium") or "chromium"
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                            args=FLAGS, device_scale_factor=1)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())
        for name, (viewport, anchor) in SHOTS.items():
            page = context.new_page()
            page.set_viewport_size(viewport)
            page.goto((out / PAGE).resolve().as_uri() + anchor, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            target = ROOT / "docs" / "img" / name
            page.screenshot(path=str(target))
            Image.open(target).convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(
                target, optimize=True)
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KiB")
            page.close()
        context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "handouts")
