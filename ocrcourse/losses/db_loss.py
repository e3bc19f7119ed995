"""The DB detection loss: shrink map + threshold map + approximate binary map."""
from __future__ import annotations

from paddle import nn

from .checks import as_tensor, check_finite
from .seg_losses import BalanceLoss, DiceLoss, MaskL1Loss

__all__ = ["DBLoss"]


class DBLoss(nn.Layer):
    """Loss of Differentiable Binarization:  L = alpha·L_s + beta·L_t + L_b.

    - L_s: `BalanceLoss` on the probability (shrink) map P, channel 0;
    - L_t: `MaskL1Loss` on the threshold map T, channel 1, inside the border band;
    - L_b: `DiceLoss` on the approximate binary map B̂ = sigmoid(k(P - T)), channel 2.

    PP-OCR strategy: DB text detection (可微分二值化, Differentiable Binarization), the
    detector of every PP-OCR version. Paper: DB, arXiv:1911.08947 (Eq. 6-8); PP-OCR,
    arXiv:2009.09941. Lesson: lessons/04_db_head_and_labels.ipynb.

    Quirk kept from PaddleOCR: with the default `main_loss_type='DiceLoss'` the "balanced"
    shrink loss is a scalar Dice times (Pc+Nc)/(Pc+Nc+eps) -- no effective OHEM and no BCE
    (see `BalanceLoss`). `main_loss_type='BCELoss'` gives the OHEM-over-BCE of the paper.
    We do not return PaddleOCR 2.7+'s `loss_cbn` key (always 0 without PFHeadLocal).

    Args:
        balance_loss: apply OHEM balancing to the shrink-map loss.
        main_loss_type: base loss of the shrink map, 'DiceLoss' or 'BCELoss'.
        alpha: weight of the shrink-map loss (5).
        beta: weight of the threshold-map loss (10).
        ohem_ratio: negatives kept per positive in OHEM (3).
        eps: denominator guard of every term.

    Call: `loss({"maps": maps}, batch)` with maps (N, 3, H, W) = [P, T, B̂] and batch =
    [image, threshold_map, threshold_mask, shrink_map, shrink_mask], maps/masks (N, H, W).
    Returns {"loss", "loss_shrink_maps", "loss_threshold_maps", "loss_binary_maps"}
    (the first two already multiplied by alpha and beta).
    """

    def __init__(self, balance_loss: bool = True, main_loss_type: str = "DiceLoss",
                 alpha: float = 5, beta: float = 10, ohem_ratio: float = 3, eps: float = 1e-6):
        super().__init__()
        self.alpha = alpha
        self.beta = beta
        # PaddleOCR names this attribute `bce_loss`, although it is Dice by default.
        self.bce_loss = BalanceLoss(balance_loss=balance_loss, main_loss_type=main_loss_type,
                                    negative_ratio=ohem_ratio, eps=eps)
        self.l1_loss = MaskL1Loss(eps=eps)
        self.dice_loss = DiceLoss(eps=eps)

    def forward(self, predicts: dict, batch: list) -> dict:
        maps = predicts["maps"]
        check_finite(maps, "DBLoss: predicts['maps']")
        threshold_map, threshold_mask, shrink_map, shrink_mask = map(as_tensor, batch[1:5])
        shrink, threshold, binary = maps[:, 0, :, :], maps[:, 1, :, :], maps[:, 2, :, :]

        loss_shrink_maps = self.alpha * self.bce_loss(shrink, shrink_map, shrink_mask)
        loss_threshold_maps = self.beta * self.l1_loss(threshold, threshold_map, threshold_mask)
        loss_binary_maps = self.dice_loss(binary, shrink_map, shrink_mask)
        return {
            "loss": loss_shrink_maps + loss_threshold_maps + loss_binary_maps,
            "loss_shrink_maps": loss_shrink_maps,
            "loss_threshold_maps": loss_threshold_maps,
            "loss_binary_maps": loss_binary_maps,
        }
