"""`make course` machinery: a failing lesson is reported with its cell; stored outputs stay small."""
import json
from pathlib import Path

import nbformat
import pytest

from ocrcourse.course_map import LESSONS
from ocrcourse.lessons_runner import IMAGE_TYPES, count_images, format_summary, run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_BUDGET_BYTES = 900_000   # per lesson: legible figures (100 dpi), no pip logs
PICTURE_BUDGET_BYTES = 250_000    # per picture: photos as JPEG, plots as PNG


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


def _with_committed_picture(path):
    """Pretend the committed copy holds one picture in its last cell."""
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    nbformat.write(nb, path)
    return path


PLOT = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"


def test_a_lesson_that_loses_its_pictures_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")          # what the Makefile used to export: plt.show() draws nothing
    p = _with_committed_picture(_nb(tmp_path, [PLOT]))
    r = run_notebook(p, tmp_path / "out")
    assert (r.status, r.images, r.expected_images) == ("failed", 0, 1)
    assert "pictures" in r.error and "0 / 1" in format_summary([r])


def test_setup_lesson_shows_figures_and_hides_paddle_notices(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")       # Paddle prints a notice at import when > 1
    p = _with_committed_picture(_nb(tmp_path, ["import ocrcourse\nocrcourse.setup_lesson()\nimport paddle",
                                               "import matplotlib\nprint(matplotlib.get_backend())", PLOT]))
    r = run_notebook(p, tmp_path / "out")
    assert (r.status, r.images) == ("ok", 1), r.error
    assert r.stderr == [], "setup_lesson let a notice through to stderr"
    out = nbformat.read(tmp_path / "out" / p.name, as_version=4)
    assert "inline" in out.cells[1].outputs[0]["text"]


def test_a_figure_object_shows_before_any_pyplot_figure(tmp_path, monkeypatch):
    """viz functions return Figure objects; ipykernel's own inline backend registers their display
    only at pyplot's first figure, so setup_lesson() registers it (lesson 02's first picture)."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    figure = "from matplotlib.figure import Figure\nfig = Figure(figsize=(2, 1))\nfig.subplots().plot([1, 2])\nfig"
    p = _with_committed_picture(_nb(tmp_path, ["import ocrcourse\nocrcourse.setup_lesson()", figure]))
    r = run_notebook(p, tmp_path / "out")
    assert (r.status, r.images) == ("ok", 1), r.error


def test_passing_notebook_stores_outputs(tmp_path):
    p = _nb(tmp_path, ["print(6 * 7)"])
    r = run_notebook(p, tmp_path / "out", store=True)
    assert r.status == "ok"
    out = nbformat.read(p, as_version=4).cells[0].outputs
    assert out[0]["text"].strip() == "42"


def test_the_kernel_logs_nothing_into_the_runs_output(tmp_path, capfd):
    """make course prints the runner's output: a kernel on TCP would log an encryption warning per lesson."""
    r = run_notebook(_nb(tmp_path, ["print(1)"]), tmp_path / "out")
    assert r.status == "ok"
    captured = capfd.readouterr()
    assert "WARNING" not in captured.err + captured.out, captured.err


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
    for cell in code:
        for out in cell.get("outputs", []):
            for kind in IMAGE_TYPES:
                if kind in out.get("data", {}):
                    size = len("".join(out["data"][kind])) * 3 // 4
                    assert size <= PICTURE_BUDGET_BYTES, f"{path.name}: a {kind} of {size} bytes"


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_lesson_starts_with_setup_lesson(path):
    """The first code cell calls ocrcourse.setup_lesson() before anything imports paddle or pyplot."""
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source
    assert "ocrcourse.setup_lesson()" in first
    before = first.split("ocrcourse.setup_lesson()")[0]
    assert "paddle" not in before and "matplotlib" not in before and "from ocrcourse" not in before


def test_every_lesson_on_disk_is_on_the_course_map():
    stems = {p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}
    assert stems <= {stem for _, stem, _, _ in LESSONS}


def test_a_dead_kernel_names_the_cell_it_died_in(tmp_path):
    p = _nb(tmp_path, ["x = 1", "import os; os._exit(1)", "print(x)"])
    r = run_notebook(p, tmp_path / "out", timeout=60)
    assert r.status == "failed" and r.failed_cell == 1, r
    assert "os._exit" in r.error
