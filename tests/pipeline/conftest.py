"""Fixtures shared by the pipeline tests."""
from __future__ import annotations

import pytest

from ocrcourse.errors import WeightsError
from ocrcourse.pipeline import PPOCR


@pytest.fixture(scope="module")
def ocr():
    """The PP-OCRv3 system with the official weights (skips the module when they are not installed)."""
    try:
        return PPOCR.from_official()
    except WeightsError as e:
        pytest.skip(f"official weights unavailable: {e}")
