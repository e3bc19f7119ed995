"""The thin scripts in data_scripts/: they run, convert, and fail fast and clearly when offline."""
from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "data_scripts"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"_script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _zip(path: Path, files: dict) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_icdar2015_from_local_zips(tmp_path):
    zips = tmp_path / "zips"
    zips.mkdir()
    gt = "\ufeff1,1,20,1,20,9,1,9,Hi\n2,2,8,2,8,8,2,8,###\n"
    _zip(zips / "ch4_training_images.zip", {"img_1.jpg": b"x", "img_2.jpg": b"y"})
    _zip(zips / "ch4_training_localization_transcription_gt.zip", {"gt_img_1.txt": gt, "gt_img_2.txt": gt})
    _zip(zips / "ch4_test_images.zip", {"img_1.jpg": b"z"})
    _zip(zips / "Challenge4_Test_Task1_GT.zip", {"gt_img_1.txt": gt})
    out = tmp_path / "icdar2015"
    assert _script("download_icdar2015").main(["--zips", str(zips), "--out", str(out)]) == 0
    train = (out / "train_icdar2015_label.txt").read_text(encoding="utf-8").splitlines()
    assert [l.split("\t")[0] for l in train] == ["icdar_c4_train_imgs/img_1.jpg", "icdar_c4_train_imgs/img_2.jpg"]
    assert json.loads(train[0].split("\t")[1])[1]["transcription"] == "###"
    assert (out / "ch4_test_images" / "img_1.jpg").is_file()
    assert _script("download_icdar2015").main(["--zips", str(zips), "--out", str(out)]) == 1   # no --force


def test_icdar2015_without_zips_explains_and_fails(monkeypatch, capsys):
    mod = _script("download_icdar2015")
    monkeypatch.setattr(mod, "_reachable", lambda *a, **k: False)
    assert mod.main([]) == 1
    err = capsys.readouterr().err
    assert "register" in err and "--zips" in err


def test_official_weights_offline_fails_fast(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("OCRCOURSE_HOME", str(tmp_path))
    mod = _script("download_official_weights")
    monkeypatch.setattr(mod, "_reachable", lambda *a, **k: False)
    assert mod.main([]) == 1
    err = capsys.readouterr().err
    assert "offline" in err and "--wheel" in err
    assert mod.main(["--wheel", str(tmp_path / "nope.whl")]) == 1


@pytest.mark.parametrize("script,args", [("convert_icdar2015", ["--gt-dir", "{tmp}/missing", "--out", "{tmp}/o.txt"]),
                                         ("split_ppocrlabel", ["{tmp}/missing", "--out", "{tmp}/o"]),
                                         ("convert_mmocr", ["{tmp}/missing.json", "--out", "{tmp}/o.txt"])])
def test_converter_scripts_report_errors(script, args, tmp_path, capsys):
    args = [a.format(tmp=tmp_path) for a in args]
    if script == "convert_mmocr":
        (tmp_path / "missing.json").write_text("{not json")
    assert _script(script).main(args) == 1
    assert "error:" in capsys.readouterr().err


def test_make_synthetic_script(tmp_path):
    out = tmp_path / "s"
    assert _script("make_synthetic").main(["--out", str(out), "--det", "1", "1", "--rec", "1", "1",
                                           "--cls", "1", "1"]) == 0
    assert (out / "rec" / "train.txt").read_text(encoding="utf-8").count("\n") == 1


def test_check_synthetic_with_official_models(tmp_path, capsys):
    from ocrcourse.data.synth import build_synthetic_dataset
    from ocrcourse.weights import cache

    needed = ("PP-OCRv3_det.pdparams", "PP-OCRv3_rec.pdparams", "ppocr_mobile_v2.0_cls.pdparams")
    if not all((cache.cache_dir() / name).is_file() for name in needed):
        pytest.skip("official weights not prepared (make weights)")
    build_synthetic_dataset(tmp_path / "s", {"det": (1, 2), "rec": (1, 6), "cls": (1, 6)}, seed=0)
    result = _script("check_synthetic").check(tmp_path / "s", 2, 6)
    assert set(result) == {"det", "rec_accuracy", "cls_accuracy"}
    assert result["det"]["hmean"] > 0.5 and result["rec_accuracy"] >= 0.5 and result["cls_accuracy"] >= 0.5
