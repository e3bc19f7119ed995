"""DetMetric against fixtures/metric_examples.json plus hmean properties."""
import json
from pathlib import Path

import numpy as np
import pytest

from ocrcourse.metrics import DetMetric, build_metric, evaluate_image

EX = json.loads((Path(__file__).parents[1] / "fixtures" / "metric_examples.json").read_text())["DetMetric_example"]


def _box(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def _batch(gt_items):
    polys = np.array([[g["points"] for g in gt_items]], dtype="float32")
    ignore = np.array([[g["ignore"] for g in gt_items]])
    return [None, None, polys, ignore]


def test_fixture_per_image_and_combined():
    assert evaluate_image(EX["gt"], EX["pred"]) == EX["per_image"]
    metric = build_metric({"name": "DetMetric", "main_indicator": "hmean"})
    metric([{"points": np.array([p["points"] for p in EX["pred"]], "float32")}], _batch(EX["gt"]))
    got = metric.get_metric()
    for key, value in EX["combined"].items():
        assert got[key] == pytest.approx(value, rel=1e-5)
    assert metric.main_indicator == "hmean"


def test_identical_boxes_give_hmean_one_and_disjoint_zero():
    gt = [{"points": _box(0, 0, 10, 10), "ignore": False}, {"points": _box(20, 0, 30, 8), "ignore": False}]
    metric = DetMetric()
    metric([{"points": [g["points"] for g in gt]}], _batch(gt))
    assert metric.get_metric() == {"precision": 1.0, "recall": 1.0, "hmean": 1.0}
    metric([{"points": [_box(50, 50, 60, 60)]}], _batch(gt))
    assert metric.get_metric()["hmean"] == 0


def test_iou_must_be_strictly_above_half_and_matching_is_one_to_one():
    gt = [{"points": _box(0, 0, 10, 10), "ignore": False}]
    # IoU exactly 0.5: [0,10]x[0,10] vs [0,10]x[0,5] -> 50/100
    assert evaluate_image(gt, [{"points": _box(0, 0, 10, 5)}])["detMatched"] == 0
    two = [{"points": _box(0, 0, 10, 10)}, {"points": _box(0, 0, 10, 10)}]
    assert evaluate_image(gt, two) == {"gtCare": 1, "detCare": 2, "detMatched": 1}


def test_counts_accumulate_over_images_and_reset():
    gt = [{"points": _box(0, 0, 10, 10), "ignore": False}]
    metric = DetMetric()
    metric([{"points": [_box(0, 0, 10, 10)]}], _batch(gt))       # 1/1 matched
    metric([{"points": [_box(40, 40, 50, 50)]}], _batch(gt))     # 0/1
    assert metric.get_metric() == {"precision": 0.5, "recall": 0.5, "hmean": 0.5}
    assert metric.results == []


def test_empty_prediction_set_gives_zero_without_division_error():
    gt = [{"points": _box(0, 0, 10, 10), "ignore": False}]
    metric = DetMetric()
    metric([{"points": []}], _batch(gt))
    assert metric.get_metric() == {"precision": 0, "recall": 0.0, "hmean": 0}
    assert DetMetric().get_metric() == {"precision": 0, "recall": 0, "hmean": 0}


def test_invalid_polygon_is_skipped():
    bowtie = [[0, 0], [10, 10], [10, 0], [0, 10]]
    gt = [{"points": _box(0, 0, 10, 10), "ignore": False}]
    assert evaluate_image(gt, [{"points": bowtie}])["detCare"] == 0


def test_update_takes_polygons_and_ignore_tags_without_a_loader_batch():
    # image 1: two ground truths, one "###"; a detection on the ### region is neither right nor wrong
    polys = [[_box(0, 0, 10, 10), _box(20, 0, 30, 8)], [_box(0, 0, 10, 10)]]
    ignore_tags = [[False, True], [False]]
    preds = [{"points": [_box(0, 0, 10, 10), _box(20, 0, 30, 8)]}, {"points": [_box(40, 40, 50, 50)]}]
    metric = DetMetric()
    metric.update(preds, polys, ignore_tags)
    assert metric.results == [{"gtCare": 1, "detCare": 1, "detMatched": 1},
                              {"gtCare": 1, "detCare": 1, "detMatched": 0}]
    assert metric.get_metric() == {"precision": 0.5, "recall": 0.5, "hmean": 0.5}
    with pytest.raises(ValueError, match="one entry per image"):
        metric.update(preds, polys[:1], ignore_tags)
