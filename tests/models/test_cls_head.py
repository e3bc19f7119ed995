"""ClsHead against fixture h and facts §4.3."""
from __future__ import annotations

import numpy as np
import paddle

from ocrcourse.models.heads import HEADS
from ocrcourse.models.heads.cls_head import ClsHead


def test_keys_pooling_and_softmax():
    head = ClsHead(200, 2)
    assert [(k, list(v.shape)) for k, v in head.state_dict().items()] == \
        [("fc.weight", [200, 2]), ("fc.bias", [2])]          # fixture h: head.fc.*
    assert np.abs(head.fc.weight.numpy()).max() <= 1 / np.sqrt(200)
    x = paddle.rand([3, 200, 1, 48])
    head.train()
    logits = head(x)
    want = x.numpy().mean(axis=(2, 3)) @ head.fc.weight.numpy() + head.fc.bias.numpy()
    np.testing.assert_allclose(logits.numpy(), want, rtol=1e-5, atol=1e-6)
    head.eval()
    np.testing.assert_allclose(head(x).numpy().sum(axis=1), 1.0, rtol=1e-6)


def test_two_classifiers_can_coexist():
    """PaddleOCR fixes the names fc_0.w_0 / fc_0.b_0, which Paddle allows only once per process."""
    ClsHead(8, 2), ClsHead(8, 2)
    assert HEADS["ClsHead"] is ClsHead
