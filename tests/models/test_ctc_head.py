"""CTCHead against fixtures e, f, g and facts §4.2."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.models.heads import HEADS
from ocrcourse.models.heads.ctc_head import CTCHead

FIXTURES = Path(__file__).parent.parent / "fixtures"


def head_entries(config: str, prefix: str = "head.") -> list:
    fx = json.loads((FIXTURES / f"{config}.json").read_text())
    return [(e["key"][len(prefix):], e["shape"]) for e in fx["state_dict"]
            if e["key"].startswith(prefix)]


@pytest.mark.parametrize("config, kwargs, prefix", [
    ("e_ppocr_v2.0_rec_crnn_mobile", dict(in_channels=96, fc_decay=1e-5), "head."),
    ("f_ppocrv2_rec", dict(in_channels=128, mid_channels=96, fc_decay=2e-5), "head."),
    ("g_ppocrv3_rec_student", dict(in_channels=64, fc_decay=1e-5), "head.ctc_head.")])
def test_keys_and_shapes(config, kwargs, prefix):
    head = CTCHead(out_channels=6625, **kwargs)
    assert [(k, list(v.shape)) for k, v in head.state_dict().items()] == head_entries(config, prefix)


def test_init_and_weight_decay():
    head = CTCHead(64, 100, fc_decay=1e-5, mid_channels=32)
    assert np.abs(head.fc1.weight.numpy()).max() <= 1 / np.sqrt(64)
    assert np.abs(head.fc2.bias.numpy()).max() <= 1 / np.sqrt(32)
    assert head.fc2.bias.numpy().any()                      # the bias is initialised too
    for p in head.parameters():
        assert p.regularizer._coeff == pytest.approx(1e-5)


def test_train_logits_eval_probabilities_and_return_feats():
    x = paddle.rand([2, 7, 16])
    plain = CTCHead(16, 5, return_feats=True)
    plain.train()
    feats, logits = plain(x)
    assert feats is x and logits.shape == [2, 7, 5]         # without mid: the head input
    plain.eval()
    probs = plain(x)                                         # return_feats is ignored in eval
    np.testing.assert_allclose(probs.numpy(), paddle.nn.functional.softmax(logits, 2).numpy(),
                               rtol=1e-5)

    mid = CTCHead(16, 5, mid_channels=8, return_feats=True)
    mid.train()
    feats, logits = mid(x)
    np.testing.assert_allclose(feats.numpy(), mid.fc1(x).numpy())    # with mid: fc1's output
    assert feats.shape == [2, 7, 8]
    mid.return_feats = False
    assert mid(x).shape == [2, 7, 5]
    assert HEADS["CTCHead"] is CTCHead
