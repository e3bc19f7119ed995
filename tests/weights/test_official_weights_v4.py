"""Official PP-OCRv4 weights (rapidocr_onnxruntime 1.4.4): our fused PP-LCNetV3 models == onnxruntime.

The v4 graphs are the re-parameterised inference models; `build_official_model` builds our model in
its training form, fuses it (`reparameterize`) and loads the converted weights. The outputs are compared
with onnxruntime (bound 1e-4, issue 18) by the v3 tests, parametrised over both versions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocrcourse import weights
from ocrcourse.models import is_reparameterized
from ocrcourse.weights import cache
from ocrcourse.weights.onnx_to_paddle import by_rep_static_name, read_onnx_weights
from official_helpers import onnx_path

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "v4_ppocrv4_det_rec.json")
                     .read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["PP-OCRv4_det", "PP-OCRv4_rec"])
def test_v4_official_models_are_built_fused(name):
    """Their agreement with onnxruntime is tested beside v3's in test_official_weights.py."""
    assert is_reparameterized(weights.build_official_model(name))


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
