"""Docstrings and configs that name a lesson must name one that is on the course map."""
import re
from pathlib import Path

from ocrcourse.course_map import LESSONS

ROOT = Path(__file__).resolve().parents[1]
STEMS = {stem for _, stem, _, _ in LESSONS}
PATTERN = re.compile(r"lessons/(\d\d_[a-z0-9_]+)")


def test_lesson_references_exist_on_the_course_map():
    wrong = []
    for folder in ("ocrcourse", "configs", "tools", "data_scripts", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".yml", ".yaml", ".md"}:
                continue
            for stem in PATTERN.findall(path.read_text(encoding="utf-8", errors="ignore")):
                if stem not in STEMS:
                    wrong.append(f"{path.relative_to(ROOT)}: lessons/{stem}")
    assert not wrong, "unknown lessons referenced:\n" + "\n".join(wrong)


def test_readme_lists_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{stem}`" in readme for stem in STEMS)
