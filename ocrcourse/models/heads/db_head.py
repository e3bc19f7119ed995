"""DBHead: probability, threshold and approximate binary maps of Differentiable Binarization.

YAML: `Head: {name: DBHead, k: 50}` (the PP-OCRv3 teacher adds `kernel_list: [7, 2, 2]`).
Lesson: lessons/04_db_head_and_labels.ipynb.
"""
from __future__ import annotations

import math

import paddle
import paddle.nn.functional as F
from paddle import nn

__all__ = ["DBHead", "step_function"]


def step_function(p, t, k: float = 50):
    """Differentiable binarization: B = 1 / (1 + exp(-k (P - T)))   # DB paper, Eq. 2."""
    return paddle.reciprocal(1 + paddle.exp(-k * (p - t)))


def _bn_relu(channels: int) -> nn.BatchNorm:
    """Legacy BatchNorm with the ReLU inside it, gamma 1 and beta 1e-4 (PaddleOCR's init)."""
    return nn.BatchNorm(num_channels=channels, act="relu",
                        param_attr=paddle.ParamAttr(initializer=nn.initializer.Constant(1.0)),
                        bias_attr=paddle.ParamAttr(initializer=nn.initializer.Constant(1e-4)))


def _deconv(in_channels: int, out_channels: int, kernel_size: int) -> nn.Conv2DTranspose:
    """Stride-2 transposed conv (x2 upsampling) with PaddleOCR's init: KaimingUniform weights,
    bias uniform in +-1/sqrt(in_channels)."""
    bound = 1.0 / math.sqrt(in_channels)
    return nn.Conv2DTranspose(
        in_channels, out_channels, kernel_size, stride=2,
        weight_attr=paddle.ParamAttr(initializer=nn.initializer.KaimingUniform()),
        bias_attr=paddle.ParamAttr(initializer=nn.initializer.Uniform(-bound, bound)))


class _MapBranch(nn.Layer):
    """conv kxk -> BN+ReLU -> deconv x2 -> BN+ReLU -> deconv x2 to one channel -> sigmoid.

    PaddleOCR calls this class `Head`; `binarize` and `thresh` are two copies of it.
    Shapes: (N, C, H/4, W/4) -> (N, 1, H, W).
    """

    def __init__(self, in_channels: int, kernel_list=(3, 2, 2)):
        super().__init__()
        mid = in_channels // 4
        self.conv1 = nn.Conv2D(in_channels, mid, kernel_list[0], padding=kernel_list[0] // 2,
                               bias_attr=False)
        self.conv_bn1 = _bn_relu(mid)
        self.conv2 = _deconv(mid, mid, kernel_list[1])     # H/4 -> H/2
        self.conv_bn2 = _bn_relu(mid)
        self.conv3 = _deconv(mid, 1, kernel_list[2])       # H/2 -> H

    def forward(self, x):
        x = self.conv_bn1(self.conv1(x))
        x = self.conv_bn2(self.conv2(x))
        return F.sigmoid(self.conv3(x))


class DBHead(nn.Layer):
    """Two small decoders on the fused pyramid: text probability P and adaptive threshold T.

    PP-OCR strategy: DB, Differentiable Binarization (可微分二值化), the text detector of every
    PP-OCR version. Paper: Real-time Scene Text Detection with Differentiable Binarization,
    arXiv:1911.08947.

    Args:
        in_channels: width of the neck output (96 for mobile, 256 for the ResNet teachers).
        k: amplification factor of the step function (50 in the paper and all configs).
        kernel_list: kernel sizes of (conv1, conv2, conv3); [3, 2, 2] by default, [7, 2, 2]
            in the PP-OCRv3 teacher.

    Returns:
        training: {"maps": (N, 3, H, W)} = concat[P, T, B_hat], B_hat = step_function(P, T);
        eval: {"maps": P} with P (N, 1, H, W). Only `binarize` runs at inference, so the
        `thresh` weights are absent from exported inference models.

    Shapes: (N, in_channels, H/4, W/4) -> maps at the input image size (N, ., H, W).
    """

    def __init__(self, in_channels: int, k: float = 50, kernel_list=(3, 2, 2)):
        super().__init__()
        self.k = k
        self.binarize = _MapBranch(in_channels, kernel_list)   # probability map P
        self.thresh = _MapBranch(in_channels, kernel_list)     # threshold map T

    def forward(self, x, targets=None):
        shrink_maps = self.binarize(x)
        if not self.training:
            return {"maps": shrink_maps}
        threshold_maps = self.thresh(x)
        binary_maps = step_function(shrink_maps, threshold_maps, self.k)
        return {"maps": paddle.concat([shrink_maps, threshold_maps, binary_maps], axis=1)}
