"""PPLCNetV3: the backbone of PP-OCRv4's mobile detector (`det: true`) and recogniser.

PP-LCNet (lesson 10) with two additions that cost nothing at inference:

- **learnable re-parameterisation** (可学习的重参数化): every depthwise and pointwise conv is, while
  training, a sum of branches: `conv_kxk_num` (4) parallel kxk conv+BN branches, a 1x1 conv+BN
  branch (kxk layers only) and an identity BN (when shape allows). All branches are linear, so
  `rep()` folds them into ONE conv with a bias (`reparam_conv`) that gives the same output.
  Official inference models exist only in this fused form.
- **learnable affine blocks** (LAB): a scalar `scale * x + bias` after each conv sum and after
  each hardswish, trained with a 10x smaller learning rate (`lab_lr`).

Two network layouts, chosen by `det`: the detector halves the resolution at each of blocks3..6
and returns four maps, each projected by a 1x1 conv of `layer_list` to PP-LCNet's det widths
[16, 24, 56, 480] x scale; the recogniser keeps the width (strides (2, 1), one (1, 2)) and pools
to height 1 (avg-pool 3x2 at inference, adaptive to 1x40 in training, as PaddleOCR).

State_dict keys and construction order are PaddleOCR's (`conv1`, `blocks2..6`,
`dw_conv` / `se` / `pw_conv`, `identity`, `conv_kxk.i`, `conv_1x1`, `lab`, `act.lab`,
`layer_list`): official weights map onto them by static parameter name.
Quirk kept: the hardswish after a conv is skipped when the stride equals the integer 2, so a
det stride-2 depthwise conv has no activation while the rec (2, 1) ones do.

Paper: PP-OCRv4 (PaddleOCR docs, 2023); PP-LCNet, arXiv:2109.15099; MobileOne (the branch
fusion), arXiv:2206.04040. Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from paddle import ParamAttr
from paddle.nn.initializer import Constant, KaimingNormal
from paddle.regularizer import L2Decay

from ocrcourse.errors import ConfigError

__all__ = ["PPLCNetV3", "LearnableRepLayer", "LearnableAffineBlock", "LCNetV3Block", "make_divisible16",
           "NET_CONFIG_DET", "NET_CONFIG_REC"]

# per stage: [kernel, in_channels, out_channels, stride, use_se] (before scaling)
NET_CONFIG_DET = {
    "blocks2": [[3, 16, 32, 1, False]],
    "blocks3": [[3, 32, 64, 2, False], [3, 64, 64, 1, False]],
    "blocks4": [[3, 64, 128, 2, False], [3, 128, 128, 1, False]],
    "blocks5": [[3, 128, 256, 2, False]] + [[5, 256, 256, 1, False]] * 4,
    "blocks6": [[5, 256, 512, 2, True], [5, 512, 512, 1, True], [5, 512, 512, 1, False],
                [5, 512, 512, 1, False]],
}
NET_CONFIG_REC = {   # stride (2, 1) halves the height only: every column stays a CTC time step
    "blocks2": [[3, 16, 32, 1, False]],
    "blocks3": [[3, 32, 64, 1, False], [3, 64, 64, 1, False]],
    "blocks4": [[3, 64, 128, (2, 1), False], [3, 128, 128, 1, False]],
    "blocks5": [[3, 128, 256, (1, 2), False]] + [[5, 256, 256, 1, False]] * 4,
    "blocks6": [[5, 256, 512, (2, 1), True], [5, 512, 512, 1, True], [5, 512, 512, (2, 1), False],
                [5, 512, 512, 1, False]],
}
DET_OUT_WIDTHS = [16, 24, 56, 480]      # layer_list widths (x scale), PP-LCNet's det outputs


def make_divisible16(v: float, divisor: int = 16, min_value: int | None = None) -> int:
    """Round a width to the nearest multiple of 16 (PP-LCNetV3's divisor; MobileNetV3 uses 8),
    adding one more step if rounding lost more than 10 %."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class LearnableAffineBlock(nn.Layer):
    """y = scale * x + bias with two learnable scalars (init 1 and 0), learning rate x lab_lr."""

    def __init__(self, scale_value: float = 1.0, bias_value: float = 0.0, lr_mult: float = 1.0,
                 lab_lr: float = 0.1):
        super().__init__()
        attr = ParamAttr(learning_rate=lr_mult * lab_lr)
        self.scale = self.create_parameter([1], attr=attr, default_initializer=Constant(scale_value))
        self.bias = self.create_parameter([1], attr=ParamAttr(learning_rate=lr_mult * lab_lr),
                                          default_initializer=Constant(bias_value))

    def forward(self, x):
        return self.scale * x + self.bias


class ConvBNLayer(nn.Layer):
    """Conv (no bias, KaimingNormal) -> BatchNorm2D (no weight decay on its scale and shift)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride=1, groups: int = 1,
                 lr_mult: float = 1.0):
        super().__init__()
        self.conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride,
                              padding=(kernel_size - 1) // 2, groups=groups,
                              weight_attr=ParamAttr(initializer=KaimingNormal(), learning_rate=lr_mult),
                              bias_attr=False)
        no_decay = dict(regularizer=L2Decay(0.0), learning_rate=lr_mult)
        self.bn = nn.BatchNorm2D(out_channels, weight_attr=ParamAttr(**no_decay),
                                 bias_attr=ParamAttr(**no_decay))

    def forward(self, x):
        return self.bn(self.conv(x))


class Act(nn.Layer):
    """Hardswish followed by a learnable affine block (PaddleOCR also allows relu; unused)."""

    def __init__(self, lr_mult: float = 1.0, lab_lr: float = 0.1):
        super().__init__()
        self.act = nn.Hardswish()
        self.lab = LearnableAffineBlock(lr_mult=lr_mult, lab_lr=lab_lr)

    def forward(self, x):
        return self.lab(self.act(x))


def _fuse_conv_bn(kernel, bn):
    """Fold BN into the conv before it: W' = W * g / s, b' = beta - mean * g / s, s = sqrt(var + eps)."""
    std = paddle.sqrt(bn._variance + bn._epsilon)
    return kernel * (bn.weight / std).reshape([-1, 1, 1, 1]), bn.bias - bn._mean * bn.weight / std


class LearnableRepLayer(nn.Layer):
    """Sum of parallel linear branches -> LAB -> Act; `rep()` fuses the branches into one conv.

    Training form: out = identity_BN(x) + conv_1x1(x) + sum_i conv_kxk[i](x), each a conv + BN.
    Fused form (after `rep()`): out = reparam_conv(x), a kxk conv with bias, exactly equal in
    eval mode (BN uses its running statistics, so every branch is an affine map of x).

    Args:
        in_channels, out_channels, kernel_size, stride, groups: of every branch (groups =
            in_channels for the depthwise layer).
        num_conv_branches: number of parallel kxk branches (conv_kxk_num, 4 in PP-OCRv4).
        lr_mult, lab_lr: learning-rate multipliers of the stage and of the affine blocks.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / stride_h, W / stride_w).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride=1, groups: int = 1,
                 num_conv_branches: int = 1, lr_mult: float = 1.0, lab_lr: float = 0.1):
        super().__init__()
        self.is_repped = False
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.groups = kernel_size, stride, groups
        self.padding = (kernel_size - 1) // 2
        # Construction order fixes the static names (conv2d_N, batch_norm2d_N) of official weights.
        self.identity = (nn.BatchNorm2D(in_channels, weight_attr=ParamAttr(learning_rate=lr_mult),
                                        bias_attr=ParamAttr(learning_rate=lr_mult))
                         if out_channels == in_channels and stride == 1 else None)
        self.conv_kxk = nn.LayerList([ConvBNLayer(in_channels, out_channels, kernel_size, stride,
                                                  groups=groups, lr_mult=lr_mult)
                                      for _ in range(num_conv_branches)])
        self.conv_1x1 = (ConvBNLayer(in_channels, out_channels, 1, stride, groups=groups, lr_mult=lr_mult)
                         if kernel_size > 1 else None)
        self.lab = LearnableAffineBlock(lr_mult=lr_mult, lab_lr=lab_lr)
        self.act = Act(lr_mult=lr_mult, lab_lr=lab_lr)

    def _branches(self, x):
        if self.is_repped:
            return self.reparam_conv(x)
        out = 0
        if self.identity is not None:
            out = out + self.identity(x)
        if self.conv_1x1 is not None:
            out = out + self.conv_1x1(x)
        for conv in self.conv_kxk:
            out = out + conv(x)
        return out

    def forward(self, x):
        out = self.lab(self._branches(x))
        if self.stride != 2:          # PaddleOCR's test: true for 1, (2, 1) and (1, 2)
            out = self.act(out)
        return out

    def fused_kernel_bias(self):
        """(kernel, bias) of the single conv equal to all branches (BN running statistics)."""
        k = self.kernel_size
        kernel, bias = 0, 0
        for branch in self.conv_kxk:
            w, b = _fuse_conv_bn(branch.conv.weight, branch.bn)
            kernel, bias = kernel + w, bias + b
        if self.conv_1x1 is not None:                  # a 1x1 kernel is a kxk kernel padded with 0
            w, b = _fuse_conv_bn(self.conv_1x1.conv.weight, self.conv_1x1.bn)
            kernel, bias = kernel + F.pad(w, [k // 2] * 4), bias + b
        if self.identity is not None:                  # identity = a kxk kernel with one centre 1
            per_group = self.in_channels // self.groups
            eye = paddle.zeros([self.in_channels, per_group, k, k], dtype=self.identity.weight.dtype)
            for i in range(self.in_channels):
                eye[i, i % per_group, k // 2, k // 2] = 1.0
            w, b = _fuse_conv_bn(eye, self.identity)
            kernel, bias = kernel + w, bias + b
        return kernel, bias

    @paddle.no_grad()
    def rep(self) -> None:
        """Replace the branches by `reparam_conv` (PaddleOCR does this before export)."""
        if self.is_repped:
            return
        kernel, bias = self.fused_kernel_bias()
        self.reparam_conv = nn.Conv2D(self.in_channels, self.out_channels, self.kernel_size,
                                      stride=self.stride, padding=self.padding, groups=self.groups)
        self.reparam_conv.weight.set_value(kernel)
        self.reparam_conv.bias.set_value(bias)
        del self.conv_kxk
        if self.conv_1x1 is not None:
            del self.conv_1x1
        if self.identity is not None:
            del self.identity
        self.conv_1x1 = self.identity = None
        self.is_repped = True


class SELayer(nn.Layer):
    """Squeeze-and-excitation, Paddle's default hardsigmoid (slope 1/6), reduction 4."""

    def __init__(self, channels: int, reduction: int = 4, lr_mult: float = 1.0):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2D(1)
        attr = dict(weight_attr=ParamAttr(learning_rate=lr_mult), bias_attr=ParamAttr(learning_rate=lr_mult))
        self.conv1 = nn.Conv2D(channels, channels // reduction, 1, **attr)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2D(channels // reduction, channels, 1,
                               weight_attr=ParamAttr(learning_rate=lr_mult),
                               bias_attr=ParamAttr(learning_rate=lr_mult))
        self.hardsigmoid = nn.Hardsigmoid()

    def forward(self, x):
        w = self.hardsigmoid(self.conv2(self.relu(self.conv1(self.avg_pool(x)))))
        return x * w


class LCNetV3Block(nn.Layer):
    """Depthwise LearnableRepLayer (carries the stride) -> optional SE -> pointwise LearnableRepLayer."""

    def __init__(self, in_channels: int, out_channels: int, stride, dw_size: int, use_se: bool = False,
                 conv_kxk_num: int = 4, lr_mult: float = 1.0, lab_lr: float = 0.1):
        super().__init__()
        self.use_se = use_se
        self.dw_conv = LearnableRepLayer(in_channels, in_channels, dw_size, stride=stride, groups=in_channels,
                                         num_conv_branches=conv_kxk_num, lr_mult=lr_mult, lab_lr=lab_lr)
        if use_se:
            self.se = SELayer(in_channels, lr_mult=lr_mult)
        self.pw_conv = LearnableRepLayer(in_channels, out_channels, 1, stride=1,
                                         num_conv_branches=conv_kxk_num, lr_mult=lr_mult, lab_lr=lab_lr)

    def forward(self, x):
        x = self.dw_conv(x)
        if self.use_se:
            x = self.se(x)
        return self.pw_conv(x)


class PPLCNetV3(nn.Layer):
    """PP-LCNetV3: stem conv + five stages of LCNetV3Blocks, re-parameterisable.

    PP-OCR strategy: PP-LCNetV3 (PP-OCRv4 的轻量骨干网络) with learnable re-parameterisation
    and learnable affine blocks. Paper: PP-LCNet, arXiv:2109.15099; PP-OCRv4 technical notes.
    Lesson: lessons/18_ppocrv4.ipynb.

    Args:
        in_channels: image channels (3; wired by the model builder, the stem always takes 3).
        scale: width multiplier (0.75 for the v4 det student, 0.95 for the v4 rec).
        conv_kxk_num: parallel kxk branches of each re-parameterisable conv (4).
        lr_mult_list: learning-rate multipliers of [stem, blocks2, ..., blocks6].
        lab_lr: learning-rate multiplier of the learnable affine blocks (0.1).
        det: detector layout (four outputs through `layer_list`) instead of the recogniser's.
        pretrained: accepted for PaddleOCR compatibility, unused (load weights explicitly).

    Shapes: det: (N, 3, H, W) -> four maps (N, int([16, 24, 56, 480] x scale), H/s, W/s) at
    strides s = 4, 8, 16, 32; rec: (N, 3, 48, W) -> (N, make_divisible16(512 x scale), 1, W/8).
    """

    def __init__(self, in_channels: int = 3, scale: float = 1.0, conv_kxk_num: int = 4,
                 lr_mult_list=(1.0, 1.0, 1.0, 1.0, 1.0, 1.0), lab_lr: float = 0.1, det: bool = False,
                 pretrained=None):
        super().__init__()
        if len(lr_mult_list) != 6:
            raise ConfigError(f"PPLCNetV3: lr_mult_list needs 6 values (stem, blocks2..6), got {list(lr_mult_list)}")
        self.scale, self.det = scale, bool(det)
        net = NET_CONFIG_DET if self.det else NET_CONFIG_REC
        self.conv1 = ConvBNLayer(3, make_divisible16(16 * scale), 3, stride=2, lr_mult=lr_mult_list[0])
        for stage, name in enumerate(["blocks2", "blocks3", "blocks4", "blocks5", "blocks6"], start=1):
            blocks = [LCNetV3Block(make_divisible16(cin * scale), make_divisible16(cout * scale), stride=s,
                                   dw_size=k, use_se=se, conv_kxk_num=conv_kxk_num,
                                   lr_mult=lr_mult_list[stage], lab_lr=lab_lr)
                      for k, cin, cout, s, se in net[name]]
            setattr(self, name, nn.Sequential(*blocks))
        if self.det:
            widths = [make_divisible16(net[b][-1][2] * scale) for b in ("blocks3", "blocks4", "blocks5", "blocks6")]
            outs = [int(c * scale) for c in DET_OUT_WIDTHS]
            self.layer_list = nn.LayerList([nn.Conv2D(w, o, 1) for w, o in zip(widths, outs)])
            self.out_channels = outs
        else:
            self.out_channels = make_divisible16(512 * scale)

    def forward(self, x):
        x = self.blocks2(self.conv1(x))
        c2 = self.blocks3(x)          # stride 4 (det)
        c3 = self.blocks4(c2)         # stride 8
        c4 = self.blocks5(c3)         # stride 16
        c5 = self.blocks6(c4)         # stride 32
        if self.det:
            return [proj(c) for proj, c in zip(self.layer_list, (c2, c3, c4, c5))]
        if self.training:             # PaddleOCR: pool to a fixed 1 x 40 while training ...
            return F.adaptive_avg_pool2d(c5, [1, 40])
        return F.avg_pool2d(c5, [3, 2])   # ... and a fixed 3 x 2 window at inference (48-high input)
