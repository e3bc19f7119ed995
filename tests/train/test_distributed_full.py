"""`paddle.distributed.launch` with 2 CPU processes on tools/train.py and the *full* cls config in full
mode: the step cap OCRCOURSE_MAX_STEPS reaches every rank (the launcher passes the environment on),
the run stops after 1 step, evaluates at that step and only rank 0 writes. The batch is cut from the
config's 512 to 8 because the tiny data set holds 24 crops; image shape, model and transforms stay full."""
from __future__ import annotations

import os

from smoke import REPO, data_overrides, tiny_data
from test_distributed import _launch


def test_full_config_under_the_launcher_with_the_step_cap(tmp_path, monkeypatch):
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "1")
    data = tiny_data(tmp_path / "train_data")
    out = tmp_path / "out"
    _launch(REPO / "tools" / "train.py", "-c", REPO / "configs/cls/cls_mv3.yml", "-o", *data_overrides(data, "cls"),
            "Train.loader.batch_size_per_card=8", "Eval.loader.batch_size_per_card=8", "Train.loader.num_workers=0",
            "Eval.loader.num_workers=0", f"Global.save_model_dir={out}", log_dir=tmp_path / "log")
    history = (out / "history.csv").read_text().splitlines()
    header = history[0].split(",")
    assert len(history) == 2 and history[1].split(",")[header.index("step")] == "1"   # 1 step, not 100 epochs
    assert "eval_acc" in header                                                     # evaluated at the capped step
    worker_logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "log").glob("workerlog.*"))
    assert worker_logs.count("OCRCOURSE_MAX_STEPS caps training at 1 steps") == 2   # both ranks capped
    assert not [n for n in os.listdir(out) if ".tmp" in n]
