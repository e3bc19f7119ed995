"""RSEFPN: DBFPN in which every conv is followed by a residual squeeze-and-excitation gate.

YAML: `Neck: {name: RSEFPN, out_channels: 96, shortcut: true}`. Lesson: lessons/03_det_necks.ipynb.
"""
from __future__ import annotations

import paddle
from paddle import nn

from ocrcourse.models.layers import SEModule
from ocrcourse.models.necks.db_fpn import _kaiming_conv, upsample

__all__ = ["RSELayer", "RSEFPN"]


class RSELayer(nn.Layer):
    """Conv (no bias) followed by an SE gate, optionally added back: y = x + SE(x), x = conv(input).

    PP-OCR strategy: residual SE block (残差注意力机制), the unit of RSE-FPN.
    Paper: PP-OCRv3, arXiv:2206.03001.

    Args:
        in_channels, out_channels: widths before and after the conv.
        kernel_size: 1 for the lateral convs, 3 for the smoothing convs (padding k // 2).
        shortcut: add the SE output to its input (True in PP-OCRv3).

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H, W).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, shortcut: bool = True):
        super().__init__()
        self.out_channels = out_channels
        self.in_conv = _kaiming_conv(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.se_block = SEModule(out_channels)        # slope-0.2 hardsigmoid, reduction 4
        self.shortcut = shortcut

    def forward(self, ins):
        x = self.in_conv(ins)
        return x + self.se_block(x) if self.shortcut else self.se_block(x)


class RSEFPN(nn.Layer):
    """Feature pyramid in which every conv is followed by a residual squeeze-and-excitation block.

    PP-OCR strategy: RSE-FPN (残差注意力机制的FPN结构), the neck of the PP-OCRv3 detection
    student. The SE gates let the thin 96-channel pyramid re-weight its channels; the residual
    keeps them from suppressing the signal (a plain SE-FPN lost accuracy at this width).
    Paper: PP-OCRv3, arXiv:2206.03001. Lesson: lessons/03_det_necks.ipynb.

    Args:
        in_channels: widths of the backbone stages c2..c5.
        out_channels: width after the lateral convs; the fused output has the same width.
        shortcut: add the SE output back to its input (the "residual" in RSE).

    Construction interleaves ins_conv[i] and inp_conv[i] (as PaddleOCR does, which fixes the
    static parameter names conv2d_N of the official weights), while the state_dict lists all
    of `ins_conv` before `inp_conv` (the order the two LayerLists were attached).

    Shapes: four maps (N, in_channels[i], H / 2**(i+2), W / 2**(i+2)) -> (N, out_channels, H/4, W/4).
    """

    def __init__(self, in_channels: list[int], out_channels: int, shortcut: bool = True):
        super().__init__()
        self.out_channels = out_channels
        self.ins_conv = nn.LayerList()    # lateral RSE layers, 1x1: c_i -> out_channels
        self.inp_conv = nn.LayerList()    # smoothing RSE layers, 3x3: out -> out / 4
        for width in in_channels:
            self.ins_conv.append(RSELayer(width, out_channels, 1, shortcut=shortcut))
            self.inp_conv.append(RSELayer(out_channels, out_channels // 4, 3, shortcut=shortcut))

    def forward(self, x):
        c2, c3, c4, c5 = x
        in5 = self.ins_conv[3](c5)   # index 3 is the deepest stage (stride 32)
        in4 = self.ins_conv[2](c4)
        in3 = self.ins_conv[1](c3)
        in2 = self.ins_conv[0](c2)

        out4 = in4 + upsample(in5, 2)
        out3 = in3 + upsample(out4, 2)
        out2 = in2 + upsample(out3, 2)

        p5 = upsample(self.inp_conv[3](in5), 8)
        p4 = upsample(self.inp_conv[2](out4), 4)
        p3 = upsample(self.inp_conv[1](out3), 2)
        p2 = self.inp_conv[0](out2)
        return paddle.concat([p5, p4, p3, p2], axis=1)
