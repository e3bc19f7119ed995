"""Run mode, device choice and seeding: the three switches every lesson starts with.

- Mode: `quick` (2 CPU cores, minutes; what CI and nbval run) or `full` (sized for one GPU).
  Read from the environment variable `OCRCOURSE_MODE`; default `quick` on CPU, `full` on GPU.
- Device: `gpu` when Paddle is compiled with CUDA and a GPU is visible, else `cpu`.
- Seeding: `seed_everything(seed)` seeds Python, NumPy and Paddle so quick runs repeat exactly.
- Step cap: `OCRCOURSE_MAX_STEPS=N` limits every training run of full mode to N optimiser steps
  (`max_steps()`, `cap_steps()`; the Trainer applies it), so full mode — full crops, batches and
  models — can be executed on a CPU (`make full-smoke`). It never changes quick mode.
- Batch cap: `OCRCOURSE_MAX_BATCH=N` limits the training batch per card of full mode to N
  (`max_batch()`, `cap_batch()`; the Trainer applies it to `Train.loader.batch_size_per_card` and
  logs it). For executing full mode on a host with less memory than the GPU server it is sized for
  (on a CPU, activations and convolution buffers live in host RAM); `make full-smoke` sets it only
  for the lessons that need it and says so in its table. It never changes quick mode.

Nothing here runs at import time; call the functions.
"""
from __future__ import annotations

import os
import random

import numpy as np

from .errors import ConfigError

__all__ = ["MODES", "device", "mode", "is_quick", "by_mode", "max_steps", "cap_steps", "max_batch", "cap_batch",
           "seed_everything", "home"]

MODES = ("quick", "full")


def device() -> str:
    """`"gpu"` if Paddle has CUDA and sees a GPU, else `"cpu"`."""
    import paddle

    try:
        if paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
            return "gpu"
    except Exception:  # a CUDA build without a driver: fall back to CPU
        pass
    return "cpu"


def mode() -> str:
    """The run mode: `OCRCOURSE_MODE` if set, else `quick` on CPU and `full` on GPU."""
    value = os.environ.get("OCRCOURSE_MODE", "").strip().lower()
    if not value:
        return "full" if device() == "gpu" else "quick"
    if value not in MODES:
        raise ConfigError(f"OCRCOURSE_MODE={value!r} is not a mode; use one of {MODES}")
    return value


def is_quick() -> bool:
    return mode() == "quick"


def by_mode(quick, full):
    """Pick a value by run mode: `epochs = by_mode(quick=2, full=200)`."""
    return quick if is_quick() else full


def _positive_env(name: str, what: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        cap = int(value)
    except ValueError:
        cap = 0
    if cap < 1:
        raise ConfigError(f"{name}={value!r} is not a positive number of {what} (e.g. 2)")
    return cap


def max_steps() -> int | None:
    """The full-mode step cap `OCRCOURSE_MAX_STEPS` (a positive integer), or None: unset, or quick mode."""
    cap = _positive_env("OCRCOURSE_MAX_STEPS", "steps")
    return cap if cap is not None and mode() == "full" else None


def max_batch() -> int | None:
    """The full-mode batch cap `OCRCOURSE_MAX_BATCH` (a positive integer), or None: unset, or quick mode."""
    cap = _positive_env("OCRCOURSE_MAX_BATCH", "samples")
    return cap if cap is not None and mode() == "full" else None


def cap_batch(batch: int) -> int:
    """`batch` limited by the full-mode batch cap: `cap_batch(8)` is 8, or 4 with OCRCOURSE_MAX_BATCH=4
    in full mode."""
    cap = max_batch()
    return int(batch) if cap is None else min(int(batch), cap)


def cap_steps(steps):
    """`steps` limited by the full-mode cap: `cap_steps(2000)` is 2000, or 2 with OCRCOURSE_MAX_STEPS=2
    in full mode. `steps=None` (no limit) becomes the cap itself when one is set."""
    cap = max_steps()
    if cap is None:
        return steps
    return cap if steps is None else min(int(steps), cap)


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and Paddle; returns the seed so a lesson can print it."""
    import paddle

    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    return seed


def home() -> str:
    """Root of the caches (data, official weights): `OCRCOURSE_HOME`, default `~/.cache/ocrcourse`."""
    return os.path.expanduser(os.environ.get("OCRCOURSE_HOME", "~/.cache/ocrcourse"))
