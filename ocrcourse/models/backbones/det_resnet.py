"""Plain ResNet for text detection (7x7 stem), PaddleOCR's `ResNet` det backbone.

YAML: `Backbone: {name: ResNet, layers: 50}` with `model_type: det`; some official PP-OCRv3
teacher configs (the LK-PAN teacher) name this class instead of ResNet_vd.
Lesson: lessons/02_det_backbones.ipynb.
"""
from __future__ import annotations

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.backbones.det_resnet_vd import (DEPTHS, BasicBlock, BottleneckBlock,
                                                      ResNetConvBN)

__all__ = ["ResNet"]

STAGE_WIDTHS = [64, 128, 256, 512]
SUPPORTED_LAYERS = (18, 34, 50, 101, 152)


def _block_name(stage: int, i: int, layers: int) -> str:
    """Caffe-style names: res2a, res2b, ... (stage 0 is "res2"); the long third stage of
    ResNet-101/152 is numbered res4a, res4b1, res4b2, ... instead of running out of letters."""
    if layers in (101, 152) and stage == 2:
        return "res4a" if i == 0 else f"res4b{i}"
    return f"res{stage + 2}{chr(ord('a') + i)}"


class ResNet(nn.Layer):
    """The original ResNet: one 7x7 stride-2 stem conv, max-pool, four stages of residual blocks.

    PP-OCR strategy: large teacher backbone for distillation (知识蒸馏的教师模型); it differs
    from ResNet_vd only in the stem (7x7 instead of three 3x3) and in the shortcut (a strided
    1x1 conv instead of avg-pool + 1x1). Paper: Deep Residual Learning, arXiv:1512.03385.

    Args:
        in_channels: image channels (3).
        layers: depth, one of 18, 34, 50, 101, 152.
        out_indices: which stages to return (default all four).
        dcn_stage: accepted for PaddleOCR compatibility; only all-False is supported.

    Attributes: `conv` (stem, `ResNetConvBN` with `_conv` / `_batch_norm`), `pool2d_max` and
    the blocks `res2a`, `res2b`, ..., `res5c` attached directly (keys `backbone.res3a.short...`).

    Shapes: (N, 3, H, W) -> [c2 (H/4), c3 (H/8), c4 (H/16), c5 (H/32)] with widths
    [64, 128, 256, 512] (18/34) or [256, 512, 1024, 2048] (50+).
    """

    def __init__(self, in_channels: int = 3, layers: int = 50, out_indices=None, dcn_stage=None):
        super().__init__()
        if layers not in SUPPORTED_LAYERS:
            raise ConfigError(f"ResNet: layers={layers} unsupported; valid: {list(SUPPORTED_LAYERS)}")
        if dcn_stage is not None and any(dcn_stage):
            raise ConfigError("ResNet: deformable convs (dcn_stage) are not implemented in ocrcourse; "
                              "remove dcn_stage or set it to [false, false, false, false]")
        self.layers = layers
        self.out_indices = list(out_indices) if out_indices is not None else [0, 1, 2, 3]

        self.conv = ResNetConvBN(in_channels, 64, 7, stride=2, act="relu")
        self.pool2d_max = nn.MaxPool2D(kernel_size=3, stride=2, padding=1)

        block_cls, expansion = (BottleneckBlock, 4) if layers >= 50 else (BasicBlock, 1)
        self.stages, self.out_channels = [], []
        width = 64
        for stage, depth in enumerate(DEPTHS[layers]):
            blocks = []
            for i in range(depth):
                block = block_cls(width, STAGE_WIDTHS[stage],
                                  stride=2 if i == 0 and stage != 0 else 1,
                                  shortcut=i > 0, if_first=stage == i == 0, vd=False)
                self.add_sublayer(_block_name(stage, i, layers), block)
                blocks.append(block)
                width = STAGE_WIDTHS[stage] * expansion
            self.stages.append(nn.Sequential(*blocks))
            if stage in self.out_indices:
                self.out_channels.append(width)

    def forward(self, x):
        x = self.pool2d_max(self.conv(x))
        features = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                features.append(x)
        return features
