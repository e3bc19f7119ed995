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

__all__ = ["measure_latency", "model_latency", "models_latency", "stage_latency"]


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


def models_latency(layers: dict, input_shape: Sequence[int] = (1, 3, 640, 640), runs: int = 5,
                   warmup: int = 1) -> dict:
    """Median forward time (ms) of several layers on the same zero batch, their runs interleaved.

    Use it to compare (SE on/off, neck widths): the runs alternate (A, B, A, B, ...), so a burst of
    load from another process slows every layer alike instead of the one that happened to run.
    Eval mode and no gradients, as `model_latency`; each layer's mode is restored.

    Returns:
        {name: ms} in the order of `layers`.
    """
    import paddle

    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    x = paddle.zeros(list(input_shape))
    modes = {name: layer.training for name, layer in layers.items()}
    samples: dict = {name: [] for name in layers}
    try:
        for layer in layers.values():
            layer.eval()
        with paddle.no_grad():
            for _ in range(warmup):
                for layer in layers.values():
                    layer(x)
            for _ in range(runs):
                for name, layer in layers.items():
                    start = time.perf_counter()
                    layer(x)
                    samples[name].append(time.perf_counter() - start)
    finally:
        for name, layer in layers.items():
            if modes[name]:
                layer.train()
    return {name: 1000 * statistics.median(times) for name, times in samples.items()}


def stage_latency(systems: dict, image, runs: int = 5, warmup: int = 1, **call_kwargs) -> dict:
    """Median milliseconds per stage of several OCR systems on one image, their runs interleaved.

    Args:
        systems: name -> a system whose `ocr(image, **call_kwargs)` leaves the seconds of each
            stage of that call in `timings` (`PPOCR`, `pipeline.rapid.RapidOCRSystem`).
        image: one image, as the systems accept it.
        runs, warmup: timed and untimed calls per system.
        call_kwargs: passed to every `ocr` call (e.g. `cls=True`).

    Returns:
        {name: {stage: ms}} with the stages each system reports (e.g. det, cls, rec, total).

    The calls alternate (A, B, C, A, B, C, ...), so a burst of load from another process slows
    every system alike instead of the one that happened to be running.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    for _ in range(warmup):
        for system in systems.values():
            system.ocr(image, **call_kwargs)
    samples: dict = {name: {} for name in systems}
    for _ in range(runs):
        for name, system in systems.items():
            system.ocr(image, **call_kwargs)
            for stage, seconds in system.timings.items():
                samples[name].setdefault(stage, []).append(seconds)
    return {name: {stage: 1000 * statistics.median(values) for stage, values in stages.items()}
            for name, stages in samples.items()}
