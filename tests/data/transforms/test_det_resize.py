"""DetResizeForTest against paddleocr 2.10 (arrays and shape rows equal)."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.det_resize import DetResizeForTest
from ocrcourse.errors import ConfigError
from reference import ppocr_module

SIZES = [(20, 30), (31, 20), (100, 37), (323, 430), (1200, 700), (333, 2000)]
SETTINGS = [
    {},
    {"limit_side_len": 960, "limit_type": "max"},
    {"limit_side_len": 736, "limit_type": "min"},
    {"limit_side_len": 640, "limit_type": "resize_long"},
    {"image_shape": [640, 640]},
    {"image_shape": [256, 0], "keep_ratio": True},
    {"resize_long": 512},
]


@pytest.mark.parametrize("hw", SIZES)
@pytest.mark.parametrize("kwargs", SETTINGS)
def test_matches_paddleocr(hw, kwargs):
    image = np.random.default_rng(sum(hw)).integers(0, 256, size=(*hw, 3), dtype=np.uint8)
    ours = DetResizeForTest(**kwargs)({"image": image.copy()})
    ref = ppocr_module("ppocr/data/imaug/operators.py").DetResizeForTest(**kwargs)({"image": image.copy()})
    np.testing.assert_array_equal(ours["image"], ref["image"])
    np.testing.assert_array_equal(ours["shape"], ref["shape"])
    assert ours["image"].shape[0] % 32 == 0 or "image_shape" in kwargs


def test_small_image_is_padded_and_shape_row_keeps_source_size():
    out = DetResizeForTest(limit_side_len=960, limit_type="max")({"image": np.full((10, 20, 3), 255, np.uint8)})
    assert out["image"].shape == (32, 32, 3)
    assert out["shape"].tolist() == [10, 20, 1.0, 1.0]
    assert out["image"][20:, :].max() == 0          # the padding is black


def test_bad_limit_type():
    with pytest.raises(ConfigError, match="limit_type"):
        DetResizeForTest(limit_side_len=960, limit_type="long")
