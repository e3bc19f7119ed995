"""Trainer wiring that PaddleOCR's tools/train.py does: head sizes from the dictionary (facts §4.4:
CTC = characters + space + blank, SAR = CTC + 2, SAR padding = CTC + 1), Global keys, AMP on CPU."""
from __future__ import annotations

import logging

from ocrcourse.postprocess import build_postprocess
from ocrcourse.train.amp import setup_amp
from ocrcourse.train.trainer import _check_global, wire_dictionary_size

from smoke import config


def _dict(tmp_path, n=10):
    path = tmp_path / "dict.txt"
    path.write_text("".join(f"{c}\n" for c in "abcdefghijklmnopqrstuvwxyz"[:n]), encoding="utf-8")
    return str(path)


def test_rec_head_sizes_follow_the_dictionary(tmp_path):
    d = _dict(tmp_path)                          # 10 characters + space + blank = 12 CTC classes
    for rel in ("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec.yml", "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation.yml"):
        cfg = config(rel, f"Global.character_dict_path={d}")
        arch, _ = wire_dictionary_size(cfg, build_postprocess(cfg["PostProcess"], cfg["Global"]))
        heads = [m["Head"] for m in arch["Models"].values()] if "Models" in arch else [arch["Head"]]
        assert [h["out_channels"] for h in heads] == [12] * len(heads)
        assert "out_channels" not in (cfg["Architecture"].get("Head") or {})          # config untouched

    cfg = config("configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation.yml", f"Global.character_dict_path={d}")
    arch, loss = wire_dictionary_size(cfg, build_postprocess(cfg["PostProcess"], cfg["Global"]))
    for sub in arch["Models"].values():
        assert sub["Head"]["out_channels_list"] == {"CTCLabelDecode": 12, "SARLabelDecode": 14}
    sar = [e["DistillationSARLoss"] for e in loss["loss_config_list"] if "DistillationSARLoss" in e]
    assert sar[0]["ignore_index"] == 13


def test_det_and_cls_heads_are_left_alone():
    for rel in ("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml", "configs/cls/cls_mv3.yml"):
        cfg = config(rel)
        arch, loss = wire_dictionary_size(cfg, build_postprocess(cfg["PostProcess"], cfg["Global"]))
        assert arch == cfg["Architecture"] and loss == cfg["Loss"]


def test_official_global_keys_are_accepted_and_unknown_ones_logged(caplog):
    g = config("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml")["Global"]
    with caplog.at_level(logging.INFO, logger="ocrcourse"):
        _check_global(g)                                   # use_gpu, infer_img, d2s_train_image_shape ...
        assert "ignored" not in caplog.text
        _check_global({**g, "my_typo_key": 1})
    assert "my_typo_key" in caplog.text


def test_use_amp_is_a_logged_no_op_on_cpu(caplog):
    model, opt = object(), object()
    with caplog.at_level(logging.INFO, logger="ocrcourse"):
        assert setup_amp({"use_amp": True}, model, opt, on_device="cpu") == (model, opt, None)
    assert "use_amp" in caplog.text
    assert setup_amp({"use_amp": False}, model, opt) == (model, opt, None)
