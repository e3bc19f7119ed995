"""Small building blocks shared by the MobileNetV3 backbones (det, rec, cls) and RSE-FPN.

Lesson: lessons/02_det_backbones.ipynb. Paper: Searching for MobileNetV3, arXiv:1905.02244.

Everything here keeps PaddleOCR's attribute names (`conv`, `bn`, `conv1`, `conv2`,
`expand_conv`, `bottleneck_conv`, `mid_se`, `linear_conv`): they become state_dict keys, so
official PP-OCR weights load unchanged. The layer *classes* matter too: `nn.BatchNorm` (the
legacy class) gets static names `batch_norm_N`, which the ONNX weight converter relies on.
"""
from __future__ import annotations

import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError

__all__ = ["make_divisible", "ConvBNLayer", "SEModule", "ResidualUnit", "ACTIVATIONS"]

# name -> function; `None` means "no activation" (the linear 1x1 projection of a block)
ACTIVATIONS = {None: None, "relu": F.relu, "hardswish": F.hardswish}


def make_divisible(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    """Round a width `v` to the nearest multiple of `divisor` (at least `min_value`).

    This is how MobileNetV3 scales its channel counts: with scale 0.5, 16 channels become 8
    and 72 become 40 (36 rounds up). If rounding down loses more than 10 %, one more
    `divisor` is added so a scaled network never becomes much thinner than asked.
    """
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class ConvBNLayer(nn.Layer):
    """Conv2D (no bias) -> BatchNorm -> optional activation: the unit every MobileNetV3 is made of.

    PP-OCR strategy: the lightweight MobileNetV3 backbone (轻量级骨干网络) of the mobile models.
    Paper: arXiv:1905.02244.

    Args:
        in_channels, out_channels: widths before and after.
        kernel_size, stride, padding, groups: as in `nn.Conv2D`; `stride` may be a tuple such
            as (2, 1), which the rec backbones use to halve the height only.
        act: None, "relu" or "hardswish", applied after the BN (the BN itself has no act).

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / stride, W / stride).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride=1,
                 padding=0, groups: int = 1, act: str | None = None):
        super().__init__()
        if act not in ACTIVATIONS:
            raise ConfigError(f"ConvBNLayer: unknown act {act!r}; valid: {list(ACTIVATIONS)}")
        self.act = act
        self.conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride,
                              padding=padding, groups=groups, bias_attr=False)
        self.bn = nn.BatchNorm(num_channels=out_channels, act=None)

    def forward(self, x):
        x = self.bn(self.conv(x))
        if self.act is not None:
            x = ACTIVATIONS[self.act](x)
        return x


class SEModule(nn.Layer):
    """Squeeze-and-excitation: re-weight each channel by a gate computed from its global mean.

    PP-OCR strategy: SE channel attention (通道注意力), used inside MobileNetV3 blocks and, with
    a residual, in the RSE-FPN neck of PP-OCRv3. Paper: Squeeze-and-Excitation Networks,
    arXiv:1709.01507.

    The gate is hardsigmoid(x) = clip(0.2 * x + 0.5, 0, 1): slope 0.2, as in PaddleOCR
    release/2.x and the official ONNX graphs. (Paddle's default hardsigmoid uses slope 1/6;
    with it the PP-OCRv3 detector's probability map changes by up to 0.41.)

    Args:
        in_channels: channels C of the input (and of the output).
        reduction: the squeeze width is C // reduction.

    Shapes: (N, C, H, W) -> (N, C, H, W).
    """

    def __init__(self, in_channels: int, reduction: int = 4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2D(1)
        self.conv1 = nn.Conv2D(in_channels, in_channels // reduction, 1)
        self.conv2 = nn.Conv2D(in_channels // reduction, in_channels, 1)

    def forward(self, inputs):
        gate = self.avg_pool(inputs)                            # (N, C, 1, 1)
        gate = F.relu(self.conv1(gate))                         # squeeze to C / 4
        gate = F.hardsigmoid(self.conv2(gate), slope=0.2, offset=0.5)   # excite, in [0, 1]
        return inputs * gate


class ResidualUnit(nn.Layer):
    """MobileNetV3 inverted-residual block: 1x1 expand -> kxk depthwise -> (SE) -> 1x1 project.

    PP-OCR strategy: MobileNetV3 bottleneck of the lightweight backbone (轻量级骨干网络).
    Paper: arXiv:1905.02244 (Table 1 and 2 list the (k, exp, c, se, act, s) rows).

    Args:
        in_channels: input width.
        mid_channels: expanded width ("exp" in the paper's tables).
        out_channels: output width ("c").
        kernel_size: depthwise kernel k (3 or 5); padding (k - 1) // 2 keeps the size.
        stride: depthwise stride; an int, or a tuple like (2, 1) in the rec backbones.
        use_se: insert the SE gate after the depthwise conv.
        act: activation of the expand and depthwise convs ("relu" or "hardswish").

    The input is added back only when `stride == 1` and the widths agree. Like PaddleOCR we
    compare `stride == 1` literally, so a tuple stride (1, 1) gets no residual.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / s, W / s).
    """

    def __init__(self, in_channels: int, mid_channels: int, out_channels: int, kernel_size: int,
                 stride, use_se: bool, act: str | None = None):
        super().__init__()
        self.if_shortcut = stride == 1 and in_channels == out_channels
        self.if_se = use_se
        self.expand_conv = ConvBNLayer(in_channels, mid_channels, 1, stride=1, padding=0, act=act)
        self.bottleneck_conv = ConvBNLayer(mid_channels, mid_channels, kernel_size, stride=stride,
                                           padding=(kernel_size - 1) // 2, groups=mid_channels,
                                           act=act)   # depthwise: one filter per channel
        if use_se:
            self.mid_se = SEModule(mid_channels)
        self.linear_conv = ConvBNLayer(mid_channels, out_channels, 1, stride=1, padding=0, act=None)

    def forward(self, inputs):
        x = self.expand_conv(inputs)
        x = self.bottleneck_conv(x)
        if self.if_se:
            x = self.mid_se(x)
        x = self.linear_conv(x)
        if self.if_shortcut:
            x = inputs + x
        return x
