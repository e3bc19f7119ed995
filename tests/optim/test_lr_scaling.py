"""LR scaling to cards x batch_size_per_card: the rules, the report, the warning and the train hook."""
from __future__ import annotations

import math

import pytest

from ocrcourse.config import load_config
from ocrcourse.errors import ConfigError
from ocrcourse.optim.lr_scaling import (check_lr_scaling, lr_scaling_report, scale_lr, scale_lr_config,
                                        total_batch_size, world_size)

QUICK = "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student_quick.yml"
OFFICIAL = "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student.yml"


def test_rules():
    assert scale_lr(0.001, 64, 8) == pytest.approx(0.000125)              # linear: 1/8 of the batch
    assert scale_lr(0.001, 64, 16, rule="sqrt") == pytest.approx(0.0005)  # sqrt(1/4)
    assert scale_lr(0.001, 64, 64) == 0.001
    with pytest.raises(ConfigError, match="linear.*sqrt"):
        scale_lr(0.001, 64, 8, rule="cubic")
    with pytest.raises(ConfigError, match="positive"):
        scale_lr(0.001, 0, 8)


def test_total_batch_counts_cards(monkeypatch):
    cfg = load_config(OFFICIAL)
    monkeypatch.delenv("PADDLE_TRAINERS_NUM", raising=False)
    assert world_size() == 1 and total_batch_size(cfg) == 8
    monkeypatch.setenv("PADDLE_TRAINERS_NUM", "8")                       # paddle.distributed.launch sets it
    assert total_batch_size(cfg) == 64
    assert lr_scaling_report(cfg)["differs"] is False                   # the official set-up: no warning


def test_warning_names_the_scaled_lr_and_override(capsys, monkeypatch):
    monkeypatch.delenv("PADDLE_TRAINERS_NUM", raising=False)
    report = check_lr_scaling(load_config(QUICK))
    out = capsys.readouterr().out
    assert report["reference_batch"] == 64 and report["total_batch"] == 4
    assert report["scaled"] == pytest.approx(0.001 * 4 / 64)
    assert "tuned for a total batch of 64" in out and "yours is 4" in out
    assert f"-o {report['override']}" in out
    # the printed override, given back to load_config, is the scaled config
    scaled = load_config(QUICK, [report["override"]])
    assert scaled["Optimizer"]["lr"]["learning_rate"] == pytest.approx(report["scaled"])
    assert scale_lr_config(load_config(QUICK))["Optimizer"] == scaled["Optimizer"]


def test_piecewise_values_and_no_reference(capsys):
    cfg = {"Global": {"reference_batch_size": 256}, "Train": {"loader": {"batch_size_per_card": 64}},
           "Optimizer": {"lr": {"name": "Piecewise", "decay_epochs": [700], "values": [1e-3, 1e-4]}}}
    report = lr_scaling_report(cfg, cards=2)
    assert report["scaled"] == pytest.approx([5e-4, 5e-5])
    assert scale_lr_config(cfg, cards=2)["Optimizer"]["lr"]["values"] == pytest.approx([5e-4, 5e-5])
    assert cfg["Optimizer"]["lr"]["values"] == [1e-3, 1e-4]              # the input is not modified
    del cfg["Global"]["reference_batch_size"]
    assert check_lr_scaling(cfg) is None and capsys.readouterr().out == ""
    assert math.isclose(scale_lr(1.0, 128, 512, "sqrt"), 2.0)


def test_train_command_warns_and_auto_scales(monkeypatch, capsys):
    from ocrcourse import cli
    from ocrcourse.train import Trainer

    seen = {}

    def stop(cfg, **kw):
        seen["cfg"] = cfg
        raise KeyboardInterrupt                                          # stop before any training

    monkeypatch.setattr(Trainer, "from_config", classmethod(lambda cls, cfg, **kw: stop(cfg, **kw)))
    monkeypatch.delenv("PADDLE_TRAINERS_NUM", raising=False)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["train", "-c", QUICK])
    assert "yours is 4" in capsys.readouterr().out
    assert seen["cfg"]["Optimizer"]["lr"]["learning_rate"] == 0.001
    with pytest.raises(KeyboardInterrupt):
        cli.main(["train", "-c", QUICK, "-o", "Global.auto_scale_lr=true"])
    assert seen["cfg"]["Optimizer"]["lr"]["learning_rate"] == pytest.approx(0.001 * 4 / 64)
    out = capsys.readouterr().out
    assert "yours is" not in out and "0.001 -> 6.25e-05" in out         # scaled, and said so
