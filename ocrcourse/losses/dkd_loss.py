"""DKD: decoupled knowledge distillation, the loss PP-OCRv4's recogniser distils its GTC branch with.

KD's KL divergence between teacher and student class distributions splits into two parts
(Zhao et al., "Decoupled Knowledge Distillation", arXiv:2203.08679):

    KL(p_t || p_s) = TCKD + (1 - b_t) * NCKD

- TCKD (target-class KD): KL between the binary distributions [p(target), p(not target)];
- NCKD (non-target-class KD): KL between the distributions over the *other* classes only,
  renormalised; classic KD weights it by (1 - b_t), so a confident teacher hardly teaches the
  "dark knowledge" of which wrong classes are close. DKD weights the two freely:

    DKD = alpha * TCKD + beta * NCKD          (both x T^2, temperature T)

This module keeps PaddleOCR's implementation details (its DKDLoss in ppocr/losses/basic_loss.py):
rows are positions of (N, L, C) logits flattened to (N * L, C); the non-target softmax is taken
after subtracting 1000 from the target logit; KL terms use `log(p + 1e-10)` for the teacher and
average over rows (or over the rows a mask keeps). Not yet registered as a YAML loss (PaddleOCR's
`DistillationDKDLoss` wrapper for the v4 distillation config is issue 18, part 3).
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

__all__ = ["dkd_loss", "DKDLoss"]


def _kl_rows(log_student, teacher, mask=None):
    """mean over rows of sum_c teacher * (log(teacher + 1e-10) - log_student)."""
    rows = (teacher * (paddle.log(teacher + 1e-10) - log_student)).sum(axis=1)
    return rows.masked_select(mask).mean() if mask is not None else rows.mean()


def _binary(p, gt_mask):
    """[p(target), p(other classes)] per row: (R, C) -> (R, 2)."""
    return paddle.concat([(p * gt_mask).sum(axis=1, keepdim=True), (p * (1 - gt_mask)).sum(axis=1, keepdim=True)],
                         axis=1)


def dkd_loss(logits_student, logits_teacher, target, temperature: float = 1.0, alpha: float = 1.0,
             beta: float = 1.0, mask=None):
    """alpha * TCKD + beta * NCKD, both scaled by temperature**2.

    Args:
        logits_student, logits_teacher: (N, L, C) or (R, C) raw scores.
        target: (N, L) or (R,) class index per row (the label, or the teacher's argmax).
        mask: optional (R,) bool: rows that count (e.g. positions inside the text).
    """
    n_classes = logits_student.shape[-1]
    s = logits_student.reshape([-1, n_classes]) / temperature
    t = logits_teacher.reshape([-1, n_classes]) / temperature
    gt = F.one_hot(target.reshape([-1]), num_classes=n_classes).astype(s.dtype)
    tckd = _kl_rows(paddle.log(_binary(F.softmax(s, axis=1), gt)), _binary(F.softmax(t, axis=1), gt), mask)
    nckd = _kl_rows(F.log_softmax(s - 1000.0 * gt, axis=1), F.softmax(t - 1000.0 * gt, axis=1), mask)
    return (alpha * tckd + beta * nckd) * temperature ** 2


class DKDLoss(nn.Layer):
    """Paddle wrapper of `dkd_loss` (PaddleOCR's DKDLoss: temperature, alpha, beta)."""

    def __init__(self, temperature: float = 1.0, alpha: float = 1.0, beta: float = 1.0):
        super().__init__()
        self.temperature, self.alpha, self.beta = temperature, alpha, beta

    def forward(self, logits_student, logits_teacher, target, mask=None):
        return dkd_loss(logits_student, logits_teacher, target, self.temperature, self.alpha, self.beta, mask)
