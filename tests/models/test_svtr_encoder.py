"""EncoderWithSVTR (the PP-OCRv3 CTC neck) against facts §1 and §3.4."""
from __future__ import annotations

import inspect

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.necks.svtr_encoder import Attention, Block, EncoderWithSVTR


def small_encoder(**kwargs) -> EncoderWithSVTR:
    return EncoderWithSVTR(64, dims=16, depth=2, hidden_dims=24, num_heads=4, **kwargs)


def test_layer_types_and_norm_epsilons():
    """ONNX names follow layer classes (BatchNorm2D, Linear, LayerNorm); eps 1e-5 in the blocks,
    1e-6 in the final norm (read from the official graph)."""
    enc = EncoderWithSVTR(512)
    assert all(isinstance(getattr(enc, n).norm, paddle.nn.BatchNorm2D)
               for n in ("conv1", "conv2", "conv3", "conv4", "conv1x1"))
    assert enc.conv1.conv.weight.shape == [64, 512, 3, 3] and enc.conv1.conv.bias is None
    assert enc.conv4.conv.weight.shape == [64, 1024, 3, 3]      # input is concat[shortcut, conv3]
    for block in enc.svtr_block:
        assert block.norm1._epsilon == block.norm2._epsilon == 1e-5
        assert isinstance(block.mixer.qkv, paddle.nn.Linear) and block.mixer.qkv.bias is not None
    assert enc.norm._epsilon == 1e-6
    assert abs(enc.svtr_block[0].mixer.scale - 15 ** -0.5) < 1e-9        # 120 / 8 heads -> 0.2582


def test_init_truncated_normal_linears_and_unit_layernorms():
    enc = EncoderWithSVTR(512)
    qkv = enc.svtr_block[0].mixer.qkv
    w = qkv.weight.numpy().ravel()
    assert abs(w.mean()) < 5 * 0.02 / np.sqrt(w.size)                 # 5 standard errors of the mean
    # PaddleOCR's trunc_normal_ is TruncatedNormal(std=0.02). Paddle >= 2.6.? cuts it at +-2 in absolute
    # value (a = -2, b = 2: a plain normal at this std); Paddle 2.6 cuts at +-2 std, which narrows it to
    # std 0.02 * 0.8796 (the standard deviation of a normal truncated at +-2 sigma).
    cut_absolute = "a" in inspect.signature(paddle.nn.initializer.TruncatedNormal).parameters
    expected = 0.02 if cut_absolute else 0.02 * 0.87963
    assert np.abs(w).max() <= (2.0 if cut_absolute else 0.04 + 1e-7)
    # the sample std of n values has standard error ~ std / sqrt(2 n); allow 6 of them
    assert abs(w.std() - expected) < 6 * expected / np.sqrt(2 * w.size), (w.std(), expected)
    assert not qkv.bias.numpy().any()
    np.testing.assert_array_equal(enc.norm.weight.numpy(), 1.0)


def test_attention_is_scaled_dot_product_over_heads():
    paddle.seed(0)
    attn = Attention(12, num_heads=3, qkv_bias=True)
    attn.eval()
    x = paddle.randn([2, 5, 12])
    qkv = attn.qkv(x).numpy().reshape(2, 5, 3, 3, 4)                   # (N, T, 3, heads, hd)
    q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))   # (N, heads, T, hd)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(4)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    mixed = (weights @ v).transpose(0, 2, 1, 3).reshape(2, 5, 12)
    want = mixed @ attn.proj.weight.numpy() + attn.proj.bias.numpy()    # Paddle Linear is [in, out]
    np.testing.assert_allclose(attn(x).numpy(), want, rtol=1e-4, atol=1e-5)


def test_block_adds_normalised_branches():
    """prenorm=False in PaddleOCR: x + attn(norm1(x)), then + mlp(norm2(.))."""
    block = Block(12, 3)
    block.eval()
    x = paddle.randn([1, 4, 12])
    y = x + block.mixer(block.norm1(x))
    want = y + block.mlp(block.norm2(y))
    np.testing.assert_allclose(block(x).numpy(), want.numpy(), atol=1e-5)


def test_shapes_and_guide_stops_gradient_into_backbone():
    x = paddle.rand([2, 64, 1, 10])
    x.stop_gradient = False
    guided = small_encoder(use_guide=True)
    out = guided(x)
    assert out.shape == [2, 16, 1, 10]
    out.sum().backward()
    assert x.grad is None or not x.grad.numpy().any()
    assert guided.conv1.conv.weight.grad is not None            # the neck itself still learns

    x2 = paddle.rand([2, 64, 1, 10])
    x2.stop_gradient = False
    small_encoder(use_guide=False)(x2).sum().backward()
    assert x2.grad is not None and x2.grad.numpy().any()


def test_drop_path_other_than_zero_is_refused():
    with pytest.raises(ConfigError, match="drop_path"):
        small_encoder(drop_path=0.1)
