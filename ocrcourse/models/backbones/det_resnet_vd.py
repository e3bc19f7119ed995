"""ResNet_vd for text detection: the backbone of the PP-OCR server detector and DB teachers.

YAML: `Backbone: {name: ResNet_vd, layers: 18}` (PP-OCRv2 teacher) or `layers: 50` (PP-OCRv3
teacher), with `model_type: det`. Lesson: lessons/02_det_backbones.ipynb.
"""
from __future__ import annotations

import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError

__all__ = ["ResNet_vd", "ResNetConvBN", "BottleneckBlock", "BasicBlock", "DEPTHS"]

# layers -> blocks per stage
DEPTHS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3],
          152: [3, 8, 36, 3], 200: [3, 12, 48, 3]}
STAGE_WIDTHS = [64, 128, 256, 512]        # "num_filters"; bottlenecks output 4x this


class ResNetConvBN(nn.Layer):
    """(optional 2x2 avg-pool) -> conv (no bias) -> BatchNorm with its activation inside.

    The avg-pool is the "vd" trick (ResNet-D): a downsampling shortcut first averages 2x2
    pixels instead of letting a stride-2 1x1 conv skip three quarters of them.
    PaddleOCR names this class ConvBNLayer; attributes `_pool2d_avg`, `_conv`, `_batch_norm`.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 groups: int = 1, is_vd_mode: bool = False, act: str | None = None):
        super().__init__()
        self.is_vd_mode = is_vd_mode
        self._pool2d_avg = nn.AvgPool2D(kernel_size=2, stride=2, padding=0, ceil_mode=True)
        self._conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride,
                               padding=(kernel_size - 1) // 2, groups=groups, bias_attr=False)
        self._batch_norm = nn.BatchNorm(out_channels, act=act)

    def forward(self, x):
        if self.is_vd_mode:
            x = self._pool2d_avg(x)
        return self._batch_norm(self._conv(x))


def _projection(in_channels: int, out_channels: int, stride: int, if_first: bool, vd: bool):
    """The 1x1 shortcut of a stage's first block. vd: avg-pool 2x2 then a stride-1 conv (not in
    the very first block, which does not downsample); plain ResNet: a strided 1x1 conv."""
    if vd:
        return ResNetConvBN(in_channels, out_channels, 1, stride=1, is_vd_mode=not if_first)
    return ResNetConvBN(in_channels, out_channels, 1, stride=stride)


class BottleneckBlock(nn.Layer):
    """1x1 reduce -> 3x3 (stride) -> 1x1 expand x4, plus a shortcut; ResNet-50 and deeper.

    `vd` selects the ResNet-D shortcut (ResNet_vd) or the plain one (ResNet)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, shortcut: bool,
                 if_first: bool, vd: bool = True):
        super().__init__()
        self.conv0 = ResNetConvBN(in_channels, out_channels, 1, act="relu")
        self.conv1 = ResNetConvBN(out_channels, out_channels, 3, stride=stride, act="relu")
        self.conv2 = ResNetConvBN(out_channels, out_channels * 4, 1, act=None)
        self.shortcut = shortcut
        if not shortcut:   # first block of a stage: project the input to the new width
            self.short = _projection(in_channels, out_channels * 4, stride, if_first, vd)

    def forward(self, x):
        y = self.conv2(self.conv1(self.conv0(x)))
        short = x if self.shortcut else self.short(x)
        return F.relu(short + y)


class BasicBlock(nn.Layer):
    """3x3 (stride) -> 3x3, plus a shortcut; ResNet-18 and -34 (`vd` as in BottleneckBlock)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, shortcut: bool,
                 if_first: bool, vd: bool = True):
        super().__init__()
        self.conv0 = ResNetConvBN(in_channels, out_channels, 3, stride=stride, act="relu")
        self.conv1 = ResNetConvBN(out_channels, out_channels, 3, act=None)
        self.shortcut = shortcut
        if not shortcut:
            self.short = _projection(in_channels, out_channels, stride, if_first, vd)

    def forward(self, x):
        y = self.conv1(self.conv0(x))
        short = x if self.shortcut else self.short(x)
        return F.relu(short + y)


class ResNet_vd(nn.Layer):
    """ResNet with the "vd" tweaks: a three-conv 3x3 stem and avg-pool downsampling shortcuts.

    PP-OCR strategy: the large teacher backbone for knowledge distillation (知识蒸馏的教师模型):
    ResNet18_vd in the PP-OCRv2 det teacher (= PP-OCR server det), ResNet50_vd in the
    PP-OCRv3 det teacher. Paper: Bag of Tricks for Image Classification (ResNet-D),
    arXiv:1812.01187.

    Args:
        in_channels: image channels (3).
        layers: depth, one of 18, 34, 50, 101, 152, 200.
        dcn_stage: per-stage deformable-conv flags; accepted for PaddleOCR compatibility, only
            all-False is supported (no standard PP-OCR config uses DCN).
        out_indices: which stages to return (default all four).
        disable_se: accepted for PaddleOCR compatibility, unused: the official
            ch_det_res18_db_v2.0.yml sets it, but ResNet_vd has no SE modules to disable.

    Blocks are attached directly as `bb_{stage}_{i}` (state_dict keys `backbone.bb_2_0...`);
    `self.stages` is a plain list, so it adds no keys. The first block of every stage has a
    `short` projection, even ResNet18's first block (64 -> 64).

    Shapes: (N, 3, H, W) -> [c2 (H/4), c3 (H/8), c4 (H/16), c5 (H/32)] with widths
    [64, 128, 256, 512] (18/34) or [256, 512, 1024, 2048] (50+).
    """

    def __init__(self, in_channels: int = 3, layers: int = 50, dcn_stage=None, out_indices=None,
                 disable_se: bool = False):
        super().__init__()
        if layers not in DEPTHS:
            raise ConfigError(f"ResNet_vd: layers={layers} unsupported; valid: {sorted(DEPTHS)}")
        if dcn_stage is not None and any(dcn_stage):
            raise ConfigError("ResNet_vd: deformable convs (dcn_stage) are not implemented in "
                              "ocrcourse; remove dcn_stage or set it to [false, false, false, false]")
        self.layers = layers
        self.out_indices = list(out_indices) if out_indices is not None else [0, 1, 2, 3]

        # vd stem: three 3x3 convs instead of one 7x7
        self.conv1_1 = ResNetConvBN(in_channels, 32, 3, stride=2, act="relu")
        self.conv1_2 = ResNetConvBN(32, 32, 3, stride=1, act="relu")
        self.conv1_3 = ResNetConvBN(32, 64, 3, stride=1, act="relu")
        self.pool2d_max = nn.MaxPool2D(kernel_size=3, stride=2, padding=1)

        block_cls, expansion = (BottleneckBlock, 4) if layers >= 50 else (BasicBlock, 1)
        self.stages, self.out_channels = [], []
        width = 64
        for stage, depth in enumerate(DEPTHS[layers]):
            blocks = []
            for i in range(depth):
                block = block_cls(width, STAGE_WIDTHS[stage],
                                  stride=2 if i == 0 and stage != 0 else 1,
                                  shortcut=i > 0, if_first=stage == i == 0)
                self.add_sublayer(f"bb_{stage}_{i}", block)
                blocks.append(block)
                width = STAGE_WIDTHS[stage] * expansion
            self.stages.append(nn.Sequential(*blocks))
            if stage in self.out_indices:
                self.out_channels.append(width)

    def forward(self, x):
        x = self.conv1_3(self.conv1_2(self.conv1_1(x)))
        x = self.pool2d_max(x)
        features = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                features.append(x)
        return features
