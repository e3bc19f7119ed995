"""DistillationModel: sub-models in config order, prefixed keys, freeze_params, pretrained."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle

from ocrcourse.models import DistillationModel, build_model

FIXTURES = Path(__file__).parent.parent / "fixtures"
SMALL = {"model_type": "det", "algorithm": "DB",
         "Backbone": {"name": "MobileNetV3", "model_name": "small", "scale": 0.35, "disable_se": True},
         "Neck": {"name": "DBFPN", "out_channels": 32}, "Head": {"name": "DBHead", "k": 50}}


def _distill_arch(student: dict, teacher: dict) -> dict:
    return {"name": "DistillationModel", "model_type": "det", "algorithm": "Distillation",
            "Models": {"Student": dict(student), "Student2": dict(student), "Teacher": dict(teacher)}}


def test_cml_distillation_model_prefixes_and_freeze():
    """PP-OCRv3 det CML: Student and Student2 = config c, Teacher = config d (frozen)."""
    c = json.loads((FIXTURES / "c_ppocrv3_det_student.json").read_text())
    d = json.loads((FIXTURES / "d_ppocrv3_det_teacher.json").read_text())
    arch = _distill_arch(c["architecture_config"], dict(d["architecture_config"], freeze_params=True))
    model = build_model(arch)
    assert isinstance(model, DistillationModel)
    keys = list(model.state_dict())
    n_c, n_d = len(c["state_dict"]), len(d["state_dict"])
    assert len(keys) == 2 * n_c + n_d
    assert keys[:n_c] == ["Student." + e["key"] for e in c["state_dict"]]
    assert keys[n_c:2 * n_c] == ["Student2." + e["key"] for e in c["state_dict"]]
    assert keys[2 * n_c:] == ["Teacher." + e["key"] for e in d["state_dict"]]
    assert not any(p.trainable for p in model.Teacher.parameters())
    trainable = sum(int(p.numel()) for p in model.parameters() if p.trainable)
    assert trainable == 2 * c["param_counts"]["trainable_numel"]
    model.eval()
    with paddle.no_grad():
        out = model(paddle.rand([1, 3, 32, 32]))
    assert list(out) == ["Student", "Student2", "Teacher"]
    assert out["Teacher"]["maps"].shape == [1, 1, 32, 32]


def test_submodel_pretrained_is_loaded(tmp_path):
    src = build_model(SMALL)
    paddle.save(src.state_dict(), str(tmp_path / "teacher.pdparams"))
    model = build_model(_distill_arch(SMALL, dict(SMALL, pretrained=str(tmp_path / "teacher"))))
    np.testing.assert_array_equal(model.Teacher.neck.p2_conv.weight.numpy(),
                                  src.neck.p2_conv.weight.numpy())
