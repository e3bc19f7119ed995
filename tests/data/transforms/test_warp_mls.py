"""Moving-least-squares warp against paddleocr 2.10's WarpMLS (the TIA engine)."""
from __future__ import annotations

import numpy as np
import pytest

from ocrcourse.data.transforms.warp_mls import mls_similarity_map, warp_mls
from reference import ppocr_module


@pytest.mark.parametrize("hw", [(32, 100), (48, 320), (150, 250), (101, 200)])
def test_warp_matches_paddleocr(hw):
    WarpMLS = ppocr_module("ppocr/data/imaug/text_image_aug/warp_mls.py").WarpMLS
    h, w = hw
    img = np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)
    src = [[0, 0], [w, 0], [w, h], [0, h], [w // 2, 0], [w // 2, h]]
    dst = [[3, 2], [w - 4, 1], [w - 2, h - 3], [1, h - 2], [w // 2 + 3.5, -1.5], [w // 2 - 2.5, h + 1]]
    ours = warp_mls(img, src, dst, w, h)
    ref = WarpMLS(img, src, dst, w, h).generate()
    assert ours.shape == ref.shape and ours.dtype == np.uint8
    diff = np.abs(ours.astype(int) - ref)
    assert diff.max() <= 1                 # float32 (reference) vs float64 (ours) rounding only
    assert (diff > 0).mean() < 0.02


def test_identity_when_points_do_not_move():
    img = np.random.default_rng(1).integers(0, 256, (40, 120, 3), dtype=np.uint8)
    pts = [[0, 0], [120, 0], [120, 40], [0, 40]]
    np.testing.assert_array_equal(warp_mls(img, pts, pts, 120, 40), img)


def test_mls_passes_through_control_points_and_is_similarity_for_a_similarity():
    src = np.array([[0, 0], [10, 0], [10, 5], [0, 5]], float)
    dst = src * 2 + [3, 1]                 # a pure scale + shift: MLS must invert it exactly
    pts = np.array([[3, 1], [7.5, 2.5], [15, 8]])
    np.testing.assert_allclose(mls_similarity_map(pts, src, dst), (pts - [3, 1]) / 2, atol=1e-9)


def test_grey_image_matches_paddleocr():
    WarpMLS = ppocr_module("ppocr/data/imaug/text_image_aug/warp_mls.py").WarpMLS
    img = np.random.default_rng(3).integers(0, 256, (40, 130), dtype=np.uint8)
    src = [[0, 0], [130, 0], [130, 40], [0, 40]]
    dst = [[0, 7], [130, 3], [130, 31], [0, 38]]
    ours, ref = warp_mls(img, src, dst, 130, 40), WarpMLS(img, src, dst, 130, 40).generate()
    assert ours.shape == ref.shape == (40, 130)
    assert np.abs(ours.astype(int) - ref).max() <= 1
