"""RapidOCRSystem: RapidOCR 1.2.13 (optional) with PaddleOCR's settings, called like PPOCR.

Skipped when rapidocr_onnxruntime is not installed (it is optional) or the official weights
are missing (`make weights`).
"""
from __future__ import annotations

import numpy as np
import pytest
import skimage.data

from ocrcourse.errors import WeightsError
from ocrcourse.pipeline import PPOCR
from ocrcourse.pipeline import rapid


def test_missing_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(rapid, "rapidocr_available", lambda: False)
    with pytest.raises(ImportError, match="rapidocr_onnxruntime==1.2.13"):
        rapid.RapidOCRSystem()


@pytest.fixture(scope="module")
def systems():
    pytest.importorskip("rapidocr_onnxruntime")
    try:
        ours = PPOCR.from_official()
    except WeightsError as e:
        pytest.skip(f"official weights unavailable: {e}")
    return ours, rapid.RapidOCRSystem()


@pytest.mark.parametrize("cls", [False, True])
def test_same_lines_as_ppocr_on_the_page(systems, cls):
    ours, theirs = systems
    page = skimage.data.page()
    a, b = ours.ocr(page, cls=cls), theirs.ocr(page, cls=cls)
    assert [r["text"] for r in b] == [r["text"] for r in a]
    assert np.abs(np.array([r["points"] for r in b]) - np.array([r["points"] for r in a])).max() <= 1
    assert set(theirs.timings) == ({"det", "cls", "rec", "total"} if cls else {"det", "rec", "total"})


def test_blank_image_gives_no_lines(systems):
    _, theirs = systems
    assert theirs.ocr(np.full((64, 64, 3), 255, np.uint8)) == []
