"""PACT: the learnable clipping applied to activations before quantisation-aware training.

PP-OCR strategy: PACT quantization (PACT量化), used to make the PP-OCR models 8-bit.
Papers: Choi et al., "PACT: Parameterized Clipping Activation for Quantized Neural
Networks", arXiv:1805.06085; PP-OCR arXiv:2009.09941. Lesson: lessons/08_direction_classifier.ipynb.

Quantising an activation to 8 bits spreads 256 levels over its range; a few large outliers
stretch that range and waste the levels. PACT clips the activation at a *learned* value
alpha before quantising it.

- The original PACT was written for ReLU networks: y = 0.5 (|x| - |x - alpha| + alpha),
  i.e. clip(x, 0, alpha). Negative inputs become 0.
- MobileNetV3 uses hard-swish, whose output goes down to -0.375: clipping at 0 would throw
  the negative part away. PP-OCR therefore removes the lower ReLU limit and clips
  symmetrically: y = x - relu(x - alpha) + relu(-alpha - x) = clip(x, -alpha, alpha).
  PaddleOCR's quantisation script starts alpha at 20 and learns it with the network.
"""
from __future__ import annotations

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle import nn

__all__ = ["pact_relu", "pact_symmetric", "PACT"]


def pact_relu(x, alpha: float) -> np.ndarray:
    """Original PACT: 0.5 (|x| - |x - alpha| + alpha) = clip(x, 0, alpha)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * (np.abs(x) - np.abs(x - alpha) + alpha)


def pact_symmetric(x, alpha: float) -> np.ndarray:
    """PP-OCR's PACT for hard-swish: x - relu(x - alpha) + relu(-alpha - x) = clip(x, -alpha, alpha)."""
    x = np.asarray(x, dtype=np.float64)
    return x - np.maximum(x - alpha, 0.0) + np.maximum(-alpha - x, 0.0)


class PACT(nn.Layer):
    """`pact_symmetric` as a layer with a learnable alpha (initialised to `init_alpha`).

    The gradient reaches alpha only from inputs that were clipped (|x| > alpha), which is how
    training learns how much range the activation really needs.

    Shapes: any tensor -> the same shape.
    """

    def __init__(self, init_alpha: float = 20.0):
        super().__init__()
        self.alpha = self.create_parameter(
            shape=[1], dtype="float32", default_initializer=nn.initializer.Constant(init_alpha))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return x - F.relu(x - self.alpha) + F.relu(-self.alpha - x)
