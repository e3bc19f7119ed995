"""KL between the CTC branches of student and teacher, on their time-averaged distributions.

PP-OCRv4's recogniser distillation adds, beside DKD on the NRTR guide, a term on the CTC branch
(`DistillCTCLogits` in `ch_PP-OCRv4_rec_distill.yml`). CTC outputs of two models are not aligned
frame by frame (each may emit a character one frame earlier or later), so PaddleOCR compares
what each model predicts *over the whole line*: the softmax at temperature t = 0.5, averaged over
the W time steps, one distribution per image:

    P = mean_w softmax(z_w' / t)        z' = logits with the blank logit negated (z'_0 = -z_0)
    loss = (1/N) sum_n sum_c P_t * log((P_t + 1e-6) / (P_s + 1e-6) + 1e-6)

Negating the blank logit turns the blank, which dominates every CTC frame, from the largest
probability into a tiny one, so the average is carried by the character classes.
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError

from .checks import check_finite

__all__ = ["KLCTCLogits", "DistillCTCLogits", "negate_blank"]

TEMPERATURE = 0.5          # PaddleOCR's fixed temperature of this loss
EPS = 1e-6


def negate_blank(logits: paddle.Tensor) -> paddle.Tensor:
    """(N, W, C) logits with class 0 (the CTC blank) multiplied by -1."""
    sign = paddle.ones([logits.shape[-1]], logits.dtype)
    sign[0] = -1.0
    return logits * sign


class KLCTCLogits(nn.Layer):
    """KL(teacher || student) between the time-averaged softmax of two CTC logits (mode "mean").

    Args:
        mode: "mean" (PaddleOCR's default, the one its v4 config uses). PaddleOCR also has
            "log", "sum", "meanlog" and "ctcdkd" variants no official config selects; they are not
            built here.
        weight, reduction: accepted and unused, as in PaddleOCR (CombinedLoss applies the weight).

    Call: `loss(student (N, W, C), teacher (N, W, C))` -> scalar.
    """

    def __init__(self, weight: float = 1.0, reduction: str = "mean", mode: str = "mean"):
        super().__init__()
        if mode != "mean":
            raise ConfigError(f"KLCTCLogits: mode {mode!r} is not built; only 'mean' (PaddleOCR's default)")
        self.weight, self.reduction, self.mode = weight, reduction, mode
        self.t = TEMPERATURE

    def forward(self, student, teacher):
        check_finite(student, "DistillCTCLogits: student CTC logits")
        p_s = F.softmax(negate_blank(student) / self.t, axis=-1).mean(axis=1)      # (N, C)
        p_t = F.softmax(negate_blank(teacher) / self.t, axis=-1).mean(axis=1)
        kl = p_t * paddle.log((p_t + EPS) / (p_s + EPS) + EPS)
        return kl.sum() / kl.shape[0]


class DistillCTCLogits(KLCTCLogits):
    """`KLCTCLogits` between the CTC branches of each pair of models.

    PP-OCR strategy: CTC-logit distillation in PP-OCRv4's recogniser (`ch_PP-OCRv4_rec_distill.yml`:
    `DistillCTCLogits: {weight: 1.0, key: head_out, model_name_pairs: [[Student, Teacher]]}`).
    Lesson: lessons/18_ppocrv4.ipynb.

    Args:
        model_name_pairs: [[student, teacher], ...]; a single flat pair is accepted.
        key: output entry of each model ("head_out"); with a key the "ctc" branch of that entry is
            used, without one the model outputs themselves (as PaddleOCR).
        name: key prefix. reduction: unused (PaddleOCR's signature).

    Keys: `{name}_{idx}` per pair, no `loss` key (CombinedLoss sums the entries).
    """

    def __init__(self, model_name_pairs: list | tuple = (), key: str | None = None, name: str = "ctc_logits",
                 reduction: str = "mean"):
        super().__init__(reduction=reduction)
        pairs = list(model_name_pairs)
        self.model_name_pairs = [list(p) for p in pairs] if pairs and isinstance(pairs[0], (list, tuple)) else [pairs]
        self.key, self.name = key, name

    def forward(self, predicts: dict, batch: list) -> dict:
        loss_dict = {}
        for idx, (a, b) in enumerate(self.model_name_pairs):
            out1, out2 = predicts[a], predicts[b]
            if self.key is not None:
                out1, out2 = out1[self.key]["ctc"], out2[self.key]["ctc"]
            loss_dict[f"{self.name}_{idx}"] = super().forward(out1, out2)
        return loss_dict
