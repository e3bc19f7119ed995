"""make course's static site: an index of every lesson, pages that load nothing from the network."""
import re
from pathlib import Path

import nbformat

from ocrcourse.course_map import LESSONS
from ocrcourse.course_site import MATHJAX_CONFIG, build_site

ROOT = Path(__file__).resolve().parents[1]


def test_site_pages_are_offline(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    for stem in ("04_db_head_and_labels",):                 # one lesson with formulas and pictures
        nb = nbformat.read(ROOT / "lessons" / f"{stem}.ipynb", as_version=4)
        nbformat.write(nb, executed / f"{stem}.ipynb")
    index = build_site(executed, tmp_path / "site")
    text = index.read_text(encoding="utf-8")
    assert text.count("<tr><td>") == len(LESSONS) and "(not run)" in text
    assert 'href="04_db_head_and_labels.html"' in text
    page = (tmp_path / "site" / "04_db_head_and_labels.html").read_text(encoding="utf-8")
    remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page)
    assert remote == [], f"the page loads {remote}"
    assert f'src="mathjax/MathJax.js?config={MATHJAX_CONFIG}"' in page
    assert (tmp_path / "site" / "mathjax" / "MathJax.js").is_file()
    assert "$$" in page and page.count("data:image/") >= 1
