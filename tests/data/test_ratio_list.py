"""ratio_list < 1: a new random subset every epoch, seeded with the epoch as PaddleOCR's rebuilt loader."""
from __future__ import annotations

import random

import numpy as np
import paddle

from ocrcourse.data import SimpleDataSet


def _label_file(tmp_path, n=40):
    path = tmp_path / "train.txt"
    path.write_text("".join(f"img_{i}.png\tword{i}\n" for i in range(n)), encoding="utf-8")
    return path


def _paddleocr_lines(path, ratio, seed):
    """PaddleOCR SimpleDataSet: random.seed(seed); random.sample(lines, round(n * ratio)); then, with
    shuffle in training, random.seed(seed); random.shuffle(lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    random.seed(seed)
    lines = random.sample(lines, round(len(lines) * ratio))
    random.seed(seed)
    random.shuffle(lines)
    return [line.split("\t")[0] for line in lines]


def test_resample_draws_paddleocrs_subset_for_each_epoch(tmp_path):
    path = _label_file(tmp_path)
    ds = SimpleDataSet(data_dir=str(tmp_path), label_file_list=[str(path)], ratio_list=[0.25], transforms=[],
                       seed=1, shuffle=True)
    assert ds.need_reset and len(ds) == 10
    subsets = []
    for epoch in (1, 2, 3):
        ds.resample(epoch)
        names = [s[0] for s in ds.samples]
        assert names == _paddleocr_lines(path, 0.25, epoch)
        subsets.append(set(names))
    assert len(ds) == 10 and subsets[0] != subsets[1] != subsets[2]
    full = SimpleDataSet(data_dir=str(tmp_path), label_file_list=[str(path)], ratio_list=1.0, transforms=[], seed=1)
    assert not full.need_reset


class _Lines(paddle.io.Dataset):
    """A dataset with SimpleDataSet's ratio_list interface whose samples are the line numbers."""

    def __init__(self, n=40, ratio=0.25):
        super().__init__()
        self.n, self.ratio, self.need_reset, self.seeds = n, ratio, True, []
        self.resample(None)

    def resample(self, seed):
        self.seeds.append(seed)
        self.samples = random.Random(seed).sample(range(self.n), round(self.n * self.ratio))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return np.array([self.samples[i]], "float32"), np.array([0.0], "float32")


def test_fit_draws_a_new_subset_every_epoch():
    from ocrcourse.data.loader import _Collate, _GuardedDataLoader, _SampleGuard
    from ocrcourse.train.loop import fit

    ds = _Lines()
    guard = _SampleGuard(ds, "Train")
    loader = _GuardedDataLoader(guard, batch_size=5, collate_fn=_Collate(guard), return_list=True)
    model = paddle.nn.Linear(1, 1)
    opt = paddle.optimizer.SGD(learning_rate=0.0, parameters=model.parameters())
    seen = {}

    def loss(preds, batch):
        seen.setdefault(len(ds.seeds) - 1, set()).update(batch[0].numpy().ravel().astype(int).tolist())
        return {"loss": (preds * 0).sum()}

    fit(model, loader, loss, opt, epochs=3, progress=False)
    assert ds.seeds == [None, 1, 2, 3]                 # built once, then one draw per epoch
    assert [seen[e] == set(random.Random(e).sample(range(40), 10)) for e in (1, 2, 3)] == [True] * 3
    assert seen[1] != seen[2] != seen[3]
