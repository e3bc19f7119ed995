"""MultiLabelEncode (PP-OCRv3's CTC + SAR targets) against paddleocr 2.10's label_ops.py."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.multi_label_encode import MultiLabelEncode
from ocrcourse.dictionary import packaged_dict_path
from ocrcourse.errors import ConfigError
from reference_imaug import ppocr_imaug

TEXTS = ["hello", "Hello World", "", "a" * 23, "a" * 24, "a" * 26, "€€", "x€y"]


@pytest.mark.parametrize("dict_name,space", [(None, False), ("en_dict.txt", True)])
@pytest.mark.parametrize("text", TEXTS)
def test_matches_paddleocr(dict_name, space, text):
    path = packaged_dict_path(dict_name) if dict_name else None
    img = np.zeros((4, 8, 3), np.uint8)
    sample = {"image": img, "label": text, "img_path": "a.png", "extra": 1}
    ref = ppocr_imaug("label_ops").MultiLabelEncode(25, path, space)(dict(sample))
    ours = MultiLabelEncode(25, path, space)(dict(sample))
    assert (ours is None) == (ref is None)
    if ref is not None:
        assert set(ours) == set(ref)
        for key in ("label_ctc", "label_sar", "length"):
            np.testing.assert_array_equal(ours[key], ref[key])
        assert ours["image"] is img and ours["img_path"] == "a.png"


def test_unknown_gtc_encoder_lists_choices():
    with pytest.raises(ConfigError, match="SARLabelEncode"):
        MultiLabelEncode(25, gtc_encode="NRTRLabelEncode")
