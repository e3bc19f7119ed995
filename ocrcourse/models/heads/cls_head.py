"""ClsHead: the text-direction classifier's head (is this crop upright or upside down?)."""
from __future__ import annotations

import math

import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from paddle import ParamAttr

__all__ = ["ClsHead"]


class ClsHead(nn.Layer):
    """Global average pool -> Linear -> (eval) softmax over the direction classes.

    PP-OCR strategy: text direction classifier (文本方向分类器), which flips crops the detector
    found upside down before recognition; labels ['0', '180'].
    Paper: PP-OCR, arXiv:2009.09941. Lesson: lessons/08_direction_classifier.ipynb.

    Args:
        in_channels: backbone width (wired by the model builder; 200 for MobileNetV3 small x0.35).
        class_dim: number of directions (2).

    Returns: (N, class_dim) logits in training, probabilities in eval.
    """

    def __init__(self, in_channels: int, class_dim: int):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2D(1)
        bound = 1.0 / math.sqrt(in_channels)
        # PaddleOCR fixes the names of these two parameters ("fc_0.w_0", "fc_0.b_0", the names in
        # the official v2.0 cls inference graph). We let Paddle name them: in dygraph a fixed name
        # can exist only once per process, so a second classifier (a test, a distillation pair)
        # could not be built. Official weights are mapped by state_dict key instead.
        self.fc = nn.Linear(in_channels, class_dim,
                            weight_attr=ParamAttr(initializer=nn.initializer.Uniform(-bound, bound)))

    def forward(self, x: paddle.Tensor, targets=None) -> paddle.Tensor:
        """`targets` is accepted because the model passes the batch to every head; unused."""
        x = self.pool(x).flatten(1)              # (N, C, 1, 1) -> (N, C)
        x = self.fc(x)
        return x if self.training else F.softmax(x, axis=1)
