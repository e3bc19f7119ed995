"""RecMobileNetV3: MobileNetV3 reshaped for text lines (YAML name `MobileNetV3`, model_type rec / cls).

Same blocks as the detection MobileNetV3 (`layers.py`: ConvBNLayer, ResidualUnit, SE with
slope 0.2), but the four stride-2 blocks stride (s, 1): they halve the *height* only, so a
32 x 320 line ends as a 1 x 80 map whose 80 columns become the CTC time steps. One output map
instead of four stages, and a final 2x2 max pool.
"""
from __future__ import annotations

import paddle
from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.layers import ConvBNLayer, ResidualUnit, make_divisible

__all__ = ["RecMobileNetV3"]

SUPPORTED_SCALES = (0.35, 0.5, 0.75, 1.0, 1.25)


def _block_rows(model_name: str, large_stride: list, small_stride: list):
    """MobileNetV3 rows (kernel, expansion, out, SE, activation, stride) at scale 1.0, and the
    width of the last 1x1 conv. Tuple strides (s, 1) shrink the height only."""
    if model_name == "large":
        ls = large_stride
        rows = [
            (3, 16, 16, False, "relu", ls[0]),       # an int: may shrink both axes
            (3, 64, 24, False, "relu", (ls[1], 1)),
            (3, 72, 24, False, "relu", 1),
            (5, 72, 40, True, "relu", (ls[2], 1)),
            (5, 120, 40, True, "relu", 1),
            (5, 120, 40, True, "relu", 1),
            (3, 240, 80, False, "hardswish", 1),
            (3, 200, 80, False, "hardswish", 1),
            (3, 184, 80, False, "hardswish", 1),
            (3, 184, 80, False, "hardswish", 1),
            (3, 480, 112, True, "hardswish", 1),
            (3, 672, 112, True, "hardswish", 1),
            (5, 672, 160, True, "hardswish", (ls[3], 1)),
            (5, 960, 160, True, "hardswish", 1),
            (5, 960, 160, True, "hardswish", 1),
        ]
        return rows, 960
    if model_name == "small":
        ss = small_stride
        rows = [
            (3, 16, 16, True, "relu", (ss[0], 1)),
            (3, 72, 24, False, "relu", (ss[1], 1)),
            (3, 88, 24, False, "relu", 1),
            (5, 96, 40, True, "hardswish", (ss[2], 1)),
            (5, 240, 40, True, "hardswish", 1),
            (5, 240, 40, True, "hardswish", 1),
            (5, 120, 48, True, "hardswish", 1),
            (5, 144, 48, True, "hardswish", 1),
            (5, 288, 96, True, "hardswish", (ss[3], 1)),
            (5, 576, 96, True, "hardswish", 1),
            (5, 576, 96, True, "hardswish", 1),
        ]
        return rows, 576
    raise ConfigError(f"MobileNetV3 (rec/cls): model_name must be 'large' or 'small', got {model_name!r}")


def _check_strides(name: str, strides) -> list:
    if not isinstance(strides, (list, tuple)) or len(strides) != 4:
        raise ConfigError(f"MobileNetV3 (rec/cls): {name} must be a list of 4 vertical strides, "
                          f"e.g. [1, 2, 2, 2]; got {strides!r}")
    return list(strides)


class RecMobileNetV3(nn.Layer):
    """MobileNetV3 backbone for recognition (CRNN) and the direction classifier.

    PP-OCR strategy: lightweight backbone (轻量级骨干网络) MobileNetV3 of the PP-OCR mobile
    recognizer and of the text direction classifier (文本方向分类器).
    Papers: MobileNetV3, arXiv:1905.02244; PP-OCR, arXiv:2009.09941.
    Lessons: lessons/09_crnn_recognition.ipynb, lessons/08_direction_classifier.ipynb.

    Args:
        in_channels: image channels (3).
        model_name: 'small' (PP-OCR mobile rec and cls) or 'large'.
        scale: width multiplier, one of 0.35, 0.5, 0.75, 1.0, 1.25 (rec 0.5, cls 0.35).
        large_stride: vertical strides of the four downsampling rows of 'large'
            (default [1, 2, 2, 2]).
        small_stride: the same for 'small' (default [2, 2, 2, 2]; PP-OCR v2.0 rec uses
            [1, 2, 2, 2] for more vertical resolution, with the same output shape).
        disable_se: drop every squeeze-and-excitation gate.

    Attributes: `conv1` (stem, stride 2), `blocks` (all ResidualUnits), `conv2` (1x1 to
    make_divisible(scale * 576 | 960)), `pool` (max 2x2, stride 2).

    Shapes: (N, 3, 32, W) -> (N, out_channels, 1, W / 4) for either small_stride choice
    (Paddle's pooling rounds down, so a height of 1 or 2 pools to 1):
    small x0.5 at 32x320 -> (N, 288, 1, 80); small x0.35 at 48x192 -> (N, 200, 1, 48).
    """

    def __init__(self, in_channels: int = 3, model_name: str = "small", scale: float = 0.5,
                 large_stride: list | None = None, small_stride: list | None = None,
                 disable_se: bool = False):
        super().__init__()
        large_stride = _check_strides("large_stride", large_stride or [1, 2, 2, 2])
        small_stride = _check_strides("small_stride", small_stride or [2, 2, 2, 2])
        if scale not in SUPPORTED_SCALES:
            raise ConfigError(f"MobileNetV3 (rec/cls): scale must be one of {SUPPORTED_SCALES}, "
                              f"got {scale}")
        rows, last_width = _block_rows(model_name, large_stride, small_stride)
        self.disable_se = disable_se

        width = make_divisible(16 * scale)
        self.conv1 = ConvBNLayer(in_channels, width, 3, stride=2, padding=1, act="hardswish")
        blocks = []
        for k, exp, c, se, act, s in rows:
            blocks.append(ResidualUnit(width, make_divisible(scale * exp), make_divisible(scale * c),
                                       kernel_size=k, stride=s, use_se=se and not disable_se,
                                       act=act))
            width = make_divisible(scale * c)
        self.blocks = nn.Sequential(*blocks)
        self.out_channels = make_divisible(scale * last_width)
        self.conv2 = ConvBNLayer(width, self.out_channels, 1, act="hardswish")
        self.pool = nn.MaxPool2D(kernel_size=2, stride=2, padding=0)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.pool(self.conv2(self.blocks(self.conv1(x))))
