"""MultiHead (PP-OCRv3 rec: CTC branch + SAR branch) against facts §4.4 and fixture g."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.heads import HEADS
from ocrcourse.models.heads.multi_head import MultiHead

SIZES = {"CTCLabelDecode": 10, "SARLabelDecode": 12}
CTC = {"CTCHead": {"Neck": {"name": "svtr", "dims": 8, "depth": 1, "hidden_dims": 16,
                            "use_guide": True},
                   "Head": {"fc_decay": 1e-5}}}
SAR = {"SARHead": {"enc_dim": 16, "max_text_length": 5, "d_k": 8}}


def batch_targets(n: int = 2):
    """[label_ctc, label_sar, length, valid_ratio]: what follows the image in a v3 batch."""
    return [paddle.zeros([n, 5], "int64"), paddle.randint(0, 9, [n, 5], dtype="int64"),
            paddle.full([n], 5, "int64"), paddle.ones([n])]


def test_v3_head_keys_in_head_list_order():
    head = MultiHead(512, {"CTCLabelDecode": 6625, "SARLabelDecode": 6627},
                     [{"CTCHead": {"Neck": {"name": "svtr", "dims": 64, "depth": 2,
                                            "hidden_dims": 120, "use_guide": True},
                                   "Head": {"fc_decay": 1e-05}}},
                      {"SARHead": {"enc_dim": 512, "max_text_length": 25}}])
    tops = list(dict.fromkeys(k.split(".")[0] for k in head.state_dict()))
    assert tops == ["ctc_encoder", "ctc_head", "sar_head"]
    assert head.state_dict()["ctc_head.fc.weight"].shape == [64, 6625]
    assert head.state_dict()["sar_head.decoder.prediction.weight"].shape == [1536, 6626]
    assert HEADS["MultiHead"] is MultiHead


def test_train_returns_ctc_neck_and_sar_eval_returns_ctc_probabilities():
    head = MultiHead(32, SIZES, [CTC, SAR])
    x = paddle.rand([2, 32, 1, 6])
    head.train()
    out = head(x, batch_targets())
    assert set(out) == {"ctc", "ctc_neck", "sar"}
    assert out["ctc"].shape == [2, 6, 10] and out["ctc_neck"].shape == [2, 6, 8]
    assert out["sar"].shape == [2, 5, 11]
    head.eval()
    with paddle.no_grad():
        probs = head(x)
        np.testing.assert_allclose(probs.numpy(), head.ctc_head(head.ctc_encoder(x)).numpy())
    np.testing.assert_allclose(probs.numpy().sum(-1), 1.0, rtol=1e-5)


def test_guided_ctc_sends_no_gradient_to_the_backbone_but_sar_does():
    """GTC (facts §3.4): with use_guide the CTC loss trains only its neck and head."""
    head = MultiHead(32, SIZES, [CTC, SAR])
    head.train()
    x = paddle.rand([2, 32, 1, 6])
    x.stop_gradient = False
    head(x, batch_targets())["ctc"].sum().backward()
    assert x.grad is None or not x.grad.numpy().any()
    x2 = paddle.rand([2, 32, 1, 6])
    x2.stop_gradient = False
    head(x2, batch_targets())["sar"].sum().backward()
    assert x2.grad is not None and x2.grad.numpy().any()


def test_ctc_only_and_config_errors():
    head = MultiHead(32, {"CTCLabelDecode": 10}, [CTC])
    head.train()
    assert set(head(paddle.rand([1, 32, 1, 4]))) == {"ctc", "ctc_neck"}
    with pytest.raises(ConfigError, match="supported"):
        MultiHead(32, SIZES, [CTC, {"AttnHead": {}}])
    with pytest.raises(ConfigError, match="SARLabelDecode"):
        MultiHead(32, {"CTCLabelDecode": 10}, [CTC, SAR])
    with pytest.raises(ConfigError, match="needs a CTCHead"):
        MultiHead(32, SIZES, [SAR])
    with pytest.raises(ConfigError, match="valid keys"):
        MultiHead(32, SIZES, [{"CTCHead": {"Neck": {"name": "svtr", "dimz": 8}}}])
    sar_head = MultiHead(32, SIZES, [CTC, SAR])
    sar_head.train()
    with pytest.raises(ConfigError, match="label_sar"):
        sar_head(paddle.rand([1, 32, 1, 4]))
    assert CTC["CTCHead"]["Neck"]["name"] == "svtr"          # the config is not mutated
