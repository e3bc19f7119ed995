"""The README's AI Studio recipe, run as written: install into a --target folder, append it to sys.path.

The two steps are read from the README (and from `ocrcourse doctor`'s hint), with AI Studio's
persistent folder swapped for a temporary one, and run in a fresh virtual environment that has never
seen the course: the import must come from that folder. An editable (`-e`) install would not pass: it
leaves a `.pth` file, which Python reads only in site-packages, never in a folder on `sys.path`.

The install uses uv (`uv pip install`, the same flags as the README's pip command, plus `--no-deps`
so the test needs no dependency downloads); the test skips when uv is not there.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ocrcourse import diagnose

ROOT = Path(__file__).resolve().parents[1]
PERSISTENT = "/home/aistudio/external-libraries"


def _uv() -> str | None:
    local = ROOT / ".venv" / "bin" / "uv"
    return str(local) if local.exists() else shutil.which("uv")


def _readme_recipe() -> tuple[list[str], str]:
    """(pip install arguments, the sys.path statement) of the README's AI Studio bullet."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    bullet = text[text.index("- **AI Studio:**"):]
    bullet = bullet[:bullet.index("\n- ")]
    pip = re.search(r"`pip install ([^`]*)`", bullet)
    path_step = re.search(r"`(import sys; sys\.path\.[^`]*)`", bullet)
    assert pip and path_step, f"the README's AI Studio bullet lost its commands:\n{bullet}"
    return pip.group(1).split(), path_step.group(1)


def test_readme_recipe_is_not_editable_and_doctor_gives_the_same_steps(monkeypatch):
    args, path_step = _readme_recipe()
    assert "-e" not in args and "--editable" not in args
    assert PERSISTENT in args and PERSISTENT in path_step
    monkeypatch.setattr(diagnose, "on_ai_studio", lambda: True)
    monkeypatch.setattr("sys.path", [p for p in __import__("sys").path if p != PERSISTENT])
    hint = diagnose.check_ai_studio().fix
    assert "pip install " + " ".join(args) in hint
    assert path_step.replace('"', "'") in hint.replace('"', "'")


@pytest.mark.skipif(_uv() is None, reason="uv is not installed")
def test_readme_recipe_imports_the_course_in_a_fresh_environment(tmp_path):
    uv = _uv()
    args, path_step = _readme_recipe()
    target = tmp_path / "external-libraries"
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", str(ROOT / ".venv" / "bin" / "python"), str(venv)],
                   check=True, capture_output=True, text=True)
    python = venv / "bin" / "python"
    # a copy of what the build reads, so setuptools' build/ folder never lands in the repository
    source = tmp_path / "course"
    shutil.copytree(ROOT / "ocrcourse", source / "ocrcourse", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    install = [str(target) if a == PERSISTENT else a for a in args]
    done = subprocess.run([uv, "pip", "install", "-q", "--python", str(python), "--no-deps", *install],
                          cwd=source, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (target / "ocrcourse" / "__init__.py").exists()
    assert not list(target.glob("*.pth")), "an install that needs a .pth file does not work from sys.path"

    program = path_step.replace(PERSISTENT, str(target)) + "\nimport ocrcourse\nprint(ocrcourse.__file__)"
    # not from the repository: its own ocrcourse/ folder would be found through the current directory
    ran = subprocess.run([str(python), "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert Path(ran.stdout.strip()).resolve() == (target / "ocrcourse" / "__init__.py").resolve()

    without = subprocess.run([str(python), "-c", "import ocrcourse"], cwd=tmp_path, capture_output=True, text=True)
    assert without.returncode != 0, "the fresh environment must not find the course without the sys.path step"
