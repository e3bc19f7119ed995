"""The PP-OCRv4 det YAMLs: official-style and quick variants load, build, and keep PaddleOCR's v4 recipe
(architecture of configs/det/ch_PP-OCRv4/*.yml at the commits named in their headers)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ocrcourse.config import load_config
from ocrcourse.models import build_model
from ocrcourse.optim.lr_scaling import lr_scaling_report

V4 = Path(__file__).resolve().parents[2] / "configs" / "det" / "ch_PP-OCRv4"
STUDENT = {"Backbone": {"name": "PPLCNetV3", "scale": 0.75, "det": True},
           "Neck": {"name": "RSEFPN", "out_channels": 96, "shortcut": True}, "Head": {"name": "DBHead", "k": 50}}


def _transform(cfg, name):
    return next(t[name] for t in cfg["Train"]["dataset"]["transforms"] if name in t)


@pytest.mark.parametrize("name", ["ch_PP-OCRv4_det_student.yml", "ch_PP-OCRv4_det_student_quick.yml",
                                  "ch_PP-OCRv4_det_cml.yml", "ch_PP-OCRv4_det_cml_quick.yml"])
def test_v4_det_configs(name):
    cfg = load_config(V4 / name)
    arch = cfg["Architecture"]
    students = [arch["Models"]["Student"], arch["Models"]["Student2"]] if "Models" in arch else [arch]
    for sub in students:
        assert {k: sub[k] for k in STUDENT} == STUDENT
    if "Models" in arch:
        assert arch["Models"]["Teacher"]["freeze_params"] is True
        assert arch["Models"]["Teacher"]["Head"]["kernel_list"] == [7, 2, 2]
        assert [next(iter(e)) for e in cfg["Loss"]["loss_config_list"]] == [
            "DistillationDilaDBLoss", "DistillationDMLLoss", "DistillationDBLoss"]
    # DSR: the label ops know the schedule length; the learning rate knows its reference batch
    assert _transform(cfg, "MakeShrinkMap")["total_epoch"] == _transform(cfg, "MakeBorderMap")["total_epoch"]
    assert cfg["Optimizer"]["lr"]["learning_rate"] == 0.001
    assert lr_scaling_report(cfg, cards=1)["reference_batch"] in (64, 128)
    assert build_model(arch) is not None
