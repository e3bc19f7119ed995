"""BaseModel: Transform -> Backbone -> Neck -> Head, built from a PaddleOCR `Architecture` section.

Lesson: lessons/02_det_backbones.ipynb (first use); every model of the course is one of these.
"""
from __future__ import annotations

from typing import Mapping

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.backbones import build_backbone
from ocrcourse.models.heads import build_head
from ocrcourse.models.necks import build_neck

__all__ = ["BaseModel", "ARCHITECTURE_KEYS"]

# Keys an `Architecture` section (or one entry of `Architecture.Models`) may carry.
ARCHITECTURE_KEYS = ("model_type", "algorithm", "Transform", "Backbone", "Neck", "Head", "name",
                     "Models", "return_all_feats")


def check_architecture_keys(arch: Mapping, where: str = "Architecture", extra: tuple = ()) -> None:
    """Raise ConfigError naming the valid keys if `arch` carries an unknown one (a typo)."""
    valid = set(ARCHITECTURE_KEYS) | set(extra)
    unknown = set(arch) - valid
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; valid keys: {sorted(valid)}")


class BaseModel(nn.Layer):
    """One network: each part's `in_channels` is the previous part's `out_channels`.

    PP-OCR strategy: the modular det / rec / cls model (检测、识别、方向分类模型) of PaddleOCR; the
    YAML `Architecture` section names each part. Paper: PP-OCR, arXiv:2009.09941.

    Args:
        arch: the `Architecture` dict: `model_type` (det / rec / cls) selects the backbone
            registry; `Backbone`, optional `Neck`, `Head`; `algorithm` is descriptive only;
            `return_all_feats` makes a training forward return every intermediate output.

    Attributes `backbone`, `neck`, `head` exist only when configured (state_dict keys
    `backbone.*`, `neck.*`, `head.*`). `Transform` (TPS rectification) is not part of the
    course and must be absent or null.

    forward(x, data=None): the head's output (DB: {"maps": ...}; CTC: logits or probabilities).
    With `return_all_feats`: in training, {"backbone_out", "neck_out", "head_out"} (a dict
    output of the head is merged in, e.g. "maps"; a MultiHead's "ctc_neck" becomes "neck_out");
    in eval, a dict head output unchanged, otherwise {"head_out": output}.
    """

    def __init__(self, arch: Mapping):
        super().__init__()
        check_architecture_keys(arch)
        if "model_type" not in arch or "Backbone" not in arch:
            raise ConfigError("Architecture needs `model_type` (det, rec or cls) and a `Backbone` "
                              f"section; got keys {sorted(arch)}")
        if arch.get("Transform"):
            raise ConfigError("Architecture.Transform (TPS / STN rectification) is not part of "
                              "ocrcourse; set `Transform: null` or remove it")
        self.model_type = arch["model_type"]
        self.return_all_feats = bool(arch.get("return_all_feats", False))

        self.backbone = build_backbone(arch["Backbone"], self.model_type, in_channels=3)
        channels = self.backbone.out_channels        # list[int] for det, int for rec / cls
        self.use_neck = bool(arch.get("Neck"))
        if self.use_neck:
            self.neck = build_neck(arch["Neck"], in_channels=channels)
            channels = self.neck.out_channels
        self.use_head = bool(arch.get("Head"))
        if self.use_head:
            self.head = build_head(arch["Head"], in_channels=channels)

    def forward(self, x, data=None):
        feats = {}
        x = self.backbone(x)
        feats["backbone_out"] = x
        final_name = "backbone_out"
        if self.use_neck:
            x = self.neck(x)
            feats["neck_out"] = x
            final_name = "neck_out"
        if self.use_head:
            x = self.head(x, targets=data)
            if isinstance(x, dict) and "ctc_neck" in x:    # PP-OCRv3 rec MultiHead
                feats["neck_out"] = x["ctc_neck"]
                feats["head_out"] = x
            elif isinstance(x, dict):                       # DBHead: {"maps": ...}
                feats.update(x)
            else:
                feats["head_out"] = x
            final_name = "head_out"
        if not self.return_all_feats:
            return x
        if self.training:
            return feats
        return x if isinstance(x, dict) else {final_name: x}
