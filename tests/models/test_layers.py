"""Shared MobileNetV3 blocks: widths from the facts sheet, SE slope 0.2, tuple strides."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.layers import ConvBNLayer, ResidualUnit, SEModule, make_divisible


def test_make_divisible_matches_mobilenetv3_large_x05_widths():
    # facts §2.1: large x0.5 mid widths 8, 32, 40, 40, 64, 64, 120, 104, 96, 96, 240, 336, ...
    exps = [16, 64, 72, 72, 120, 120, 240, 200, 184, 184, 480, 672, 672, 960, 960]
    assert [make_divisible(0.5 * e) for e in exps] == [8, 32, 40, 40, 64, 64, 120, 104, 96, 96,
                                                     240, 336, 336, 480, 480]
    assert make_divisible(0.35 * 16) == 8          # minimum is the divisor
    assert make_divisible(0.35 * 576) == 200       # cls MV3-small x0.35 last conv (facts §2.2)


def test_conv_bn_layer_keys_and_tuple_stride():
    layer = ConvBNLayer(4, 8, 3, stride=(2, 1), padding=1, act="hardswish")
    assert list(layer.state_dict()) == ["conv.weight", "bn.weight", "bn.bias", "bn._mean", "bn._variance"]
    out = layer(paddle.randn([1, 4, 8, 10]))
    assert out.shape == [1, 8, 4, 10]
    with pytest.raises(ConfigError, match="valid"):
        ConvBNLayer(4, 8, 3, act="gelu")


def test_se_uses_hardsigmoid_slope_02():
    se = SEModule(8)
    se.eval()
    for p in se.parameters():
        p.set_value(paddle.zeros_like(p))
    se.conv2.bias.set_value(paddle.full([8], 1.0))   # gate = clip(0.2 * 1 + 0.5) = 0.7
    x = paddle.ones([1, 8, 2, 2])
    np.testing.assert_allclose(se(x).numpy(), 0.7, rtol=1e-6)


def test_residual_unit_keys_shortcut_and_rec_stride():
    unit = ResidualUnit(8, 16, 8, 3, 1, use_se=True, act="relu")
    assert unit.if_shortcut
    prefixes = [k.split(".")[0] for k in unit.state_dict()]
    assert list(dict.fromkeys(prefixes)) == ["expand_conv", "bottleneck_conv", "mid_se", "linear_conv"]
    rec = ResidualUnit(8, 16, 8, 3, (2, 1), use_se=False, act="hardswish")
    assert not rec.if_shortcut
    assert rec(paddle.randn([1, 8, 8, 12])).shape == [1, 8, 4, 12]
