"""SARHead against fixture g (head.sar_head.* keys) and facts §4.4."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.heads.sar_head import SARHead

FIXTURES = Path(__file__).parent.parent / "fixtures"
N_CLASSES = 12                         # a toy SAR dictionary: 9 chars + <UKN>, <BOS/EOS>, <PAD>


def tiny_head(**kwargs) -> SARHead:
    paddle.seed(0)
    return SARHead(16, N_CLASSES, enc_dim=16, d_k=8, max_text_length=6, **kwargs)


def targets(label, valid_ratio):
    return [label, paddle.full([label.shape[0]], label.shape[1], "int64"),
            paddle.to_tensor(valid_ratio, dtype="float32")]


def test_keys_shapes_and_size_match_the_v3_training_checkpoint():
    fx = json.loads((FIXTURES / "g_ppocrv3_rec_student.json").read_text())
    want = [(e["key"][len("head.sar_head."):], e["shape"]) for e in fx["state_dict"]
            if e["key"].startswith("head.sar_head.")]
    head = SARHead(512, 6627, enc_dim=512, max_text_length=25)
    assert [(k, list(v.shape)) for k, v in head.state_dict().items()] == want
    assert sum(int(p.numel()) for p in head.parameters() if p.trainable) == \
        fx["param_counts"]["per_part"]["head.sar_head"]["trainable"]
    assert head.decoder.start_idx == 6625 and head.decoder.padding_idx == 6626


def test_train_output_shape_and_teacher_forcing_is_causal():
    head = tiny_head(enc_drop_rnn=0.0, pred_dropout=0.0)
    head.train()
    feat = paddle.randn([2, 16, 1, 8])
    label = paddle.randint(0, N_CLASSES - 3, [2, 5], dtype="int64")
    out = head(feat, targets(label, [1.0, 1.0]))
    assert out.shape == [2, 5, N_CLASSES - 1]          # padding is never predicted
    changed = label.numpy().copy()
    changed[:, 3] = (changed[:, 3] + 1) % (N_CLASSES - 3)
    out2 = head(feat, targets(paddle.to_tensor(changed), [1.0, 1.0]))
    # output t has read labels 0..t (label 0 is <BOS>) and predicts label t + 1 (the SAR loss
    # compares predicts[:, :-1] with label[:, 1:]): changing label 3 leaves outputs 0..2 unchanged
    np.testing.assert_allclose(out2.numpy()[:, :3], out.numpy()[:, :3], atol=1e-5)
    assert np.abs(out2.numpy()[:, 3] - out.numpy()[:, 3]).max() > 1e-6


def test_valid_ratio_hides_right_padding():
    """With valid_ratio 0.5 on 8 columns only columns 0..3 are attended and encoded; the 3x3
    attention key conv reads one column further, so columns 5.. may change freely."""
    head = tiny_head(enc_drop_rnn=0.0, pred_dropout=0.0)
    head.train()
    feat = paddle.randn([1, 16, 1, 8])
    noisy = feat.numpy().copy()
    noisy[..., 5:] = np.random.default_rng(0).standard_normal(noisy[..., 5:].shape)
    label = paddle.randint(0, N_CLASSES - 3, [1, 4], dtype="int64")
    a = head(feat, targets(label, [0.5]))
    b = head(paddle.to_tensor(noisy), targets(label, [0.5]))
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)
    c = head(paddle.to_tensor(noisy), targets(label, [1.0]))
    assert np.abs(c.numpy() - b.numpy()).max() > 1e-4


def test_greedy_decoding_in_eval_and_missing_targets_in_training():
    head = tiny_head()
    head.eval()
    with paddle.no_grad():
        probs = head(paddle.randn([2, 16, 1, 8]))
    assert probs.shape == [2, 6, N_CLASSES - 1]
    np.testing.assert_allclose(probs.numpy().sum(-1), 1.0, rtol=1e-5)
    padding = head.decoder.embedding(paddle.to_tensor([N_CLASSES - 1]))
    assert not padding.numpy().any()                     # <PAD> embeds to zeros
    head.train()
    with pytest.raises(ConfigError, match="label_sar"):
        head(paddle.randn([1, 16, 1, 8]))
