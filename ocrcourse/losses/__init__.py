"""Losses of PP-OCR training: DB for detection, CTC (+ center) for recognition, the SAR / NRTR
guide branches (GTC), cross-entropy for direction classification, and the distillation losses of
CML / U-DML and PP-OCRv4's DKD + CTC-logit distillation.

The YAML `Loss` section names one of `LOSSES`; `build_loss` builds it. Every loss is called
as `loss(predicts, batch)` with PaddleOCR's batch layout and returns a dict with `loss`.
"""
from __future__ import annotations

from ocrcourse.registry import build

from .center_loss import CenterLoss
from .checks import NonFiniteError, check_finite
from .cls_loss import ClsLoss
from .combined import CombinedLoss
from .ctc_logits_loss import DistillCTCLogits, KLCTCLogits
from .ctc_loss import CTCLoss
from .db_loss import DBLoss
from .dkd_loss import DistillationDKDLoss, DKDLoss
from .multi_loss import MultiLoss
from .distillation import (DistillationCTCLoss, DistillationDBLoss, DistillationDilaDBLoss,
                           DistillationDistanceLoss, DistillationDMLLoss, DistillationNRTRLoss,
                           DistillationSARLoss, DistanceLoss, DMLLoss, dilate_teacher_map)
from .nrtr_loss import NRTRLoss
from .sar_loss import SARLoss
from .seg_losses import BalanceLoss, BCELoss, DiceLoss, MaskL1Loss

__all__ = ["LOSSES", "build_loss", "DBLoss", "CTCLoss", "ClsLoss", "SARLoss", "CenterLoss",
           "CombinedLoss", "MultiLoss", "DMLLoss", "DistanceLoss", "DistillationDMLLoss",
           "DistillationDistanceLoss", "DistillationDBLoss", "DistillationCTCLoss",
           "DistillationSARLoss", "DistillationDilaDBLoss", "NRTRLoss", "DistillationNRTRLoss", "DKDLoss",
           "DistillationDKDLoss", "KLCTCLogits", "DistillCTCLogits", "BalanceLoss", "BCELoss", "DiceLoss",
           "MaskL1Loss", "NonFiniteError", "check_finite", "dilate_teacher_map"]

# Every loss a `Loss` section (or a CombinedLoss entry) may name. DMLLoss, DistanceLoss, DKDLoss and
# KLCTCLogits compare two tensors rather than (predicts, batch), so configs use their Distillation* forms.
LOSSES = {
    "DBLoss": DBLoss,
    "CTCLoss": CTCLoss,
    "ClsLoss": ClsLoss,
    "SARLoss": SARLoss,
    "CenterLoss": CenterLoss,
    "CombinedLoss": CombinedLoss,
    "MultiLoss": MultiLoss,
    "DistillationDMLLoss": DistillationDMLLoss,
    "DistillationDistanceLoss": DistillationDistanceLoss,
    "DistillationDBLoss": DistillationDBLoss,
    "DistillationCTCLoss": DistillationCTCLoss,
    "DistillationSARLoss": DistillationSARLoss,
    "DistillationDilaDBLoss": DistillationDilaDBLoss,
    # PP-OCRv4 recognition: the NRTR guide branch and its distillation (DKD + CTC logits)
    "NRTRLoss": NRTRLoss,
    "DistillationNRTRLoss": DistillationNRTRLoss,
    "DistillationDKDLoss": DistillationDKDLoss,
    "DistillCTCLogits": DistillCTCLogits,
}


def build_loss(cfg: dict):
    """Build the loss of a PaddleOCR `Loss` section, e.g. {"name": "DBLoss", "alpha": 5}."""
    return build(LOSSES, cfg, kind="Loss")
