"""Detection configs a-d built through build_model match PaddleOCR's state_dict, sizes and shapes.

The fixtures were measured on PaddleOCR's own (release/2.6) modeling code, so they can fail.
"""
from __future__ import annotations

import json
from pathlib import Path

import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.models import BaseModel, build_model

FIXTURES = Path(__file__).parent.parent / "fixtures"
DET_CONFIGS = ["a_ppocrv2_det_student", "b_ppocrv2_det_teacher", "c_ppocrv3_det_student",
               "d_ppocrv3_det_teacher"]


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def scaled(shape: list[int], factor: int) -> list[int]:
    """A 640x640 fixture shape, for an input `factor` times smaller."""
    return shape[:2] + [s // factor for s in shape[2:]]


@pytest.fixture(scope="module", params=DET_CONFIGS)
def built(request):
    fx = load_fixture(request.param)
    with paddle.utils.unique_name.guard():       # fresh static names: conv2d_0, batch_norm_0, ...
        model = build_model(fx["architecture_config"])
    return fx, model


def test_state_dict_keys_order_and_shapes(built):
    fx, model = built
    got = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    want = [(e["key"], e["shape"]) for e in fx["state_dict"]]
    assert got == want


def test_parameter_counts(built):
    fx, model = built
    counts = fx["param_counts"]
    trainable = sum(int(p.numel()) for p in model.parameters() if p.trainable)
    everything = sum(int(p.numel()) for p in model.parameters())
    assert trainable == counts["trainable_numel"]
    assert everything == counts["all_parameters_numel_incl_bn_running_stats"]
    for part in ("backbone", "neck", "head"):
        sub = getattr(model, part)
        assert sum(int(p.numel()) for p in sub.parameters() if p.trainable) == \
            counts["per_part"][part]["trainable"]


def test_static_names_equal_official_onnx_names():
    """Config c: built in a fresh unique_name.guard(), every tensor's `.name` is the name the
    official PP-OCRv3 det ONNX graph uses, which is how official weights are mapped (facts §13)."""
    fx = load_fixture("c_ppocrv3_det_student")
    with paddle.utils.unique_name.guard():
        model = build_model(fx["architecture_config"])
    state = model.state_dict()
    named = [e for e in fx["state_dict"] if "onnx_name" in e]
    assert len(named) == 288
    assert [(e["key"], state[e["key"]].name) for e in named] == \
        [(e["key"], e["onnx_name"]) for e in named]


def test_forward_shapes_small_input(built):
    fx, model = built
    out = fx["outputs"]
    x = paddle.rand([1, 3, 64, 64])
    model.eval()
    with paddle.no_grad():
        feats = model.backbone(x)
        assert [f.shape for f in feats] == [scaled(s, 10) for s in out["backbone_out"]]
        assert model.backbone.out_channels == out["backbone_out_channels"]
        assert model.neck(feats).shape == scaled(out["neck_out"], 10)
        assert model(x)["maps"].shape == scaled(out["eval_mode_output"]["maps"], 10)
    model.train()
    assert model(x)["maps"].shape == scaled(out["train_mode_output"]["maps"], 10)


def test_documented_640_shapes_of_mobilenetv3_large_x05():
    """The shapes the PP-OCR course prints for MobileNetV3 large x0.5 + DBFPN at 640x640."""
    model = build_model(load_fixture("a_ppocrv2_det_student")["architecture_config"])
    model.eval()
    with paddle.no_grad():
        feats = model.backbone(paddle.rand([1, 3, 640, 640]))
        assert [f.shape for f in feats] == [[1, 16, 160, 160], [1, 24, 80, 80], [1, 56, 40, 40],
                                            [1, 480, 20, 20]]
        assert model.neck(feats).shape == [1, 96, 160, 160]


def test_train_maps_are_p_t_and_step_of_them():
    model = build_model(load_fixture("c_ppocrv3_det_student")["architecture_config"])
    model.train()
    maps = model(paddle.rand([1, 3, 32, 32]))["maps"]
    p, t, b = maps[:, 0], maps[:, 1], maps[:, 2]
    expected = 1 / (1 + paddle.exp(-50 * (p - t)))       # DB Eq. 2 with k = 50
    assert float((b - expected).abs().max()) < 1e-5


def test_return_all_feats():
    arch = dict(load_fixture("a_ppocrv2_det_student")["architecture_config"], return_all_feats=True)
    model = build_model(arch)
    x = paddle.rand([1, 3, 32, 32])
    model.train()
    out = model(x)
    assert set(out) == {"backbone_out", "neck_out", "maps"}
    assert out["neck_out"].shape == [1, 96, 8, 8]
    model.eval()
    assert set(model(x)) == {"maps"}


def test_errors_name_the_valid_choices():
    arch = load_fixture("a_ppocrv2_det_student")["architecture_config"]
    with pytest.raises(ConfigError, match="valid keys"):
        build_model(dict(arch, Backbonee={}))
    with pytest.raises(ConfigError, match="available"):
        build_model(dict(arch, name="Nope"))
    with pytest.raises(ConfigError, match="valid"):
        build_model(dict(arch, Backbone=dict(arch["Backbone"], scale=0.6)))
    with pytest.raises(ConfigError, match="valid keys"):
        build_model(dict(arch, Neck={"name": "DBFPN", "out_channel": 96}))
    assert isinstance(build_model(arch), BaseModel)
    assert arch["Backbone"] == {"name": "MobileNetV3", "scale": 0.5, "model_name": "large",
                                "disable_se": True}          # the config is not mutated
