"""Multi-scale rec training (PP-OCRv4): MultiScaleSampler's batch plan against paddleocr 2.10's
multi_scale_sampler.py, and batches of the loader built from a YAML with `sampler: MultiScaleSampler`."""
from __future__ import annotations

import collections
import random

import cv2
import numpy as np
import pytest

from ocrcourse.data import build_dataloader
from ocrcourse.data.multi_scale import MultiScaleSampler, batch_scales
from ocrcourse.data.transforms.rec_resize import resize_norm_img
from reference import ppocr_module

SYNTH = "train_data/synth/rec"


class _Source:
    """What both samplers read from a dataset."""

    def __init__(self, n, ds_width=False, seed=None):
        self.n, self.ds_width, self.seed = n, ds_width, seed
        self.data_idx_order_list = list(range(n))
        self.wh_ratio = np.random.default_rng(0).uniform(1, 12, n)
        self.wh_ratio_sort = np.argsort(self.wh_ratio)

    def __len__(self):
        return self.n


def test_batch_sizes_keep_the_pixels_per_batch():
    assert batch_scales([[320, 32], [320, 48], [320, 64]], 128, fix_bs=False) == [(320, 32, 128), (320, 48, 85),
                                                                                  (320, 64, 64)]
    assert batch_scales([[330, 50]], 16, fix_bs=True, divided_factor=[8, 16]) == [(328, 48, 16)]


@pytest.mark.parametrize("n, first_bs, fix_bs", [(300, 16, False), (100, 32, True), (7, 4, False)])
def test_plan_matches_paddleocr(n, first_bs, fix_bs):
    scales = [[320, 32], [320, 48], [320, 64]]
    random.seed(0)
    ref = ppocr_module("ppocr/data/multi_scale_sampler.py").MultiScaleSampler(
        _Source(n), scales, first_bs=first_bs, fix_bs=fix_bs, divided_factor=[8, 16])
    ours = MultiScaleSampler(_Source(n, seed=3), scales, first_bs=first_bs, fix_bs=fix_bs, divided_factor=[8, 16])
    shape = lambda batch: (batch[0][0], batch[0][1], len(batch))     # noqa: E731
    assert collections.Counter(map(shape, ours)) == collections.Counter(map(shape, ref.batchs_in_one_epoch))
    assert len(ours) == len(ref)
    seen = [key[2] for batch in ours for key in batch]
    assert set(seen) == set(range(n))                                # every sample at least once per epoch
    first = [batch[0] for batch in ours]
    ours.set_epoch(1)
    assert [batch[0] for batch in ours] != first or len(ours) < 3     # a new batch order per epoch


def test_ds_width_groups_similar_lines():
    src = _Source(60, ds_width=True)
    ref = ppocr_module("ppocr/data/multi_scale_sampler.py").MultiScaleSampler(src, [[320, 32], [320, 48]], first_bs=8,
                                                                             fix_bs=True, divided_factor=[8, 16])
    ours = MultiScaleSampler(src, [[320, 32], [320, 48]], first_bs=8, fix_bs=True, divided_factor=[8, 16])
    # both cut the ratio-sorted lines into consecutive runs; a batch's ratio is its mean (capped at max_w / h)
    for batches in (ours, ref.batchs_in_one_epoch):
        for batch in batches:
            ids = [k[2] for k in batch]
            if all(b == a + 1 or b == 0 for a, b in zip(ids, ids[1:])):      # a run (the last one topped up)
                mean = src.wh_ratio[src.wh_ratio_sort[ids]].mean()
                assert batch[0][3] == pytest.approx(min(mean, 480.0 / batch[0][1]))
            else:
                raise AssertionError(f"batch {ids} is not a run of neighbouring aspect ratios")
    assert len(ours) == len(ref.batchs_in_one_epoch)


def _label_file(tmp_path, n=12, with_wh=False):
    lines = open(f"{SYNTH}/train.txt", encoding="utf-8").read().splitlines()[:n]
    if with_wh:
        out = []
        for line in lines:
            h, w = cv2.imread(f"{SYNTH}/{line.split(chr(9))[0]}").shape[:2]
            out.append(f"{line}\t{w}\t{h}")
        lines = out
    path = tmp_path / "train.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cfg(label_file, ds_width=False):
    return {"Global": {"character_dict_path": f"{SYNTH}/../dict.txt", "use_space_char": True, "max_text_length": 25},
            "Train": {"dataset": {"name": "MultiScaleDataSet", "ds_width": ds_width, "data_dir": f"{SYNTH}/",
                                  "label_file_list": [str(label_file)],
                                  "transforms": [{"DecodeImage": {"img_mode": "BGR", "channel_first": False}},
                                                 {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                                                 {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length",
                                                                             "valid_ratio"]}}]},
                      "sampler": {"name": "MultiScaleSampler", "scales": [[96, 16], [96, 32]], "first_bs": 4,
                                  "fix_bs": False, "divided_factor": [8, 16], "is_training": True},
                      "loader": {"shuffle": True, "batch_size_per_card": 4, "drop_last": True, "num_workers": 0}}}


def test_loader_batches_have_their_own_scale(tmp_path):
    loader = build_dataloader(_cfg(_label_file(tmp_path)), "Train", seed=0)
    shapes = collections.Counter()
    for image, label_ctc, label_gtc, length, valid_ratio in loader:
        shapes[tuple(image.shape)] += 1
        assert float(valid_ratio.max()) <= 1.0 and label_gtc.shape[1] == 25
    assert set(shapes) == {(4, 3, 16, 96), (2, 3, 32, 96)}            # 4 x 16 x 96 px = 2 x 32 x 96 px
    dataset = loader.dataset.dataset
    sample = dataset[(96, 32, 0, None)]
    img = cv2.imread(f"{SYNTH}/{dataset.samples[0][0]}")
    expected, ratio = resize_norm_img(img, (3, 32, 96))
    np.testing.assert_array_equal(sample[0], expected)
    assert sample[4] == ratio


def test_ds_width_widens_the_batch(tmp_path):
    loader = build_dataloader(_cfg(_label_file(tmp_path, with_wh=True), ds_width=True), "Train", seed=0)
    sampler = loader.batch_sampler
    for batch, (image, *_rest) in zip(sampler, loader):
        w, h, _, ratio = batch[0]
        assert image.shape[2] == h and image.shape[3] == h * max(1, int(round(ratio)))
