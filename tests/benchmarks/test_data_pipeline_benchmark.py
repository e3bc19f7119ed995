"""benchmarks/data_pipeline.py: CopyPaste's second sample and the median report."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "data_pipeline.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("_bench_data_pipeline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sample(points: int, name: bytes = b"") -> tuple:
    return name, json.dumps([{"transcription": "a", "points": [[0, 0]] * 4},
                            {"transcription": "b", "points": [[0, 0]] * points}])


def test_extra_sample_is_the_next_with_four_point_polygons(bench):
    samples = [_sample(4, b"0"), _sample(14, b"1"), _sample(14, b"2"), _sample(4, b"3")]
    assert bench.extra_sample(samples, 0)[0] == b"3"             # curved scenes skipped
    assert bench.extra_sample(samples, 3)[0] == b"0"             # wraps around
    assert bench.extra_sample(samples, 1)[0] == b"3"
    with pytest.raises(ValueError):
        bench.extra_sample([_sample(14), _sample(14)], 0)


def test_report_gives_the_median_of_paired_rounds(bench, capsys):
    # three rounds: per-round ratios 2, 4 and 3 -> median 3 (the median of the times would give 3.5/1.5)
    runs = {"2.10": [(2.0, {"Op": 2.0}), (4.0, {"Op": 4.0}), (6.0, {"Op": 6.0})],
            "ours": [(1.0, {"Op": 1.0}), (1.0, {"Op": 1.0}), (2.0, {"Op": 2.0})]}
    bench.report("dense", [None] * 4, runs)
    out = capsys.readouterr().out
    assert "speed-up x3.00 (median of 3 rounds; min x2.00, max x4.00)" in out
    assert "ours    4.0 samples/s" in out and "paddleocr 2.10    1.0 samples/s" in out
    assert "Op" in out and "1000.00" in out and "250.00" in out
