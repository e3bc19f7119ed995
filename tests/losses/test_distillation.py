"""Distillation losses: fixtures/loss_examples.json values, PaddleOCR key names, properties."""
import json
from pathlib import Path

import cv2
import numpy as np
import paddle
import pytest

from ocrcourse.losses import (DistanceLoss, DistillationCTCLoss, DistillationDBLoss,
                              DistillationDilaDBLoss, DistillationDistanceLoss,
                              DistillationDMLLoss, DistillationSARLoss, DMLLoss, NonFiniteError)
from ocrcourse.losses.distillation import dilate_teacher_map

ALL = json.loads((Path(__file__).parents[1] / "fixtures" / "loss_examples.json").read_text())


def _t(x, dtype="float32"):
    return paddle.to_tensor(np.asarray(x, dtype=dtype))


def _db_batch():
    i = ALL["DBLoss"]["inputs"]
    maps = _t(i["maps_BxCxHxW"])
    return maps, [None, _t(i["threshold_map"]), _t(i["threshold_mask"]), _t(i["shrink_map"]),
                  _t(i["shrink_mask"])]


def test_dml_rec_matches_fixture():
    ex = ALL["DMLLoss_rec_softmax_uselog"]
    a, b = _t(ex["inputs"]["logits1"]), _t(ex["inputs"]["logits2"])
    loss = DMLLoss(act="softmax", use_log=True)
    assert float(loss(a, b)) == pytest.approx(ex["output"], rel=1e-5)
    assert float(loss(b, a)) == pytest.approx(ex["output"], rel=1e-5)       # symmetric
    assert float(loss(a, a)) == pytest.approx(0.0, abs=1e-5)               # zero for identical


def test_dml_det_returns_one_value_per_sample():
    ex = ALL["DMLLoss_det_none_nolog"]
    p1, p2 = _t(ex["inputs"]["p1"]), _t(ex["inputs"]["p2"])
    loss = DMLLoss(act=None, use_log=False)
    out = loss(p1, p2)
    assert list(out.shape) == ex["output_shape"]
    np.testing.assert_allclose(out.numpy(), ex["output"], rtol=1e-5)
    np.testing.assert_allclose(loss(p2, p1).numpy(), ex["output"], rtol=1e-5)
    assert np.abs(loss(p1, p1).numpy()).max() < 1e-4     # eps-smoothed KL: ~0 for identical


@pytest.mark.parametrize("mode", ["l2", "l1", "smooth_l1"])
def test_distance_loss_matches_fixture(mode):
    ex = ALL["DistanceLoss"]
    x, y = _t(ex["inputs"]["x"]), _t(ex["inputs"]["y"])
    assert float(DistanceLoss(mode)(x, y)) == pytest.approx(ex[mode], rel=1e-5)


def test_distillation_distance_key_always_says_l2():
    ex = ALL["DistanceLoss"]
    preds = {"Student": {"backbone_out": _t(ex["inputs"]["x"])},
             "Teacher": {"backbone_out": _t(ex["inputs"]["y"])}}
    loss = DistillationDistanceLoss(mode="l1", model_name_pairs=[["Student", "Teacher"]],
                                    key="backbone_out")
    out = loss(preds, None)
    assert list(out) == ["loss_distance_l2_Student_Teacher_0"]
    assert float(out["loss_distance_l2_Student_Teacher_0"]) == pytest.approx(ex["l1"], rel=1e-5)


def test_distillation_dml_det_maps_key_and_vector():
    ex = ALL["DMLLoss_det_none_nolog"]
    p1, p2 = _t(ex["inputs"]["p1"]), _t(ex["inputs"]["p2"])
    zeros = paddle.zeros_like(p1)
    preds = {"Student": {"maps": paddle.stack([p1, zeros, zeros], axis=1)},
             "Student2": {"maps": paddle.stack([p2, zeros, zeros], axis=1)}}
    loss = DistillationDMLLoss(model_name_pairs=["Student", "Student2"], maps_name="thrink_maps",
                               key="maps")
    out = loss(preds, None)
    assert list(out) == ["dml_thrink_maps_0", "loss"]
    np.testing.assert_allclose(out["loss"].numpy(), ex["output"], rtol=1e-5)


def test_distillation_dml_rec_multi_head():
    ex = ALL["DMLLoss_rec_softmax_uselog"]
    a, b = _t(ex["inputs"]["logits1"]), _t(ex["inputs"]["logits2"])
    preds = {"Student": {"head_out": {"ctc": a, "sar": b}},
             "Teacher": {"head_out": {"ctc": b, "sar": a}}}
    loss = DistillationDMLLoss(model_name_pairs=[["Student", "Teacher"]], act="softmax",
                               use_log=True, key="head_out", multi_head=True, dis_head="ctc",
                               name="dml_ctc")
    out = loss(preds, None)
    assert sorted(out) == ["dml_ctc_0", "loss"]
    assert float(out["dml_ctc_0"]) == pytest.approx(ex["output"], rel=1e-5)


def test_distillation_db_loss_keys_and_values():
    maps, batch = _db_batch()
    out = DistillationDBLoss(model_name_list=["Student", "Student2"])(
        {"Student": {"maps": maps}, "Student2": {"maps": maps}}, batch)
    expected = ALL["DBLoss"]["outputs"]
    for model in ("Student", "Student2"):
        for part in ("loss_shrink_maps", "loss_threshold_maps", "loss_binary_maps"):
            assert float(out[f"db_{model}_{part}"]) == pytest.approx(expected[part], rel=1e-5)
    assert float(out["loss"]) == pytest.approx(2 * expected["loss"], rel=1e-5)


def test_dilate_teacher_map_matches_cv2():
    rng = np.random.RandomState(0)
    teacher = rng.rand(2, 9, 11).astype("float32") ** 3            # mostly below 0.3
    got = dilate_teacher_map(_t(teacher)).numpy()
    kernel = np.array([[1, 1], [1, 1]])
    for i in range(2):
        ref = cv2.dilate((teacher[i] > 0.3).astype(np.uint8), kernel)
        np.testing.assert_array_equal(got[i], ref.astype("float32"))


def test_dila_db_loss_uses_dilated_teacher_target():
    maps, batch = _db_batch()
    rng = np.random.RandomState(3)
    teacher = _t(rng.rand(*maps.shape))
    out = DistillationDilaDBLoss(model_name_pairs=[["Student", "Teacher"]], key="maps")(
        {"Student": {"maps": maps}, "Teacher": {"maps": teacher}}, batch)
    assert list(out) == ["dila_dbloss_Student_Teacher", "loss"]
    # independent numpy computation: 5·Dice(shrink) + Dice(binary) against the cv2 target
    target = np.stack([cv2.dilate((t > 0.3).astype(np.uint8), np.ones((2, 2))) for t in
                       teacher.numpy()[:, 0]]).astype("float64")
    mask, m = batch[4].numpy().astype("float64"), maps.numpy().astype("float64")

    def dice(p):
        return 1 - 2 * (p * target * mask).sum() / ((p * mask).sum() + (target * mask).sum() + 1e-6)
    pc = int((target * mask).sum())
    nc = int(min(((1 - target) * mask).sum(), 3 * pc))
    expected = 5 * dice(m[:, 0]) * (pc + nc) / (pc + nc + 1e-6) + dice(m[:, 2])
    assert float(out["loss"]) == pytest.approx(expected, rel=1e-5)


def test_distillation_ctc_and_sar_multi_head_keys():
    ex = ALL["CTCLoss"]["inputs"]
    logits = _t(ex["logits_BxTxC"])
    sar = _t(np.random.RandomState(0).randn(2, 4, 6))
    label_ctc = _t(ex["labels"], "int64")
    label_sar = _t([[4, 1, 2, 5], [4, 3, 5, 5]], "int64")
    batch = [None, label_ctc, label_sar, _t(ex["label_lengths"], "int64"), None]
    preds = {"Student": {"head_out": {"ctc": logits, "sar": sar}},
             "Teacher": {"head_out": {"ctc": logits, "sar": sar}}}
    ctc = DistillationCTCLoss(model_name_list=["Student", "Teacher"], key="head_out",
                              multi_head=True)(preds, batch)
    assert list(ctc) == ["loss_ctc_Student_0", "loss_ctc_Teacher_1"]
    assert float(ctc["loss_ctc_Teacher_1"]) == pytest.approx(ALL["CTCLoss"]["output"], rel=1e-5)
    sar_out = DistillationSARLoss(model_name_list=["Student"], key="head_out", multi_head=True,
                                  ignore_index=5)(preds, batch)
    assert list(sar_out) == ["loss_sar_Student_0"]


def test_nan_in_a_peer_prediction_raises():
    a = paddle.to_tensor([[[0.1, float("nan")]]])
    with pytest.raises(NonFiniteError):
        DMLLoss(act="softmax", use_log=True)(a, paddle.ones_like(a))
