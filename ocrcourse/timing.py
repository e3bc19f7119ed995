"""Latency on the learner's machine: the median of a few timed runs.

Lessons that compare speeds (SE on/off, neck widths, input sizes) measure them here instead of
quoting numbers from a paper. The numbers depend on the machine, its load and Paddle's thread
settings, so lessons print them but never check them.

    from ocrcourse.timing import model_latency
    model_latency(backbone, (1, 3, 640, 640))       # milliseconds, median of 5 runs
"""
from __future__ import annotations

import statistics
import time
from typing import Callable, Sequence

__all__ = ["measure_latency", "model_latency"]


def measure_latency(fn: Callable, *args, runs: int = 5, warmup: int = 1) -> float:
    """Median wall time of `fn(*args)` in milliseconds, after `warmup` untimed calls.

    The median, not the mean: one run slowed by another process on a shared machine does not
    move it.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    for _ in range(warmup):
        fn(*args)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def model_latency(layer, input_shape: Sequence[int] = (1, 3, 640, 640), runs: int = 5,
                  warmup: int = 1) -> float:
    """Median forward time (ms) of `layer` on a zero batch of `input_shape`, in eval mode.

    Gradients are off, as at inference; the layer's train/eval mode is restored afterwards.
    """
    import paddle

    x = paddle.zeros(list(input_shape))
    was_training = layer.training
    layer.eval()
    try:
        with paddle.no_grad():
            return measure_latency(layer, x, runs=runs, warmup=warmup)
    finally:
        if was_training:
            layer.train()
