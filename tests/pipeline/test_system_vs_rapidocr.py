"""PPOCR against RapidOCR 1.2.13, which runs the same official weights in onnxruntime with a port
of PaddleOCR's pipeline. Boxes and texts must be identical under the same settings. (Scores are
not compared: RapidOCR 1.2.13 averages with an extra 1e-50 term and narrower rec batches.)

RapidOCR is a benchmark-only dependency: skipped unless `rapidocr_onnxruntime==1.2.13` is installed.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest
import skimage.data
from PIL import Image, ImageDraw, ImageFont

from ocrcourse.errors import WeightsError
from ocrcourse.pipeline import PPOCR
from ocrcourse.viz.fonts import cjk_font_path

rapidocr = pytest.importorskip("rapidocr_onnxruntime")


@pytest.fixture(scope="module")
def systems():
    try:
        ours = PPOCR.from_official()
    except WeightsError as e:
        pytest.skip(f"official weights unavailable: {e}")
    theirs = rapidocr.RapidOCR(det_limit_side_len=960, det_limit_type="max", det_box_thresh=0.6,
                               det_unclip_ratio=1.5, det_use_dilation=False, min_height=0,
                               width_height_ratio=-1, text_score=0.5)
    return ours, theirs


def _mixed_page() -> np.ndarray:
    image = Image.new("RGB", (420, 150), (235, 232, 225))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(cjk_font_path(), 24)
    draw.text((15, 15), "配料：水、绿茶、白砂糖", font=font, fill=(30, 30, 30))
    draw.text((40, 60), "Net content 500ml", font=font, fill=(30, 30, 30))
    draw.text((20, 105), "生产日期 2024-05-18", font=font, fill=(30, 30, 30))
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize("name", ["page", "mixed"])
def test_same_boxes_and_texts_as_rapidocr(systems, name):
    ours, theirs = systems
    image = cv2.cvtColor(skimage.data.page(), cv2.COLOR_GRAY2BGR) if name == "page" else _mixed_page()
    mine = ours.ocr(image, cls=True)
    result, _ = theirs(image, box_thresh=0.6, unclip_ratio=1.5, text_score=0.5)
    result = result or []
    assert len(mine) == len(result) > 0
    for m, (points, text, _score) in zip(mine, result):
        assert m["text"] == text
        np.testing.assert_array_equal(np.array(m["points"]), np.array(points))
