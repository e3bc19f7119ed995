"""Exceptions that tell a learner what went wrong and how to fix it.

Every error raised on purpose by `ocrcourse` is one of these, so a notebook can catch
`OCRCourseError` and a test can check the exact kind.
"""
from __future__ import annotations

__all__ = ["OCRCourseError", "ConfigError", "LabelFormatError", "WeightsError", "DataError", "NonFiniteError"]


class OCRCourseError(Exception):
    """Base class of every deliberate `ocrcourse` error."""


class ConfigError(OCRCourseError, ValueError):
    """A YAML config or `-o key=value` override is wrong (unknown name, unknown key, bad path)."""


class LabelFormatError(OCRCourseError, ValueError):
    """A line of a PaddleOCR label file cannot be parsed; the message names file and line."""

    def __init__(self, path, line_no: int, reason: str, line: str = ""):
        self.path, self.line_no, self.reason, self.line = str(path), line_no, reason, line
        shown = line if len(line) <= 120 else line[:117] + "..."
        super().__init__(f"{self.path}:{line_no}: {reason}" + (f"\n    line: {shown!r}" if line else ""))


class WeightsError(OCRCourseError, RuntimeError):
    """Official or saved weights cannot be obtained, converted or loaded (shapes, keys, offline)."""


class DataError(OCRCourseError, RuntimeError):
    """A dataset, image or generated file is missing or unusable."""


class NonFiniteError(OCRCourseError, FloatingPointError):
    """A prediction or loss contains NaN or Inf (raised by the losses and the training loop)."""
