"""The weights cache: offline errors, a copied-in wheel, damaged files, strict loading, the CLI."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse import cli, weights
from ocrcourse.errors import WeightsError
from ocrcourse.weights import cache


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    """An empty OCRCOURSE_HOME, and a `pip download` that fails as it does without network."""
    shared_wheel = cache.cache_dir() / "wheels" / cache.WHEEL_FILE   # the real cache, before the switch
    weights.official("ppocr_mobile_v2.0_cls")                         # make sure it exists
    monkeypatch.setenv("OCRCOURSE_HOME", str(tmp_path / "home"))
    calls = []

    def offline_run(cmd, **kw):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, stdout="", stderr=(
            "ERROR: Could not find a version that satisfies the requirement rapidocr_onnxruntime==1.2.13\n"
            "ERROR: No matching distribution found for rapidocr_onnxruntime==1.2.13"))

    monkeypatch.setattr(cache.subprocess, "run", offline_run)
    return {"home": tmp_path / "home", "wheel": shared_wheel, "pip_calls": calls}


def test_offline_with_no_cache_is_a_clear_error(empty_home):
    with pytest.raises(WeightsError) as err:
        weights.official("PP-OCRv3_det")
    message = str(err.value)
    assert "pip download" in message and "No matching distribution" in message     # what failed
    assert "make weights" in message and str(empty_home["home"] / "weights" / "wheels") in message  # what to do
    assert "pip" in empty_home["pip_calls"][0] and "rapidocr_onnxruntime==1.2.13" in empty_home["pip_calls"][0]
    with pytest.raises(WeightsError, match="make weights"):
        weights.official_dict_path()


def test_copied_wheel_works_offline(empty_home):
    wheels = empty_home["home"] / "weights" / "wheels"
    wheels.mkdir(parents=True)
    shutil.copy(empty_home["wheel"], wheels)
    path = Path(weights.official("ppocr_mobile_v2.0_cls"))
    assert path.is_file() and path.parent == empty_home["home"] / "weights"
    assert empty_home["pip_calls"] == []
    rows = {r["file"]: r for r in weights.list_cached()}
    assert rows["ppocr_mobile_v2.0_cls.pdparams"]["status"] == "ok"
    assert rows[f"wheels/{cache.WHEEL_FILE}"]["sha256"] == cache.WHEEL_SHA256


def test_each_version_downloads_its_own_pinned_wheel(empty_home):
    with pytest.raises(WeightsError, match=r"rapidocr_onnxruntime==1\.4\.4.*make weights"):
        weights.official("PP-OCRv4_rec")
    assert "rapidocr_onnxruntime==1.4.4" in empty_home["pip_calls"][-1]
    assert cache.wheel_file("1.4.4") == "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
    with pytest.raises(WeightsError, match="pinned"):
        cache.wheel_file("9.9")


def test_wrong_wheel_is_rejected(empty_home):
    wheels = empty_home["home"] / "weights" / "wheels"
    wheels.mkdir(parents=True)
    (wheels / cache.WHEEL_FILE).write_bytes(b"PK\x03\x04 not the wheel")
    with pytest.raises(WeightsError, match="sha256 .* expected 5a88f030.*delete it"):
        weights.official("ppocr_mobile_v2.0_cls")


def test_changed_pdparams_is_converted_again(empty_home):
    wheels = empty_home["home"] / "weights" / "wheels"
    wheels.mkdir(parents=True)
    shutil.copy(empty_home["wheel"], wheels)
    path = Path(weights.official("ppocr_mobile_v2.0_cls"))
    good = path.read_bytes()
    path.write_bytes(good[:1000])
    assert {r["file"]: r["status"] for r in weights.list_cached()}["ppocr_mobile_v2.0_cls.pdparams"] == "changed"
    assert Path(weights.official("ppocr_mobile_v2.0_cls")).read_bytes() == good


def test_unknown_name_lists_the_official_ones():
    with pytest.raises(WeightsError, match="PP-OCRv3_det.*PP-OCRv3_rec.*PP-OCRv4_det.*PP-OCRv4_rec.*ppocr_mobile_v2.0_cls"):
        weights.official("PP-OCRv5_det")


def test_truncated_weight_file_is_a_clear_error(tmp_path):
    data = Path(weights.official("ppocr_mobile_v2.0_cls")).read_bytes()
    bad = tmp_path / "cls.pdparams"
    bad.write_bytes(data[: len(data) // 2])
    model = weights.build_official_model("ppocr_mobile_v2.0_cls")
    with pytest.raises(WeightsError, match=r"cannot read weights file .*cls\.pdparams.*truncated"):
        weights.load_converted(model, str(bad))


def test_wrong_shaped_weight_file_is_a_clear_error(tmp_path):
    state = paddle.load(weights.official("ppocr_mobile_v2.0_cls"))
    state["head.fc.weight"] = paddle.to_tensor(np.zeros((100, 2), np.float32))
    bad = tmp_path / "cls.pdparams"
    paddle.save(state, str(bad))
    model = weights.build_official_model("ppocr_mobile_v2.0_cls")
    with pytest.raises(WeightsError, match=r"shape mismatches.*head\.fc\.weight: file \[100, 2\], model \[200, 2\]"):
        weights.load_converted(model, str(bad))


def test_missing_and_unexpected_keys_are_errors(tmp_path):
    state = paddle.load(weights.official("ppocr_mobile_v2.0_cls"))
    state["head.fc.extra"] = state.pop("head.fc.bias")
    bad = tmp_path / "cls.pdparams"
    paddle.save(state, str(bad))
    model = weights.build_official_model("ppocr_mobile_v2.0_cls")
    with pytest.raises(WeightsError, match=r"missing keys \['head\.fc\.bias'\].*unexpected keys \['head\.fc\.extra'\]"):
        weights.load_converted(model, str(bad))


def test_cli_lists_cache_with_sha256(capsys):
    weights.official("ppocr_mobile_v2.0_cls")
    assert cli.main(["weights"]) == 0
    out = capsys.readouterr().out
    assert str(weights.cache_dir()) in out
    line = next(row for row in out.splitlines() if row.endswith("ppocr_mobile_v2.0_cls.pdparams"))
    assert line.split()[0] == cache.sha256_of(weights.official("ppocr_mobile_v2.0_cls"))


def test_cli_on_empty_cache_says_how_to_prepare(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OCRCOURSE_HOME", str(tmp_path))
    assert cli.main(["weights"]) == 0
    assert "ocrcourse weights --prepare" in capsys.readouterr().out


def test_cli_prepare_prints_the_conversion_reports(capsys):
    assert cli.main(["weights", "--prepare"]) == 0
    out = capsys.readouterr().out
    assert "PP-OCRv3_det: 288 tensors loaded" in out and "13 not in the inference graph" in out
    assert "PP-OCRv3_rec: 196 tensors loaded" in out and "'conv2d': 37" in out
    assert "ppocr_mobile_v2.0_cls: 213 tensors loaded" in out
    assert "PP-OCRv4_det: 234 tensors loaded" in out and "'conv2d (fused by rep)': 233" in out
    assert "PP-OCRv4_rec: 234 tensors loaded" in out
    assert "ppocr_keys_v1.txt" in out
