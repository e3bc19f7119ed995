"""A static course site that opens offline: an index with the lesson map, one page per executed lesson.

`make course` runs every lesson into `build/lessons/` and then calls `build_site` to write
`build/site/`: open `build/site/index.html` in a browser, with no network.

Why nbconvert with a local MathJax: the executed notebooks already exist (`make course` writes
them), so turning each into a page is nbconvert's `HTMLExporter` with JupyterLab's look -- the
tool `make course` already uses, no second build system. Its pages fetch MathJax, require.js and
mermaid from CDNs; here a small template drops the scripts a headless run never needs (widget
state, require.js, mermaid) and points MathJax at a copy next to the pages, taken from the
Jupyter project's `jupyter-server-mathjax` package (MathJax 2.7, the version nbconvert targets).
jupyter-book / MyST would render the same pages but brings a Sphinx or Node tool-chain and
re-executes or re-parses the notebooks; for 18 pages and an index it is not needed.

    python -m ocrcourse.course_site build/lessons build/site
"""
from __future__ import annotations

import html
import os
import shutil
import sys
from pathlib import Path

__all__ = ["MATHJAX_CONFIG", "mathjax_folder", "build_site"]

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"

# lab/index.html.j2 without the network: no require.js, widgets or mermaid; a link to the index.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}
{{ super() }}
<nav style="padding: 8px 0 16px 0; font-family: sans-serif;"><a href="index.html">&larr; all lessons</a></nav>
{%- endblock body_header -%}
"""


def mathjax_folder() -> Path:
    """The MathJax 2.7 files shipped by `jupyter-server-mathjax` (MathJax.js, config/, jax/, fonts/)."""
    try:
        import jupyter_server_mathjax
    except ImportError as e:
        raise ImportError("the offline course site needs MathJax: pip install jupyter-server-mathjax") from e
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise FileNotFoundError(f"no MathJax.js in {folder}; reinstall jupyter-server-mathjax")
    return folder


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"offline.html.j2": _TEMPLATE})],
                        template_file="offline.html.j2",
                        mathjax_url=f"mathjax/MathJax.js?config={MATHJAX_CONFIG}")


def _index(pages: list[tuple[str, str, str, str]]) -> str:
    rows = "\n".join(
        f'<tr><td>{num}</td><td><a href="{html.escape(page)}">{html.escape(title)}</a></td>'
        f"<td>{html.escape(strategies)}</td></tr>" if page else
        f"<tr><td>{num}</td><td>{html.escape(title)} (not run)</td><td>{html.escape(strategies)}</td></tr>"
        for num, page, title, strategies in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ocrcourse: learn PP-OCR by building it</title>
<style>body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.5; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 4px 12px; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: top; }}</style></head>
<body><h1>ocrcourse &mdash; learn PP-OCR by building it and running it</h1>
<p>Each lesson as <code>make course</code> executed it (quick mode), with its figures and formulas.
This site needs no network. To run the lessons yourself: <code>make lab</code>.</p>
<table><tr><th>#</th><th>lesson</th><th>PP-OCR strategies</th></tr>
{rows}
</table></body></html>
"""


def build_site(executed_dir: str | os.PathLike, site_dir: str | os.PathLike) -> Path:
    """Write `site_dir/index.html`, one page per executed lesson in `executed_dir`, and MathJax.

    Returns the index page's path. Lessons of the course map with no executed notebook are listed
    as "not run".
    """
    import nbformat

    from ocrcourse.course_map import LESSONS

    executed_dir, site_dir = Path(executed_dir), Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(mathjax_folder(), site_dir / "mathjax", dirs_exist_ok=True)
    exporter = _exporter()
    pages = []
    for num, stem, title, strategies in LESSONS:
        notebook = executed_dir / f"{stem}.ipynb"
        if not notebook.is_file():
            pages.append((num, "", title, strategies))
            continue
        body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
        (site_dir / f"{stem}.html").write_text(body, encoding="utf-8")
        pages.append((num, f"{stem}.html", title, strategies))
    index = site_dir / "index.html"
    index.write_text(_index(pages), encoding="utf-8")
    return index


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m ocrcourse.course_site EXECUTED_NOTEBOOKS_DIR SITE_DIR")
    print(f"course site: {build_site(sys.argv[1], sys.argv[2])}")
