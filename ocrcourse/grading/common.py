"""Small helpers the exercise checks share: compare answers and diagnose typical mistakes."""
from __future__ import annotations

import numpy as np

from .runner import Failure

__all__ = ["as_array", "expect_close", "expect_shape", "diagnose"]


def as_array(value, what: str) -> np.ndarray:
    """Accept numpy arrays, Paddle tensors and nested lists as answers."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise Failure(f"{what} should be an array of numbers, got {type(value).__name__}") from e


def expect_shape(got: np.ndarray, shape: tuple, what: str, hint: str = "") -> None:
    if tuple(got.shape) != tuple(shape):
        raise Failure(f"{what} has shape {tuple(got.shape)}, expected {tuple(shape)}" + (f" — {hint}" if hint else ""))


def diagnose(got, mistakes: dict) -> str | None:
    """Return the hint of the first known mistake whose answer matches `got`, if any."""
    for hint, wrong in mistakes.items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-4, atol=1e-6):
            return hint
    return None


def expect_close(got, want, what: str, hint: str, mistakes: dict | None = None,
                 rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """Raise Failure unless `got` ≈ `want`; name a known mistake when the answer matches one."""
    got = as_array(got, what)
    want = np.asarray(want, dtype=np.float64)
    expect_shape(got, want.shape, what)
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return
    known = diagnose(got, mistakes or {})
    if known:
        raise Failure(known)
    worst = float(np.max(np.abs(got - want))) if got.size else 0.0
    raise Failure(f"{what} differs from the expected value (largest difference {worst:.3g}) — {hint}")
