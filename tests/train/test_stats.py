"""Smoothed logs: medians over log_smooth_window steps, as PaddleOCR's TrainingStats."""
from __future__ import annotations

import re

import numpy as np
import pytest

from ocrcourse.train.stats import SmoothedStats


def test_medians_match_paddleocr_training_stats():
    from tests.reference import ppocr_module

    stats_mod = ppocr_module("ppocr/utils/stats.py")
    rng = np.random.RandomState(0)
    ours, theirs = SmoothedStats(5), stats_mod.TrainingStats(5, ["lr"])
    for step in range(13):
        values = {"lr": float(rng.rand()), "loss": float(rng.rand() * 10)}
        if step >= 4:
            values["acc"] = float(rng.rand())            # a key that appears later gets its own window
        ours.update(values)
        theirs.update(values)
        assert ours.get() == dict(theirs.get())


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        SmoothedStats(0)


def test_fit_prints_medians_every_print_batch_step_and_at_epoch_end(caplog):
    from tests.train.test_loop import _build, _mse       # the loop tests' tiny regression problem
    from ocrcourse.train.loop import fit

    model, loader, opt, sched = _build()
    with caplog.at_level("INFO", logger="ocrcourse.train.loop"):
        history = fit(model, loader, _mse, opt, sched, epochs=2, print_batch_step=4, log_smooth_window=3,
                      progress=False)
    lines = [r.getMessage() for r in caplog.records if " lr " in r.getMessage()]
    steps = [int(re.search(r"step (\d+)", line).group(1)) for line in lines]
    assert steps == [4, 6, 8, 12]               # 6 batches per epoch: every 4 steps and each epoch's last
    raw_differs = []
    for line, step in zip(lines, steps):
        window = history[(history["step"] > step - 3) & (history["step"] <= step)]
        printed = float(re.search(r"loss: ([0-9.]+)", line).group(1))
        assert printed == pytest.approx(round(float(np.median(window["loss"])), 6), abs=1e-6)
        raw_differs.append(abs(printed - float(history.loc[history["step"] == step, "loss"].iloc[0])) > 1e-5)
    assert any(raw_differs)                     # the raw value of the step is not what is printed
