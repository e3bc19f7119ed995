"""load_pretrained: plain and distillation checkpoints, clear errors for bad files."""
from __future__ import annotations

import numpy as np
import paddle
import pytest

from ocrcourse.errors import WeightsError
from ocrcourse.models import build_model
from ocrcourse.models.pretrained import load_pretrained

# small det model, to keep files tiny: MobileNetV3 small x0.35 + DBFPN 32
SMALL = {"model_type": "det", "algorithm": "DB",
         "Backbone": {"name": "MobileNetV3", "model_name": "small", "scale": 0.35, "disable_se": True},
         "Neck": {"name": "DBFPN", "out_channels": 32}, "Head": {"name": "DBHead", "k": 50}}


def _distill_arch(student: dict, teacher: dict) -> dict:
    return {"name": "DistillationModel", "model_type": "det", "algorithm": "Distillation",
            "Models": {"Student": dict(student), "Student2": dict(student), "Teacher": dict(teacher)}}


def test_plain_roundtrip_with_and_without_extension(tmp_path):
    src, dst = build_model(SMALL), build_model(SMALL)
    for v in src.state_dict().values():          # BN running stats too, not only weights
        v.set_value(paddle.rand(v.shape, dtype=v.dtype))
    paddle.save(src.state_dict(), str(tmp_path / "best.pdparams"))
    report = load_pretrained(dst, tmp_path / "best")          # PaddleOCR style: no extension
    assert report.complete and report.prefix is None
    assert len(report.loaded) == len(src.state_dict())
    for (k, a), b in zip(src.state_dict().items(), dst.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_distillation_checkpoint_into_plain_model_takes_student(tmp_path):
    distill = build_model(_distill_arch(SMALL, SMALL))
    paddle.save(distill.state_dict(), str(tmp_path / "cml.pdparams"))
    student = build_model(SMALL)
    report = load_pretrained(student, tmp_path / "cml.pdparams")
    assert report.prefix == "Student" and report.complete
    np.testing.assert_array_equal(student.backbone.conv.conv.weight.numpy(),
                                  distill.Student.backbone.conv.conv.weight.numpy())
    teacher = build_model(SMALL)
    assert load_pretrained(teacher, tmp_path / "cml.pdparams", prefix="Teacher").prefix == "Teacher"
    np.testing.assert_array_equal(teacher.head.binarize.conv1.weight.numpy(),
                                  distill.Teacher.head.binarize.conv1.weight.numpy())


def test_missing_and_unexpected_keys_are_reported(tmp_path):
    state = {k: v.numpy() for k, v in build_model(SMALL).state_dict().items()}
    del state["head.thresh.conv3.bias"]
    state["head.extra.weight"] = np.zeros([2], "float32")
    report = load_pretrained(build_model(SMALL), state)
    assert report.missing == ["head.thresh.conv3.bias"]
    assert report.unexpected == ["head.extra.weight"]
    assert "missing" in str(report)


def test_wrong_shape_gives_clear_error(tmp_path):
    other = dict(SMALL, Neck={"name": "DBFPN", "out_channels": 64})
    paddle.save(build_model(other).state_dict(), str(tmp_path / "other.pdparams"))
    with pytest.raises(WeightsError, match=r"wrong shape.*neck.in2_conv.weight: file \[64"):
        load_pretrained(build_model(SMALL), tmp_path / "other.pdparams")
    report = load_pretrained(build_model(SMALL), tmp_path / "other.pdparams", skip_mismatched=True)
    assert "neck.in2_conv.weight" in report.mismatched and not report.complete
    assert "backbone.conv.conv.weight" in report.loaded          # the backbone is the same
    assert "neck.in2_conv.weight" not in report.loaded


def test_truncated_file_gives_clear_error(tmp_path):
    good = tmp_path / "good.pdparams"
    paddle.save(build_model(SMALL).state_dict(), str(good))
    bad = tmp_path / "bad.pdparams"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(WeightsError, match="truncated"):
        load_pretrained(build_model(SMALL), bad)


def test_missing_file_and_foreign_checkpoint(tmp_path):
    with pytest.raises(WeightsError, match="not found"):
        load_pretrained(build_model(SMALL), tmp_path / "nope")
    with pytest.raises(WeightsError, match="no key"):
        load_pretrained(build_model(SMALL), {"fc.weight": np.zeros([2, 2], "float32")})
