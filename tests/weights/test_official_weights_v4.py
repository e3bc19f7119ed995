"""Official PP-OCRv4 weights (rapidocr_onnxruntime 1.4.4): our fused PP-LCNetV3 models == onnxruntime.

The v4 graphs are the re-parameterised inference models; `build_official_model` builds our model in
its training form, fuses it (`reparameterize`) and loads the converted weights. Bound: 1e-4 (issue 18).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse import weights
from ocrcourse.dictionary import load_dict
from ocrcourse.models import is_reparameterized
from ocrcourse.weights import cache
from ocrcourse.weights.onnx_to_paddle import by_rep_static_name, read_onnx_weights
from official_helpers import det_input, onnx_path, page_bgr, rec_input, run_onnx, title_crop

TOL = 1e-4
FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "v4_ppocrv4_det_rec.json")
                     .read_text(encoding="utf-8"))


def _ours(name: str, x: np.ndarray) -> np.ndarray:
    model = weights.build_official_model(name)
    assert is_reparameterized(model)
    with paddle.no_grad():
        out = model(paddle.to_tensor(x))
    return (out["maps"] if isinstance(out, dict) else out).numpy()


@pytest.mark.parametrize("case", ["page", "random"])
def test_v4_det_matches_onnxruntime(case):
    if case == "page":
        x = det_input(page_bgr())
    else:
        x = np.random.default_rng(0).standard_normal((1, 3, 256, 320)).astype(np.float32)
    ours, ref = _ours("PP-OCRv4_det", x), run_onnx("PP-OCRv4_det", x)
    assert ours.shape == ref.shape == (1, 1, *x.shape[2:])
    assert np.abs(ours - ref).max() < TOL
    if case == "page":
        assert (ref > 0.3).sum() > 1000
        assert ((ours > 0.3) == (ref > 0.3)).mean() > 0.9999


@pytest.mark.parametrize("case", ["crop", "random"])
def test_v4_rec_matches_onnxruntime(case):
    if case == "crop":
        x = rec_input(title_crop(), 48, 320)
    else:
        x = np.random.default_rng(1).standard_normal((1, 3, 48, 320)).astype(np.float32)
    ours, ref = _ours("PP-OCRv4_rec", x), run_onnx("PP-OCRv4_rec", x)
    assert ours.shape == ref.shape == (1, 40, 6625)
    assert np.abs(ours - ref).max() < TOL
    assert (ours.argmax(-1) == ref.argmax(-1)).all()
    if case == "crop":
        chars = load_dict(weights.official_dict_path(), use_space_char=True)
        idx = ref[0].argmax(-1)
        text = "".join(chars[i - 1] for t, i in enumerate(idx) if i and (t == 0 or i != idx[t - 1]))
        assert "segmentation" in text


@pytest.mark.parametrize("name", ["PP-OCRv4_det", "PP-OCRv4_rec"])
def test_v4_name_mapping_equals_fixture(name):
    expected = {e["key"]: e["onnx_name"] for e in FIXTURE[name]["state_dict_fused"] if "onnx_name" in e}
    absent = [e["key"] for e in FIXTURE[name]["state_dict_fused"] if e.get("in_inference_graph") is False]
    model = weights.build_official_model(name)
    mapping, offsets = by_rep_static_name(model, list(read_onnx_weights(onnx_path(name))))
    assert {k: mapping[k] for k in expected} == expected
    assert offsets == FIXTURE[name]["onnx_offsets"]
    assert all(k.startswith(weights.OFFICIAL[name]["absent_ok"]) for k in absent)
    assert weights.conversion_report(name).loaded == len(expected)


def test_v4_comes_from_the_pinned_1_4_4_wheel():
    weights.official("PP-OCRv4_det"), weights.official("PP-OCRv4_rec")
    entry = cache.read_manifest()["models"]["PP-OCRv4_det"]
    assert entry["wheel"] == "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
    assert entry["wheel_sha256"] == cache.WHEELS["1.4.4"] == cache.sha256_of(
        cache.cache_dir() / "wheels" / entry["wheel"])
    assert entry["fused"] is True
    sizes = {p.name: p.stat().st_size for p in (cache.cache_dir() / "onnx").glob("ch_PP-OCRv4_*.onnx")}
    assert sizes == {"ch_PP-OCRv4_det_infer.onnx": 4_745_517, "ch_PP-OCRv4_rec_infer.onnx": 10_857_958}
