"""DSR (PP-OCRv4 det, the shrink ratio growing 0.4 -> 0.6 over training) as PaddleOCR 2.10 runs it: its trainer
hands the epoch to neither the model nor the loss (tools/program.py: `model(images, data=batch[1:])`,
`loss_class(preds, batch)`), and its label ops get only their YAML keys plus Global, which has no `epoch`; so
MakeShrinkMap / MakeBorderMap keep 0.4 although the v4 configs give total_epoch. Our trainer does the same
(nothing to pass); these tests hold the reference and us to it, and check the schedule when an epoch is given."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ocrcourse.config import load_config
from ocrcourse.data import create_operators
from ocrcourse.data.transforms.db_targets import MakeBorderMap, MakeShrinkMap
from reference import paddleocr_root, ppocr_module

REPO = Path(__file__).resolve().parents[2]
V4_DET = REPO / "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student.yml"


def test_paddleocr_trainer_passes_no_epoch_to_model_or_loss():
    src = (paddleocr_root() / "tools" / "program.py").read_text(encoding="utf-8")
    calls = re.findall(r"(?:preds = model|loss = loss_class)\(([^\n]*)\)", src)
    assert len(calls) >= 6 and not any("epoch" in args for args in calls)
    ops_src = (paddleocr_root() / "ppocr" / "data" / "imaug" / "__init__.py").read_text(encoding="utf-8")
    assert "param.update(global_config)" in ops_src and "epoch" not in ops_src


@pytest.mark.parametrize("name, ours", [("MakeShrinkMap", MakeShrinkMap), ("MakeBorderMap", MakeBorderMap)])
def test_v4_det_targets_keep_the_base_ratio_as_paddleocr(name, ours):
    cfg = load_config(V4_DET)
    params = next(entry[name] for entry in cfg["Train"]["dataset"]["transforms"] if name in entry)
    assert params["total_epoch"] == 500 and "epoch" not in cfg["Global"]
    module = "make_shrink_map" if name == "MakeShrinkMap" else "make_border_map"
    reference = getattr(ppocr_module(f"ppocr/data/imaug/{module}.py"), name)
    ref_op = reference(**{**params, **cfg["Global"]})                 # PaddleOCR's create_operators
    our_op = next(op for op in create_operators(cfg["Train"]["dataset"]["transforms"], cfg["Global"])
                  if isinstance(op, ours))
    assert our_op.shrink_ratio == ref_op.shrink_ratio == 0.4
    for epoch in (0, 125, 500):                                      # the schedule, had an epoch been passed
        expected = reference(shrink_ratio=0.4, epoch=epoch, total_epoch=500).shrink_ratio
        assert ours(shrink_ratio=0.4, epoch=epoch, total_epoch=500).shrink_ratio == pytest.approx(expected)
    assert expected == pytest.approx(0.6)
