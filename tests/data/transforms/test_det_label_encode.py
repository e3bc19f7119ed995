"""DetLabelEncode against paddleocr 2.10, and malformed labels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ocrcourse.data.transforms.det_label_encode import DetLabelEncode
from reference_imaug import ppocr_imaug

LABEL = json.dumps([
    {"transcription": "PP-OCR", "points": [[10, 12], [98, 12], [98, 40], [10, 40]]},
    {"transcription": "###", "points": [[5, 50], [40, 50], [40, 70], [5, 70]]},
    {"transcription": "曲线", "points": [[0, 80], [20, 78], [40, 80], [40, 95], [20, 93], [0, 95]]},
    {"transcription": "*", "points": [[1.5, 2.25], [3, 2], [3, 4]]},
], ensure_ascii=False)


def test_matches_paddleocr():
    theirs = ppocr_imaug("label_ops").DetLabelEncode()({"label": LABEL})
    ours = DetLabelEncode()({"label": LABEL})
    np.testing.assert_array_equal(ours["polys"], theirs["polys"])
    assert ours["polys"].dtype == theirs["polys"].dtype == np.float32
    assert ours["polys"].shape == (4, 6, 2)
    np.testing.assert_array_equal(ours["ignore_tags"], theirs["ignore_tags"])
    assert ours["texts"] == theirs["texts"]


def test_no_box_drops_the_sample():
    assert DetLabelEncode()({"label": "[]"}) is None


@pytest.mark.parametrize("label", ['[{"points": [[0, 0], [1, 0], [1, 1]]}]',        # no transcription
                                   '[{"transcription": "a", "points": [[0, 0], [1]]}]',
                                   '{"transcription": "a"}', 'not json'])
def test_malformed_label_raises(label):
    with pytest.raises(ValueError):
        DetLabelEncode.check_label(label)
