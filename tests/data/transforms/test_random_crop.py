"""EastRandomCropData and RandomCropImgMask against paddleocr 2.10 (same seeds, same crops)."""
from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from ocrcourse.data.transforms.random_crop import EastRandomCropData, RandomCropImgMask, free_runs
from reference import ppocr_module


def _reference_crop_module(monkeypatch):
    """2.10's random_crop_data, with the one call that NumPy >= 2.3 rejects made scalar-safe.

    `int(np.random.choice(axis, size=1))` raises on a 1-element array in NumPy 2.3+; the
    replacement draws the same numbers in the same order.
    """
    module = ppocr_module("ppocr/data/imaug/random_crop_data.py")

    def region_wise_random_select(regions, max_size):
        picked = [int(np.random.choice(regions[i], size=1)[0]) for i in list(np.random.choice(len(regions), 2))]
        return min(picked), max(picked)

    monkeypatch.setattr(module, "region_wise_random_select", region_wise_random_select)
    return module


def _scene(seed):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    polys, x = [], 10
    while x < 360:                      # boxes with gaps, so there are several text-free runs
        y = int(rng.integers(5, 250))
        w = int(rng.integers(15, 40))
        polys.append([[x, y], [x + w, y + 3], [x + w, y + 33], [x, y + 30]])
        x += w + int(rng.integers(5, 40))
    n = len(polys)
    return {"image": img, "polys": np.array(polys, np.float32), "ignore_tags": rng.random(n) < 0.2,
            "texts": [f"t{i}" for i in range(n)]}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("keep_ratio", [True, False])
def test_east_random_crop_matches_paddleocr(monkeypatch, seed, keep_ratio):
    ref = _reference_crop_module(monkeypatch).EastRandomCropData(size=[160, 128], max_tries=50, keep_ratio=keep_ratio)
    ours = EastRandomCropData(size=[160, 128], max_tries=50, keep_ratio=keep_ratio)
    data = _scene(seed)
    np.random.seed(seed)
    theirs = ref(copy.deepcopy(data))
    np.random.seed(seed)
    mine = ours(copy.deepcopy(data))
    np.testing.assert_array_equal(mine["image"], theirs["image"])
    np.testing.assert_array_equal(mine["polys"], np.asarray(theirs["polys"]).reshape(mine["polys"].shape))
    assert mine["ignore_tags"].tolist() == list(theirs["ignore_tags"])
    assert mine["texts"] == theirs["texts"]


def test_crop_keeps_polygons_on_their_pixels():
    img = np.zeros((200, 300, 3), np.uint8)
    boxes = [(20, 30, 80, 60), (150, 40, 260, 70), (60, 120, 200, 170)]
    for x0, y0, x1, y1 in boxes:
        img[y0:y1, x0:x1] = 255
    polys = np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]] for x0, y0, x1, y1 in boxes], np.float32)
    np.random.seed(3)
    for _ in range(5):
        out = EastRandomCropData(size=[128, 128], max_tries=50)(
            {"image": img.copy(), "polys": polys.copy(), "ignore_tags": np.zeros(3, bool), "texts": ["a", "b", "c"]})
        assert len(out["polys"]) >= 1
        for poly in out["polys"]:
            (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
            inner = out["image"][int(y0) + 2:int(y1) - 1, int(x0) + 2:int(x1) - 1]
            assert inner.size == 0 or inner.min() > 200          # white inside every kept box


def test_free_runs_keeps_paddleocrs_last_run_quirk():
    assert free_runs(np.array([0, 1, 2, 5, 6, 9])) == [(0, 3), (5, 2)]
    assert free_runs(np.array([3, 4, 5])) == []


@pytest.mark.parametrize("seed", range(4))
def test_random_crop_img_mask_matches_paddleocr(seed):
    ref = ppocr_module("ppocr/data/imaug/random_crop_data.py").RandomCropImgMask
    args = dict(size=[32, 48], main_key="shrink_map", crop_keys=["image", "shrink_map", "threshold_map"])
    rng = np.random.default_rng(seed)
    data = {"image": rng.integers(0, 255, (64, 80, 3), dtype=np.uint8),
            "shrink_map": np.zeros((64, 80), np.float32), "threshold_map": rng.random((64, 80)).astype(np.float32)}
    data["shrink_map"][20:30, 40:70] = 1
    random.seed(seed)
    theirs = ref(**args)(copy.deepcopy(data))
    random.seed(seed)
    mine = RandomCropImgMask(**args)(copy.deepcopy(data))
    for key in args["crop_keys"]:
        np.testing.assert_array_equal(mine[key], theirs[key])
        assert mine[key].shape[:2] == (32, 48)


@pytest.mark.parametrize("seed", range(3))
def test_east_random_crop_single_free_run_matches_paddleocr(monkeypatch, seed):
    ref = _reference_crop_module(monkeypatch).EastRandomCropData(size=[96, 96], max_tries=50)
    data = {"image": np.random.default_rng(seed).integers(0, 256, (120, 160, 3), dtype=np.uint8),
            "polys": np.array([[[60, 50], [100, 50], [100, 70], [60, 70]]], np.float32),
            "ignore_tags": np.array([False]), "texts": ["one"]}
    np.random.seed(seed)
    theirs = ref(copy.deepcopy(data))
    np.random.seed(seed)
    mine = EastRandomCropData(size=[96, 96], max_tries=50)(copy.deepcopy(data))
    np.testing.assert_array_equal(mine["image"], theirs["image"])
    np.testing.assert_array_equal(mine["polys"], np.asarray(theirs["polys"]).reshape(mine["polys"].shape))
