"""Cross-entropy for the text direction classifier (0° / 180°)."""
from __future__ import annotations

from paddle import nn

from .checks import as_tensor, check_finite

__all__ = ["ClsLoss"]


class ClsLoss(nn.Layer):
    """Mean softmax cross-entropy of the direction classifier.

    PP-OCR strategy: the text direction classifier (文本方向分类器) between detection and
    recognition. Paper: PP-OCR, arXiv:2009.09941, Sec. 2.2.
    Lesson: lessons/08_direction_classifier.ipynb.

    Call: `loss(logits, batch)` with logits (N, class_dim) before softmax and
    batch = [image, label (N,) int]. Returns {"loss": scalar}.
    """

    def __init__(self):
        super().__init__()
        self.loss_func = nn.CrossEntropyLoss(reduction="mean")

    def forward(self, predicts, batch: list) -> dict:
        check_finite(predicts, "ClsLoss: logits")
        label = as_tensor(batch[1]).astype("int64")
        return {"loss": self.loss_func(predicts, label)}
