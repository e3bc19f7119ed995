"""The published GPU figures (ocrcourse/gpu_expectations.py): sourced, consistent, printed with their label."""
from __future__ import annotations

import pytest

from ocrcourse import gpu_expectations as ge


def test_every_figure_names_its_source():
    for item in list(ge.SPEEDS.values()) + list(ge.METRICS.values()):
        assert item.source.startswith("https://github.com/PaddlePaddle/PaddleOCR/"), item


def test_lessons_refer_to_known_figures():
    for lesson, (speeds, metrics) in ge.LESSONS.items():
        assert set(speeds) <= set(ge.SPEEDS) and set(metrics) <= set(ge.METRICS), lesson
    assert all(0 < m.value < 1 for m in ge.METRICS.values())


def test_minutes_per_1000_steps():
    speed = ge.Speed("x", "c", batch=8, ips=16.0, gpu="g", source="s")
    assert ge.minutes_per_1000_steps(speed) == pytest.approx(1000 * 8 / 16 / 60)


def test_show_expectations_labels_figures_as_taken_from_sources(capsys):
    ge.show_expectations("15")
    out = capsys.readouterr().out
    assert "TAKEN FROM" in out and "not measured" in out
    assert "85.4%" in out and ge.SPEEDS["v3_det_student"].source in out
    ge.show_expectations(9)
    assert "none found" in capsys.readouterr().out
