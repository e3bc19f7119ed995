"""pipeline.det_input: BGR image -> the detector's tensor and shape_list, as PaddleOCR prepares it."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.pipeline import det_input
from ocrcourse.postprocess import DBPostProcess
from reference import ppocr_module


@pytest.mark.parametrize("size, limit", [((437, 1201), 960), ((90, 130), 960), ((700, 500), 320)])
def test_matches_paddleocr_resize_normalize_to_chw(size, limit):
    ops = ppocr_module("ppocr/data/imaug/operators.py")
    image = np.random.default_rng(0).integers(0, 256, (*size, 3)).astype(np.uint8)
    data = ops.DetResizeForTest(limit_side_len=limit, limit_type="max")({"image": image.copy()})
    data = ops.NormalizeImage(scale="1./255.", mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225],
                              order="hwc")(data)
    data = ops.ToCHWImage()(data)
    x, shape_list = det_input(image, limit_side_len=limit)
    assert isinstance(x, paddle.Tensor) and x.dtype == paddle.float32
    assert list(x.shape) == [1, *data["image"].shape]
    assert all(s % 32 == 0 for s in x.shape[2:])
    np.testing.assert_allclose(x.numpy()[0], data["image"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(shape_list, data["shape"][None])


def test_shape_list_maps_boxes_back_to_the_original_image():
    image = np.full((600, 1500, 3), 255, np.uint8)              # resized to 384 x 960
    x, shape_list = det_input(image)
    h, w = x.shape[2:]
    prob = np.zeros((1, 1, h, w), np.float32)
    ys, xs = slice(round(200 * h / 600), round(260 * h / 600)), slice(round(300 * w / 1500), round(900 * w / 1500))
    prob[0, 0, ys, xs] = 1.0                                    # a text region at y 200-260, x 300-900
    boxes = DBPostProcess()({"maps": paddle.to_tensor(prob)}, shape_list)[0]["points"]
    assert len(boxes) == 1
    (x0, y0), (x1, y1) = boxes[0].min(axis=0), boxes[0].max(axis=0)
    assert abs((x0 + x1) / 2 - 600) < 4 and abs((y0 + y1) / 2 - 230) < 4      # original-image pixels
    assert x0 < 300 < 900 < x1 and y0 < 200 < 260 < y1                        # the unclipped box covers it
