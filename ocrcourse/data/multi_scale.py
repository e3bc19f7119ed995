"""Multi-scale training for text recognition: every batch has its own input height (and width).

PP-OCRv4's recogniser trains on 320x32, 320x48 and 320x64 lines mixed batch by batch
(`ch_PP-OCRv4_rec.yml`):

    Train:
      dataset: {name: MultiScaleDataSet, ds_width: false, ...}     # no RecResizeImg in transforms
      sampler: {name: MultiScaleSampler, scales: [[320, 32], [320, 48], [320, 64]],
                first_bs: 128, fix_bs: false, divided_factor: [8, 16], is_training: true}

- `MultiScaleSampler` is a batch sampler: it cuts the (per-card) sample indices into batches, the
  scales taken in turn; with `fix_bs: false` a batch of a larger scale holds fewer images so each
  batch has about as many pixels as a `first_bs` batch of the first scale (128 at 32 px, 85 at 48,
  64 at 64). Each batch is a list of `(width, height, index, wh_ratio)` tuples.
- `MultiScaleDataSet[(w, h, idx, ratio)]` runs every transform but the last, resizes the line to
  height h keeping its aspect ratio and pads it to width w (`resize_norm_img`, which also sets
  `valid_ratio`), then runs the last transform (KeepKeys).
- `ds_width: true` (not used by the official v4 config): label lines carry `path<TAB>text<TAB>w<TAB>h`;
  batches hold lines of similar aspect ratio (sorted by w / h) and the width becomes
  h x round(mean w / h of the batch), capped at max_w.

As in PaddleOCR, the images of each batch are drawn once when the sampler is built; every epoch
shuffles the order of the batches. Departures: the per-epoch shuffle is seeded with the epoch
(`set_epoch`, called by the training loop), where PaddleOCR re-seeds with the dataset seed and so
repeats one order every epoch; the first shuffle of the batch list is seeded too (PaddleOCR's is not).
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import random

import numpy as np
import paddle

from ocrcourse.errors import ConfigError, DataError
from .dataset import SimpleDataSet, parse_label_line
from .transforms.rec_resize import resize_norm_img

__all__ = ["MultiScaleDataSet", "MultiScaleSampler", "SAMPLERS", "batch_scales"]


class MultiScaleDataSet(SimpleDataSet):
    """A `SimpleDataSet` read with `(width, height, index, wh_ratio)` keys from `MultiScaleSampler`.

    PP-OCR strategy: multi-scale training (多尺度训练) of the PP-OCRv4 recogniser.

    Args: those of `SimpleDataSet`, plus
        ds_width: group lines of similar aspect ratio (label lines `path\\ttext\\tw\\th`).

    `data[(w, h, idx, ratio)]`: transforms[:-1], the resize to (3, h, w) with valid_ratio, then
    transforms[-1] (KeepKeys). A plain integer index reads the sample without the resize step
    (only useful when the transforms resize by themselves, e.g. an Eval section with RecResizeImg).
    """

    def __init__(self, data_dir: str, label_file_list, transforms: list | None = None, ratio_list=1.0,
                 ext_op_transform_idx: int = 2, delimiter: str = "\t", shuffle: bool = False,
                 seed: int | None = None, mode: str = "train", global_config: dict | None = None,
                 ds_width: bool = False):
        self.ds_width = bool(ds_width)
        self._wh: dict = {}                 # "file:line" -> w / h, read with the lines (ds_width)
        self.seed = seed
        super().__init__(data_dir, label_file_list, transforms, ratio_list, ext_op_transform_idx, delimiter,
                         shuffle, seed, mode, global_config)
        if len(self.ops) < 2:
            raise ConfigError("MultiScaleDataSet: transforms need at least a decode op and a last KeepKeys op; "
                              "the resize runs between the last two")

    def _parse_line(self, path: str, n: int, raw: bytes, checks: list) -> tuple:
        sample = parse_label_line(path, n, raw, self.delimiter, checks)
        if self.ds_width:
            parts = raw.decode("utf-8").rstrip("\r\n").split(self.delimiter)
            try:
                self._wh[sample[2]] = float(parts[2]) / float(parts[3])
            except (IndexError, ValueError, ZeroDivisionError):
                raise DataError(f"{path}:{n}: ds_width: true needs lines 'path\\ttext\\twidth\\theight'") from None
        return sample

    def resample(self, seed: int | None) -> None:
        super().resample(seed)
        if self.ds_width:                    # PaddleOCR's wh_aware(): ratios and their sort order
            self.wh_ratio = np.array([self._wh[where] for _, _, where in self.samples])
            self.wh_ratio_sort = np.argsort(self.wh_ratio)

    def _load(self, k: int, width: int, height: int):
        ext = self._ext_data() if self.ext_data_num else []
        data, problem = self._run(k, self.ops[:-1], ext)
        if data is None:
            return None, problem
        data["image"], data["valid_ratio"] = resize_norm_img(data["image"], (3, height, width))
        return self.ops[-1](data), None

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            return super().__getitem__(int(key))
        width, height, idx, ratio = key
        if self.ds_width and ratio is not None:
            width = height * max(1, int(round(ratio)))
        for _ in range(min(len(self.samples), 1000)):
            k = int(self.wh_ratio_sort[idx]) if self.ds_width and ratio is not None else int(idx)
            data, problem = self._load(k, int(width), int(height))
            if data is not None:
                return data
            kind, message = problem
            self._counts[("missing", "corrupt", "dropped").index(kind)] += 1
            idx = (idx + 1) % len(self)      # PaddleOCR: the next sample, at the same scale
        raise DataError(f"no usable sample found in {self.data_dir}; check the label files and images")


def batch_scales(scales, first_bs: int = 128, fix_bs: bool = True, divided_factor=(8, 16)) -> list:
    """[(width, height, batch_size)] of a MultiScaleSampler in training.

    scales: [[w, h], ...] (or [s, ...] for square inputs); widths are rounded down to multiples of
    divided_factor[0], heights of divided_factor[1]. fix_bs: every scale gets first_bs; otherwise
    int(first_bs * w0 * h0 / (w * h)) (at least 1), w0 x h0 being the first scale before rounding.
    """
    if not scales:
        raise ConfigError("MultiScaleSampler: scales must be a non-empty list like [[320, 32], [320, 48]]")
    pairs = [(s[0], s[1]) if isinstance(s, (list, tuple)) else (s, s) for s in scales]
    base = pairs[0][0] * pairs[0][1] * first_bs
    out = []
    for w, h in pairs:
        w = int((w // divided_factor[0]) * divided_factor[0])
        h = int((h // divided_factor[1]) * divided_factor[1])
        out.append((w, h, first_bs if fix_bs else int(max(1, base / (h * w)))))
    return out


class MultiScaleSampler(paddle.io.Sampler):
    """Batches of `(width, height, index, wh_ratio)` keys, the scale changing from batch to batch.

    PP-OCR strategy: multi-scale training (多尺度训练), PP-OCRv4 recogniser. Lesson: lessons/18_ppocrv4.ipynb.

    Args (PaddleOCR's `sampler` section):
        data_source: the dataset (wired by the loader).
        scales: [[w, h], ...]; first_bs: batch size of the first scale; fix_bs: same batch size for all.
        divided_factor: [w, h] the sizes are rounded down to (the backbone's down-sampling).
        is_training: false gives one batch shape, the first scale's, and no shuffle.
        ratio_wh: accepted, unused (as in PaddleOCR). max_w: cap of ds_width widths (h x ratio).
        seed: accepted for PaddleOCR's signature; the dataset's seed is used.

    Every card takes indices rank, rank + world, ...; the scales come in whole rounds and a batch
    past the last index is filled with the first indices, so no batch is short (there is no
    drop_last) and some images are seen twice per epoch, as in PaddleOCR.
    """

    def __init__(self, data_source, scales, first_bs: int = 128, fix_bs: bool = True, divided_factor=(8, 16),
                 is_training: bool = True, ratio_wh: float = 0.8, max_w: float = 480.0, seed=None):
        self.data_source = data_source
        self.ds_width = bool(getattr(data_source, "ds_width", False))
        self.max_w = max_w
        self.epoch = 0
        seed = getattr(data_source, "seed", None)
        self.seed = 0 if seed is None else int(seed)
        n, world, rank = len(data_source), paddle.distributed.get_world_size(), paddle.distributed.get_rank()
        per_card = n // world
        if per_card == 0:
            raise ConfigError(f"MultiScaleSampler: {n} samples cannot be shared by {world} cards")
        if is_training:
            pairs = batch_scales(scales, first_bs, fix_bs, divided_factor)
        else:
            w0, h0 = (scales[0][0], scales[0][1]) if isinstance(scales[0], (list, tuple)) else (scales[0],) * 2
            pairs = [(w0, h0, first_bs)]
        self.shuffle = bool(is_training)
        # the batch plan: whole rounds of the scales until every index of this card has a batch
        # (PaddleOCR finishes the round: its last batches may repeat the first indices)
        plan, start = [], 0
        while start < per_card:
            for w, h, bs in pairs:
                plan.append((w, h, bs))
                start += bs
        rng = random.Random(self.seed)
        if self.shuffle:
            rng.shuffle(plan)
        indices = list(range(n))
        if self.shuffle and not self.ds_width:
            rng.shuffle(indices)
        mine = indices[rank: per_card * world: world]
        self.batches, start = [], 0
        for w, h, bs in plan:
            ids = mine[start: min(start + bs, per_card)]
            ids += mine[: bs - len(ids)]
            start += bs
            ratio = None
            if self.ds_width:
                ratio = float(data_source.wh_ratio[data_source.wh_ratio_sort[ids]].mean())
                ratio = ratio if ratio * h < max_w else max_w / h
            self.batches.append([(w, h, i, ratio) for i in ids])

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        order = list(range(len(self.batches)))
        if self.shuffle:
            random.Random(self.seed + self.epoch).shuffle(order)
        for i in order:
            yield self.batches[i]

    def __len__(self) -> int:
        return len(self.batches)


SAMPLERS = {"MultiScaleSampler": MultiScaleSampler}
