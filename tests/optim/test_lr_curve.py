"""optim.lr_curve: per-iteration values of the scheduler build_lr makes, checked against the
PaddleOCR fixture (tests/fixtures/lr_schedules.json) and the pure functions."""
import json
from pathlib import Path

import pytest

from ocrcourse.optim import cosine_warmup_lr, lr_curve, piecewise_warmup_lr

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_cosine_with_warmup_matches_pure_function():
    values = lr_curve({"name": "Cosine", "learning_rate": 0.1, "warmup_epoch": 2}, 20, 100)
    assert len(values) == 2000
    assert values[0] == 0.0                      # iteration 0 trains with lr 0
    assert values[200] == pytest.approx(0.1)     # warmup over: the cosine starts at the base lr
    expected = [cosine_warmup_lr(i, 0.1, 2000, 200) for i in range(2000)]
    assert values == pytest.approx(expected, abs=1e-12)


def test_piecewise_boundaries_move_by_the_warmup():
    cfg = {"name": "Piecewise", "decay_epochs": [3], "values": [1.0, 0.1], "warmup_epoch": 1}
    values = lr_curve(cfg, 5, 10)
    expected = [piecewise_warmup_lr(i, [30], [1.0, 0.1], 10) for i in range(50)]
    assert values == pytest.approx(expected)
    assert values[39] == 1.0 and values[40] == pytest.approx(0.1)   # boundary 30 + warmup 10


@pytest.mark.parametrize("case", ["cosine_warmup", "piecewise_warmup"])
def test_matches_paddleocr_fixture(case):
    ref = json.loads((FIXTURES / "lr_schedules.json").read_text())[case]
    if case == "cosine_warmup":
        cfg = {"name": "Cosine", "learning_rate": ref["learning_rate"], "warmup_epoch": ref["warmup_epoch"]}
        epochs = ref["epochs"]
    else:
        cfg = {"name": "Piecewise", "decay_epochs": ref["decay_epochs"], "values": ref["values"],
               "warmup_epoch": ref["warmup_epoch"]}
        epochs = len(ref["lr_per_iteration"]) // ref["step_each_epoch"]
    got = lr_curve(cfg, epochs, ref["step_each_epoch"])
    assert got == pytest.approx(ref["lr_per_iteration"][:len(got)], rel=1e-6, abs=1e-12)
