"""ClsLabelEncode against paddleocr 2.10's label_ops.py."""
from __future__ import annotations

import pytest

from ocrcourse.data.transforms.cls_label_encode import ClsLabelEncode
from reference_imaug import ppocr_imaug


@pytest.mark.parametrize("label", ["0", "180", "90", ""])
def test_matches_paddleocr(label):
    ref = ppocr_imaug("label_ops").ClsLabelEncode(label_list=["0", "180"])({"label": label})
    ours = ClsLabelEncode(label_list=["0", "180"])({"label": label})
    assert (ours is None) == (ref is None)
    if ref is not None:
        assert ours["label"] == ref["label"]


def test_default_label_list():
    assert ClsLabelEncode()({"label": "180"})["label"] == 1
