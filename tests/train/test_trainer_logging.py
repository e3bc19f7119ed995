"""Trainer.fit's train.log: INFO lines go to the file even when the caller quietened `ocrcourse`,
the console (root handlers) keeps the caller's level, and the logger is restored after fit."""
from __future__ import annotations

import logging

import pytest

from smoke import config, data_overrides, tiny_data

CLS = "configs/cls/cls_mv3_quick.yml"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.parametrize("caller_level", [logging.WARNING, logging.INFO])
def test_train_log_gets_info_and_console_keeps_the_callers_level(tmp_path, caller_level):
    from ocrcourse.train import Trainer

    data = tiny_data(tmp_path / "data")
    out = tmp_path / "run"
    cfg = config(CLS, *data_overrides(data, "cls"), f"Global.save_model_dir={out}", "Global.epoch_num=1",
                 "Global.max_steps=2", "Global.eval_batch_step=[0,2]", "Train.loader.batch_size_per_card=4")
    package, root = logging.getLogger("ocrcourse"), logging.getLogger()
    console = _Collect()
    old = (package.level, package.propagate, root.level)
    root.addHandler(console)
    root.setLevel(logging.DEBUG)
    package.setLevel(caller_level)
    try:
        Trainer.from_config(cfg).fit(progress=False)
        assert (package.level, package.propagate) == (caller_level, old[1])      # restored
    finally:
        root.removeHandler(console)
        root.setLevel(old[2])
        package.setLevel(old[0])
    text = (out / "train.log").read_text(encoding="utf-8")
    assert "INFO" in text and "eval at step 2" in text
    shown = [r for r in console.records if r.name.startswith("ocrcourse")]
    if caller_level == logging.WARNING:
        assert all(r.levelno >= logging.WARNING for r in shown)
    else:
        assert any(r.levelno == logging.INFO and "eval at step 2" in r.getMessage() for r in shown)
