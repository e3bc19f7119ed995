"""Small helpers shared across the library (STYLE.md's `utils.py`): re-exports of the settings
a lesson needs in its first cell, so `from ocrcourse.utils import seed_everything` works."""
from __future__ import annotations

from .settings import by_mode, device, is_quick, mode, seed_everything

__all__ = ["seed_everything", "mode", "is_quick", "by_mode", "device"]
