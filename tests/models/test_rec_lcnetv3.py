"""PPLCNetV3: keys and shapes against the v4 fixture (derived from PaddleOCR's source), re-parameterisation
gives the same outputs with fewer parameters and ops, and the layout details of det and rec."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse import weights
from ocrcourse.models import build_model, is_reparameterized, reparameterize
from ocrcourse.models.backbones.rec_lcnetv3 import LearnableRepLayer, PPLCNetV3, make_divisible16

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "v4_ppocrv4_det_rec.json")
                     .read_text(encoding="utf-8"))


def _keys_shapes(model):
    return [(k, list(v.shape)) for k, v in model.state_dict().items()]


@pytest.mark.parametrize("name", ["PP-OCRv4_det", "PP-OCRv4_rec"])
def test_train_and_fused_state_dicts_equal_fixture(name):
    fx = FIXTURE[name]
    assert fx["architecture_config"] == weights.official_config(name)["Architecture"]
    model = build_model(fx["architecture_config"])
    assert _keys_shapes(model) == [(e["key"], e["shape"]) for e in fx["state_dict_train"]]
    model.eval()
    assert reparameterize(model) == 28 and is_reparameterized(model)
    assert _keys_shapes(model) == [(e["key"], e["shape"]) for e in fx["state_dict_fused"]]


def _randomise_bn(model, seed=0):
    """Non-trivial BN statistics and affine scalars, so the fusion has something to get wrong."""
    rng = np.random.default_rng(seed)
    for key, t in model.state_dict().items():
        if key.endswith("_variance"):
            t.set_value(rng.uniform(0.5, 2.0, t.shape).astype("float32"))
        elif key.endswith(("_mean", "lab.bias")) or (key.endswith(".bias") and "bn" in key):
            t.set_value(rng.normal(0, 0.2, t.shape).astype("float32"))
        elif key.endswith("lab.scale"):
            t.set_value(rng.uniform(0.5, 1.5, t.shape).astype("float32"))


@pytest.mark.parametrize("det, shape", [(True, (2, 3, 96, 128)), (False, (2, 3, 48, 160))])
def test_rep_keeps_outputs_and_drops_branches(det, shape):
    paddle.seed(1)
    net = PPLCNetV3(scale=0.5, det=det)
    _randomise_bn(net)
    net.eval()
    x = paddle.to_tensor(np.random.default_rng(2).standard_normal(shape).astype("float32"))
    with paddle.no_grad():
        before = net(x)
        n_before = sum(int(np.prod(p.shape)) for p in net.parameters())
        convs_before = sum(isinstance(m, paddle.nn.Conv2D) for m in net.sublayers())
        reparameterize(net)
        after = net(x)
    before = before if isinstance(before, list) else [before]
    after = after if isinstance(after, list) else [after]
    for b, a in zip(before, after):
        scale = float(paddle.abs(b).max()) + 1e-6
        assert float(paddle.abs(a - b).max()) / scale < 1e-4
    assert sum(int(np.prod(p.shape)) for p in net.parameters()) < n_before / 2
    assert sum(isinstance(m, paddle.nn.Conv2D) for m in net.sublayers()) < convs_before / 3
    assert reparameterize(net) == 0          # idempotent


def test_identity_branch_only_where_shapes_allow():
    dw = LearnableRepLayer(16, 16, 3, stride=1, groups=16, num_conv_branches=4)
    down = LearnableRepLayer(16, 16, 3, stride=2, groups=16, num_conv_branches=4)
    pw = LearnableRepLayer(16, 32, 1, num_conv_branches=4)
    assert dw.identity is not None and dw.conv_1x1 is not None and len(dw.conv_kxk) == 4
    assert down.identity is None
    assert pw.identity is None and pw.conv_1x1 is None      # a 1x1 layer has no extra 1x1 branch


def test_stride_two_layer_skips_its_activation():
    layer = LearnableRepLayer(8, 8, 3, stride=2, groups=8, num_conv_branches=1)
    layer.eval()
    x = paddle.randn([1, 8, 8, 8])
    y = layer(x)
    layer.act.lab.scale.set_value(paddle.zeros([1]))      # would zero the output if the act ran
    assert float(paddle.abs(layer(x) - y).max()) == 0.0
    rec_layer = LearnableRepLayer(8, 8, 3, stride=(2, 1), groups=8, num_conv_branches=1)
    rec_layer.eval()
    rec_layer.act.lab.scale.set_value(paddle.zeros([1]))
    rec_layer.act.lab.bias.set_value(paddle.zeros([1]))
    assert float(paddle.abs(rec_layer(x)).max()) == 0.0   # (2, 1) != 2: PaddleOCR runs the act


def test_widths_and_output_shapes():
    assert [make_divisible16(c * 0.95) for c in (16, 32, 64, 128, 256, 512)] == [16, 32, 64, 128, 240, 480]
    assert [make_divisible16(c * 0.75) for c in (16, 32, 64, 128, 256, 512)] == [16, 32, 48, 96, 192, 384]
    det = PPLCNetV3(scale=0.75, det=True)
    assert det.out_channels == [12, 18, 42, 360]
    det.eval()
    outs = det(paddle.zeros([1, 3, 64, 96]))
    assert [list(o.shape) for o in outs] == [[1, c, 64 // s, 96 // s] for c, s in zip([12, 18, 42, 360], [4, 8, 16, 32])]
    rec = PPLCNetV3(scale=0.95)
    assert rec.out_channels == 480
    rec.eval()
    assert list(rec(paddle.zeros([1, 3, 48, 320])).shape) == [1, 480, 1, 40]
    rec.train()
    assert list(rec(paddle.zeros([2, 3, 32, 160])).shape) == [2, 480, 1, 40]   # adaptive 1 x 40 in training
