"""ClsLoss and SARLoss against cross-entropy computed in numpy."""
import numpy as np
import paddle
import pytest

from ocrcourse.losses import NonFiniteError, build_loss


def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def test_cls_loss_is_mean_cross_entropy():
    rng = np.random.RandomState(0)
    logits = rng.randn(4, 2).astype("float32")
    label = np.array([0, 1, 1, 0])
    out = build_loss({"name": "ClsLoss"})(paddle.to_tensor(logits), [None, paddle.to_tensor(label)])
    expected = -_log_softmax(logits)[np.arange(4), label].mean()
    assert float(out["loss"]) == pytest.approx(expected, rel=1e-5)


def test_sar_loss_shifts_and_ignores_padding():
    rng = np.random.RandomState(1)
    logits = rng.randn(2, 5, 7).astype("float32")          # (N, S, C)
    label = np.array([[5, 1, 2, 6, 6], [5, 3, 6, 6, 6]])    # start 5, padding 6
    out = build_loss({"name": "SARLoss", "ignore_index": 6})(
        paddle.to_tensor(logits), [None, paddle.to_tensor(label)])
    logp = _log_softmax(logits[:, :-1])
    target = label[:, 1:]
    keep = target != 6
    nll = -np.take_along_axis(logp, target[..., None], -1)[..., 0]
    assert float(out["loss"]) == pytest.approx(nll[keep].mean(), rel=1e-5)


def test_cls_nan_raises():
    with pytest.raises(NonFiniteError):
        build_loss({"name": "ClsLoss"})(paddle.to_tensor([[np.nan, 0.0]]), [None, paddle.to_tensor([0])])
