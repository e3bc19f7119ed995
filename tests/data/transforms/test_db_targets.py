"""MakeShrinkMap / MakeBorderMap against paddleocr 2.10 and the reference fixture."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from ocrcourse.data.transforms.db_targets import (MakeBorderMap, MakeShrinkMap, edge_distance,
                                                  offset_distance, shrink_polygon)
from reference import ppocr_module

FIXTURE = json.loads((Path(__file__).parents[2] / "fixtures" / "label_and_postprocess_examples.json").read_text())


def _scene(rng, n, h=160, w=224, points=4, integer=False, dtype=np.float32, pad=False):
    """Random rotated boxes or curved many-point polygons, some crossing the image border."""
    polys = []
    for _ in range(n):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        bw, bh, angle = rng.uniform(5, 120), rng.uniform(3, 30), rng.uniform(0, np.pi)
        t = np.linspace(-bw / 2, bw / 2, points // 2)
        bend = rng.uniform(-0.01, 0.01) if points > 4 else 0.0
        top = np.stack([t, -bh / 2 + bend * t ** 2], 1)
        bottom = np.stack([t[::-1], bh / 2 + bend * t[::-1] ** 2], 1)
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        poly = np.concatenate([top, bottom]) @ rot.T + (cx, cy)
        if pad:                                 # DetLabelEncode pads by repeating the last point
            poly = np.concatenate([poly, np.repeat(poly[-1:], 3, axis=0)])
        polys.append(np.round(poly) if integer else poly)
    return {"image": np.zeros((h, w, 3), np.uint8), "polys": np.array(polys, dtype=dtype),
            "ignore_tags": rng.random(n) < 0.15}


CASES = [dict(points=4), dict(points=4, integer=True), dict(points=4, dtype=np.float64),
         dict(points=12), dict(points=12, integer=True), dict(points=4, integer=True, pad=True),
         dict(points=8, pad=True, dtype=np.float64)]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_label_maps_match_paddleocr(case):
    ref_border = ppocr_module("ppocr/data/imaug/make_border_map.py").MakeBorderMap()
    ref_shrink = ppocr_module("ppocr/data/imaug/make_shrink_map.py").MakeShrinkMap()
    rng = np.random.default_rng(len(str(case)))
    for _ in range(3):
        data = _scene(rng, int(rng.integers(1, 12)), **case)
        theirs = ref_shrink(ref_border(copy.deepcopy(data)))
        ours = MakeShrinkMap()(MakeBorderMap()(copy.deepcopy(data)))
        assert np.abs(ours["threshold_map"] - theirs["threshold_map"]).max() <= 1e-5
        for key in ("threshold_mask", "shrink_map", "shrink_mask"):
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
        np.testing.assert_array_equal(ours["ignore_tags"], np.asarray(theirs["ignore_tags"], bool))


def test_fixture_shrink_map():
    fx = FIXTURE["MakeShrinkMap"]
    h, w = fx["image_hw"]
    data = {"image": np.zeros((h, w, 3), np.uint8), "polys": np.array(fx["polys"], np.float32),
            "ignore_tags": np.zeros(len(fx["polys"]), bool)}
    out = MakeShrinkMap(**fx["params"])(data)
    assert out["shrink_map"].sum() == fx["shrink_map_sum"]
    ys, xs = np.nonzero(out["shrink_map"])
    assert [xs.min(), ys.min(), xs.max(), ys.max()] == fx["shrink_map_bbox_xyxy"]
    assert (out["shrink_mask"] == 0).sum() == fx["shrink_mask_zero_count"]
    assert out["ignore_tags"].tolist() == fx["ignore_tags_after"]
    assert offset_distance(np.array(fx["polys"][0]), 0.4) == pytest.approx(fx["poly0_shrink_distance"])


def test_fixture_border_map():
    fx, shrink_fx = FIXTURE["MakeBorderMap"], FIXTURE["MakeShrinkMap"]
    h, w = shrink_fx["image_hw"]
    data = {"image": np.zeros((h, w, 3), np.uint8), "polys": np.array(shrink_fx["polys"], np.float32),
            "ignore_tags": np.array(fx["ignore_tags"])}
    out = MakeBorderMap(**fx["params"])(data)
    t = out["threshold_map"]
    assert t.min() == pytest.approx(fx["threshold_map_min"], abs=1e-6)
    assert t.max() == pytest.approx(fx["threshold_map_max"], abs=1e-6)
    assert t.sum() == pytest.approx(fx["threshold_map_sum"], rel=1e-6)
    assert out["threshold_mask"].sum() == fx["threshold_mask_sum"]
    np.testing.assert_allclose(t[20, 0:21], fx["row_20_cols_0_to_20"], atol=1e-5)
    np.testing.assert_allclose(t[0:41, 35], fx["col_35_rows_0_to_40"], atol=1e-5)


def test_shrink_polygon_of_a_rectangle():
    # 50 x 20 rectangle: D = 1000 * 0.84 / 140 = 6 px on every side
    shrunk = shrink_polygon(np.array([[10, 10], [60, 10], [60, 30], [10, 30]], np.float32), 0.4)
    assert len(shrunk) == 1
    assert shrunk[0].min(axis=0).tolist() == [16, 16] and shrunk[0].max(axis=0).tolist() == [54, 24]


def test_edge_distance_is_the_segment_distance_near_the_edge():
    xs, ys = np.arange(0, 21, dtype=np.float64), np.arange(0, 11, dtype=np.float64)
    d = edge_distance(xs[None, :], ys[:, None], np.array([5.0, 5.0]), np.array([15.0, 5.0]))
    assert d[5, 10] == 0 and d[2, 10] == pytest.approx(3) and d[5, 0] == pytest.approx(5)


def test_polygon_outside_the_image_is_skipped():
    data = {"image": np.zeros((20, 20, 3), np.uint8), "polys": np.array([[[40, 40], [60, 40], [60, 50], [40, 50]]], np.float32),
            "ignore_tags": np.array([False])}
    out = MakeBorderMap()(data)
    assert np.all(out["threshold_map"] == np.float32(0.3)) and out["threshold_mask"].sum() == 0



def test_no_polygon_left_after_a_crop():
    data = {"image": np.zeros((8, 8, 3), np.uint8), "polys": np.zeros((0, 4, 2)), "ignore_tags": np.zeros(0, bool)}
    out = MakeShrinkMap()(MakeBorderMap()(data))
    assert out["shrink_map"].sum() == 0 and out["shrink_mask"].min() == 1
    assert np.all(out["threshold_map"] == np.float32(0.3))
