"""PP-OCRv4 recognition losses against their formulas, each recomputed with numpy on small inputs:
NRTRLoss (label-smoothed CE without padding), MultiLoss with the NRTR guide, DistillationNRTRLoss,
DistillationDKDLoss (DKD on the NRTR branch, NRTR label as target) and DistillCTCLogits (KL of the
time-averaged, blank-negated CTC distributions), and the Loss section of ch_PP-OCRv4_rec_distill.yml."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.losses import build_loss


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _log_softmax(x):
    return np.log(_softmax(x))


def _batch(rng, n=3, c=9, max_text=8):
    """[image, label_ctc, label_gtc, length, valid_ratio] as MultiLabelEncode(NRTRLabelEncode) + KeepKeys."""
    length = np.array([3, 5, 2])
    label_ctc = np.zeros((n, max_text), "int64")
    label_gtc = np.zeros((n, max_text), "int64")
    for i, k in enumerate(length):
        chars = rng.integers(4, c, k)
        label_ctc[i, :k] = chars - 3
        label_gtc[i, :k + 2] = [2, *chars, 3]
    return [paddle.zeros([n, 3, 8, 16]), paddle.to_tensor(label_ctc), paddle.to_tensor(label_gtc),
            paddle.to_tensor(length), paddle.ones([n])], label_gtc, length


def _target(label_gtc, length):
    return label_gtc[:, 1:2 + length.max()].reshape(-1)


def _smoothed_ce(logits, tgt, eps=0.1):
    c = logits.shape[1]
    q = np.full(logits.shape, eps / (c - 1))
    q[np.arange(len(tgt)), tgt] = 1 - eps
    rows = -(q * _log_softmax(logits)).sum(1)
    return rows[tgt != 0].mean()


def _ce(logits, tgt, ignore=None):
    rows = -_log_softmax(logits)[np.arange(len(tgt)), tgt]
    return rows[tgt != ignore].mean() if ignore is not None else rows.mean()


def test_nrtr_loss_smoothed_and_plain():
    rng = np.random.default_rng(0)
    batch, label_gtc, length = _batch(rng)
    logits = rng.normal(0, 2, (3, 1 + length.max(), 10)).astype("float32")
    tgt = _target(label_gtc, length)
    assert (tgt == 0).sum() > 0 and (tgt == 3).sum() == 3          # padding rows and one </s> per text
    guide_batch = batch[:1] + batch[2:]                             # MultiLoss drops label_ctc
    flat = logits.reshape(-1, 10)
    smoothed = float(build_loss({"name": "NRTRLoss"})(paddle.to_tensor(logits), guide_batch)["loss"])
    assert smoothed == pytest.approx(_smoothed_ce(flat, tgt), rel=1e-5)
    plain = float(build_loss({"name": "NRTRLoss", "smoothing": False})(paddle.to_tensor(logits), guide_batch)["loss"])
    assert plain == pytest.approx(_ce(flat, tgt, ignore=0), rel=1e-5)
    assert plain != pytest.approx(_ce(flat, tgt), rel=1e-3)          # the padding rows really are left out


def test_multiloss_ctc_plus_nrtr():
    rng = np.random.default_rng(1)
    batch, label_gtc, length = _batch(rng)
    preds = {"ctc": paddle.to_tensor(rng.normal(size=(3, 12, 7)).astype("float32")),
             "ctc_neck": paddle.zeros([3, 12, 4]),
             "nrtr": paddle.to_tensor(rng.normal(size=(3, 1 + length.max(), 10)).astype("float32"))}
    loss = build_loss({"name": "MultiLoss", "loss_config_list": [{"CTCLoss": None}, {"NRTRLoss": None}],
                       "weight_2": 0.5})(preds, batch)
    ctc = paddle.nn.functional.ctc_loss(preds["ctc"].transpose([1, 0, 2]), batch[1].astype("int32"),
                                        paddle.full([3], 12, "int64"), batch[3], blank=0, reduction="none").mean()
    nrtr = _smoothed_ce(preds["nrtr"].numpy().reshape(-1, 10), _target(label_gtc, length))
    assert set(loss) == {"CTCLoss", "NRTRLoss", "loss"}
    assert float(loss["CTCLoss"]) == pytest.approx(float(ctc), rel=1e-5)
    assert float(loss["NRTRLoss"]) == pytest.approx(0.5 * nrtr, rel=1e-5)
    assert float(loss["loss"]) == pytest.approx(float(ctc) + 0.5 * nrtr, rel=1e-5)


def _dkd(s, t, y, temp, alpha, beta):
    """DKD written from the paper's definition, rows = positions; every row counts (no padding mask)."""
    s, t = s.reshape(-1, s.shape[-1]) / temp, t.reshape(-1, t.shape[-1]) / temp
    rows = np.arange(len(y))
    ps, pt = _softmax(s), _softmax(t)
    bs = np.stack([ps[rows, y], 1 - ps[rows, y]], 1)
    bt = np.stack([pt[rows, y], 1 - pt[rows, y]], 1)
    tckd = (bt * (np.log(bt + 1e-10) - np.log(bs))).sum(1).mean()
    keep = np.ones_like(ps, bool)
    keep[rows, y] = False
    ns = np.where(keep, ps, 1.0)
    ns = ns / np.where(keep, ps, 0).sum(1, keepdims=True)
    nt = np.where(keep, pt, 0) / np.where(keep, pt, 0).sum(1, keepdims=True)
    nckd = (nt * (np.log(nt + 1e-10) - np.log(ns))).sum(1).mean()
    return (alpha * tckd + beta * nckd) * temp ** 2


@pytest.mark.parametrize("branch_key, dis_head", [("nrtr", "gtc"), ("gtc", "gtc"), ("nrtr", "nrtr")])
def test_distillation_dkd_on_the_nrtr_branch(branch_key, dis_head):
    rng = np.random.default_rng(2)
    batch, label_gtc, length = _batch(rng)
    steps = 1 + length.max()
    s, t = (rng.normal(0, 2, (3, steps, 10)).astype("float32") for _ in range(2))
    preds = {"Student": {"head_out": {"ctc": paddle.zeros([3, 4, 5]), branch_key: paddle.to_tensor(s)}},
             "Teacher": {"head_out": {"ctc": paddle.zeros([3, 4, 5]), branch_key: paddle.to_tensor(t)}}}
    loss = build_loss({"name": "DistillationDKDLoss", "model_name_pairs": [["Student", "Teacher"]], "key": "head_out",
                       "multi_head": True, "alpha": 1.0, "beta": 2.0, "temperature": 1.5, "dis_head": dis_head})(preds, batch)
    expected = _dkd(s, t, _target(label_gtc, length), 1.5, 1.0, 2.0)
    assert set(loss) == {"dkd_0", "loss"}
    assert float(loss["dkd_0"]) == pytest.approx(expected, rel=1e-4)
    assert float(loss["loss"]) == pytest.approx(expected, rel=1e-4)


def test_distillation_dkd_needs_the_multi_head():
    with pytest.raises(ConfigError, match="multi_head"):
        build_loss({"name": "DistillationDKDLoss", "model_name_pairs": [["Student", "Teacher"]]})


def _ctc_logits_kl(s, t):
    def avg(x):
        x = x.copy()
        x[..., 0] *= -1
        return _softmax(x / 0.5).mean(1)
    ps, pt = avg(s), avg(t)
    return (pt * np.log((pt + 1e-6) / (ps + 1e-6) + 1e-6)).sum() / s.shape[0]


def test_distill_ctc_logits():
    rng = np.random.default_rng(3)
    s, t = (rng.normal(0, 2, (2, 12, 7)).astype("float32") for _ in range(2))
    s_tensor = paddle.to_tensor(s)
    preds = {"Student": {"head_out": {"ctc": s_tensor}}, "Teacher": {"head_out": {"ctc": paddle.to_tensor(t)}}}
    loss = build_loss({"name": "DistillCTCLogits", "model_name_pairs": [["Student", "Teacher"]], "key": "head_out",
                       "reduction": "mean"})(preds, [])
    assert set(loss) == {"ctc_logits_0"}
    assert float(loss["ctc_logits_0"]) == pytest.approx(_ctc_logits_kl(s, t), rel=1e-5)
    np.testing.assert_array_equal(s_tensor.numpy(), s)          # the model output is left as it was
    same = {"Student": {"head_out": {"ctc": s_tensor}}, "Teacher": {"head_out": {"ctc": s_tensor}}}
    assert abs(float(build_loss({"name": "DistillCTCLogits", "model_name_pairs": ["Student", "Teacher"],
                                 "key": "head_out"})(same, [])["ctc_logits_0"])) < 1e-5


def test_v4_distill_loss_section():
    """The Loss section of PaddleOCR's ch_PP-OCRv4_rec_distill.yml builds and sums its four terms."""
    section = {"name": "CombinedLoss", "loss_config_list": [
        {"DistillationDKDLoss": {"weight": 0.1, "model_name_pairs": [["Student", "Teacher"]], "key": "head_out",
                                 "multi_head": True, "alpha": 1.0, "beta": 2.0, "dis_head": "gtc", "name": "dkd"}},
        {"DistillationCTCLoss": {"weight": 1.0, "model_name_list": ["Student"], "key": "head_out", "multi_head": True}},
        {"DistillationNRTRLoss": {"weight": 1.0, "smoothing": False, "model_name_list": ["Student"], "key": "head_out",
                                  "multi_head": True}},
        {"DistillCTCLogits": {"weight": 1.0, "reduction": "mean", "model_name_pairs": [["Student", "Teacher"]],
                              "key": "head_out"}}]}
    rng = np.random.default_rng(4)
    batch, label_gtc, length = _batch(rng)
    steps = 1 + length.max()
    outs = {m: {"ctc": rng.normal(size=(3, 12, 7)).astype("float32"),
                "nrtr": rng.normal(size=(3, steps, 10)).astype("float32")} for m in ("Student", "Teacher")}
    preds = {m: {"head_out": {k: paddle.to_tensor(v) for k, v in o.items()}} for m, o in outs.items()}
    loss = build_loss(section)(preds, batch)
    tgt = _target(label_gtc, length)
    ctc = paddle.nn.functional.ctc_loss(paddle.to_tensor(outs["Student"]["ctc"]).transpose([1, 0, 2]),
                                        batch[1].astype("int32"), paddle.full([3], 12, "int64"), batch[3], blank=0,
                                        reduction="none").mean()
    nrtr = _ce(outs["Student"]["nrtr"].reshape(-1, 10), tgt)                     # padding rows included
    expected = {"dkd_0": 0.1 * _dkd(outs["Student"]["nrtr"], outs["Teacher"]["nrtr"], tgt, 1.0, 1.0, 2.0),
                "loss_ctc_Student_0": float(ctc), "loss_nrtr_Student_0": nrtr,
                "ctc_logits_0": _ctc_logits_kl(outs["Student"]["ctc"], outs["Teacher"]["ctc"])}
    assert set(loss) == set(expected) | {"loss"}
    for key, value in expected.items():
        assert float(loss[key]) == pytest.approx(value, rel=1e-4), key
    assert float(loss["loss"]) == pytest.approx(sum(expected.values()), rel=1e-4)
