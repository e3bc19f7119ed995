"""The ONNX -> Paddle name mapping against the `onnx_name` fields of fixtures c, g and h, and the
errors a wrong architecture or a damaged ONNX file gives."""
from __future__ import annotations

import json
from pathlib import Path

import paddle
import pytest

from ocrcourse import weights
from ocrcourse.config import load_config
from ocrcourse.errors import WeightsError
from ocrcourse.models import build_model
from ocrcourse.weights.onnx_to_paddle import (by_cls_v20_name, by_static_name, cls_v20_name, convert_weights,
                                              offset_names, read_onnx_weights)
from official_helpers import onnx_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _build(arch: dict):
    with paddle.utils.unique_name.guard():
        return build_model(arch)


def test_cls_v20_names_equal_fixture_h():
    entries = _fixture("h_cls_mv3_small_0.35.json")["state_dict"]
    assert len(entries) == 213
    for e in entries:
        assert cls_v20_name(e["key"]) == e["onnx_name"], e["key"]


def test_cls_v20_name_rejects_other_structures():
    with pytest.raises(WeightsError, match="ch_ppocr_mobile_v2.0_cls"):
        cls_v20_name("backbone.stage0.0.expand_conv.conv.weight")


@pytest.mark.parametrize("name, fixture", [("PP-OCRv3_det", "c_ppocrv3_det_student.json"),
                                           ("PP-OCRv3_rec", "g_ppocrv3_rec_student.json")])
def test_static_names_with_offsets_equal_fixture(name, fixture):
    expected = {e["key"]: e["onnx_name"] for e in _fixture(fixture)["state_dict"] if "onnx_name" in e}
    model = _build(weights.official_config(name)["Architecture"])
    mapping, offsets = by_static_name(model, list(read_onnx_weights(onnx_path(name))))
    assert {k: mapping[k] for k in expected} == expected
    measured = _fixture("onnx_weight_check.json")[fixture.removesuffix(".json")]["graph_order"]
    assert offsets == measured["family_index_offsets"]


def test_offset_rule_on_names_alone():
    ours = {"a.weight": "conv2d_0.w_0", "b.weight": "conv2d_1.w_0", "c.weight": "linear_2.w_0",
            "c.bias": "linear_2.b_0", "d._mean": "batch_norm_0.w_1"}
    theirs = ["conv2d_37.w_0", "conv2d_38.w_0", "linear_15.w_0", "linear_15.b_0", "batch_norm_27.w_1"]
    mapping, offsets = offset_names(ours, theirs)
    assert offsets == {"conv2d": 37, "linear": 13, "batch_norm": 27}
    assert list(mapping.values()) == theirs


def test_official_yamls_mirror_official_config():
    for name, spec in weights.OFFICIAL.items():
        assert load_config(REPO / spec["config_file"]) == weights.official_config(name), name


def test_wrong_architecture_is_a_clear_error():
    arch = weights.official_config("PP-OCRv3_det")["Architecture"]
    arch["Neck"]["out_channels"] = 64                  # the official neck is 96 wide
    model = _build(arch)
    with pytest.raises(WeightsError, match=r"does not fit.*shape mismatches.*neck\..*model \[64"):
        convert_weights(model, onnx_path("PP-OCRv3_det"), by_static_name, absent_ok=("head.thresh.",))


def test_missing_tensor_outside_absent_ok_is_an_error():
    model = _build(weights.official_config("PP-OCRv3_det")["Architecture"])
    with pytest.raises(WeightsError, match=r"13 model tensors not in the graph: head\.thresh\.conv1\.weight"):
        convert_weights(model, onnx_path("PP-OCRv3_det"), by_static_name)     # no absent_ok


def test_cls_graph_into_det_model_is_an_error():
    model = _build(weights.official_config("PP-OCRv3_det")["Architecture"])
    with pytest.raises(WeightsError, match="no v2.0 classifier name"):
        convert_weights(model, onnx_path("ppocr_mobile_v2.0_cls"), by_cls_v20_name)


def test_truncated_onnx_is_a_clear_error(tmp_path):
    data = Path(onnx_path("ppocr_mobile_v2.0_cls")).read_bytes()
    bad = tmp_path / "truncated.onnx"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(WeightsError, match=r"cannot read ONNX file .*truncated\.onnx"):
        read_onnx_weights(str(bad))
