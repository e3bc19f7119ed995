"""draw_ocr: a side-by-side picture, input untouched, CJK text drawn with real glyphs."""
from __future__ import annotations

import numpy as np

from ocrcourse.viz import draw_ocr


def test_draw_ocr_side_by_side_and_does_not_mutate():
    image = np.full((60, 120, 3), 200, np.uint8)
    before = image.copy()
    results = [{"points": [[10, 10], [110, 10], [110, 40], [10, 40]], "text": "光学 OCR", "score": 0.9},
               {"points": [[5, 45], [50, 45], [50, 58], [5, 58]]}]           # det-only entry: no text
    out = draw_ocr(image, results)
    assert out.shape == (60, 240, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(image, before)
    assert (out[20:30, 5:9] == 200).all()                     # outside the boxes: unchanged
    assert (out[20:30, 20:100] != 200).any()                  # inside: tinted
    text_area = out[12:40, 122:230]
    assert (text_area.min(axis=2) < 100).sum() > 50           # dark glyph pixels on the white page


def test_draw_ocr_empty_results_and_gray_input():
    out = draw_ocr(np.zeros((20, 30), np.uint8), [])
    assert out.shape == (20, 60, 3) and (out[:, 30:] == 255).all()
