"""Recognition and direction-classifier configs e-h built through build_model match PaddleOCR.

The fixtures were measured on PaddleOCR's own (release/2.6) modeling code: state_dict keys in
order (incl. the LSTM alias keys), shapes, parameter counts, output shapes, and for g and h the
parameter names of the official ONNX inference graphs. So these tests can fail.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse import settings
from ocrcourse.models import build_model

FIXTURES = Path(__file__).parent.parent / "fixtures"
REC_CONFIGS = ["e_ppocr_v2.0_rec_crnn_mobile", "f_ppocrv2_rec", "g_ppocrv3_rec_student",
               "h_cls_mv3_small_0.35"]


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def build_fresh(fx: dict):
    with paddle.utils.unique_name.guard():       # fresh static names: conv2d_0, batch_norm_0, ...
        return build_model(fx["architecture_config"])


def trainable_numel(layer) -> int:
    return sum(int(p.numel()) for p in layer.parameters() if p.trainable)


def sar_targets(batch: int, length: int = 25):
    """[label_ctc, label_sar, length, valid_ratio], what the PP-OCRv3 loader yields after the image."""
    label_sar = paddle.randint(0, 6626, [batch, length], dtype="int64")
    return [None, label_sar, paddle.full([batch], 5, "int64"), paddle.ones([batch])]


@pytest.fixture(scope="module", params=REC_CONFIGS)
def built(request):
    fx = load_fixture(request.param)
    return fx, build_fresh(fx)


def test_state_dict_keys_order_and_shapes(built):
    fx, model = built
    got = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    want = [(e["key"], e["shape"]) for e in fx["state_dict"]]
    assert got == want
    assert len(got) == fx["param_counts"]["state_dict_num_entries"]


def test_lstm_alias_keys_are_the_same_tensors(built):
    fx, model = built
    state = model.state_dict()
    aliases = [e for e in fx["state_dict"] if "alias_of" in e]
    assert len(aliases) in (0, 16)
    for e in aliases:
        assert state[e["key"]].name == state[e["alias_of"]].name


def test_parameter_counts(built):
    fx, model = built
    counts = fx["param_counts"]
    assert trainable_numel(model) == counts["trainable_numel"]
    assert sum(int(p.numel()) for p in model.parameters()) == \
        counts["all_parameters_numel_incl_bn_running_stats"]
    for part, want in counts["per_part"].items():
        layer = model
        for name in part.split("."):                 # "head.ctc_encoder" -> model.head.ctc_encoder
            layer = getattr(layer, name)
        assert trainable_numel(layer) == want["trainable"], part


def test_output_shapes_eval_and_train(built):
    fx, model = built
    out = fx["outputs"]
    x = paddle.rand(fx["input_shape"])
    model.eval()
    with paddle.no_grad():
        feat = model.backbone(x)
        assert feat.shape == out["backbone_out"]
        assert model.backbone.out_channels == out["backbone_out_channels"]
        if out["neck_out"] is not None:
            assert model.neck(feat).shape == out["neck_out"]
        probs = model(x)
    assert probs.shape == out["eval_mode_output"]
    np.testing.assert_allclose(probs.sum(axis=-1).numpy(), 1.0, rtol=1e-5)   # softmax in eval
    model.train()
    if isinstance(out["train_mode_output"], dict):                          # g: MultiHead
        train_out = model(x, sar_targets(1))
        assert train_out["ctc"].shape == out["train_mode_output"]["ctc"]
        assert train_out["ctc_neck"].shape == out["train_mode_output"]["ctc_neck"]
        assert train_out["sar"].shape == [1, 25, 6626]      # facts §4.4: [B, 25, 6626]
    else:
        assert model(x).shape == out["train_mode_output"]
    model.eval()


def test_rec_mobilenet_v3_small_stride_variants_give_the_same_shape():
    """Paddle pools a height of 1 to 1 (facts §1), so [2,2,2,2] and [1,2,2,2] both give 1x80."""
    arch = load_fixture("e_ppocr_v2.0_rec_crnn_mobile")["architecture_config"]
    for stride in ([1, 2, 2, 2], [2, 2, 2, 2]):
        model = build_model(dict(arch, Backbone=dict(arch["Backbone"], small_stride=stride)))
        model.eval()
        with paddle.no_grad():
            assert model.backbone(paddle.rand([1, 3, 32, 320])).shape == [1, 288, 1, 80]


def _family_index(name: str):
    family, index = re.fullmatch(r"([a-z_0-9]+?)_(\d+)\.[wb]_\d", name).groups()
    return family, int(index)


def test_v3_rec_static_names_follow_official_onnx_names_with_one_offset_per_family():
    """Facts §13: ONNX index = our index + a per-family offset (the official rec export was built
    after a Teacher), with the same w/b suffix; the SAR keys are not in the inference graph."""
    fx = load_fixture("g_ppocrv3_rec_student")
    state = build_fresh(fx).state_dict()
    offsets = {}
    named = [e for e in fx["state_dict"] if "onnx_name" in e]
    assert len(named) == 196
    for e in named:
        ours, theirs = state[e["key"]].name, e["onnx_name"]
        (fam, i), (onnx_fam, j) = _family_index(ours), _family_index(theirs)
        assert fam == onnx_fam, (e["key"], ours, theirs)
        assert ours.split(".")[1] == theirs.split(".")[1], (e["key"], ours, theirs)
        offsets.setdefault(fam, j - i)
        assert j - i == offsets[fam], (e["key"], ours, theirs)
    assert offsets == {"conv2d": 37, "batch_norm": 27, "batch_norm2d": 5, "layer_norm": 5,
                       "linear": 13}
    assert all(e["key"].startswith("head.sar_head.") for e in fx["state_dict"]
               if "onnx_name" not in e)


def _old_style_family(onnx_name: str) -> str:
    """cls v2.0 names: `*_bn_{scale,offset,mean,variance}` are BN, `fc_0.*` the head, the rest convs."""
    if "_bn_" in onnx_name:
        return "batch_norm"
    return "linear" if onnx_name.startswith("fc_") else "conv2d"


def test_cls_static_names_are_in_the_official_family_order():
    """The cls ONNX uses old explicit names (conv1_*, conv{j+2}_*, conv_last_*, fc_0.*); our tensors
    must be of the same family, in the same order, so an ordered mapping is unambiguous."""
    fx = load_fixture("h_cls_mv3_small_0.35")
    state = build_fresh(fx).state_dict()
    last_index = {}
    for e in fx["state_dict"]:
        fam, i = _family_index(state[e["key"]].name)
        assert fam == _old_style_family(e["onnx_name"]), (e["key"], e["onnx_name"])
        assert i >= last_index.get(fam, 0)
        last_index[fam] = i


@pytest.mark.filterwarnings("ignore:Skip loading")
def test_inference_weights_load_without_sar_and_training_checkpoint_loads_whole():
    """The official inference model has no SAR weights; a training checkpoint has all of them."""
    fx = load_fixture("g_ppocrv3_rec_student")
    source = build_fresh(fx)
    full = source.state_dict()
    inference = {k: v for k, v in full.items() if not k.startswith("head.sar_head.")}
    assert len(full) - len(inference) == 43

    from_checkpoint, from_inference = build_fresh(fx), build_fresh(fx)
    from_checkpoint.set_state_dict(full)
    from_inference.set_state_dict(inference)
    for key, value in from_checkpoint.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), full[key].numpy())
    x = paddle.rand([1, 3, 48, 320])
    with paddle.no_grad():
        outputs = []
        for model in (source, from_checkpoint, from_inference):
            model.eval()
            outputs.append(model(x).numpy())
    np.testing.assert_allclose(outputs[1], outputs[0], atol=1e-6)
    np.testing.assert_allclose(outputs[2], outputs[0], atol=1e-6)


def _onnx_constants(path: Path) -> dict:
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper
    graph = onnx.load(str(path)).graph
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:                      # Paddle exports weights as Constant nodes
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


@pytest.mark.parametrize("config, onnx_file", [
    ("g_ppocrv3_rec_student", "ch_PP-OCRv3_rec_infer.onnx"),
    ("h_cls_mv3_small_0.35", "ch_ppocr_mobile_v2.0_cls_infer.onnx")])
def test_forward_equals_official_onnx_graph(config, onnx_file):
    """With the official weights mapped by the fixture's `onnx_name`, our forward equals
    onnxruntime on the official graph (facts §13 measured ~1e-6). Needs the ONNX files that
    `ocrcourse weights` caches under OCRCOURSE_HOME/weights/onnx; skipped without them."""
    path = Path(settings.home()) / "weights" / "onnx" / onnx_file
    if not path.exists():
        pytest.skip(f"{path} not downloaded (run `ocrcourse weights`)")
    ort = pytest.importorskip("onnxruntime")
    fx = load_fixture(config)
    model = build_fresh(fx)
    constants = _onnx_constants(path)
    weights = {e["key"]: constants[e["onnx_name"]].reshape(e["shape"]).astype("float32")
               for e in fx["state_dict"] if "onnx_name" in e}
    model.set_state_dict(weights)
    model.eval()
    x = np.random.default_rng(0).standard_normal(fx["input_shape"]).astype("float32")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    want = session.run(None, {session.get_inputs()[0].name: x})[0]
    with paddle.no_grad():
        got = model(paddle.to_tensor(x)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)
