"""MobileNetV3 for text detection: four feature maps at strides 4, 8, 16 and 32.

YAML: `Backbone: {name: MobileNetV3, model_name: large, scale: 0.5, disable_se: true}` with
`model_type: det`. Lesson: lessons/02_det_backbones.ipynb.
"""
from __future__ import annotations

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.layers import ConvBNLayer, ResidualUnit, make_divisible

__all__ = ["DetMobileNetV3", "MOBILENETV3_CONFIGS", "SUPPORTED_SCALES"]

# One row per ResidualUnit: (kernel k, expanded width exp, output width c, SE, activation, stride)
MOBILENETV3_CONFIGS = {
    "large": [
        (3, 16, 16, False, "relu", 1),
        (3, 64, 24, False, "relu", 2),
        (3, 72, 24, False, "relu", 1),
        (5, 72, 40, True, "relu", 2),
        (5, 120, 40, True, "relu", 1),
        (5, 120, 40, True, "relu", 1),
        (3, 240, 80, False, "hardswish", 2),
        (3, 200, 80, False, "hardswish", 1),
        (3, 184, 80, False, "hardswish", 1),
        (3, 184, 80, False, "hardswish", 1),
        (3, 480, 112, True, "hardswish", 1),
        (3, 672, 112, True, "hardswish", 1),
        (5, 672, 160, True, "hardswish", 2),
        (5, 960, 160, True, "hardswish", 1),
        (5, 960, 160, True, "hardswish", 1),
    ],
    "small": [
        (3, 16, 16, True, "relu", 2),
        (3, 72, 24, False, "relu", 2),
        (3, 88, 24, False, "relu", 1),
        (5, 96, 40, True, "hardswish", 2),
        (5, 240, 40, True, "hardswish", 1),
        (5, 240, 40, True, "hardswish", 1),
        (5, 120, 48, True, "hardswish", 1),
        (5, 144, 48, True, "hardswish", 1),
        (5, 288, 96, True, "hardswish", 2),
        (5, 576, 96, True, "hardswish", 1),
        (5, 576, 96, True, "hardswish", 1),
    ],
}
LAST_CONV_WIDTH = {"large": 960, "small": 576}   # the final 1x1 conv ("cls_ch_squeeze")
# A new stage starts at a stride-2 row whose index is above this (large: rows 0-2 are stage0).
FIRST_SPLIT_AFTER = {"large": 2, "small": 0}
SUPPORTED_SCALES = (0.35, 0.5, 0.75, 1.0, 1.25)


class DetMobileNetV3(nn.Layer):
    """MobileNetV3 cut into four stages whose outputs feed the DB feature pyramid.

    PP-OCR strategy: lightweight backbone MobileNetV3 (轻量级骨干网络 MobileNetV3), used with
    scale 0.5 and no SE by the PP-OCR v2.0 / v2 / v3 mobile detectors: SE blocks cost time on
    CPUs and gained little in detection. Paper: arXiv:1905.02244; PP-OCR arXiv:2009.09941.

    Args:
        in_channels: image channels (3).
        model_name: "large" (15 blocks) or "small" (11 blocks).
        scale: width multiplier, one of 0.35, 0.5, 0.75, 1.0, 1.25.
        disable_se: drop every SE gate (PP-OCR's mobile detectors set this).

    Attributes: `conv` (stem, stride 2) and `stage0`..`stage3`; the last stage ends with the
    1x1 conv to make_divisible(scale * 960) channels. `out_channels` lists the stage widths,
    e.g. [16, 24, 56, 480] for large x0.5.

    Shapes: (N, 3, H, W) -> [c2 (H/4), c3 (H/8), c4 (H/16), c5 (H/32)].
    """

    def __init__(self, in_channels: int = 3, model_name: str = "large", scale: float = 0.5,
                 disable_se: bool = False):
        super().__init__()
        if model_name not in MOBILENETV3_CONFIGS:
            raise ConfigError(f"MobileNetV3: model_name {model_name!r} unknown; "
                              f"valid: {sorted(MOBILENETV3_CONFIGS)}")
        if scale not in SUPPORTED_SCALES:
            raise ConfigError(f"MobileNetV3: scale {scale} unsupported; valid: {list(SUPPORTED_SCALES)}")
        self.disable_se = disable_se

        width = make_divisible(16 * scale)
        self.conv = ConvBNLayer(in_channels, width, 3, stride=2, padding=1, act="hardswish")

        stages, blocks, self.out_channels = [], [], []
        for i, (k, exp, c, se, act, s) in enumerate(MOBILENETV3_CONFIGS[model_name]):
            if s == 2 and i > FIRST_SPLIT_AFTER[model_name]:   # close the stage before downsampling
                self.out_channels.append(width)
                stages.append(nn.Sequential(*blocks))
                blocks = []
            blocks.append(ResidualUnit(width, make_divisible(scale * exp), make_divisible(scale * c),
                                       k, s, use_se=se and not disable_se, act=act))
            width = make_divisible(scale * c)
        last = make_divisible(scale * LAST_CONV_WIDTH[model_name])
        blocks.append(ConvBNLayer(width, last, 1, stride=1, padding=0, act="hardswish"))
        stages.append(nn.Sequential(*blocks))
        self.out_channels.append(last)

        # registered after all convs exist, as in PaddleOCR (keeps static names conv2d_N in order)
        self.stages = []
        for i, stage in enumerate(stages):
            self.add_sublayer(f"stage{i}", stage)
            self.stages.append(stage)

    def forward(self, x):
        x = self.conv(x)
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        return features
