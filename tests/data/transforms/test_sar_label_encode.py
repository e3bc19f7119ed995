"""SARLabelEncode against paddleocr 2.10's label_ops.py."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.sar_label_encode import SARLabelEncode
from ocrcourse.dictionary import packaged_dict_path
from reference_imaug import ppocr_imaug

TEXTS = ["hello", "Hello World", "", "a" * 23, "a" * 24, "a" * 30, "ÄÖ", "x€y", "12 34"]


@pytest.mark.parametrize("dict_name,space", [(None, False), ("en_dict.txt", True), ("ic15_dict.txt", False)])
@pytest.mark.parametrize("text", TEXTS)
def test_matches_paddleocr(dict_name, space, text):
    path = packaged_dict_path(dict_name) if dict_name else None
    ref_op = ppocr_imaug("label_ops").SARLabelEncode(25, path, space)
    ours_op = SARLabelEncode(25, path, space)
    assert ours_op.character == ref_op.character
    assert (ours_op.start_idx, ours_op.end_idx, ours_op.padding_idx, ours_op.unknown_idx) == \
        (ref_op.start_idx, ref_op.end_idx, ref_op.padding_idx, ref_op.unknown_idx)
    ref, ours = ref_op({"label": text}), ours_op({"label": text})
    assert (ours is None) == (ref is None)
    if ref is not None:
        np.testing.assert_array_equal(ours["label"], ref["label"])
        assert int(ours["length"]) == int(ref["length"])
