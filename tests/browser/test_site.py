"""The static course site opens offline: formulas rendered, every picture there, no network request.

Built from the committed lessons (they hold their outputs), opened from file:// in Debian's
chromium with every non-file request blocked and recorded. Run: `make browser-test`.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from ocrcourse.course_map import LESSONS
from ocrcourse.course_site import build_site
from ocrcourse.lessons_runner import count_images

ROOT = Path(__file__).resolve().parents[2]
MATH_LESSON = "04_db_head_and_labels"       # holds $$ ... $$ formulas


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(ROOT / "lessons", tmp_path_factory.mktemp("site"))


def test_site_opens_offline_with_formulas_and_pictures(site, chromium, shots):
    from playwright.sync_api import sync_playwright

    source = (ROOT / "lessons" / f"{MATH_LESSON}.ipynb").read_text(encoding="utf-8")
    assert "$$" in source, "pick a lesson with display formulas"
    expected = count_images(nbformat.read(ROOT / "lessons" / f"{MATH_LESSON}.ipynb", as_version=4))
    network = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 850})

        def block(route):
            if route.request.url.startswith("file:"):
                return route.continue_()
            network.append(route.request.url)
            return route.abort()

        page.route("**/*", block)
        page.goto(site.as_uri())
        links = page.locator("a[href$='.html']")
        assert links.count() == len(LESSONS)
        page.screenshot(path=str(shots / "site-index.png"))

        page.goto((site.parent / f"{MATH_LESSON}.html").as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
                               "&& document.querySelectorAll('.MathJax, .MathJax_Display').length > 0",
                               timeout=60_000, polling=250)
        markdown = page.evaluate("() => [...document.querySelectorAll('.jp-RenderedMarkdown')]"
                                 ".map(e => e.innerText).join('\\n')")
        raw = re.findall(r"\$\$[^$]{0,40}", markdown)
        assert not raw, f"formulas left as raw TeX: {raw[:3]}"
        errors = page.locator(".MathJax_Error, .mjx-merror").count()
        assert errors == 0, f"{errors} formulas failed to typeset"
        formulas = page.evaluate("() => [...document.querySelectorAll('.MathJax, .MathJax_Display')]"
                                 ".map(e => e.innerText)")
        escaped = [f for f in formulas if "\\" in f]     # MathJax 2.7 shows \text{a\_b}'s backslash
        assert not escaped, f"formulas show a TeX backslash: {escaped[:2]}"
        decoded = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output img')]"
                                ".filter(im => im.complete && im.naturalWidth > 0).length")
        assert decoded >= expected >= 1
        page.locator(".MathJax_Display").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"site-{MATH_LESSON}.png"))
        browser.close()
    assert not network, f"the site asked the network for {network[:5]}"
