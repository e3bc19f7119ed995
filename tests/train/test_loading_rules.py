"""Weights loading as PaddleOCR's save_load.py by default (warn and skip), strict as an opt-in.

Covers `Global.pretrained_model` (an ImageNet backbone file given to ch_PP-OCRv3_det_dml.yml's
DistillationModel matches no key: PaddleOCR warns and trains from scratch), sub-model
`Architecture.Models.X.pretrained` (shape mismatches skipped) and `Global.strict_load: true`.
"""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import WeightsError
from ocrcourse.models import build_model
from ocrcourse.train.trainer import check_submodel_loads, load_pretrained_model

SMALL = {"model_type": "det", "algorithm": "DB",
         "Backbone": {"name": "MobileNetV3", "model_name": "small", "scale": 0.35, "disable_se": True},
         "Neck": {"name": "DBFPN", "out_channels": 32}, "Head": {"name": "DBHead", "k": 50}}
WIDER = {**SMALL, "Neck": {"name": "DBFPN", "out_channels": 64}}


def _distill(student_pretrained=None):
    student = dict(SMALL, **({"pretrained": str(student_pretrained)} if student_pretrained else {}))
    return {"name": "DistillationModel", "model_type": "det", "algorithm": "Distillation",
            "Models": {"Student": student, "Teacher": dict(SMALL)}}


def _imagenet_backbone_file(tmp_path):
    """A backbone-only file as PaddleClas ships them: keys without the `backbone.` prefix."""
    backbone = build_model(SMALL).backbone
    path = tmp_path / "MobileNetV3_small_x0_35_pretrained.pdparams"
    paddle.save(backbone.state_dict(), str(path))
    return path


def test_pretrained_model_matching_nothing_trains_from_scratch(tmp_path, caplog):
    path = _imagenet_backbone_file(tmp_path)
    model = build_model(_distill())
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with caplog.at_level("WARNING"):
        report = load_pretrained_model(model, {"pretrained_model": str(path)})
    assert report.loaded == []
    assert "training from scratch" in caplog.text
    assert f"{len(paddle.load(str(path)))} keys in the file" in caplog.text
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    with pytest.raises(WeightsError, match="no key"):
        load_pretrained_model(model, {"pretrained_model": str(path), "strict_load": True})


def test_pretrained_model_skips_other_shapes_unless_strict(tmp_path):
    paddle.save(build_model(WIDER).state_dict(), str(tmp_path / "wider.pdparams"))
    report = load_pretrained_model(build_model(SMALL), {"pretrained_model": str(tmp_path / "wider")})
    assert report.mismatched and "backbone.conv.conv.weight" in report.loaded
    with pytest.raises(WeightsError, match="wrong shape"):
        load_pretrained_model(build_model(SMALL), {"pretrained_model": str(tmp_path / "wider"), "strict_load": True})


def test_submodel_pretrained_warns_and_skips(tmp_path, caplog):
    wider = build_model(WIDER)
    paddle.save(wider.state_dict(), str(tmp_path / "wider.pdparams"))
    with caplog.at_level("WARNING"):
        model = build_model(_distill(tmp_path / "wider"))        # raised before #21
    report = model.load_reports["Student"]
    assert report.mismatched and "skipped for their shape" in caplog.text
    np.testing.assert_array_equal(model.Student.backbone.conv.conv.weight.numpy(),
                                  wider.backbone.conv.conv.weight.numpy())
    check_submodel_loads(model, strict=False)
    with pytest.raises(WeightsError, match="Models.Student.pretrained"):
        check_submodel_loads(model, strict=True)


def test_submodel_pretrained_of_an_imagenet_file_loads_nothing(tmp_path):
    model = build_model(_distill(_imagenet_backbone_file(tmp_path)))
    assert model.load_reports["Student"].loaded == []
    with pytest.raises(WeightsError, match="does not fit"):
        check_submodel_loads(model, strict=True)
