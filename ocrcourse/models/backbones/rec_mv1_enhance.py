"""MobileNetV1Enhance: the recognition backbone of PP-OCRv2 and PP-OCRv3.

A MobileNetV1 (depthwise-separable convolutions) upgraded with ideas from PP-LCNet: hardswish
everywhere, 5x5 depthwise kernels in the deep stages, squeeze-and-excitation only in the last two
blocks, and strides that shrink the height but keep the width, because a text line is wide and
every column becomes one CTC time step.

The sub-layers here are deliberately *not* the MobileNetV3 ones from `layers.py`: PaddleOCR names
them differently (`_conv` / `_batch_norm`, `_depthwise_conv` / `_se` / `_pointwise_conv`), the BN
is the legacy `nn.BatchNorm` with the activation inside, and the SE uses Paddle's default
hardsigmoid slope 1/6 instead of MobileNetV3's 0.2. Those names are state_dict keys, so official
weights only load if they are kept.
"""
from __future__ import annotations

import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from paddle import ParamAttr
from paddle.nn.initializer import KaimingNormal
from paddle.regularizer import L2Decay

from ocrcourse.errors import ConfigError

__all__ = ["MobileNetV1Enhance", "ConvBNLayer", "DepthwiseSeparable", "SEModule"]


class ConvBNLayer(nn.Layer):
    """Conv (no bias) -> BatchNorm with hardswish inside the BN layer.

    `_batch_norm` is the legacy `nn.BatchNorm` (it takes `act=`); its scale and shift are
    excluded from weight decay (L2Decay(0)), as in PaddleOCR.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / stride_h, W / stride_w).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride=1,
                 padding: int = 0, groups: int = 1, act: str | None = "hard_swish"):
        super().__init__()
        self._conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride,
                               padding=padding, groups=groups,
                               weight_attr=ParamAttr(initializer=KaimingNormal()), bias_attr=False)
        self._batch_norm = nn.BatchNorm(out_channels, act=act,
                                        param_attr=ParamAttr(regularizer=L2Decay(0.0)),
                                        bias_attr=ParamAttr(regularizer=L2Decay(0.0)))

    def forward(self, x):
        return self._batch_norm(self._conv(x))


class SEModule(nn.Layer):
    """Squeeze-and-excitation with Paddle's default hardsigmoid (slope 1/6, offset 0.5).

    Paper: Squeeze-and-Excitation Networks, arXiv:1709.01507.
    Shapes: (N, C, H, W) -> (N, C, H, W), each channel rescaled by a weight in [0, 1].
    """

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2D(1)
        self.conv1 = nn.Conv2D(channels, channels // reduction, 1)
        self.conv2 = nn.Conv2D(channels // reduction, channels, 1)

    def forward(self, x):
        w = F.relu(self.conv1(self.avg_pool(x)))
        w = F.hardsigmoid(self.conv2(w))        # slope 1/6 here; MobileNetV3's SE uses 0.2
        return x * w


class DepthwiseSeparable(nn.Layer):
    """Depthwise k x k conv (one filter per channel, carries the stride) -> optional SE ->
    pointwise 1x1 conv that mixes channels. Both convs use hardswish.

    Paper: MobileNets, arXiv:1704.04861.
    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / stride_h, W / stride_w).
    """

    def __init__(self, in_channels: int, mid_channels: int, out_channels: int, stride,
                 dw_size: int = 3, use_se: bool = False):
        super().__init__()
        self.use_se = use_se
        # construction order (depthwise, se, pointwise) fixes the parameter order and names
        self._depthwise_conv = ConvBNLayer(in_channels, mid_channels, dw_size, stride=stride,
                                           padding=(dw_size - 1) // 2, groups=mid_channels)
        if use_se:
            self._se = SEModule(mid_channels)
        self._pointwise_conv = ConvBNLayer(mid_channels, out_channels, 1)

    def forward(self, x):
        y = self._depthwise_conv(x)
        if self.use_se:
            y = self._se(y)
        return self._pointwise_conv(y)


# One row per DepthwiseSeparable block, channels at scale 1.0:
# (in, depthwise/mid, out, depthwise kernel, stride, SE). Strides (2, 1) halve the height only.
# The stride of the last row is `last_conv_stride`.
_BLOCKS = [
    (32, 32, 64, 3, 1, False),
    (64, 64, 128, 3, 1, False),
    (128, 128, 128, 3, 1, False),
    (128, 128, 256, 3, (2, 1), False),
    (256, 256, 256, 3, 1, False),
    (256, 256, 512, 3, (2, 1), False),
    *[(512, 512, 512, 5, 1, False)] * 5,
    (512, 512, 1024, 5, (2, 1), True),
    (1024, 1024, 1024, 5, None, True),
]


def _as_stride(stride):
    """YAML gives [1, 2]; Paddle wants an int or a tuple."""
    return tuple(stride) if isinstance(stride, (list, tuple)) else stride


class MobileNetV1Enhance(nn.Layer):
    """Recognition backbone of PP-OCRv2 / PP-OCRv3 (a PP-LCNet-style MobileNetV1).

    PP-OCR strategy: PP-LCNet backbone (轻量级骨干网络 PP-LCNet) for the recognizer.
    Papers: PP-OCRv2, arXiv:2109.03144; PP-LCNet, arXiv:2109.15099; PP-OCRv3, arXiv:2206.03001.
    Lesson: lessons/10_pplcnet_and_svtr.ipynb.

    Args:
        in_channels: accepted for PaddleOCR compatibility, unused: the stem always takes 3
            channels (BGR), as in PaddleOCR.
        scale: width multiplier; 0.5 in every official model (out_channels = int(1024 * scale)).
        last_conv_stride: stride of the last block. PP-OCRv3 uses [1, 2], which halves the width
            as well, so a 320-pixel-wide line gives 40 time steps instead of 80.
        last_pool_type: 'max' (PP-OCRv2) or 'avg' (PP-OCRv3) for the final pool.
        last_pool_kernel_size: kernel (= stride) of the final *average* pool. Our default [2, 2]
            is the PaddleOCR 2.6 behaviour the official PP-OCRv3 weights were trained with;
            newer PaddleOCR versions default to [3, 2] and write [2, 2] into their v3 YAMLs.
            The max pool is always 2x2, stride 2.

    Shapes: (N, 3, H, W) -> (N, int(1024 * scale), H / 32, W / 4) with the defaults
    (32x320 -> (N, 512, 1, 80)); with last_conv_stride [1, 2] and avg pool,
    48x320 -> (N, 512, 1, 40).
    Heights round down in Paddle's pooling, so a height of 1 survives the 2x2 pool.
    """

    def __init__(self, in_channels: int = 3, scale: float = 0.5, last_conv_stride=1,
                 last_pool_type: str = "max", last_pool_kernel_size=(2, 2)):
        super().__init__()
        self.scale = scale
        self.conv1 = ConvBNLayer(3, int(32 * scale), 3, stride=2, padding=1)

        blocks = []
        for cin, cmid, cout, k, stride, se in _BLOCKS:
            stride = last_conv_stride if stride is None else stride
            blocks.append(DepthwiseSeparable(int(cin * scale), int(cmid * scale), int(cout * scale),
                                             stride=_as_stride(stride), dw_size=k, use_se=se))
        self.block_list = nn.Sequential(*blocks)

        if last_pool_type == "avg":
            k = list(last_pool_kernel_size)
            self.pool = nn.AvgPool2D(kernel_size=k, stride=k, padding=0)
        elif last_pool_type == "max":
            self.pool = nn.MaxPool2D(kernel_size=2, stride=2, padding=0)
        else:
            raise ConfigError(f"MobileNetV1Enhance: last_pool_type must be 'max' or 'avg', "
                              f"got {last_pool_type!r}")
        self.out_channels = int(1024 * scale)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.pool(self.block_list(self.conv1(x)))
