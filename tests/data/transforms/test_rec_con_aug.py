"""RecConAug against paddleocr 2.10 (seeded), plus its length and aspect-ratio limits."""
from __future__ import annotations

import random

import numpy as np
import pytest

from ocrcourse.data.transforms.rec_con_aug import RecConAug
from reference_imaug import ppocr_imaug


def _sample(h, w, text, seed):
    img = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    return {"image": img, "label": text}


def _with_ext(main, exts):
    d = {"image": main["image"].copy(), "label": main["label"]}
    d["ext_data"] = [{"image": e["image"].copy(), "label": e["label"]} for e in exts]
    return d


@pytest.mark.parametrize("seed", range(6))
def test_matches_paddleocr(seed):
    main = _sample(32, 60, "abc", seed)
    exts = [_sample(40, 70, "de", seed + 10), _sample(20, 50, "fgh", seed + 20)]
    kw = dict(prob=0.5, image_shape=[48, 320, 3], max_text_length=25, ext_data_num=2)
    random.seed(seed)
    ours = RecConAug(**kw)(_with_ext(main, exts))
    random.seed(seed)
    ref = ppocr_imaug("rec_img_aug").RecConAug(**kw)(_with_ext(main, exts))
    assert ours["label"] == ref["label"]
    np.testing.assert_array_equal(ours["image"], ref["image"])
    assert ("ext_data" in ours) == ("ext_data" in ref)


def test_joins_and_respects_limits():
    op = RecConAug(prob=1.0, image_shape=[48, 320, 3], max_text_length=6, ext_data_num=2)
    out = op(_with_ext(_sample(48, 96, "ab", 0), [_sample(24, 48, "cd", 1), _sample(48, 48, "efg", 2)]))
    assert out["label"] == "abcd"                     # "abcdefg" would exceed 6 characters
    assert out["image"].shape == (48, 96 + 96, 3) and "ext_data" not in out
    wide = op(_with_ext(_sample(48, 250, "ab", 0), [_sample(48, 100, "c", 1)]))
    assert wide["label"] == "ab" and wide["image"].shape == (48, 250, 3)   # ratio 7.3 > 320/48
