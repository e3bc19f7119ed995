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
average over rows (or over the rows a mask keeps). `DistillationDKDLoss` is the YAML form of
PaddleOCR's v4 distillation config (`ch_PP-OCRv4_rec_distill.yml`): DKD between the NRTR (GTC)
branches of student and teacher, the NRTR label as target. Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError

from .checks import check_finite
from .multi_loss import branch_output
from .nrtr_loss import nrtr_target

__all__ = ["dkd_loss", "DKDLoss", "DistillationDKDLoss"]


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


class DistillationDKDLoss(DKDLoss):
    """DKD between the guide (GTC) branches of each pair of models, the NRTR label as target.

    PP-OCR strategy: DKD on the GTC-NRTR branch, PP-OCRv4's recogniser distillation
    (`ch_PP-OCRv4_rec_distill.yml`: weight 0.1, alpha 1, beta 2, dis_head gtc). Paper: Zhao et al.,
    arXiv:2203.08679. Lesson: lessons/18_ppocrv4.ipynb.

    Args:
        model_name_pairs: [[student, teacher], ...]; a single flat pair is accepted.
        key: output entry of each model ("head_out").
        multi_head: must be true: the target comes from the NRTR label of the batch
            [image, label_ctc, label_gtc, length, valid_ratio]; rows are the decoder steps
            target = label_gtc[:, 1 : 2 + max(length)] (the `NRTRLoss` target).
        dis_head: the branch compared ("gtc": the NRTR guide; "nrtr" is the same branch).
        temperature, alpha, beta: as `dkd_loss`.
        name: key prefix.

    Quirk kept: PaddleOCR builds a non-padding mask and hands it to DKDLoss, which never uses it, so
    the padding steps after </s> (target 0) are distilled too; here as well (no mask).
    Keys: `{name}_{idx}` per pair, plus `loss` (their sum).
    """

    def __init__(self, model_name_pairs: list | tuple = (), key: str | None = None, multi_head: bool = False,
                 dis_head: str = "ctc", maps_name=None, name: str = "dkd", temperature: float = 1.0,
                 alpha: float = 1.0, beta: float = 1.0):
        super().__init__(temperature=temperature, alpha=alpha, beta=beta)
        if not multi_head or maps_name is not None:
            raise ConfigError("DistillationDKDLoss: only the multi-head form is supported (multi_head: true, no "
                              "maps_name): DKD needs the target class of every row, which the NRTR label gives")
        pairs = list(model_name_pairs)
        self.model_name_pairs = [list(p) for p in pairs] if pairs and isinstance(pairs[0], (list, tuple)) else [pairs]
        self.key, self.dis_head, self.name = key, dis_head, name

    def forward(self, predicts: dict, batch: list) -> dict:
        target = nrtr_target(batch[2], batch[3])
        loss_dict = {}
        for idx, (a, b) in enumerate(self.model_name_pairs):
            out1, out2 = predicts[a], predicts[b]
            if self.key is not None:
                out1, out2 = out1[self.key], out2[self.key]
            student, teacher = branch_output(out1, self.dis_head), branch_output(out2, self.dis_head)
            check_finite(student, f"DistillationDKDLoss: {a} {self.dis_head}")
            loss_dict[f"{self.name}_{idx}"] = super().forward(student, teacher, target)
        loss_dict["loss"] = sum(loss_dict.values())
        return loss_dict
