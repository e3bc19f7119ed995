"""MultiLoss: PP-OCRv3's CTC + SAR (GTC) on a MultiHead's training output."""
import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.losses import build_loss


def _batch(rng, n=2, t=10, s=6, c=7):
    label_ctc = rng.integers(1, c, size=(n, 5)).astype("int32")
    label_sar = rng.integers(0, c + 1, size=(n, s)).astype("int64")
    length = np.array([5, 3], "int64")
    return [paddle.zeros([n, 3, 8, 8]), paddle.to_tensor(label_ctc), paddle.to_tensor(label_sar),
            paddle.to_tensor(length), paddle.ones([n])]


def test_multiloss_is_the_weighted_sum_of_its_branches():
    rng = np.random.default_rng(0)
    batch = _batch(rng)
    preds = {"ctc": paddle.to_tensor(rng.normal(size=(2, 10, 7)).astype("float32")),
             "sar": paddle.to_tensor(rng.normal(size=(2, 6, 8)).astype("float32")),
             "ctc_neck": paddle.zeros([2, 10, 4])}
    loss = build_loss({"name": "MultiLoss", "loss_config_list": [{"CTCLoss": None}, {"SARLoss": {"ignore_index": 7}}],
                       "weight_1": 1.0, "weight_2": 0.5})(preds, batch)
    # references: Paddle's own CTC (mean over the batch, blank 0) and cross-entropy on shifted tokens
    ctc = paddle.nn.functional.ctc_loss(paddle.transpose(preds["ctc"], [1, 0, 2]), batch[1],
                                        paddle.to_tensor([10, 10], "int64"), batch[3], blank=0, reduction="none").mean()
    sar = paddle.nn.functional.cross_entropy(preds["sar"][:, :-1].reshape([-1, 8]), batch[2][:, 1:].reshape([-1]),
                                             ignore_index=7)
    assert set(loss) == {"CTCLoss", "SARLoss", "loss"}
    np.testing.assert_allclose(float(loss["CTCLoss"]), float(ctc), rtol=1e-5)
    np.testing.assert_allclose(float(loss["SARLoss"]), 0.5 * float(sar), rtol=1e-5)
    np.testing.assert_allclose(float(loss["loss"]), float(ctc) + 0.5 * float(sar), rtol=1e-5)


def test_multiloss_rejects_unknown_branches():
    with pytest.raises(ConfigError, match="valid"):
        build_loss({"name": "MultiLoss", "loss_config_list": [{"AttentionLoss": None}]})
