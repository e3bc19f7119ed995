"""CTCHead: one class distribution per time step, for CTC decoding (blank = class 0)."""
from __future__ import annotations

import math

import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from paddle import ParamAttr
from paddle.regularizer import L2Decay

__all__ = ["CTCHead"]


def _fc(in_features: int, out_features: int, fc_decay: float) -> nn.Linear:
    """Linear with PaddleOCR's CTC init: uniform +-1/sqrt(fan_in) and L2 decay on weight and bias."""
    bound = 1.0 / math.sqrt(in_features)

    def attr():
        return ParamAttr(regularizer=L2Decay(fc_decay), initializer=nn.initializer.Uniform(-bound, bound))

    return nn.Linear(in_features, out_features, weight_attr=attr(), bias_attr=attr())


class CTCHead(nn.Layer):
    """Per-time-step classifier trained with CTC loss: logits (N, T, n_classes), class 0 = blank.

    PP-OCR strategy: CTC head (CTC 解码头) of every PP-OCR recognizer; with `mid_channels` it is the
    two-layer head of PP-OCRv2, whose middle features (`return_feats`) feed the U-DML / CenterLoss
    ("enhanced CTC loss", 增强CTC损失) of PP-OCRv2.
    Papers: CTC, Graves et al. 2006; PP-OCRv2, arXiv:2109.03144.
    Lessons: lessons/09_crnn_recognition.ipynb, lessons/14_enhanced_ctc.ipynb.

    Args:
        in_channels: width of the neck output (wired by the model builder).
        out_channels: number of classes = dictionary size + 1 for the blank (6625 for the Chinese
            dictionary with space); PaddleOCR's train script fills it from the dictionary.
        fc_decay: L2 weight decay of the fc layers (their own regularizer, which in Paddle takes
            precedence over the optimizer's global one).
        mid_channels: if set, fc1 (in -> mid) then fc2 (mid -> out) instead of one fc.
        return_feats: in training, return (features, logits); the features are fc1's output when
            mid_channels is set, otherwise the head input. Ignored in eval.

    Returns:
        train: logits (N, T, out_channels), or (features, logits) with return_feats;
        eval: softmax probabilities (N, T, out_channels).
    """

    def __init__(self, in_channels: int, out_channels: int, fc_decay: float = 0.0004,
                 mid_channels: int | None = None, return_feats: bool = False):
        super().__init__()
        if mid_channels is None:
            self.fc = _fc(in_channels, out_channels, fc_decay)
        else:
            self.fc1 = _fc(in_channels, mid_channels, fc_decay)
            self.fc2 = _fc(mid_channels, out_channels, fc_decay)
        self.out_channels = out_channels
        self.mid_channels = mid_channels
        self.return_feats = return_feats

    def forward(self, x: paddle.Tensor, targets=None):
        """`targets` is accepted because the model passes the batch to every head; CTC ignores it."""
        if self.mid_channels is None:
            logits = self.fc(x)
        else:
            x = self.fc1(x)
            logits = self.fc2(x)
        if not self.training:
            return F.softmax(logits, axis=2)
        return (x, logits) if self.return_feats else logits
