"""Run mode, device choice and seeding: the three switches every lesson starts with.

- Mode: `quick` (2 CPU cores, minutes; what CI and nbval run) or `full` (sized for one GPU).
  Read from the environment variable `OCRCOURSE_MODE`; default `quick` on CPU, `full` on GPU.
- Device: `gpu` when Paddle is compiled with CUDA and a GPU is visible, else `cpu`.
- Seeding: `seed_everything(seed)` seeds Python, NumPy and Paddle so quick runs repeat exactly.
- Step cap: `OCRCOURSE_MAX_STEPS=N` limits every training run of full mode to N optimiser steps
  (`max_steps()`, `cap_steps()`; the Trainer applies it), so full mode — full crops, batches and
  models — can be executed on a CPU (`make full-smoke`). It never changes quick mode.

Nothing here runs at import time; call the functions.
"""
from __future__ import annotations

import os
import random

import numpy as np

from .errors import ConfigError

__all__ = ["MODES", "device", "mode", "is_quick", "by_mode", "max_steps", "cap_steps", "seed_everything", "home"]

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


def max_steps() -> int | None:
    """The full-mode step cap `OCRCOURSE_MAX_STEPS` (a positive integer), or None: unset, or quick mode."""
    value = os.environ.get("OCRCOURSE_MAX_STEPS", "").strip()
    if not value:
        return None
    try:
        cap = int(value)
    except ValueError:
        cap = 0
    if cap < 1:
        raise ConfigError(f"OCRCOURSE_MAX_STEPS={value!r} is not a positive number of steps (e.g. 2)")
    return cap if mode() == "full" else None


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
