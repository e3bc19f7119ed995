"""DKD loss against its definition (numpy) and the paper's decomposition KL = TCKD + (1 - b_t) NCKD."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.losses.dkd_loss import DKDLoss, dkd_loss


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _kl(p, q):                      # KL(p || q) per row, with PaddleOCR's 1e-10 inside the teacher log
    return (p * (np.log(p + 1e-10) - np.log(q))).sum(-1)


def _reference(s, t, y, temp, alpha, beta):
    s, t = s.reshape(-1, s.shape[-1]) / temp, t.reshape(-1, t.shape[-1]) / temp
    y = y.reshape(-1)
    rows = np.arange(len(y))
    ps, pt = _softmax(s), _softmax(t)
    bs = np.stack([ps[rows, y], 1 - ps[rows, y]], 1)
    bt = np.stack([pt[rows, y], 1 - pt[rows, y]], 1)
    keep = np.ones_like(ps, bool)
    keep[rows, y] = False
    ns = np.where(keep, ps, 0) / np.where(keep, ps, 0).sum(-1, keepdims=True)      # renormalised, target dropped
    nt = np.where(keep, pt, 0) / np.where(keep, pt, 0).sum(-1, keepdims=True)
    nckd = (nt * (np.log(nt + 1e-10) - np.log(np.where(keep, ns, 1)))).sum(-1)
    return (alpha * _kl(bt, bs).mean() + beta * nckd.mean()) * temp ** 2, bt, _kl(pt, ps), _kl(bt, bs), nckd


@pytest.mark.parametrize("temp, alpha, beta", [(1.0, 1.0, 1.0), (2.0, 1.0, 8.0), (4.0, 0.5, 2.0)])
def test_matches_the_definition(temp, alpha, beta):
    rng = np.random.default_rng(0)
    s, t = rng.normal(0, 2, (2, 5, 11)).astype("float32"), rng.normal(0, 2, (2, 5, 11)).astype("float32")
    y = rng.integers(0, 11, (2, 5))
    ours = float(dkd_loss(paddle.to_tensor(s), paddle.to_tensor(t), paddle.to_tensor(y), temp, alpha, beta))
    assert ours == pytest.approx(_reference(s, t, y, temp, alpha, beta)[0], rel=1e-4)
    layer = DKDLoss(temperature=temp, alpha=alpha, beta=beta)
    assert float(layer(paddle.to_tensor(s), paddle.to_tensor(t), paddle.to_tensor(y))) == pytest.approx(ours, rel=1e-6)


def test_decomposes_kd():
    """Per row: KL(p_t || p_s) = TCKD + (1 - b_t[target]) * NCKD (the DKD paper's identity)."""
    rng = np.random.default_rng(1)
    s, t = rng.normal(0, 1, (6, 9)), rng.normal(0, 1, (6, 9))
    y = rng.integers(0, 9, 6)
    _, bt, kd, tckd, nckd = _reference(s, t, y, 1.0, 1.0, 1.0)
    np.testing.assert_allclose(kd, tckd + bt[:, 1] * nckd, atol=1e-6)
    for i in range(6):                        # and our loss on one row with alpha=1, beta=b_t(other) is KD
        row = float(dkd_loss(paddle.to_tensor(s[i:i + 1], "float32"), paddle.to_tensor(t[i:i + 1], "float32"),
                             paddle.to_tensor(y[i:i + 1]), 1.0, 1.0, float(bt[i, 1])))
        assert row == pytest.approx(kd[i], abs=1e-5)


def test_zero_for_identical_logits_and_mask():
    x = paddle.randn([3, 4, 7])
    y = paddle.randint(0, 7, [3, 4])
    assert abs(float(dkd_loss(x, x, y, 2.0, 1.0, 8.0))) < 1e-5
    rng = np.random.default_rng(2)
    s, t = rng.normal(0, 1, (1, 4, 7)).astype("float32"), rng.normal(0, 1, (1, 4, 7)).astype("float32")
    y = rng.integers(0, 7, (1, 4))
    mask = paddle.to_tensor([True, True, False, False])
    masked = float(dkd_loss(paddle.to_tensor(s), paddle.to_tensor(t), paddle.to_tensor(y), mask=mask))
    first_two = float(dkd_loss(paddle.to_tensor(s[:, :2]), paddle.to_tensor(t[:, :2]), paddle.to_tensor(y[:, :2])))
    assert masked == pytest.approx(first_two, rel=1e-5)
