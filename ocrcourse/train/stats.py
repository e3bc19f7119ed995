"""Smoothed training logs: each printed value is the median of its last `log_smooth_window` steps.

PaddleOCR's `tools/program.py` keeps a window of the last `Global.log_smooth_window` values of
the lr, every loss part and the training metrics, and prints (and sends to VisualDL) their
medians rounded to 6 decimals, so one noisy batch does not move the log. `SmoothedStats` does the
same, so our log lines can be read next to PaddleOCR's. The history DataFrame keeps the raw
per-step values. Lesson: lessons/07_train_db.ipynb.
"""
from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["SmoothedStats"]


class SmoothedStats:
    """Medians over the last `window` values of each key (PaddleOCR's `TrainingStats`).

    Args:
        window: `Global.log_smooth_window` (PaddleOCR's configs use 20).
    """

    def __init__(self, window: int = 20):
        if int(window) < 1:
            raise ValueError(f"log_smooth_window must be >= 1, got {window}")
        self.window = int(window)
        self._values: dict[str, deque] = {}

    def update(self, stats: dict) -> None:
        """Add one step's values; keys seen for the first time get their own window."""
        for key, value in stats.items():
            self._values.setdefault(key, deque(maxlen=self.window)).append(float(value))

    def get(self) -> dict[str, float]:
        """{key: median of its window, rounded to 6 decimals}, in first-seen order."""
        return {key: round(float(np.median(values)), 6) for key, values in self._values.items()}
