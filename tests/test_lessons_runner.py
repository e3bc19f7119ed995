"""`make course` machinery: a failing lesson is reported with its cell; stored outputs stay small."""
import json
from pathlib import Path

import nbformat
import pytest

from ocrcourse.course_map import LESSONS
from ocrcourse.lessons_runner import format_summary, run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_BUDGET_BYTES = 400_000   # per lesson: small figures, no pip logs


def _nb(tmp_path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "ocrcourse", "display_name": "Python (ocrcourse)", "language": "python"}
    p = tmp_path / "99_demo.ipynb"
    nbformat.write(nb, p)
    return p


def test_failing_cell_is_named(tmp_path):
    p = _nb(tmp_path, ["x = 1", "# load the data\nraise ValueError('boom')", "y = 2"])
    r = run_notebook(p, tmp_path / "out")
    assert r.status == "failed" and r.failed_cell == 1
    assert "load the data" in r.error and "boom" in r.error
    assert (tmp_path / "out" / "99_demo.ipynb").exists() and (tmp_path / "out" / "99_demo.html").exists()
    assert "1 failed" in format_summary([r])


def test_passing_notebook_stores_outputs(tmp_path):
    p = _nb(tmp_path, ["print(6 * 7)"])
    r = run_notebook(p, tmp_path / "out", store=True)
    assert r.status == "ok"
    out = nbformat.read(p, as_version=4).cells[0].outputs
    assert out[0]["text"].strip() == "42"


def test_run_lessons_is_headless(tmp_path, monkeypatch):
    monkeypatch.delenv("OCRCOURSE_HEADLESS", raising=False)
    p = _nb(tmp_path, ["import os; print(os.environ.get('OCRCOURSE_HEADLESS'))"])
    from ocrcourse.lessons_runner import run_lessons

    [r] = run_lessons(tmp_path, tmp_path / "out", pattern=p.name, store=True)
    assert r.status == "ok"
    assert nbformat.read(p, as_version=4).cells[0].outputs[0]["text"].strip() == "1"


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_lesson_is_small_and_executed(path):
    assert path.stat().st_size <= NOTEBOOK_BUDGET_BYTES, f"{path.name} is over its size budget"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), "stored outputs must come from a full run (make outputs)"
    text = json.dumps(nb)
    assert "pip install" not in text or "Successfully installed" not in text


def test_every_lesson_on_disk_is_on_the_course_map():
    stems = {p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}
    assert stems <= {stem for _, stem, _, _ in LESSONS}
