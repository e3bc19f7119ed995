"""The strategy map: PP-OCR's 19 strategies, v2's and v3's additions, each pointing at a real lesson."""
import pytest

from ocrcourse.course_map import LESSONS, STRATEGIES, lesson_table, strategy_table

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
    assert list(table.columns) == ["generation", "stage", "strategy", "chinese", "lesson"]
    assert "—" in set(table["lesson"]) and set(table["lesson"]) - {"—"} <= STEMS


def test_unknown_generation_is_a_clear_error():
    with pytest.raises(ValueError, match="PP-OCRv2"):
        strategy_table("PP-OCRv9")


def test_lesson_table_is_indexed_by_lesson_number():
    assert list(lesson_table().index) == list(range(len(LESSONS)))
