"""NRTRLoss: cross-entropy of PP-OCRv4's NRTR guide branch (GTC-NRTR), label-smoothed by default.

The NRTR decoder is trained with teacher forcing: it reads `<s> c1 ... cn` and must predict
`c1 ... cn </s>`. Its target is therefore the NRTR label (`MultiLabelEncode` with
`gtc_encode: NRTRLabelEncode`) without its first token, cut to the longest text of the batch + 1:

    target = label_gtc[:, 1 : 2 + max(length)]          (N, 1 + max(length)), padding = 0

Label smoothing (Szegedy et al., arXiv:1512.00567) gives the right token 1 - eps (eps = 0.1) and
spreads eps over the other n_class - 1 classes; padding positions (target 0) are left out of the
mean. Without smoothing it is Paddle's mean cross-entropy with `ignore_index` (0: padding).
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from .checks import as_tensor, check_finite

__all__ = ["NRTRLoss", "nrtr_target", "smoothed_ce"]

SMOOTHING_EPS = 0.1      # PaddleOCR's fixed smoothing value


def nrtr_target(label_gtc, length) -> paddle.Tensor:
    """label_gtc (N, L) with <s> ... </s> and 0 padding -> the flat target (N * (1 + max length),)."""
    max_len = int(as_tensor(length).max())
    return as_tensor(label_gtc)[:, 1: 2 + max_len].reshape([-1]).astype("int64")


def smoothed_ce(logits, target, eps: float = SMOOTHING_EPS) -> paddle.Tensor:
    """Label-smoothed cross-entropy over the rows whose target is not 0 (padding).

    logits (R, C), target (R,): per row -sum_c q_c log softmax(logits)_c with q = 1 - eps on the
    target class and eps / (C - 1) elsewhere; the mean over non-padding rows.
    """
    n_class = logits.shape[1]
    one_hot = F.one_hot(target, n_class)
    q = one_hot * (1 - eps) + (1 - one_hot) * eps / (n_class - 1)
    rows = -(q * F.log_softmax(logits, axis=1)).sum(axis=1)
    return rows.masked_select(target != 0).mean()


class NRTRLoss(nn.Layer):
    """Cross-entropy of the NRTR branch against the shifted NRTR label.

    PP-OCR strategy: GTC-NRTR (稳定的Attention指导CTC训练), the attention guide of PP-OCRv4's
    recogniser; only used in training. Paper: NRTR, arXiv:1806.00926. Lesson: lessons/18_ppocrv4.ipynb.

    Args:
        smoothing: label smoothing with eps 0.1 (PaddleOCR's default True; padding rows left out).
        ignore_index: the class left out of the plain (smoothing: false) cross-entropy; 0 is the
            padding of NRTRLabelEncode. As PaddleOCR, a negative value averages over every row.

    Call: `loss(logits, batch)` with logits (N, 1 + max length, C) and batch = [image, label_gtc (N, L),
    length (N,), ...] (MultiLoss passes the batch without label_ctc). Returns {"loss": scalar}.
    """

    def __init__(self, smoothing: bool = True, ignore_index: int = 0):
        super().__init__()
        self.smoothing = smoothing
        self.ignore_index = ignore_index

    def forward(self, predicts, batch: list) -> dict:
        check_finite(predicts, "NRTRLoss: logits")
        logits = predicts.reshape([-1, predicts.shape[2]])
        target = nrtr_target(batch[1], batch[2])
        if self.smoothing:
            return {"loss": smoothed_ce(logits, target)}
        ignore = self.ignore_index if self.ignore_index >= 0 else -100      # -100: Paddle's "ignore nothing"
        return {"loss": F.cross_entropy(logits, target, ignore_index=ignore, reduction="mean")}
