"""Segmentation losses for DB text detection: Dice, masked L1, per-pixel BCE and the
OHEM-balanced wrapper around them.

All maps are (N, H, W): one channel of the DB head output against one DB label map, with a
mask that says which pixels count (0 on "###" text and outside the image).
`DBLoss` (db_loss.py) combines them; `DistillationDilaDBLoss` reuses them against a teacher.
"""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from ocrcourse.errors import ConfigError, DataError

__all__ = ["DiceLoss", "MaskL1Loss", "BCELoss", "BalanceLoss"]


def _check_shapes(where: str, pred, *labels) -> None:
    """Broadcasting would silently compute a wrong loss: insist on identical shapes."""
    for label in labels:
        if list(label.shape) != list(pred.shape):
            raise DataError(f"{where}: prediction shape {list(pred.shape)} but label map shape "
                            f"{list(label.shape)}; DB label maps must have the head's output size "
                            "(the image size, after the same resize/crop)")


class DiceLoss(nn.Layer):
    """Dice loss over the masked pixels: 1 - 2|P∩G| / (|P| + |G|).

    PP-OCR strategy: part of the DB loss (可微分二值化 DB 的损失), used on the approximate
    binary map B̂ and, inside `BalanceLoss`, on the shrink (probability) map.
    Paper: DB, arXiv:1911.08947 (PaddleOCR swaps the paper's BCE for Dice on both maps).
    Lesson: lessons/04_db_head_and_labels.ipynb.

    Args:
        eps: added to the denominator so an empty prediction and empty ground truth give 1.

    Shapes: pred, gt, mask (N, H, W) -> scalar in [0, 1].
    """

    def __init__(self, eps: float = 1e-6):
        super().__init__()
        self.eps = eps

    def forward(self, pred, gt, mask, weights=None):
        _check_shapes("DiceLoss", pred, gt, mask)
        if weights is not None:
            mask = weights * mask
        intersection = paddle.sum(pred * gt * mask)
        union = paddle.sum(pred * mask) + paddle.sum(gt * mask) + self.eps
        return 1 - 2.0 * intersection / union


class MaskL1Loss(nn.Layer):
    """Mean absolute error over the masked pixels: Σ|pred - gt|·mask / (Σmask + eps).

    PP-OCR strategy: the threshold-map term of the DB loss (阈值图损失).
    Paper: DB, arXiv:1911.08947, Eq. (8) ("L_t").

    Shapes: pred, gt, mask (N, H, W) -> scalar; 0 when the mask is empty.
    """

    def __init__(self, eps: float = 1e-6):
        super().__init__()
        self.eps = eps

    def forward(self, pred, gt, mask):
        _check_shapes("MaskL1Loss", pred, gt, mask)
        return (paddle.abs(pred - gt) * mask).sum() / (mask.sum() + self.eps)


class BCELoss(nn.Layer):
    """Binary cross-entropy on probabilities (not logits), unreduced by default inside
    `BalanceLoss`. Paddle clamps log(p) at -100, so p = 0 or 1 gives a finite value.

    PP-OCR strategy: the per-pixel loss that OHEM ranks when `main_loss_type: BCELoss`.

    Shapes: pred, gt (N, H, W) -> (N, H, W) with reduction 'none', scalar otherwise.
    """

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, pred, gt, mask=None):
        # `mask` is accepted so all base losses share one call; BalanceLoss applies it itself.
        return F.binary_cross_entropy(pred, gt, reduction=self.reduction)


def _base_loss(main_loss_type: str, eps: float) -> nn.Layer:
    if main_loss_type == "DiceLoss":
        return DiceLoss(eps)
    if main_loss_type == "BCELoss":
        return BCELoss(reduction="none")
    if main_loss_type == "MaskL1Loss":
        return MaskL1Loss(eps)
    raise ConfigError(f"BalanceLoss: main_loss_type {main_loss_type!r} is not supported; "
                      "use 'DiceLoss' (every official config), 'BCELoss' or 'MaskL1Loss'")


class BalanceLoss(nn.Layer):
    """Online hard example mining (OHEM) over a base loss: all positive pixels plus the
    `negative_ratio` × #positives hardest negative pixels, averaged.

        pos = gt·mask,  neg = (1 - gt)·mask
        Pc = int(Σpos),  Nc = int(min(Σneg, negative_ratio·Pc))
        loss = (Σ pos·L + sum of the Nc largest neg·L) / (Pc + Nc + eps)

    PP-OCR strategy: the balanced shrink-map loss of DB (正负样本 1:3 的 OHEM 难例挖掘).
    Paper: DB, arXiv:1911.08947, Sec. 3.5. Lesson: lessons/04_db_head_and_labels.ipynb.

    Quirk kept from PaddleOCR: with `main_loss_type='DiceLoss'` (every official config) the
    base loss L is a *scalar*, so pos·L and neg·L just scale the masks: the result is
    Dice·(Pc + Nc)/(Pc + Nc + eps), i.e. plain Dice of the shrink map. OHEM only ranks
    anything with 'BCELoss'. (Negative counts are truncated with int(), as in PaddleOCR.)

    Args:
        balance_loss: False returns the base loss unchanged.
        main_loss_type: 'DiceLoss', 'BCELoss' or 'MaskL1Loss'.
        negative_ratio: at most this many negatives per positive (OHEM ratio, 3).
        return_origin: also return the unbalanced base loss, as (balanced, base).
        eps: denominator guard.

    Shapes: pred, gt, mask (N, H, W) -> scalar.
    """

    def __init__(self, balance_loss: bool = True, main_loss_type: str = "DiceLoss",
                 negative_ratio: float = 3, return_origin: bool = False, eps: float = 1e-6):
        super().__init__()
        self.balance_loss = balance_loss
        self.main_loss_type = main_loss_type
        self.negative_ratio = negative_ratio
        self.return_origin = return_origin
        self.eps = eps
        self.loss = _base_loss(main_loss_type, eps)

    def forward(self, pred, gt, mask):
        _check_shapes("BalanceLoss", pred, gt, mask)
        positive = gt * mask
        negative = (1 - gt) * mask
        positive_count = int(positive.sum())
        negative_count = int(min(float(negative.sum()), positive_count * self.negative_ratio))
        loss = self.loss(pred, gt, mask=mask)
        if not self.balance_loss:
            return loss

        positive_loss = positive * loss
        negative_loss = (negative * loss).reshape([-1])
        if negative_count > 0:
            hardest = paddle.topk(negative_loss, k=negative_count)[0]   # the OHEM step
            balanced = (positive_loss.sum() + hardest.sum()) / (
                positive_count + negative_count + self.eps)
        else:   # no negatives kept (e.g. empty ground truth): positives only, 0 if none
            balanced = positive_loss.sum() / (positive_count + self.eps)
        if self.return_origin:
            return balanced, loss
        return balanced
