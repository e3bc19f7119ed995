"""RecMobileNetV3 (YAML `MobileNetV3` for rec and cls) against fixtures e, h and facts §2.2."""
from __future__ import annotations

import json
from pathlib import Path

import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models.backbones import BACKBONES
from ocrcourse.models.backbones.rec_mobilenet_v3 import RecMobileNetV3

FIXTURES = Path(__file__).parent.parent / "fixtures"


def backbone_entries(config: str) -> list:
    fx = json.loads((FIXTURES / f"{config}.json").read_text())
    return [(e["key"][len("backbone."):], e["shape"]) for e in fx["state_dict"]
            if e["key"].startswith("backbone.")]


def trainable(model) -> int:
    return sum(int(p.numel()) for p in model.parameters() if p.trainable)


def test_small_x05_rec_matches_fixture_e():
    model = RecMobileNetV3(model_name="small", scale=0.5, small_stride=[1, 2, 2, 2])
    assert [(k, list(v.shape)) for k, v in model.state_dict().items()] == \
        backbone_entries("e_ppocr_v2.0_rec_crnn_mobile")
    assert trainable(model) == 252896
    assert model.out_channels == 288


def test_small_x035_cls_matches_fixture_h():
    model = RecMobileNetV3(model_name="small", scale=0.35)
    assert [(k, list(v.shape)) for k, v in model.state_dict().items()] == \
        backbone_entries("h_cls_mv3_small_0.35")
    assert trainable(model) == 128954
    model.eval()
    with paddle.no_grad():
        assert model(paddle.rand([1, 3, 48, 192])).shape == [1, 200, 1, 48]


def test_vertical_only_strides():
    """The stride-2 rows stride (s, 1): width 320 -> 160 (stem) -> 80 (pool) whatever small_stride."""
    model = RecMobileNetV3(model_name="small", scale=0.5, small_stride=[1, 2, 2, 2])
    strides = [unit.bottleneck_conv.conv._stride for unit in model.blocks]
    assert [tuple(strides[i]) for i in (0, 1, 3, 8)] == [(1, 1), (2, 1), (2, 1), (2, 1)]
    # like PaddleOCR, a tuple stride (1, 1) is not "1": block 0 (8 -> 8 channels) has no residual
    assert not model.blocks[0].if_shortcut


def test_large_and_disable_se():
    """Facts §2.2: large's first row takes large_stride[0] as a plain int (both axes)."""
    model = RecMobileNetV3(model_name="large", scale=0.5, disable_se=True)
    assert model.out_channels == 480
    assert not any(hasattr(unit, "mid_se") for unit in model.blocks)
    assert model.blocks[0].bottleneck_conv.conv._stride == [1, 1]
    model.eval()
    with paddle.no_grad():
        assert model(paddle.rand([1, 3, 32, 64])).shape == [1, 480, 1, 16]


def test_registered_and_errors():
    assert BACKBONES["rec"]["MobileNetV3"] is RecMobileNetV3
    assert BACKBONES["cls"]["MobileNetV3"] is RecMobileNetV3
    with pytest.raises(ConfigError, match="0.35, 0.5"):
        RecMobileNetV3(scale=0.6)
    with pytest.raises(ConfigError, match="'large' or 'small'"):
        RecMobileNetV3(model_name="tiny")
    with pytest.raises(ConfigError, match="list of 4"):
        RecMobileNetV3(small_stride=[2, 2])
