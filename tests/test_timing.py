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


class _FakeSystem:
    """Reports fixed stage times; records the order of calls across systems."""

    def __init__(self, name, log, seconds):
        self.name, self.log, self.seconds, self.timings = name, log, iter(seconds), {}

    def ocr(self, image, cls=False):
        self.log.append((self.name, cls))
        s = next(self.seconds)
        self.timings = {"det": s, "rec": 2 * s, "total": 3 * s}
        return []


def test_stage_latency_interleaves_runs_and_takes_medians():
    from ocrcourse.timing import stage_latency

    log = []
    systems = {"a": _FakeSystem("a", log, [9.0, 0.001, 0.003, 0.002]),    # first call is the warm-up
               "b": _FakeSystem("b", log, [9.0, 0.010, 0.010, 5.0])}      # one slow timed run
    ms = stage_latency(systems, image=None, runs=3, warmup=1, cls=True)
    assert [name for name, _ in log] == ["a", "b"] * 4 and all(cls for _, cls in log)
    assert ms["a"] == pytest.approx({"det": 2.0, "rec": 4.0, "total": 6.0})
    assert ms["b"]["det"] == pytest.approx(10.0)


def test_stage_latency_needs_a_run():
    from ocrcourse.timing import stage_latency

    with pytest.raises(ValueError):
        stage_latency({}, None, runs=0)


def test_models_latency_interleaves_runs_and_restores_modes():
    from ocrcourse.timing import models_latency

    order = []

    class Probe(nn.Layer):
        def __init__(self, name):
            super().__init__()
            self.name_ = name

        def forward(self, x):
            order.append((self.name_, self.training))
            return x

    a, b = Probe("a"), Probe("b")
    a.train()
    b.eval()
    ms = models_latency({"a": a, "b": b}, (1, 3, 4, 4), runs=2, warmup=1)
    assert list(ms) == ["a", "b"] and all(v >= 0 for v in ms.values())
    assert order == [("a", False), ("b", False)] * 3          # warm-up, then 2 interleaved runs
    assert a.training and not b.training
