"""DecodeImage and KeepKeys against paddleocr 2.10, and their failure modes."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocrcourse.data.transforms.decode import DecodeImage
from ocrcourse.data.transforms.keep_keys import KeepKeys
from ocrcourse.errors import DataError
from reference import ppocr_module


@pytest.mark.parametrize("mode,channel_first", [("BGR", False), ("RGB", False), ("BGR", True)])
def test_decode_matches_paddleocr(mode, channel_first):
    img = np.random.default_rng(0).integers(0, 256, (12, 9, 3), dtype=np.uint8)
    raw = cv2.imencode(".png", img)[1].tobytes()
    ref = ppocr_module("ppocr/data/imaug/operators.py").DecodeImage(img_mode=mode, channel_first=channel_first)
    theirs = ref({"image": raw})["image"]
    ours = DecodeImage(img_mode=mode, channel_first=channel_first)({"image": raw})["image"]
    np.testing.assert_array_equal(ours, theirs)


def test_corrupt_bytes_drop_the_sample():
    assert DecodeImage(img_mode="BGR")({"image": b"not an image"}) is None
    assert DecodeImage(img_mode="BGR")({"image": b""}) is None


def test_keep_keys_order_and_missing_key():
    data = {"image": 1, "shrink_map": 2, "extra": 3}
    assert KeepKeys(keep_keys=["shrink_map", "image"])(data) == [2, 1]
    with pytest.raises(DataError, match="threshold_map"):
        KeepKeys(keep_keys=["image", "threshold_map"])(data)
