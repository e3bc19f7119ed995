"""data_scripts/full_smoke.py (make full-smoke): the peak-memory probe sees a child process's memory,
and a lesson runs in full mode with the step cap set in its kernel's environment."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import nbformat

SCRIPT = Path(__file__).resolve().parents[2] / "data_scripts" / "full_smoke.py"


def _module():
    spec = importlib.util.spec_from_file_location("_full_smoke", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_peak_rss_counts_a_child_process():
    smoke = _module()
    with smoke.PeakRSS(interval=0.05) as rss:
        child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(300 * 2**20); "
                                  "b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)"])
        child.wait()
        time.sleep(0.1)
    assert rss.peak > 300 * 2**20


def test_cpu_seconds_of_a_busy_child():
    smoke = _module()
    with smoke.PeakRSS(interval=0.05) as rss:
        child = subprocess.Popen([sys.executable, "-c", "import time\nt = time.process_time()\n"
                                  "while time.process_time() - t < 1.0: pass\ntime.sleep(0.3)"])
        child.wait()
    assert rss.cpu_seconds >= 0.8


def test_a_lesson_runs_in_full_mode_with_the_cap(tmp_path, monkeypatch):
    for key in ("OCRCOURSE_MODE", "OCRCOURSE_MAX_STEPS", "OCRCOURSE_HEADLESS"):   # main() sets them; restored after
        monkeypatch.setenv(key, "")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from ocrcourse import settings\nassert settings.mode() == 'full' and settings.cap_steps(2000) == 3")]
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nbformat.write(bad, tmp_path / "02_y.ipynb")
    smoke = _module()
    rc = smoke.main(["--steps", "3", "--folder", str(tmp_path), "--out", str(tmp_path / "out")])
    table = (tmp_path / "out" / "full_smoke.md").read_text()
    assert rc == 1 and "| 01_x | ok |" in table and "| 02_y | failed |" in table and "boom" in table


def test_lessons_selects_by_number_and_refuses_unknown_ones(tmp_path, monkeypatch):
    for key in ("OCRCOURSE_MODE", "OCRCOURSE_MAX_STEPS", "OCRCOURSE_HEADLESS"):
        monkeypatch.setenv(key, "")
    for name in ("01_x", "02_y"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("raise ValueError('boom')" if name == "02_y" else "x = 1")]
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    smoke = _module()
    rc = smoke.main(["--lessons", "1", "--folder", str(tmp_path), "--out", str(tmp_path / "out")])
    table = (tmp_path / "out" / "full_smoke.md").read_text()
    assert rc == 0 and "| 01_x | ok |" in table and "02_y" not in table
    try:
        smoke.main(["--lessons", "01", "07", "--folder", str(tmp_path), "--out", str(tmp_path / "out")])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("an unknown lesson number must be refused")


def test_a_batch_cap_reaches_only_the_lesson_it_names(tmp_path, monkeypatch):
    for key in ("OCRCOURSE_MODE", "OCRCOURSE_MAX_STEPS", "OCRCOURSE_HEADLESS", "OCRCOURSE_MAX_BATCH"):
        monkeypatch.setenv(key, "")
    for name, expected in (("01_x", 8), ("02_y", 4)):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(f"from ocrcourse import settings\nassert settings.cap_batch(8) == {expected}")]
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    smoke = _module()
    rc = smoke.main(["--max-batch", "02=4", "--folder", str(tmp_path), "--out", str(tmp_path / "out")])
    table = (tmp_path / "out" / "full_smoke.md").read_text()
    assert rc == 0 and "| 01_x | ok |" in table and "| 02_y | ok |" in table
    assert "OCRCOURSE_MAX_BATCH) in lesson 02 at 4" in table
    assert smoke.parse_batch_caps(["4"]) == {"*": 4} and smoke.parse_batch_caps(["15=4", "13=8"]) == {"15": 4, "13": 8}
    for bad in ("15=0", "x=4", "four", "150=4"):
        try:
            smoke.parse_batch_caps([bad])
        except SystemExit as exc:
            assert "--max-batch" in str(exc)
        else:
            raise AssertionError(f"{bad!r} must be refused")
