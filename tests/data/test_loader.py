"""build_dataloader: a small det config -> batches in KeepKeys order."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from ocrcourse.data import build_dataloader
from ocrcourse.errors import ConfigError


def _config(tmp_path, batch=2, loader_extra=None):
    (tmp_path / "images").mkdir(exist_ok=True)
    lines = []
    for k in range(5):
        img = np.full((64, 96, 3), 255, np.uint8)
        cv2.rectangle(img, (10, 10), (60, 30), (0, 0, 0), -1)
        cv2.imwrite(str(tmp_path / "images" / f"{k}.jpg"), img)
        label = [{"transcription": "word", "points": [[10, 10], [60, 10], [60, 30], [10, 30]]}]
        lines.append(f"images/{k}.jpg\t{json.dumps(label)}\n")
    (tmp_path / "train.txt").write_text("".join(lines))
    transforms = [{"DecodeImage": {"img_mode": "BGR", "channel_first": False}}, {"DetLabelEncode": None},
                  {"EastRandomCropData": {"size": [64, 64], "max_tries": 10, "keep_ratio": True}},
                  {"MakeBorderMap": {"shrink_ratio": 0.4, "thresh_min": 0.3, "thresh_max": 0.7}},
                  {"MakeShrinkMap": {"shrink_ratio": 0.4, "min_text_size": 8}},
                  {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406],
                                      "std": [0.229, 0.224, 0.225], "order": "hwc"}},
                  {"ToCHWImage": None},
                  {"KeepKeys": {"keep_keys": ["image", "threshold_map", "threshold_mask", "shrink_map", "shrink_mask"]}}]
    loader = {"shuffle": True, "drop_last": True, "batch_size_per_card": batch, "num_workers": 0, **(loader_extra or {})}
    return {"Global": {"use_gpu": False},
            "Train": {"dataset": {"name": "SimpleDataSet", "data_dir": str(tmp_path),
                                  "label_file_list": [str(tmp_path / "train.txt")], "ratio_list": [1.0],
                                  "transforms": transforms}, "loader": loader}}


def test_batches_follow_keep_keys(tmp_path):
    loader = build_dataloader(_config(tmp_path), "Train", seed=0)
    batches = list(loader)
    assert len(batches) == 2                                   # 5 samples, batch 2, drop_last
    image, threshold_map, threshold_mask, shrink_map, shrink_mask = batches[0]
    assert list(image.shape) == [2, 3, 64, 64]
    assert list(threshold_map.shape) == list(shrink_mask.shape) == [2, 64, 64]
    assert float(shrink_map.sum()) > 0


def test_loader_config_mistakes(tmp_path):
    with pytest.raises(ConfigError, match="batch_size"):
        cfg = _config(tmp_path)
        del cfg["Train"]["loader"]["batch_size_per_card"]
        build_dataloader(cfg, "Train")
    with pytest.raises(ConfigError, match="valid keys"):
        build_dataloader(_config(tmp_path, loader_extra={"batchsize": 3}), "Train")
    with pytest.raises(ConfigError, match="Eval"):
        build_dataloader(_config(tmp_path), "Eval")
