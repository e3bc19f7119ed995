"""`ocrcourse doctor` finds the classic first-hour problems and names the fix."""
import os
import subprocess
import sys

import pytest

from ocrcourse import diagnose


def test_all_checks_run_and_pass_on_the_course_environment():
    checks = {c.name: c for c in diagnose.run_checks()}
    for name in ("Python", "PaddlePaddle", "NumPy / OpenCV", "CJK font", "Cache folder"):
        assert checks[name].ok, checks[name]


def test_unrelated_paddle_package_is_detected(monkeypatch):
    real = diagnose._dist_version
    monkeypatch.setattr(diagnose, "_dist_version", lambda n: "1.4.4" if n == "paddle" else real(n))
    c = diagnose.check_paddle()
    assert not c.ok and "pip uninstall -y paddle" in c.fix


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_cache_is_reported(monkeypatch, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("OCRCOURSE_HOME", str(locked))
    c = diagnose.check_cache_writable()
    assert not c.ok and "OCRCOURSE_HOME" in c.fix


def test_cache_path_that_is_a_file_is_reported(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("OCRCOURSE_HOME", str(blocker / "sub"))
    c = diagnose.check_cache_writable()
    assert not c.ok and "OCRCOURSE_HOME" in c.fix


def test_missing_widget_frontend_is_reported(monkeypatch):
    monkeypatch.setattr(diagnose, "_dist_version", lambda n: "8.1" if n == "ipywidgets" else None)
    c = diagnose.check_widgets()
    assert not c.ok and "jupyterlab_widgets" in c.fix


def test_format_shows_fix_lines():
    text = diagnose.format_checks([diagnose.Check("A", True, "fine"), diagnose.Check("B", False, "bad", "do x")])
    assert "OK   A" in text and "FIX  B" in text and "-> do x" in text


def test_cli_doctor_runs():
    out = subprocess.run([sys.executable, "-m", "ocrcourse.cli", "doctor"], capture_output=True, text=True)
    assert out.returncode == 0 and "PaddlePaddle" in out.stdout
