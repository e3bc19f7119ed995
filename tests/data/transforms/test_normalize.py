"""NormalizeImage (lookup-table fast path) and ToCHWImage against paddleocr 2.10."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.normalize import NormalizeImage, ToCHWImage, parse_scale
from ocrcourse.errors import ConfigError
from reference import ppocr_module

ARGS = dict(scale="1./255.", mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])


@pytest.mark.parametrize("order", ["hwc", "chw"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_normalize_matches_paddleocr_bit_for_bit(order, dtype):
    ref = ppocr_module("ppocr/data/imaug/operators.py")
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (17, 23, 3)).astype(dtype)
    if order == "chw":
        img = np.ascontiguousarray(img.transpose(2, 0, 1))
    theirs = ref.NormalizeImage(order=order, **ARGS)({"image": img.copy()})["image"]
    ours = NormalizeImage(order=order, **ARGS)({"image": img.copy()})["image"]
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_to_chw_matches_paddleocr():
    img = np.arange(2 * 3 * 3).reshape(2, 3, 3).astype(np.float32)
    theirs = ppocr_module("ppocr/data/imaug/operators.py").ToCHWImage()({"image": img})["image"]
    np.testing.assert_array_equal(ToCHWImage()({"image": img})["image"], theirs)


def test_scale_strings_are_parsed_without_eval():
    assert parse_scale("1./255.") == 1.0 / 255.0 and parse_scale(0.5) == 0.5 and parse_scale(None) == 1 / 255
    with pytest.raises(ConfigError):
        parse_scale("__import__('os')")
