"""DistillationModel: several named BaseModels (Student, Student2, Teacher) run on the same input.

YAML: `Architecture: {name: DistillationModel, model_type: det, algorithm: Distillation,
Models: {Student: {...}, Student2: {...}, Teacher: {...}}}`. Lesson: lessons/11_distillation_basics.ipynb.
"""
from __future__ import annotations

from typing import Mapping

from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.base_model import BaseModel, check_architecture_keys

__all__ = ["DistillationModel"]

SUBMODEL_KEYS = ("pretrained", "freeze_params")   # read here, not passed on to BaseModel


class DistillationModel(nn.Layer):
    """A dict of sub-models, trained together by one combined loss.

    PP-OCR strategy: knowledge distillation (知识蒸馏): CML, collaborative mutual learning, in
    the PP-OCRv2/v3 detectors (a frozen large Teacher plus two Students that also learn from
    each other) and U-DML in the PP-OCRv2/v3 recognisers. Papers: PP-OCRv2, arXiv:2109.03144;
    PP-OCRv3, arXiv:2206.03001.

    Args:
        arch: the `Architecture` dict; `Models` maps a name to a sub-model architecture which
            may also carry `pretrained` (path of weights loaded into that sub-model) and
            `freeze_params` (make all its parameters non-trainable).

    A sub-model's `pretrained` loads as in PaddleOCR: tensors whose key is missing or whose shape
    differs keep their initial values, with a warning, and a file of which no key fits (an ImageNet
    backbone file) loads nothing and warns. What each load did is kept in `load_reports`
    ({name: LoadReport}); `Global.strict_load: true` makes the trainer stop on any skipped tensor.

    Sub-models are registered under their names in config order, so the state_dict keys are
    prefixed `Student.`, `Student2.`, `Teacher.` exactly as in official distillation
    checkpoints. A frozen sub-model still follows train()/eval(): in training its BN uses batch
    statistics and updates its running means, as in PaddleOCR.

    forward(x, data=None) -> {name: sub-model output}.
    """

    def __init__(self, arch: Mapping):
        super().__init__()
        check_architecture_keys(arch)
        models = arch.get("Models")
        if not isinstance(models, Mapping) or not models:
            raise ConfigError("DistillationModel: `Architecture.Models` must map sub-model names "
                              "(Student, Teacher, ...) to architectures")
        from ocrcourse.models.pretrained import load_pretrained   # pretrained imports models

        self.model_names = []
        self.load_reports = {}
        for name, sub_cfg in models.items():
            check_architecture_keys(sub_cfg, where=f"Architecture.Models.{name}", extra=SUBMODEL_KEYS)
            sub_cfg = dict(sub_cfg)
            pretrained = sub_cfg.pop("pretrained", None)
            freeze = bool(sub_cfg.pop("freeze_params", False))
            model = BaseModel(sub_cfg)
            if pretrained:
                self.load_reports[name] = load_pretrained(model, pretrained, skip_mismatched=True,
                                                          allow_no_match=True)
            if freeze:
                for param in model.parameters():
                    param.trainable = False
            self.add_sublayer(name, model)
            self.model_names.append(name)

    def forward(self, x, data=None):
        return {name: getattr(self, name)(x, data) for name in self.model_names}
