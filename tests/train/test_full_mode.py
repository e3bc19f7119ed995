"""Full mode on a CPU (issue #17): the step cap OCRCOURSE_MAX_STEPS stops every Trainer in full mode and
never in quick mode, and a full config — 960 crops, batch 8, MobileNetV3 large — trains under it with
the GPU-sized data loader: 2 worker processes passing batches through shared memory."""
from __future__ import annotations

import pytest

from smoke import config, data_overrides, tiny_data

FULL_DET = "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tiny_data(tmp_path_factory.mktemp("train_data"))


def test_quick_mode_ignores_the_cap(data, tmp_path, monkeypatch):
    from ocrcourse.train import Trainer

    monkeypatch.setenv("OCRCOURSE_MODE", "quick")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "1")
    cfg = config("configs/cls/cls_mv3_quick.yml", *data_overrides(data, "cls"), "Train.loader.batch_size_per_card=8",
                 "Train.loader.num_workers=0", "Global.epoch_num=1", "Global.max_steps=3",
                 "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={tmp_path}")
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(progress=False)
    assert trainer.max_steps() == 3 and history["step"].max() == 3
    assert "eval_acc" not in history.columns                       # quick mode keeps the eval schedule


def test_full_config_trains_capped_with_worker_processes_and_shared_memory(data, tmp_path, monkeypatch):
    from ocrcourse.train import Trainer

    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "2")
    cfg = config(FULL_DET, *data_overrides(data, "det"), "Train.loader.num_workers=2",
                 "Train.loader.use_shared_memory=true", "Eval.loader.num_workers=2",
                 "Global.epoch_num=50", f"Global.save_model_dir={tmp_path}", "Global.pretrained_model=",
                 "Eval.dataset.ratio_list=[0.5]")
    assert cfg["Train"]["dataset"]["transforms"][3]["EastRandomCropData"]["size"] == [960, 960]
    assert cfg["Train"]["loader"]["batch_size_per_card"] == 8 and cfg["Global"]["eval_batch_step"][1] > 2
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(progress=False)
    assert history["step"].max() == 2 and history["loss"].notna().all()
    assert "eval_hmean" in history.columns                          # evaluated once, at the capped last step
    assert (tmp_path / "latest.pdparams").is_file()


def test_batch_cap_shrinks_the_training_batch_in_full_mode_only(data, tmp_path, monkeypatch, caplog):
    from ocrcourse.train import Trainer

    cfg = config("configs/cls/cls_mv3_quick.yml", *data_overrides(data, "cls"), "Train.loader.batch_size_per_card=8",
                 "Train.loader.num_workers=0", "Global.epoch_num=1", "Global.max_steps=1",
                 "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={tmp_path}")
    monkeypatch.setenv("OCRCOURSE_MAX_BATCH", "3")
    monkeypatch.setenv("OCRCOURSE_MODE", "quick")
    assert Trainer.from_config(cfg).train_loader.batch_sampler.batch_size == 8
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    with caplog.at_level("INFO", logger="ocrcourse"):
        trainer = Trainer.from_config(cfg)
    assert trainer.train_loader.batch_sampler.batch_size == 3
    assert "OCRCOURSE_MAX_BATCH caps the training batch at 3 per card (asked: 8)" in caplog.text
    assert cfg["Train"]["loader"]["batch_size_per_card"] == 8        # the caller's config is left alone
    history = trainer.fit(progress=False)
    assert history["step"].max() == 1
