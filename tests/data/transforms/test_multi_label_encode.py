"""MultiLabelEncode (PP-OCRv3's CTC + SAR targets, PP-OCRv4's CTC + NRTR) and NRTRLabelEncode against
paddleocr 2.10's label_ops.py."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms import TRANSFORMS
from ocrcourse.data.transforms.multi_label_encode import MultiLabelEncode
from ocrcourse.data.transforms.nrtr_label_encode import NRTRLabelEncode
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


@pytest.mark.parametrize("dict_name,space", [(None, False), ("en_dict.txt", True)])
@pytest.mark.parametrize("text", TEXTS)
def test_nrtr_matches_paddleocr(dict_name, space, text):
    path = packaged_dict_path(dict_name) if dict_name else None
    img = np.zeros((4, 8, 3), np.uint8)
    sample = {"image": img, "label": text, "img_path": "a.png"}
    ref_ops = ppocr_imaug("label_ops")
    ref = ref_ops.MultiLabelEncode(25, path, space, gtc_encode="NRTRLabelEncode")(dict(sample))
    ours = TRANSFORMS["MultiLabelEncode"](25, path, space, gtc_encode="NRTRLabelEncode")(dict(sample))
    assert (ours is None) == (ref is None)
    if ref is not None:
        assert set(ours) == set(ref) == {"img_path", "image", "label_ctc", "label_gtc", "length"}
        for key in ("label_ctc", "label_gtc", "length"):
            np.testing.assert_array_equal(ours[key], ref[key])
        gtc = ours["label_gtc"]
        assert gtc[0] == 2 and gtc[int(ours["length"]) + 1] == 3 and gtc[int(ours["length"]) + 2:].sum() == 0
    alone_ref = ref_ops.NRTRLabelEncode(25, path, space)(dict(sample))
    alone = NRTRLabelEncode(25, path, space)(dict(sample))
    assert (alone is None) == (alone_ref is None)
    if alone_ref is not None:
        np.testing.assert_array_equal(alone["label"], alone_ref["label"])
        assert int(alone["length"]) == int(alone_ref["length"])


def test_unknown_gtc_encoder_lists_choices():
    with pytest.raises(ConfigError, match="NRTRLabelEncode"):
        MultiLabelEncode(25, gtc_encode="AttnLabelEncode")
