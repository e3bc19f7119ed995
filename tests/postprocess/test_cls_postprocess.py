"""ClsPostProcess against paddleocr 2.10."""
from __future__ import annotations

import numpy as np

from ocrcourse.postprocess import build_postprocess
from reference import ppocr_module


def test_matches_paddleocr():
    probs = np.array([[0.95, 0.05], [0.2, 0.8], [0.5, 0.5]], np.float32)
    ours = build_postprocess({"name": "ClsPostProcess", "label_list": ["0", "180"]})
    ref = ppocr_module("ppocr/postprocess/cls_postprocess.py").ClsPostProcess(label_list=["0", "180"])
    assert ours(probs) == [(l, float(p)) for l, p in ref(probs)]
    assert ours(probs)[1] == ("180", np.float32(0.8))
    decoded, labels = ours(probs, np.array([0, 1, 1]))
    assert labels == [("0", 1.0), ("180", 1.0), ("180", 1.0)]


def test_without_label_list_and_with_key():
    post = build_postprocess({"name": "ClsPostProcess", "key": "out"})
    assert post({"out": np.array([[0.1, 0.2, 0.7]])}) == [(2, 0.7)]
