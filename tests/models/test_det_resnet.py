"""Plain det ResNet: block names and sizes of the classic ResNets.

No PaddleOCR fixture exists for this backbone; the reference sizes are the published
ResNet parameter counts (torchvision's resnet18/50/101 without the 1000-class fc), plus the one
layer PaddleOCR adds: the first block of stage 0 always has a 1x1 `short` projection, even in
ResNet-18 where widths already agree (64*64 conv weights + 64 BN gamma + 64 BN beta).
"""
from __future__ import annotations

import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models import build_model
from ocrcourse.models.backbones.det_resnet import ResNet

PUBLISHED_WITHOUT_FC = {18: 11_689_512 - 513_000, 50: 25_557_032 - 2_049_000}
EXTRA_RES2A_SHORT_18 = 64 * 64 + 2 * 64


def trainable(layer) -> int:
    return sum(int(p.numel()) for p in layer.parameters() if p.trainable)


def test_resnet18_and_50_sizes():
    assert trainable(ResNet(layers=18)) == PUBLISHED_WITHOUT_FC[18] + EXTRA_RES2A_SHORT_18
    assert trainable(ResNet(layers=50)) == PUBLISHED_WITHOUT_FC[50]   # res2a projects 64->256 anyway


def test_block_names_and_stem():
    keys = list(ResNet(layers=50).state_dict())
    assert keys[:2] == ["conv._conv.weight", "conv._batch_norm.weight"]
    blocks = list(dict.fromkeys(k.split(".")[0] for k in keys[5:]))
    assert blocks == ["res2a", "res2b", "res2c", "res3a", "res3b", "res3c", "res3d",
                      "res4a", "res4b", "res4c", "res4d", "res4e", "res4f", "res5a", "res5b", "res5c"]
    assert [k for k in keys if k.endswith("short._conv.weight")] == \
        [f"res{s}a.short._conv.weight" for s in (2, 3, 4, 5)]


def test_resnet101_third_stage_naming():
    names = [n for n, _ in ResNet(layers=101).named_children() if n.startswith("res4")]
    assert names == ["res4a"] + [f"res4b{i}" for i in range(1, 23)]


def test_lkpan_teacher_with_plain_resnet_shapes():
    model = build_model({"model_type": "det", "algorithm": "DB",
                         "Backbone": {"name": "ResNet", "layers": 18},
                         "Neck": {"name": "LKPAN", "out_channels": 64},
                         "Head": {"name": "DBHead", "kernel_list": [7, 2, 2], "k": 50}})
    model.eval()
    with paddle.no_grad():
        x = paddle.rand([1, 3, 64, 64])
        assert [f.shape for f in model.backbone(x)] == [[1, 64, 16, 16], [1, 128, 8, 8],
                                                        [1, 256, 4, 4], [1, 512, 2, 2]]
        assert model(x)["maps"].shape == [1, 1, 64, 64]
    with pytest.raises(ConfigError, match="valid"):
        ResNet(layers=26)
