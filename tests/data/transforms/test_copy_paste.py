"""CopyPaste: pasted instances land where their new polygons say, and overlap no existing text."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ocrcourse.data.transforms.copy_paste import CopyPaste, rectify_quad, rotate_expand
from ocrcourse.data.transforms.random_crop import polys_outside_rect

RED = (0, 0, 255)          # BGR


def _source():
    img = np.full((240, 320, 3), 128, np.uint8)
    polys = np.array([[[20, 20], [120, 20], [120, 50], [20, 50]], [[180, 150], [300, 150], [300, 190], [180, 190]]], np.float32)
    return {"image": img, "polys": polys, "texts": ["a", "b"], "ignore_tags": np.array([False, False])}


def _ext():
    img = np.zeros((200, 200, 3), np.uint8)
    polys = []
    for k in range(10):
        x0, y0 = 10 + (k % 5) * 38, 20 + (k // 5) * 90
        img[y0:y0 + 25, x0:x0 + 30] = RED
        polys.append([[x0, y0], [x0 + 30, y0], [x0 + 30, y0 + 25], [x0, y0 + 25]])
    return {"image": img, "polys": np.array(polys, np.float32), "texts": [f"e{k}" for k in range(10)],
            "ignore_tags": np.zeros(10, bool)}


@pytest.mark.parametrize("seed", range(6))
def test_pasted_pixels_match_pasted_polygons(seed):
    random.seed(seed)
    np.random.seed(seed)
    data = _source()
    data["ext_data"] = [_ext()]
    out = CopyPaste(objects_paste_ratio=0.2, limit_paste=True)(data)
    n = len(out["polys"])
    assert len(out["texts"]) == len(out["ignore_tags"]) == len(out["pasted"]) == n
    assert out["pasted"].sum() == n - 2 <= 2          # select_num = max(1, min(int(0.2 * 10), 30)) = 2
    for poly in out["polys"][out["pasted"]]:
        mask = np.zeros(out["image"].shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
        inside = cv2.erode(mask, np.ones((5, 5), np.uint8)) > 0
        assert inside.sum() > 100
        assert np.abs(out["image"][inside].astype(int) - RED).max() < 40
        # limit_paste: the pasted box's bbox overlaps none of the original polygons
        (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
        assert polys_outside_rect(_source()["polys"], x0, y0, x1 - x0, y1 - y0).all()
    assert out["texts"][:2] == ["a", "b"] and all(t.startswith("e") for t in out["texts"][2:])


def test_rotate_expand_box_matches_the_rotated_pixels():
    crop = np.zeros((20, 60, 3), np.uint8)
    crop[:] = 255
    rotated, alpha, box = rotate_expand(crop, 30)
    mask = np.zeros(rotated.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(box).astype(np.int32)], 1)
    inner = cv2.erode(mask, np.ones((5, 5), np.uint8)) > 0      # 2 px inside the box
    outer = cv2.dilate(mask, np.ones((5, 5), np.uint8)) == 0    # 2 px outside it
    assert rotated[inner].min() > 200 and alpha[inner].min() > 0.9
    assert alpha[outer].max() < 0.1


def test_rectify_quad_turns_tall_boxes():
    img = np.zeros((100, 100, 3), np.uint8)
    assert rectify_quad(img, [[10, 10], [20, 10], [20, 60], [10, 60]]).shape[:2] == (10, 50)
    assert rectify_quad(img, [[10, 10], [60, 10], [60, 20], [10, 20]]).shape[:2] == (10, 50)


def test_extra_sample_with_curved_polygons_is_a_clear_error():
    from ocrcourse.errors import DataError

    ext = _ext()
    ext["polys"] = np.concatenate([ext["polys"], ext["polys"][:, :3]], axis=1)     # 7-point polygons
    ext["img_path"] = "curved.jpg"
    data = _source()
    data["ext_data"] = [ext]
    with pytest.raises(DataError, match=r"4-point polygons, got polys of shape \(10, 7, 2\) \(curved.jpg\)"):
        CopyPaste()(data)
