"""Det MobileNetV3: small variant and scales, checked against the rec/cls fixtures.

The det and rec MobileNetV3 share every conv (only strides and the final pool differ), so the
det "small" backbone must have exactly the tensor shapes, in order, of the rec/cls backbones
measured on PaddleOCR (fixtures e: small x0.5, h: small x0.35).
"""
from __future__ import annotations

import json
from pathlib import Path

import paddle
import pytest

from ocrcourse.models.backbones.det_mobilenet_v3 import DetMobileNetV3

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.parametrize("fixture, scale", [("e_ppocr_v2.0_rec_crnn_mobile", 0.5),
                                            ("h_cls_mv3_small_0.35", 0.35)])
def test_small_has_the_shapes_of_the_rec_backbone(fixture, scale):
    fx = json.loads((FIXTURES / f"{fixture}.json").read_text())
    want = [e["shape"] for e in fx["state_dict"] if e["key"].startswith("backbone.")]
    model = DetMobileNetV3(model_name="small", scale=scale)
    assert [list(v.shape) for v in model.state_dict().values()] == want
    trainable = sum(int(p.numel()) for p in model.parameters() if p.trainable)
    assert trainable == fx["param_counts"]["per_part"]["backbone"]["trainable"]


def test_small_stages_and_strides():
    model = DetMobileNetV3(model_name="small", scale=0.5, disable_se=True)
    assert model.out_channels == [8, 16, 24, 288]
    assert not any("mid_se" in k for k in model.state_dict())
    model.eval()
    feats = model(paddle.rand([1, 3, 64, 64]))
    assert [f.shape for f in feats] == [[1, 8, 16, 16], [1, 16, 8, 8], [1, 24, 4, 4], [1, 288, 2, 2]]


def test_large_with_se_keeps_se_in_stage1_and_later():
    keys = list(DetMobileNetV3(model_name="large", scale=1.0).state_dict())
    assert "stage1.0.mid_se.conv1.weight" in keys          # block 3 (5x5, SE) opens stage1
    assert not any(k.startswith("stage0") and "mid_se" in k for k in keys)
    assert "stage3.3.conv.weight" in keys                  # the last 1x1 conv closes stage3
