"""MobileNetV1Enhance against fixtures f (PP-OCRv2 rec) and g (PP-OCRv3 rec) and facts §2.4."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.backbones import BACKBONES
from ocrcourse.models.backbones.rec_mv1_enhance import MobileNetV1Enhance, SEModule

FIXTURES = Path(__file__).parent.parent / "fixtures"


def backbone_entries(config: str) -> list:
    fx = json.loads((FIXTURES / f"{config}.json").read_text())
    return [(e["key"][len("backbone."):], e["shape"]) for e in fx["state_dict"]
            if e["key"].startswith("backbone.")]


@pytest.mark.parametrize("config, kwargs", [
    ("f_ppocrv2_rec", {}),
    ("g_ppocrv3_rec_student", {"last_conv_stride": [1, 2], "last_pool_type": "avg"})])
def test_state_dict_matches_paddleocr(config, kwargs):
    model = MobileNetV1Enhance(scale=0.5, **kwargs)
    assert [(k, list(v.shape)) for k, v in model.state_dict().items()] == backbone_entries(config)
    assert sum(int(p.numel()) for p in model.parameters() if p.trainable) == 1016160


def test_output_shapes():
    """Facts §2.4: 32x320 -> (1, 512, 1, 80); PP-OCRv3's 48x320 with [1, 2] + avg -> (1, 512, 1, 40)."""
    v2 = MobileNetV1Enhance(scale=0.5)
    v3 = MobileNetV1Enhance(scale=0.5, last_conv_stride=[1, 2], last_pool_type="avg")
    for model in (v2, v3):
        model.eval()
    with paddle.no_grad():
        assert v2(paddle.rand([1, 3, 32, 320])).shape == [1, 512, 1, 80]
        assert v3(paddle.rand([1, 3, 48, 320])).shape == [1, 512, 1, 40]
    assert v2.out_channels == v3.out_channels == 512
    assert isinstance(v2.pool, paddle.nn.MaxPool2D) and isinstance(v3.pool, paddle.nn.AvgPool2D)


def test_se_gate_is_hardsigmoid_with_slope_one_sixth():
    """Facts §1: this SE uses Paddle's default hardsigmoid, clip(x / 6 + 0.5, 0, 1), not 0.2."""
    se = SEModule(8)
    x = paddle.rand([1, 8, 3, 5])
    squeezed = paddle.nn.functional.relu(se.conv1(x.mean(axis=[2, 3], keepdim=True)))
    logits = se.conv2(squeezed).numpy()
    gate = np.clip(logits / 6 + 0.5, 0, 1)
    np.testing.assert_allclose(se(x).numpy(), x.numpy() * gate, rtol=1e-5, atol=1e-6)


def test_bn_carries_hardswish_and_no_weight_decay():
    layer = MobileNetV1Enhance(scale=0.5).conv1
    assert isinstance(layer._batch_norm, paddle.nn.BatchNorm)      # the legacy class, act inside
    x = paddle.randn([2, 3, 8, 8])
    layer.eval()
    y = layer._batch_norm(layer._conv(x))
    bn_only = paddle.nn.functional.batch_norm(
        layer._conv(x), layer._batch_norm._mean, layer._batch_norm._variance,
        layer._batch_norm.weight, layer._batch_norm.bias, training=False)
    np.testing.assert_allclose(y.numpy(), paddle.nn.functional.hardswish(bn_only).numpy(), atol=1e-5)
    assert layer._batch_norm.weight.regularizer._coeff == 0.0


def test_registered_for_rec_and_cls_and_bad_pool_type():
    assert BACKBONES["rec"]["MobileNetV1Enhance"] is MobileNetV1Enhance
    assert BACKBONES["cls"]["MobileNetV1Enhance"] is MobileNetV1Enhance
    with pytest.raises(ConfigError, match="'max' or 'avg'"):
        MobileNetV1Enhance(last_pool_type="mean")
