"""measure_latency / model_latency: median in ms, warm-up calls untimed, mode restored."""
from __future__ import annotations

import time

import pytest
from paddle import nn

from ocrcourse.timing import measure_latency, model_latency


def test_median_ignores_one_slow_run_and_warmup_is_not_timed():
    calls = []
    delays = iter([0.2, 0.0, 0.0, 0.2, 0.0])     # warm-up slow; one slow timed run

    def fn(x):
        calls.append(x)
        time.sleep(next(delays))

    ms = measure_latency(fn, 7, runs=4, warmup=1)
    assert calls == [7] * 5
    assert ms < 100


def test_runs_must_be_positive():
    with pytest.raises(ValueError):
        measure_latency(lambda: None, runs=0)


def test_model_latency_restores_train_mode_and_uses_eval():
    seen = []

    class Probe(nn.Layer):
        def forward(self, x):
            seen.append((self.training, tuple(x.shape)))
            return x

    probe = Probe()
    probe.train()
    ms = model_latency(probe, (1, 3, 8, 8), runs=2, warmup=1)
    assert ms >= 0 and probe.training
    assert seen == [(False, (1, 3, 8, 8))] * 3
