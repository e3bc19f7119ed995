"""Full mode's det data (data/full_data.py): a tiny ICDAR2015-layout fixture is found where the download
script, OCRCOURSE_ICDAR2015_DIR or AI Studio put it, and trains + evaluates; without it the large
synthetic set is built (here with tiny sizes) and used. Both runs are full mode with the step cap."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import pytest

from ocrcourse.data import full_data
from ocrcourse.data.converters import convert_icdar2015

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
from smoke import REPO  # noqa: E402

STUDENT = "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml"


def _icdar_fixture(folder: Path) -> Path:
    """PaddleOCR's ICDAR2015 layout, built from gt_img_N.txt files by the real converter (BOM included)."""
    import numpy as np

    from ocrcourse.data.synth import make_det_scene

    rng = np.random.default_rng(0)
    for split, images, n in (("train", "icdar_c4_train_imgs", 2), ("test", "ch4_test_images", 1)):
        (folder / images).mkdir(parents=True)
        gt_dir = folder.parent / f"gt_{split}"
        gt_dir.mkdir()
        for i in range(1, n + 1):
            img, labels = make_det_scene(rng, size=(320, 320))
            cv2.imwrite(str(folder / images / f"img_{i}.jpg"), img)
            rows = [",".join(str(int(v)) for p in box["points"][:4] for v in p) + "," + box["transcription"]
                    for box in labels if len(box["points"]) == 4]
            (gt_dir / f"gt_img_{i}.txt").write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")
        convert_icdar2015(gt_dir, folder / f"{split}_icdar2015_label.txt", image_prefix=f"{images}/",
                          image_dir=folder / images)
    return folder


def _train_and_eval(data, out: Path, monkeypatch) -> tuple:
    """Full mode, cap 1 step, a small det model: train on `data` and evaluate on its eval split."""
    from ocrcourse.config import load_config
    from ocrcourse.train import Trainer

    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "1")
    cfg = load_config(REPO / STUDENT, [*data.overrides(), "Architecture.Backbone.model_name=small",
                                       "Architecture.Backbone.scale=0.35", "Global.epoch_num=3",
                                       "Train.dataset.transforms.3.EastRandomCropData.size=[96,96]",
                                       "Train.loader.batch_size_per_card=1", "Train.loader.num_workers=0",
                                       "Eval.dataset.transforms.2.DetResizeForTest.limit_side_len=128",
                                       "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={out}"])
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(progress=False)
    return history, trainer.evaluate(), trainer


def test_icdar_layout_found_under_the_data_root_and_trained(tmp_path, monkeypatch):
    monkeypatch.delenv("OCRCOURSE_ICDAR2015_DIR", raising=False)
    root = tmp_path / "train_data"
    folder = _icdar_fixture(root / "icdar2015" / "text_localization")
    data = full_data.det_dataset_for_full_mode(root, build=False, aistudio=str(tmp_path / "no_aistudio"))
    assert data.label == "ICDAR2015" and Path(data.data_dir) == folder
    assert not (root / "synth_full").exists()                     # nothing synthetic was built
    history, metrics, trainer = _train_and_eval(data, tmp_path / "out", monkeypatch)
    assert history["step"].max() == 1                             # the step cap, not epoch_num=3 x 2 images
    assert "eval_hmean" in history.columns                        # under the cap, the run still evaluates
    assert len(trainer.eval_loader.dataset) == 1 and {"precision", "recall", "hmean"} <= set(metrics)


def test_icdar_found_by_env_and_on_aistudio(tmp_path, monkeypatch):
    folder = _icdar_fixture(tmp_path / "aistudio" / "data12345" / "icdar2015" / "text_localization")
    monkeypatch.delenv("OCRCOURSE_ICDAR2015_DIR", raising=False)
    found = full_data.find_icdar2015(tmp_path / "empty_root", aistudio=str(tmp_path / "aistudio"))
    assert found is not None and Path(found.data_dir) == folder and found.label == "ICDAR2015"
    monkeypatch.setenv("OCRCOURSE_ICDAR2015_DIR", str(folder))
    assert Path(full_data.find_icdar2015(tmp_path / "empty_root", aistudio="/nonexistent").data_dir) == folder
    monkeypatch.setenv("OCRCOURSE_ICDAR2015_DIR", str(tmp_path))    # a wrong folder is an error, not a fallback
    with pytest.raises(FileNotFoundError, match="OCRCOURSE_ICDAR2015_DIR"):
        full_data.find_icdar2015(tmp_path / "empty_root", aistudio="/nonexistent")


def test_without_icdar_the_large_synthetic_set_is_built_and_trained(tmp_path, monkeypatch):
    monkeypatch.delenv("OCRCOURSE_ICDAR2015_DIR", raising=False)
    monkeypatch.setattr(full_data, "FULL_DET_SIZES", {"det": (3, 2), "rec": (0, 0), "cls": (0, 0)})
    root = tmp_path / "train_data"
    with pytest.raises(FileNotFoundError, match="make data FULL=1"):
        full_data.det_dataset_for_full_mode(root, build=False, aistudio="/nonexistent")
    data = full_data.det_dataset_for_full_mode(root, aistudio="/nonexistent")
    assert data.label == "synthetic (large)"
    assert len(Path(data.train_label).read_text().splitlines()) == 3
    assert json.loads((root / "synth_full" / ".stamp.json").read_text())["sizes"]["det"] == [3, 2]
    history, metrics, trainer = _train_and_eval(data, tmp_path / "out", monkeypatch)
    assert history["step"].max() == 1 and len(trainer.eval_loader.dataset) == 2 and "hmean" in metrics


def test_prepare_data_full_builds_the_large_set(tmp_path, monkeypatch, capsys):
    """`make data FULL=1` = `ocrcourse prepare-data --full`: synth_tiny, synth and synth_full/det."""
    import argparse

    from ocrcourse.commands import prepare_data
    from ocrcourse.data import synth

    monkeypatch.setattr(full_data, "FULL_DET_SIZES", {"det": (2, 1), "rec": (0, 0), "cls": (0, 0)})
    monkeypatch.setattr(synth, "DEFAULT_SIZES", {"det": (1, 1), "rec": (1, 1), "cls": (1, 1)})
    parser = argparse.ArgumentParser()
    prepare_data.add_arguments(parser)
    assert prepare_data.run(parser.parse_args(["--root", str(tmp_path), "--full"])) == 0
    assert len((tmp_path / "synth_full" / "det" / "eval.txt").read_text().splitlines()) == 1
    assert "synth_full" in capsys.readouterr().out
