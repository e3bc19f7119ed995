"""SequenceEncoder (reshape / fc / rnn / svtr) against fixtures e, f, g and facts §3.4."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.necks import NECKS
from ocrcourse.models.necks.sequence_encoder import Im2Seq, SequenceEncoder

FIXTURES = Path(__file__).parent.parent / "fixtures"


def entries(config: str, prefix: str) -> list:
    fx = json.loads((FIXTURES / f"{config}.json").read_text())
    return [(e["key"][len(prefix):], e["shape"]) for e in fx["state_dict"]
            if e["key"].startswith(prefix)]


def trainable(layer) -> int:
    return sum(int(p.numel()) for p in layer.parameters() if p.trainable)


@pytest.mark.parametrize("config, in_channels, hidden, count", [
    ("e_ppocr_v2.0_rec_crnn_mobile", 288, 48, 185856),
    ("f_ppocrv2_rec", 512, 64, 395264)])
def test_rnn_keys_with_aliases_and_counts(config, in_channels, hidden, count):
    neck = SequenceEncoder(in_channels, "rnn", hidden_size=hidden)
    assert [(k, list(v.shape)) for k, v in neck.state_dict().items()] == entries(config, "neck.")
    assert trainable(neck) == count
    assert neck.out_channels == 2 * hidden
    neck.eval()
    with paddle.no_grad():
        assert neck(paddle.rand([2, in_channels, 1, 80])).shape == [2, 80, 2 * hidden]


def test_svtr_keys_and_counts_match_the_v3_ctc_encoder():
    neck = SequenceEncoder(512, "svtr", dims=64, depth=2, hidden_dims=120, use_guide=True)
    assert [(k, list(v.shape)) for k, v in neck.state_dict().items()] == \
        entries("g_ppocrv3_rec_student", "head.ctc_encoder.")
    assert trainable(neck) == 1192880
    neck.eval()
    with paddle.no_grad():
        assert neck(paddle.rand([1, 512, 1, 40])).shape == [1, 40, 64]     # facts §3.4


def test_reshape_and_fc():
    x = paddle.rand([2, 16, 1, 7])
    neck = SequenceEncoder(16, "reshape")
    assert neck.out_channels == 16 and not neck.state_dict()
    np.testing.assert_array_equal(neck(x).numpy(), x.numpy()[:, :, 0, :].transpose(0, 2, 1))
    fc = SequenceEncoder(16, "fc", hidden_size=8)
    assert fc(x).shape == [2, 7, 8]
    assert list(fc.state_dict()) == ["encoder.fc.weight", "encoder.fc.bias"]
    bound = 1 / np.sqrt(16)                    # uniform +-1/sqrt(in), as the CTC head
    assert np.abs(fc.encoder.fc.weight.numpy()).max() <= bound


def test_rnn_is_a_two_layer_bidirectional_lstm_in_ifgo_gate_order():
    """Recompute the first direction of layer 0 by hand with gates (i, f, g, o) (facts §1)."""
    paddle.seed(1)
    neck = SequenceEncoder(4, "rnn", hidden_size=3)
    x = paddle.rand([1, 4, 1, 5])
    seq = x.numpy()[0, :, 0, :].T                                        # (T, C)
    state = neck.state_dict()
    w_ih, w_hh = state["encoder.lstm.weight_ih_l0"].numpy(), state["encoder.lstm.weight_hh_l0"].numpy()
    b = state["encoder.lstm.bias_ih_l0"].numpy() + state["encoder.lstm.bias_hh_l0"].numpy()
    sigmoid = lambda v: 1 / (1 + np.exp(-v))                            # noqa: E731
    h, c, outs = np.zeros(3), np.zeros(3), []
    for t in range(5):
        i, f, g, o = np.split(w_ih @ seq[t] + w_hh @ h + b, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outs.append(h)
    layer0 = neck.encoder.lstm[0]                 # the BiRNN behind the `0.cell_fw.*` alias keys
    assert layer0.cell_fw.weight_ih.name == state["encoder.lstm.weight_ih_l0"].name
    out, _ = layer0(paddle.to_tensor(seq[None].astype("float32")))
    np.testing.assert_allclose(out.numpy()[0, :, :3], np.stack(outs), atol=1e-5)


def test_im2seq_needs_height_one():
    with pytest.raises(ConfigError, match="height 1"):
        Im2Seq(8)(paddle.rand([1, 8, 2, 5]))


def test_errors_name_the_valid_choices():
    assert NECKS["SequenceEncoder"] is SequenceEncoder
    with pytest.raises(ConfigError, match="valid: \\['fc', 'reshape', 'rnn', 'svtr'\\]"):
        SequenceEncoder(8, "gru")
    with pytest.raises(ConfigError, match="only apply to encoder_type 'svtr'"):
        SequenceEncoder(8, "rnn", hidden_dims=120)
