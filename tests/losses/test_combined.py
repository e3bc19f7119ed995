"""CombinedLoss: weights, key merging and the total, on the PP-OCRv3 det CML recipe."""
import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.losses import build_loss

ALL = json.loads((Path(__file__).parents[1] / "fixtures" / "loss_examples.json").read_text())

CML = {"name": "CombinedLoss", "loss_config_list": [
    {"DistillationDilaDBLoss": {"weight": 1.0, "model_name_pairs": [["Student", "Teacher"],
                                                                    ["Student2", "Teacher"]],
                                "key": "maps", "balance_loss": True, "main_loss_type": "DiceLoss",
                                "alpha": 5, "beta": 10, "ohem_ratio": 3}},
    {"DistillationDMLLoss": {"model_name_pairs": ["Student", "Student2"], "maps_name": "thrink_maps",
                             "weight": 1.0, "key": "maps"}},
    {"DistillationDBLoss": {"weight": 1.0, "model_name_list": ["Student", "Student2"],
                            "balance_loss": True, "main_loss_type": "DiceLoss", "alpha": 5,
                            "beta": 10, "ohem_ratio": 3}},
]}


def _t(x):
    return paddle.to_tensor(np.asarray(x, dtype="float32"))


def test_cml_recipe_keys_and_total():
    i = ALL["DBLoss"]["inputs"]
    maps = _t(i["maps_BxCxHxW"])
    batch = [None, _t(i["threshold_map"]), _t(i["threshold_mask"]), _t(i["shrink_map"]),
             _t(i["shrink_mask"])]
    preds = {name: {"maps": maps} for name in ("Student", "Student2", "Teacher")}
    out = build_loss(CML)(preds, batch)
    assert set(out) == {"dila_dbloss_Student_Teacher", "dila_dbloss_Student2_Teacher",
                        "dml_thrink_maps_0", "db_Student_loss_shrink_maps",
                        "db_Student_loss_threshold_maps", "db_Student_loss_binary_maps",
                        "db_Student2_loss_shrink_maps", "db_Student2_loss_threshold_maps",
                        "db_Student2_loss_binary_maps", "loss"}
    # identical students -> DML is (almost) zero, and a vector of shape [B]: so is the total
    assert list(out["loss"].shape) == [maps.shape[0]]
    scalar_part = (float(out["dila_dbloss_Student_Teacher"]) * 2
                   + 2 * ALL["DBLoss"]["outputs"]["loss"])
    np.testing.assert_allclose(out["loss"].numpy(), scalar_part + out["dml_thrink_maps_0"].numpy(),
                               rtol=1e-5)


def test_weights_scale_every_entry():
    ex = ALL["DistanceLoss"]
    preds = {"Student": {"backbone_out": _t(ex["inputs"]["x"])},
             "Teacher": {"backbone_out": _t(ex["inputs"]["y"])}}
    cfg = {"name": "CombinedLoss", "loss_config_list": [
        {"DistillationDistanceLoss": {"weight": 0.5, "mode": "l2", "key": "backbone_out",
                                      "model_name_pairs": [["Student", "Teacher"]]}}]}
    out = build_loss(cfg)(preds, None)
    assert float(out["loss_distance_l2_Student_Teacher_0"]) == pytest.approx(0.5 * ex["l2"], rel=1e-5)
    assert float(out["loss"]) == pytest.approx(0.5 * ex["l2"], rel=1e-5)


def test_config_is_not_mutated_and_errors_are_clear():
    import copy
    before = copy.deepcopy(CML)
    build_loss(CML)
    assert CML == before
    with pytest.raises(ConfigError, match="weight"):
        build_loss({"name": "CombinedLoss", "loss_config_list": [{"CTCLoss": {}}]})
    with pytest.raises(ConfigError, match="unknown loss"):
        build_loss({"name": "CombinedLoss", "loss_config_list": [{"NoSuchLoss": {"weight": 1}}]})


REC_V3 = {"name": "CombinedLoss", "loss_config_list": [
    {"DistillationDMLLoss": {"weight": 1.0, "act": "softmax", "use_log": True,
                             "model_name_pairs": [["Student", "Teacher"]], "key": "head_out",
                             "multi_head": True, "dis_head": "ctc", "name": "dml_ctc"}},
    {"DistillationDMLLoss": {"weight": 0.5, "act": "softmax", "use_log": True,
                             "model_name_pairs": [["Student", "Teacher"]], "key": "head_out",
                             "multi_head": True, "dis_head": "sar", "name": "dml_sar"}},
    {"DistillationDistanceLoss": {"weight": 1.0, "mode": "l2", "key": "backbone_out",
                                  "model_name_pairs": [["Student", "Teacher"]]}},
    {"DistillationCTCLoss": {"weight": 1.0, "model_name_list": ["Student", "Teacher"],
                             "key": "head_out", "multi_head": True}},
    {"DistillationSARLoss": {"weight": 1.0, "model_name_list": ["Student", "Teacher"],
                             "key": "head_out", "multi_head": True, "ignore_index": 6}},
]}


def test_ppocrv3_rec_recipe_keys_and_total():
    rng = np.random.RandomState(0)

    def out():
        return {"head_out": {"ctc": _t(rng.randn(2, 6, 5)), "sar": _t(rng.randn(2, 4, 6))},
                "backbone_out": _t(rng.randn(2, 3, 1, 6))}
    preds = {"Student": out(), "Teacher": out()}
    batch = [None, paddle.to_tensor([[1, 2, 0], [3, 0, 0]]),
             paddle.to_tensor([[5, 1, 2, 6], [5, 3, 6, 6]]), paddle.to_tensor([2, 1]), None]
    result = build_loss(REC_V3)(preds, batch)
    assert set(result) == {"dml_ctc_0", "dml_sar_0", "loss_distance_l2_Student_Teacher_0",
                           "loss_ctc_Student_0", "loss_ctc_Teacher_1", "loss_sar_Student_0",
                           "loss_sar_Teacher_1", "loss"}
    parts = sum(float(v) for k, v in result.items() if k != "loss")
    assert float(result["loss"]) == pytest.approx(parts, rel=1e-5)   # dml_sar already × 0.5
