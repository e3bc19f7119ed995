"""The strategy map: PP-OCR's 19 strategies, v2's and v3's additions, each pointing at a real lesson."""
import pytest

import json
from pathlib import Path

import nbformat

from ocrcourse.course_map import DEPTH, DEPTHS, LESSONS, STRATEGIES, lesson_table, strategy_table

ROOT = Path(__file__).resolve().parents[1]

STEMS = {stem for _, stem, _, _ in LESSONS}


def test_every_referenced_lesson_is_on_the_course_map():
    assert all(stem is None or stem in STEMS for *_, stem in STRATEGIES)


def test_counts_match_the_papers():
    per_generation = strategy_table().groupby("generation").size().to_dict()
    assert per_generation == {"PP-OCR": 19, "PP-OCRv2": 5, "PP-OCRv3": 9, "PP-OCRv4": 10}
    v1 = strategy_table("PP-OCR").groupby("stage").size().to_dict()
    assert v1 == {"det": 6, "cls": 4, "rec": 9}


def test_strategy_table_columns_and_placeholder():
    table = strategy_table("PP-OCRv3")
    assert list(table.columns) == ["generation", "stage", "strategy", "chinese", "lesson", "depth", "not shown"]
    assert "—" in set(table["lesson"]) and set(table["lesson"]) - {"—"} <= STEMS


def test_unknown_generation_is_a_clear_error():
    with pytest.raises(ValueError, match="PP-OCRv2"):
        strategy_table("PP-OCRv9")


def test_lesson_table_is_indexed_by_lesson_number():
    assert list(lesson_table().index) == list(range(len(LESSONS)))


def _lesson_text(stem: str) -> str:
    return "\n".join(c.source for c in nbformat.read(ROOT / "lessons" / f"{stem}.ipynb", as_version=4).cells)


def _checked_claims(stem: str) -> str:
    cells = nbformat.read(ROOT / "lessons" / f"{stem}.ipynb", as_version=4).cells
    return "\n".join(c.source for c in cells if c.cell_type == "code"
                     and c.source.startswith("# NBVAL_CHECK_OUTPUT") and "claim(" in c.source)


def test_every_strategy_has_a_depth_and_only_named_ones_lack_a_lesson():
    assert set(DEPTH) == {(g, s, en) for g, s, en, _, _ in STRATEGIES}
    for (g, s, en, _, stem) in STRATEGIES:
        depth = DEPTH[(g, s, en)][0]
        assert depth in DEPTHS, (en, depth)
        assert stem is not None or depth == "named", f"{en}: {depth} but no lesson"


@pytest.mark.parametrize("key", sorted(DEPTH), ids=lambda k: k[2][:40])
def test_depth_evidence_exists_in_the_tree(key):
    depth, evidence, keyword, _ = DEPTH[key]
    stem = next(stem for g, s, en, _, stem in STRATEGIES if (g, s, en) == key)
    if depth == "built":
        assert evidence.startswith("ocrcourse/") and (ROOT / evidence).is_file(), evidence
    elif depth == "measured":
        if evidence.startswith("lessons/reference_runs/"):
            run = ROOT / evidence
            assert (run / "history.csv").is_file() and "command" in json.loads((run / "meta.json").read_text())
        else:   # "NN_lesson: the text of a claim a checked cell makes"
            lesson, text = evidence.split(": ", 1)
            assert text in _checked_claims(lesson), f"no checked claim {text!r} in {lesson}"
    else:
        assert evidence == "", f"a named strategy needs no evidence: {evidence}"
    if keyword:
        assert stem is not None and keyword in _lesson_text(stem), f"{stem} never mentions {keyword!r}"
