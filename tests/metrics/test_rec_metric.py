"""RecMetric against fixtures/metric_examples.json; Levenshtein against rapidfuzz."""
import json
import random
from pathlib import Path

import pytest

from ocrcourse.metrics import ClsMetric, build_metric, levenshtein, normalized_edit_distance

EX = json.loads((Path(__file__).parents[1] / "fixtures" / "metric_examples.json").read_text())["RecMetric_example"]


@pytest.mark.parametrize("ignore_space", [True, False])
def test_rec_metric_matches_fixture(ignore_space):
    metric = build_metric({"name": "RecMetric", "ignore_space": ignore_space})
    preds = [tuple(p) for p in EX["preds"]]
    labels = [tuple(t) for t in EX["labels"]]
    batch_values = metric((preds, labels), None)
    expected = EX[f"ignore_space_{ignore_space}"]
    for values in (batch_values, metric.get_metric()):
        assert values["acc"] == pytest.approx(expected["acc"], rel=1e-5, abs=1e-12)
        assert values["norm_edit_dis"] == pytest.approx(expected["norm_edit_dis"], rel=1e-5)
    assert metric.all_num == 0                                  # get_metric reset it


def test_normalized_distance_examples():
    ex = EX["normalized_distance_examples"]
    assert normalized_edit_distance("abc", "abd") == pytest.approx(ex["abc|abd"])
    assert normalized_edit_distance("xyz", "") == ex["xyz|(empty)"]
    assert normalized_edit_distance("", "") == ex["(empty)|(empty)"]


def test_levenshtein_matches_rapidfuzz():
    rapidfuzz = pytest.importorskip("rapidfuzz")
    Levenshtein = rapidfuzz.distance.Levenshtein
    rng = random.Random(0)
    alphabet = "ab c中文"
    for _ in range(300):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert levenshtein(a, b) == Levenshtein.distance(a, b), (a, b)
        assert normalized_edit_distance(a, b) == pytest.approx(Levenshtein.normalized_distance(a, b))


def test_is_filter_keeps_lowercased_alphanumerics():
    metric = build_metric({"name": "RecMetric", "is_filter": True})
    metric(([("Hello-World!", 0.9)], [("helloworld", 1.0)]))
    assert metric.get_metric()["acc"] == pytest.approx(1.0, rel=1e-4)


def test_cls_metric_accuracy_and_empty():
    metric = ClsMetric()
    assert metric(([("0", 0.9), ("180", 0.8)], [("0", 1.0), ("0", 1.0)])) == {"acc": 0.5}
    metric(([("180", 0.7)], [("180", 1.0)]))
    assert metric.get_metric() == {"acc": pytest.approx(2 / 3)}
    assert metric.get_metric() == {"acc": 0.0}                  # nothing seen: no ZeroDivisionError
