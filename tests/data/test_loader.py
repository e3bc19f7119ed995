"""build_dataloader: a small det config -> batches in KeepKeys order."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocrcourse.data import build_dataloader
from ocrcourse.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


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


# Run in a child process with a timeout: before the guard, Paddle's loader thread died on the
# exception and the loop waited forever for the next batch.
_THIRD_SAMPLE_RAISES = """
import json, sys
import numpy as np, paddle
from ocrcourse.data import build_dataloader
from ocrcourse.errors import DataError

class ThirdSampleRaises(paddle.io.Dataset):
    def __len__(self):
        return 6
    def __getitem__(self, i):
        if i == 2:
            raise ValueError("sample two is broken")
        return [np.full((2,), i, "float32")]

cfg = {"Train": {"loader": {"batch_size_per_card": 1, "shuffle": False, "num_workers": int(sys.argv[1])}}}
loader = build_dataloader(cfg, "Train", dataset=ThirdSampleRaises())
for epoch in range(2):                                  # the loader stays usable after the error
    seen = []
    try:
        for (x,) in loader:
            seen.append(int(x.numpy()[0, 0]))
        print(json.dumps({"seen": seen, "error": None}))
    except DataError as err:
        print(json.dumps({"seen": seen, "error": str(err), "cause": repr(err.__cause__)}))
"""


@pytest.mark.parametrize("workers", [0, 1])
def test_a_sample_that_raises_stops_the_loop_with_its_error(workers):
    run = subprocess.run([sys.executable, "-c", _THIRD_SAMPLE_RAISES, str(workers)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    epochs = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert len(epochs) == 2
    for epoch in epochs:
        assert epoch["error"] is not None, "the loop ended normally although sample 2 raised"
        assert epoch["error"].startswith("Train data: dataset[2] raised ValueError: sample two is broken")
        assert epoch["seen"] == [0, 1][:len(epoch["seen"])]          # only batches before it, in order
    if workers == 0:                                                 # same process: the exception itself
        assert all(e["seen"] == [0, 1] and "sample two is broken" in e["cause"] for e in epochs)


def test_guarded_loader_keeps_the_dataset_and_batches(tmp_path):
    loader = build_dataloader(_config(tmp_path), "Train", seed=0)
    assert loader.dataset.dataset.__class__.__name__ == "SimpleDataSet"
    assert len(iter(loader)) == len(loader) == 2


_WIDTHS_DIFFER = """
import json, sys
import numpy as np, paddle
from ocrcourse.data import build_dataloader
from ocrcourse.errors import DataError

class OwnWidths(paddle.io.Dataset):          # like RecResizeImg eval_mode: a long line gets its own width
    def __len__(self):
        return 4
    def __getitem__(self, i):
        return [np.zeros((3, 8, 16 if i < 3 else 40), "float32"), np.int64(i)]

cfg = {"Eval": {"loader": {"batch_size_per_card": 2, "shuffle": False, "num_workers": int(sys.argv[1])}}}
seen = []
try:
    for x, i in build_dataloader(cfg, "Eval", dataset=OwnWidths()):
        seen.append(i.numpy().tolist())
    print(json.dumps({"seen": seen, "error": None}))
except DataError as err:
    print(json.dumps({"seen": seen, "error": str(err)}))
"""


@pytest.mark.parametrize("workers", [0, 1])
def test_a_batch_that_cannot_be_stacked_stops_with_the_shapes_not_a_hang(workers):
    run = subprocess.run([sys.executable, "-c", _WIDTHS_DIFFER, str(workers)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    (result,) = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert result["seen"] == [[0, 1]]
    assert result["error"].startswith("Eval data: a batch of 2 samples cannot be stacked: field 0 has shapes")
    assert "(3, 8, 16), (3, 8, 40)" in result["error"] and "batch_size_per_card: 1" in result["error"]
