"""PP-OCRv4's GTC-NRTR branch of MultiHead: keys and shapes as PaddleOCR's rec_multi_head.py /
rec_nrtr_head.py structure, causal teacher forcing, and an inference output that ignores the branch."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.heads import MultiHead
from ocrcourse.models.heads.nrtr_head import BOS, Transformer

CTC = {"CTCHead": {"Neck": {"name": "svtr", "dims": 120, "depth": 2, "hidden_dims": 120, "kernel_size": [1, 3],
                            "use_guide": True}, "Head": {"fc_decay": 1e-5}}}
SIZES = {"CTCLabelDecode": 40, "NRTRLabelDecode": 41}


def _head(nrtr=True):
    paddle.seed(0)
    heads = [CTC, {"NRTRHead": {"nrtr_dim": 64, "max_text_length": 25}}] if nrtr else [CTC]
    return MultiHead(in_channels=96, out_channels_list=SIZES, head_list=heads)


def test_nrtr_keys_and_shapes():
    sd = {k: list(v.shape) for k, v in _head().state_dict().items()}
    nrtr = {k: s for k, s in sd.items() if k.startswith(("before_gtc", "gtc_head"))}
    assert nrtr["before_gtc.1.fc.weight"] == [96, 64]                       # FCTranspose, no bias
    assert nrtr["gtc_head.embedding.embedding.weight"] == [42, 64]          # out_channels + 1
    assert nrtr["gtc_head.tgt_word_prj.weight"] == [64, 42]
    assert nrtr["gtc_head.positional_encoding.pe"] == [5000, 1, 64]
    layer = {k.split("decoder.0.", 1)[1]: s for k, s in nrtr.items() if ".decoder.0." in k}
    assert layer == {"self_attn.qkv.weight": [64, 192], "self_attn.qkv.bias": [192],
                     "self_attn.out_proj.weight": [64, 64], "self_attn.out_proj.bias": [64],
                     "norm1.weight": [64], "norm1.bias": [64],
                     "cross_attn.q.weight": [64, 64], "cross_attn.q.bias": [64],
                     "cross_attn.kv.weight": [64, 128], "cross_attn.kv.bias": [128],
                     "cross_attn.out_proj.weight": [64, 64], "cross_attn.out_proj.bias": [64],
                     "norm2.weight": [64], "norm2.bias": [64], "mlp.fc1.weight": [64, 256], "mlp.fc1.bias": [256],
                     "mlp.fc2.weight": [256, 64], "mlp.fc2.bias": [64], "norm3.weight": [64], "norm3.bias": [64]}
    assert {k.split(".")[2] for k in nrtr if ".decoder." in k} == {"0", "1", "2", "3"}   # 4 layers, nhead 64/32
    assert _head().gtc_head.nhead == 2


def test_train_and_eval_outputs():
    head = _head()
    x = paddle.randn([2, 96, 1, 40])
    label = paddle.to_tensor([[BOS, 5, 6, 7, 3] + [0] * 22, [BOS, 8, 3] + [0] * 24], "int64")
    targets = [paddle.zeros([2, 25], "int64"), label, paddle.to_tensor([3, 1]), paddle.ones([2])]
    head.train()
    out = head(x, targets)
    assert sorted(out) == ["ctc", "ctc_neck", "nrtr"]
    assert list(out["nrtr"].shape) == [2, 4, 42]                 # <s> + 3 characters of the longest label
    with pytest.raises(ConfigError, match="NRTR"):
        head(x)
    head.eval()
    plain = _head(nrtr=False)
    plain.set_state_dict({k: v for k, v in head.state_dict().items() if k.startswith(("ctc", "encoder"))})
    plain.eval()
    np.testing.assert_array_equal(head(x).numpy(), plain(x).numpy())    # inference = the CTC branch alone


def test_teacher_forcing_is_causal():
    model = Transformer(d_model=32, nhead=4, num_decoder_layers=2, dim_feedforward=64, out_channels=20)
    model.eval()
    memory = paddle.randn([1, 10, 32])
    a = paddle.to_tensor([[BOS, 5, 6, 7, 8]], "int64")
    b = paddle.to_tensor([[BOS, 5, 6, 9, 9]], "int64")
    la, lb = model._decode(a, memory), model._decode(b, memory)
    np.testing.assert_allclose(la[:, :3].numpy(), lb[:, :3].numpy(), atol=1e-6)   # positions before the change
    assert float(paddle.abs(la[:, 3:] - lb[:, 3:]).max()) > 1e-4
    seq, probs = model(memory)
    assert seq.shape == probs.shape and int(seq[0, 0]) == BOS and seq.shape[1] <= 25


def test_only_v4_form_and_known_keys():
    with pytest.raises(ConfigError, match="no encoder"):
        Transformer(d_model=32, nhead=4, num_encoder_layers=2, out_channels=10)
    with pytest.raises(ConfigError, match="unknown keys"):
        MultiHead(96, SIZES, [CTC, {"NRTRHead": {"nrtr_dim": 64, "beam": 3}}])
