"""CTC loss for the CRNN-style recognisers of PP-OCR (v1 to v3)."""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from .checks import as_tensor, check_finite

__all__ = ["CTCLoss"]


class CTCLoss(nn.Layer):
    """Connectionist Temporal Classification loss, averaged over the batch.

    PP-OCR strategy: CTC recognition (CTC 损失); with `use_focal_loss` the focal re-weighting
    used by the v2 "Enhanced CTC loss" (增强CTC损失) recipe.
    Paper: Graves et al., ICML 2006; CRNN, arXiv:1507.05717; PP-OCRv2, arXiv:2109.03144.
    Lesson: lessons/09_crnn_recognition.ipynb.

    Paddle's `nn.CTCLoss` takes raw logits (it applies log-softmax itself), uses blank = 0
    and, with reduction 'none', returns the negative log-likelihood per sample. As in
    PaddleOCR the mean is over samples and is **not** divided by the label length.
    Focal variant: loss · (1 - exp(-loss))². A batch whose labels are all empty gets the
    all-blank negative log-likelihood (Paddle's kernel would crash on it).

    Args:
        use_focal_loss: weight hard samples up, as above.

    Call: `loss(logits, batch)` with logits (N, T, C) -- or a tuple whose last item is the
    logits (a CTCHead with `return_feats`) -- and batch = [image, label (N, L) int,
    length (N,)]; every sample uses all T time steps. Returns {"loss": scalar}.
    """

    def __init__(self, use_focal_loss: bool = False):
        super().__init__()
        self.loss_func = nn.CTCLoss(blank=0, reduction="none")
        self.use_focal_loss = use_focal_loss

    def forward(self, predicts, batch: list) -> dict:
        if isinstance(predicts, (list, tuple)):
            predicts = predicts[-1]
        check_finite(predicts, "CTCLoss: logits")
        logits = predicts.transpose([1, 0, 2])            # (T, N, C), as Paddle's CTC wants
        steps, n = logits.shape[0], logits.shape[1]
        input_lengths = paddle.full([n], steps, dtype="int64")
        labels = as_tensor(batch[1]).astype("int32")
        label_lengths = as_tensor(batch[2]).astype("int64")
        if int(label_lengths.max()) == 0:
            # Paddle's CTC kernel aborts the process (SIGFPE) when every label is empty, so
            # that case is computed here: the only alignment is all blanks.
            loss = -F.log_softmax(logits, axis=-1)[:, :, 0].sum(axis=0)
        else:
            loss = self.loss_func(logits, labels, input_lengths, label_lengths)
        if self.use_focal_loss:
            loss = loss * paddle.square(1.0 - paddle.exp(-loss))
        return {"loss": loss.mean()}
