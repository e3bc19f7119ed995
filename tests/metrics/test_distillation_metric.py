"""DistillationMetric: the key model unprefixed, the others prefixed with their name."""
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.metrics import build_metric


def test_key_model_is_unprefixed_and_base_keys_are_forwarded():
    metric = build_metric({"name": "DistillationMetric", "base_metric_name": "RecMetric",
                           "main_indicator": "acc", "key": "Student", "ignore_space": False})
    labels = [("a b", 1.0), ("cd", 1.0)]
    preds = {"Student": ([("a b", 0.9), ("cd", 0.9)], labels),
             "Teacher": ([("ab", 0.9), ("cd", 0.9)], labels)}
    batch_out = metric(preds, None)
    assert set(batch_out) == {"Student_acc", "Student_norm_edit_dis", "Teacher_acc",
                              "Teacher_norm_edit_dis"}
    out = metric.get_metric()
    assert set(out) == {"acc", "norm_edit_dis", "Teacher_acc", "Teacher_norm_edit_dis"}
    assert out["acc"] == pytest.approx(1.0, rel=1e-4)
    assert out["Teacher_acc"] == pytest.approx(0.5, rel=1e-4)    # ignore_space False reached RecMetric


def test_det_base_metric_and_bad_keys():
    metric = build_metric({"name": "DistillationMetric", "base_metric_name": "DetMetric",
                           "main_indicator": "hmean", "key": "Student"})
    box = [[0, 0], [10, 0], [10, 10], [0, 10]]
    batch = [None, None, [[box]], [[False]]]
    metric({"Student": [{"points": [box]}], "Student2": [{"points": []}]}, batch)
    out = metric.get_metric()
    assert out["hmean"] == 1.0 and out["Student2_hmean"] == 0
    with pytest.raises(ConfigError):
        build_metric({"name": "DistillationMetric", "base_metric_name": "DetMetric",
                      "ignore_space": False})
    metric.reset()
