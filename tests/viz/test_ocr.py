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


def test_stacked_layout_puts_the_texts_below():
    image = np.full((30, 120, 3), 200, np.uint8)
    out = draw_ocr(image, [{"points": [[10, 5], [110, 5], [110, 25], [10, 25]], "text": "OCR"}], stack=True)
    assert out.shape == (60, 120, 3)
    assert (out[32:58, 12:100].min(axis=2) < 100).sum() > 20      # glyphs on the lower (white) half


def test_text_of_a_many_point_polygon_sits_in_its_rectangle():
    """A 14-point curved-line polygon: the text goes inside its minimum-area rectangle, not at a
    box made of its first four points (which would be a sliver of the top edge)."""
    top = [[10 + 20 * i, 10] for i in range(7)]
    polygon = top + [[p[0], 40] for p in reversed(top)]
    out = draw_ocr(np.full((50, 140, 3), 255, np.uint8), [{"points": polygon, "text": "HELLO"}])
    right = out[:, 140:]
    dark = np.argwhere(right.min(axis=2) < 100)
    ink = dark[(dark[:, 1] > 14) & (dark[:, 1] < 126) & (dark[:, 0] > 13) & (dark[:, 0] < 38)]
    assert len(ink) > 40                                            # glyphs inside the outline
    assert ink[:, 0].max() - ink[:, 0].min() > 12                    # sized to the 30-px-high box


def test_show_ocr_enlarges_a_small_image_to_fit_a_laptop():
    from ocrcourse.viz.ocr import ocr_scale, show_ocr
    from ocrcourse.viz.style import figure_px

    assert ocr_scale(191, 384) == (640 / 382, True)                   # a wide scan: texts below it
    assert ocr_scale(320, 480) == (1.0, False)                        # side by side at full width
    results = [{"points": [[10, 5], [110, 5], [110, 25], [10, 25]], "text": "OCR"}]
    fig = show_ocr(np.full((30, 120, 3), 200, np.uint8), results, title="demo")
    scale, stack = ocr_scale(30, 120)
    picture = fig.axes[0].images[0].get_array()
    assert stack and picture.shape[:2] == (2 * round(30 * scale), round(120 * scale))
    width, height = figure_px(fig)
    assert round(width) == picture.shape[1] and width <= 960          # drawn 1:1, not scaled down
    assert fig._suptitle.get_text() == "demo"
