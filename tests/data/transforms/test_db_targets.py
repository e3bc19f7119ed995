"""MakeShrinkMap / MakeBorderMap against paddleocr 2.10 and the reference fixture."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from shapely.geometry import Polygon

from ocrcourse.data.transforms.db_targets import (MakeBorderMap, MakeShrinkMap, dilate_polygon, edge_distance,
                                                  offset_distance, offset_distances, shrink_polygon)
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


# ---- property tests: random polygons of every awkward kind against paddleocr 2.10 --------------
def _random_polygon(rng, h, w):
    """A 4- or 14-point polygon: box, tiny box, curved line, repeated point, sliver or random quad."""
    kind = int(rng.integers(0, 7))
    cx, cy = rng.uniform(-10, w + 10), rng.uniform(-10, h + 10)
    bw, bh = (rng.uniform(0.3, 4, 2) if kind == 0 else (rng.uniform(3, 200), rng.uniform(1, 40)))
    points = 14 if kind in (1, 2) else 4
    t = np.linspace(-bw / 2, bw / 2, points // 2)
    bend = rng.uniform(-0.02, 0.02) if points > 4 else 0.0
    outline = np.concatenate([np.stack([t, -bh / 2 + bend * t ** 2], 1),
                              np.stack([t[::-1], bh / 2 + bend * t[::-1] ** 2], 1)])
    angle = rng.uniform(0, np.pi)
    poly = outline @ np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]]) + (cx, cy)
    if kind == 3:                                    # two consecutive points equal
        i = int(rng.integers(0, len(poly)))
        poly[(i + 1) % len(poly)] = poly[i]
    elif kind == 4:                                  # nearly collinear sliver: D far below 1 px
        poly = np.stack([cx + rng.uniform(-80, 80, 4), cy + rng.uniform(-0.05, 0.05, 4)], 1)
    elif kind == 5:                                  # any quad, self-intersecting ones included
        poly = np.array([cx, cy]) + rng.uniform(-60, 60, (4, 2))
    snap = rng.random()
    return np.round(poly) if snap < 0.4 else np.round(poly * 2) / 2 if snap < 0.6 else poly


def _starts_beyond_the_image(poly, h, w):
    """Dilated bbox starting right of / below the image: 2.10 paints a wrapped-around strip there
    (negative slice indices) or raises; we draw nothing (see the MakeBorderMap docstring)."""
    distance = offset_distance(poly, 0.4)
    grown = dilate_polygon(poly, 0.4) if distance > 0 else None
    return grown is not None and bool((grown.min(axis=0) > (w - 1, h - 1)).any())


@pytest.mark.parametrize("seed", range(6))
def test_random_polygons_match_paddleocr(seed):
    ref_border = ppocr_module("ppocr/data/imaug/make_border_map.py").MakeBorderMap()
    ref_shrink = ppocr_module("ppocr/data/imaug/make_shrink_map.py").MakeShrinkMap()
    rng = np.random.default_rng(100 + seed)
    compared = 0
    while compared < 25:
        h, w = (int(v) for v in rng.integers(20, 160, 2))
        polys = [p for p in (_random_polygon(rng, h, w) for _ in range(int(rng.integers(1, 6))))
                 if not _starts_beyond_the_image(p, h, w)]
        if not polys:
            continue
        most = max(len(p) for p in polys)           # pad as DetLabelEncode: repeat the last point
        polys = [np.concatenate([p, np.repeat(p[-1:], most - len(p), axis=0)]) for p in polys]
        data = {"image": np.zeros((h, w, 3), np.uint8),
                "polys": np.array(polys, dtype=np.float32 if rng.random() < 0.7 else np.float64),
                "ignore_tags": rng.random(len(polys)) < 0.1}
        try:
            theirs = ref_shrink(ref_border(copy.deepcopy(data)))
        except (ValueError, IndexError):             # 2.10 raises on some border cases; not compared
            continue
        ours = MakeShrinkMap()(MakeBorderMap()(copy.deepcopy(data)))
        assert np.abs(ours["threshold_map"] - theirs["threshold_map"]).max() <= 1e-5
        for key in ("threshold_mask", "shrink_map", "shrink_mask"):
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
        compared += 1


def test_padded_integer_vertex_keeps_paddleocrs_nan_hole():
    # DetLabelEncode's padding repeats the last vertex: the zero-length edge gives NaN at that very
    # pixel in 2.10, which then keeps the canvas value (thresh_min) although it lies on the outline
    poly = np.array([[[10, 10], [50, 10], [50, 30], [10, 30], [10, 30], [10, 30]]], np.float32)
    data = {"image": np.zeros((40, 60, 3), np.uint8), "polys": poly, "ignore_tags": np.array([False])}
    theirs = ppocr_module("ppocr/data/imaug/make_border_map.py").MakeBorderMap()(copy.deepcopy(data))
    ours = MakeBorderMap()(copy.deepcopy(data))["threshold_map"]
    assert theirs["threshold_map"][30, 10] == pytest.approx(0.3) and theirs["threshold_map"][10, 10] == pytest.approx(0.7)
    np.testing.assert_array_equal(ours, theirs["threshold_map"])


def test_offset_distances_equal_one_polygon_at_a_time():
    rng = np.random.default_rng(3)
    polys = np.array([_random_polygon(rng, 100, 100)[:4] for _ in range(40)], np.float32)
    polys[:5] = polys[:5, :1]                        # all points equal: no area
    expected = [offset_distance(p, 0.4) if Polygon(p).area > 0 else np.nan for p in polys]
    got = offset_distances(polys, 0.4)
    np.testing.assert_array_equal(np.where(np.isnan(expected), np.nan, got), expected)
