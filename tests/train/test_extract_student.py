"""extract_submodel: a distillation checkpoint's Student loads into the plain student model."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import WeightsError
from ocrcourse.models import build_model
from ocrcourse.models.pretrained import load_pretrained
from ocrcourse.train.extract_student import extract_submodel

STUDENT = {"model_type": "det", "algorithm": "DB",
           "Backbone": {"name": "MobileNetV3", "model_name": "small", "scale": 0.35, "disable_se": True},
           "Neck": {"name": "RSEFPN", "out_channels": 32, "shortcut": True},
           "Head": {"name": "DBHead", "k": 50}}
DISTILL = {"name": "DistillationModel", "model_type": "det", "algorithm": "Distillation",
           "Models": {"Teacher": STUDENT, "Student": STUDENT}}


def test_extract_then_load_into_plain_student(tmp_path):
    distill = build_model(DISTILL)
    paddle.save(distill.state_dict(), str(tmp_path / "best_accuracy.pdparams"))
    out = extract_submodel(tmp_path / "best_accuracy", "Student")
    assert out == tmp_path / "best_accuracy_student.pdparams"
    saved = paddle.load(str(out), return_numpy=True)
    assert list(saved) == list(distill.Student.state_dict())      # prefix removed, order kept

    student = build_model(STUDENT)
    report = load_pretrained(student, out)
    assert report.complete and report.prefix is None
    for (k, a), b in zip(distill.Student.state_dict().items(), student.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_unknown_submodel_lists_the_available_ones(tmp_path):
    paddle.save(build_model(DISTILL).state_dict(), str(tmp_path / "x.pdparams"))
    with pytest.raises(WeightsError, match=r"\['Teacher', 'Student'\]"):
        extract_submodel(tmp_path / "x.pdparams", "Student2", out_path=tmp_path / "s2.pdparams")
