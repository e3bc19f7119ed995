"""LKPAN: large-kernel path-aggregation network, the neck of the PP-OCRv3 detection teacher.

YAML: `Neck: {name: LKPAN, out_channels: 256}` (mode "large"). Lesson: lessons/03_det_necks.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.necks.db_fpn import _kaiming_conv, upsample

__all__ = ["DSConv", "LKPAN"]


class DSConv(nn.Layer):
    """Depthwise-separable stand-in for a large conv, used by LKPAN's "lite" mode.

    kxk depthwise conv -> BN -> 1x1 expand x4 -> BN -> act -> 1x1 project; when the widths
    differ, a 1x1 `conv_end` of the input is added (a projected residual).
    Not used by any standard PP-OCR config; kept so `mode: lite` configs build.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H, W).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, padding: int,
                 stride: int = 1, act: str = "relu"):
        super().__init__()
        if act not in ("relu", "hardswish"):
            raise ConfigError(f"DSConv: act {act!r} unknown; valid: ['hardswish', 'relu']")
        self.act = act
        self.conv1 = nn.Conv2D(in_channels, in_channels, kernel_size, stride=stride,
                               padding=padding, groups=in_channels, bias_attr=False)
        self.bn1 = nn.BatchNorm(num_channels=in_channels, act=None)
        self.conv2 = nn.Conv2D(in_channels, in_channels * 4, 1, bias_attr=False)
        self.bn2 = nn.BatchNorm(num_channels=in_channels * 4, act=None)
        self.conv3 = nn.Conv2D(in_channels * 4, out_channels, 1, bias_attr=False)
        self.project = in_channels != out_channels
        if self.project:
            self.conv_end = nn.Conv2D(in_channels, out_channels, 1, bias_attr=False)

    def forward(self, inputs):
        x = self.bn1(self.conv1(inputs))
        x = self.bn2(self.conv2(x))
        x = F.relu(x) if self.act == "relu" else F.hardswish(x)
        x = self.conv3(x)
        if self.project:
            x = x + self.conv_end(inputs)
        return x


class LKPAN(nn.Layer):
    """FPN top-down path, then a bottom-up path (PAN), with 9x9 convs for a large receptive field.

    PP-OCR strategy: LK-PAN, large-kernel PAN (大感受野的PAN结构), the neck of the PP-OCRv3
    detection teacher (ResNet50_vd backbone); its 9x9 kernels see long text lines whole.
    Paper: PP-OCRv3, arXiv:2206.03001; PAN: Path Aggregation Network, arXiv:1803.01534.

    Args:
        in_channels: widths of the backbone stages c2..c5.
        out_channels: width of the lateral 1x1 convs; each level ends at out_channels // 4
            and the concatenation has out_channels.
        mode: "large" (plain 9x9 convs, the PP-OCRv3 teacher) or "lite" (DSConv instead).

    Layers: `ins_conv[i]` 1x1 lateral; `inp_conv[i]` 9x9 smoothing; `pan_head_conv[j]` 3x3
    stride-2 convs of the bottom-up path; `pan_lat_conv[i]` 9x9 convs on its outputs.

    Shapes: four maps (N, in_channels[i], H / 2**(i+2), W / 2**(i+2)) -> (N, out_channels, H/4, W/4).
    """

    def __init__(self, in_channels: list[int], out_channels: int, mode: str = "large"):
        super().__init__()
        if mode.lower() not in ("large", "lite"):
            raise ConfigError(f"LKPAN: mode {mode!r} unknown; valid: ['large', 'lite']")
        large = mode.lower() == "large"
        self.out_channels = out_channels
        quarter = out_channels // 4

        def big_conv(cin: int, cout: int):       # the 9x9 "large kernel"
            return _kaiming_conv(cin, cout, 9, padding=4) if large else DSConv(cin, cout, 9, padding=4)

        self.ins_conv = nn.LayerList()
        self.inp_conv = nn.LayerList()
        self.pan_head_conv = nn.LayerList()   # bottom-up downsampling, 3 convs for 4 levels
        self.pan_lat_conv = nn.LayerList()
        for i, width in enumerate(in_channels):
            self.ins_conv.append(_kaiming_conv(width, out_channels, 1))
            self.inp_conv.append(big_conv(out_channels, quarter))
            if i > 0:
                self.pan_head_conv.append(_kaiming_conv(quarter, quarter, 3, padding=1, stride=2))
            self.pan_lat_conv.append(big_conv(quarter, quarter))

    def forward(self, x):
        c2, c3, c4, c5 = x
        in5 = self.ins_conv[3](c5)
        in4 = self.ins_conv[2](c4)
        in3 = self.ins_conv[1](c3)
        in2 = self.ins_conv[0](c2)

        out4 = in4 + upsample(in5, 2)     # FPN top-down, as in DBFPN
        out3 = in3 + upsample(out4, 2)
        out2 = in2 + upsample(out3, 2)

        f5 = self.inp_conv[3](in5)
        f4 = self.inp_conv[2](out4)
        f3 = self.inp_conv[1](out3)
        f2 = self.inp_conv[0](out2)

        pan3 = f3 + self.pan_head_conv[0](f2)     # PAN bottom-up: stride 4 -> 8
        pan4 = f4 + self.pan_head_conv[1](pan3)   # 8 -> 16
        pan5 = f5 + self.pan_head_conv[2](pan4)   # 16 -> 32

        p2 = self.pan_lat_conv[0](f2)
        p3 = upsample(self.pan_lat_conv[1](pan3), 2)
        p4 = upsample(self.pan_lat_conv[2](pan4), 4)
        p5 = upsample(self.pan_lat_conv[3](pan5), 8)
        return paddle.concat([p5, p4, p3, p2], axis=1)
