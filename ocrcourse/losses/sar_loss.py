"""Cross-entropy of the SAR attention branch (the PP-OCRv3 rec guidance head)."""
from __future__ import annotations

from paddle import nn

from .checks import as_tensor, check_finite

__all__ = ["SARLoss"]


class SARLoss(nn.Layer):
    """Token cross-entropy of an attention decoder, ignoring padding.

    The decoder output at step t predicts label token t+1, so the last prediction and the
    first label token (the start symbol) are dropped before comparing.

    PP-OCR strategy: GTC, guided training of CTC by an attention head (注意力机制引导CTC训练),
    PP-OCRv3. Papers: SAR, arXiv:1811.00751; PP-OCRv3, arXiv:2206.03001.
    Lesson: lessons/10_pplcnet_and_svtr.ipynb (the v3 recipe).

    Args:
        ignore_index: padding index left out of the mean. PaddleOCR's default is 92 (the
            36-class English SAR dictionary); the v3 distillation config sets char_num + 1.

    Call: `loss(logits, batch)` with logits (N, S, C) and batch = [image, label (N, S) int,
    ...]. Returns {"loss": scalar}.
    """

    def __init__(self, ignore_index: int = 92):
        super().__init__()
        self.ignore_index = ignore_index
        self.loss_func = nn.CrossEntropyLoss(reduction="mean", ignore_index=ignore_index)

    def forward(self, predicts, batch: list) -> dict:
        check_finite(predicts, "SARLoss: logits")
        predict = predicts[:, :-1, :]                                   # steps 0 .. S-2
        label = as_tensor(batch[1]).astype("int64")[:, 1:]       # tokens 1 .. S-1
        num_classes = predict.shape[2]
        loss = self.loss_func(predict.reshape([-1, num_classes]), label.reshape([-1]))
        return {"loss": loss}
