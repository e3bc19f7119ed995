"""LR schedules (pure functions and Paddle schedulers) against fixtures/lr_schedules.json."""
import json
from pathlib import Path

import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.optim import (build_lr, const_warmup_lr, cosine_warmup_lr, linear_warmup_lr,
                             piecewise_warmup_lr)

FX = json.loads((Path(__file__).parents[1] / "fixtures" / "lr_schedules.json").read_text())


def _run(scheduler, n):
    """Value used at each iteration: read, then step once (as the trainer does).
    (`scheduler()` returns the current value; Paddle's `get_lr()` would recompute it.)"""
    values = []
    for _ in range(n):
        values.append(scheduler())
        scheduler.step()
    return values


def _close(got, expected):
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == pytest.approx(e, rel=1e-5, abs=1e-12), i


def test_cosine_warmup_scheduler_and_function():
    fx = FX["cosine_warmup"]
    cfg = {"name": "Cosine", "learning_rate": fx["learning_rate"], "warmup_epoch": fx["warmup_epoch"]}
    sched = build_lr(cfg, epochs=fx["epochs"], step_each_epoch=fx["step_each_epoch"])
    n = len(fx["lr_per_iteration"])
    _close(_run(sched, n), fx["lr_per_iteration"])
    assert sched() == pytest.approx(fx["lr_after_last_step"], rel=1e-5)
    _close([cosine_warmup_lr(i, fx["learning_rate"], fx["T_max"], fx["warmup_steps"])
            for i in range(n)], fx["lr_per_iteration"])


def test_cosine_warmup_starts_at_zero_and_peaks_after_warmup():
    values = [cosine_warmup_lr(i, 1e-3, 50, 20) for i in range(50)]
    assert values[0] == 0.0
    assert max(values) == pytest.approx(1e-3) and values.index(max(values)) == 20
    assert all(a < b for a, b in zip(values[:20], values[1:21]))


def test_cosine_without_warmup_is_periodic_past_t_max():
    fx = FX["cosine_no_warmup"]
    sched = build_lr({"name": "Cosine", "learning_rate": fx["learning_rate"]}, epochs=5,
                     step_each_epoch=10)
    n = len(fx["lr_per_iteration"])
    _close(_run(sched, n), fx["lr_per_iteration"])
    _close([cosine_warmup_lr(i, fx["learning_rate"], fx["T_max"]) for i in range(n)],
           fx["lr_per_iteration"])


def test_piecewise_warmup_accepts_official_value_count():
    fx = FX["piecewise_warmup"]
    assert len(fx["values"]) == len(fx["decay_epochs"])      # as in the official configs
    cfg = {"name": "Piecewise", "decay_epochs": fx["decay_epochs"], "values": fx["values"],
           "warmup_epoch": fx["warmup_epoch"]}
    sched = build_lr(cfg, epochs=6, step_each_epoch=fx["step_each_epoch"])
    n = len(fx["lr_per_iteration"])
    _close(_run(sched, n), fx["lr_per_iteration"])
    _close([piecewise_warmup_lr(i, fx["boundaries"], fx["values"], fx["warmup_steps"])
            for i in range(n)], fx["lr_per_iteration"])
    assert cfg["values"] == fx["values"]                     # the config is not changed


def test_linear_and_const_match_their_functions():
    sched = build_lr({"name": "Linear", "learning_rate": 0.01, "warmup_epoch": 1, "end_lr": 0.001},
                     epochs=3, step_each_epoch=4)
    values = _run(sched, 20)
    expected = [linear_warmup_lr(i, 0.01, 12, 4, end_lr=0.001) for i in range(20)]
    _close(values, expected)
    assert expected[:5] == pytest.approx([0.0, 0.0025, 0.005, 0.0075, 0.01])
    assert expected[16] == pytest.approx(0.001)              # reached end_lr: 4 + 12 steps
    const = build_lr({"learning_rate": 0.5}, epochs=3, step_each_epoch=4)   # no name -> Const
    assert _run(const, 3) == [0.5, 0.5, 0.5]
    warm = build_lr({"name": "Const", "learning_rate": 0.5, "warmup_epoch": 0.5}, 3, 4)
    _close(_run(warm, 4), [const_warmup_lr(i, 0.5, 2) for i in range(4)])


def test_unknown_schedule_and_key_are_config_errors():
    with pytest.raises(ConfigError, match="available"):
        build_lr({"name": "Cosinus", "learning_rate": 0.1}, 1, 1)
    with pytest.raises(ConfigError, match="warmup_epochs"):
        build_lr({"name": "Cosine", "learning_rate": 0.1, "warmup_epochs": 1}, 1, 1)
