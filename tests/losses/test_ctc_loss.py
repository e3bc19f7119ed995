"""CTCLoss against fixtures/loss_examples.json (mean over samples, no length division)."""
import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.losses import CTCLoss, NonFiniteError, build_loss

EX = json.loads((Path(__file__).parents[1] / "fixtures" / "loss_examples.json").read_text())["CTCLoss"]


def _inputs():
    i = EX["inputs"]
    logits = paddle.to_tensor(np.asarray(i["logits_BxTxC"], "float32"))
    batch = [None, paddle.to_tensor(np.asarray(i["labels"], "int64")),
             paddle.to_tensor(np.asarray(i["label_lengths"], "int64"))]
    return logits, batch


def test_ctc_matches_fixture():
    logits, batch = _inputs()
    out = build_loss({"name": "CTCLoss"})(logits, batch)
    assert float(out["loss"]) == pytest.approx(EX["output"], rel=1e-5)
    assert float(out["loss"]) != pytest.approx(EX["per_sample_nll_divided_by_label_length_mean"], rel=1e-2)


def test_ctc_takes_last_item_of_return_feats_tuple():
    logits, batch = _inputs()
    out = CTCLoss()((paddle.zeros([2, 1]), logits), batch)
    assert float(out["loss"]) == pytest.approx(EX["output"], rel=1e-5)


def test_focal_ctc_weights_each_sample():
    logits, batch = _inputs()
    nll = np.asarray(EX["per_sample_nll_from_log_softmax"])
    expected = np.mean(nll * (1 - np.exp(-nll)) ** 2)
    out = CTCLoss(use_focal_loss=True)(logits, batch)
    assert float(out["loss"]) == pytest.approx(expected, rel=1e-5)


def test_empty_labels_give_the_all_blank_loss():
    """All-empty labels (Paddle's kernel aborts on them) match Paddle's own value for one
    empty label in a mixed batch: -Σ_t log softmax(x_t)[blank]."""
    logits, _ = _inputs()
    mixed = [None, paddle.to_tensor([[1, 2, 0, 0], [0, 0, 0, 0]]), paddle.to_tensor([2, 0])]
    per_sample = paddle.nn.CTCLoss(blank=0, reduction="none")(
        logits.transpose([1, 0, 2]), mixed[1].astype("int32"),
        paddle.full([2], logits.shape[1], "int64"), mixed[2].astype("int64"))
    empty = [None, paddle.zeros([2, 4], "int64"), paddle.zeros([2], "int64")]
    got = CTCLoss()(logits[1:], [None, empty[1][1:], empty[2][1:]])["loss"]
    assert float(got) == pytest.approx(float(per_sample[1]), rel=1e-5)
    assert np.isfinite(float(CTCLoss()(logits, empty)["loss"]))


def test_nan_logits_raise():
    logits, batch = _inputs()
    bad = logits.numpy()
    bad[1, 2, 3] = np.nan
    with pytest.raises(NonFiniteError):
        CTCLoss()(paddle.to_tensor(bad), batch)
