"""build_dataloader: a YAML `Train` / `Eval` section -> a paddle.io.DataLoader of batches.

    loader = build_dataloader(cfg, "Train", seed=0)
    for image, threshold_map, threshold_mask, shrink_map, shrink_mask in loader: ...

Batches are lists of tensors in the order of the pipeline's KeepKeys, as PaddleOCR's loss and
metric expect. Under `paddle.distributed` (world size > 1) each card reads its own share.

A sample that raises stops the loop with a `DataError` naming it (departure from plain Paddle).
Paddle 3 reads batches in a background thread even with `num_workers: 0`, and an exception in
that thread ends the thread without telling the reader: training would wait forever for the
next batch. So the dataset is wrapped in a guard that catches the exception, the batch holding
the sample becomes None (which makes Paddle's thread end the epoch), and the loader's iterator
raises the recorded error where that batch would have come out. With `num_workers > 0` the
worker's exception reaches the iterator as Paddle's "Blocking queue is killed"; the guard's
shared message turns it into the same `DataError`. `loader.dataset.dataset` is the dataset itself.
"""
from __future__ import annotations

import multiprocessing
import traceback

import paddle
from paddle.io.dataloader.collate import default_collate_fn

from ocrcourse.errors import ConfigError, DataError
from ocrcourse.registry import build
from .dataset import SimpleDataSet
from .multi_scale import SAMPLERS, MultiScaleDataSet

__all__ = ["DATASETS", "SAMPLERS", "build_dataset", "build_dataloader"]

DATASETS = {"SimpleDataSet": SimpleDataSet, "MultiScaleDataSet": MultiScaleDataSet}

_LOADER_KEYS = {"batch_size_per_card", "shuffle", "drop_last", "num_workers", "use_shared_memory", "num_sections"}


class _FailedSample:
    """Put in a batch in place of a sample that raised, so the collate step can end the epoch."""

    def __init__(self, report: str):
        self.report = report          # the one-line message and the sample's traceback


class _SampleGuard(paddle.io.Dataset):
    """`dataset[i]`, or a `_FailedSample` when it raises; the error is kept for the iterator."""

    def __init__(self, dataset, section: str):
        super().__init__()
        self.dataset, self.section = dataset, section
        self.failure: Exception | None = None            # seen by the main process in thread mode
        self._message = multiprocessing.Array("c", 4096)  # also written by worker processes

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, idx):
        try:
            return self.dataset[idx]
        except Exception as exc:                          # noqa: BLE001 - re-raised by the iterator
            text = f"{self.section} data: dataset[{idx}] raised {type(exc).__name__}: {exc}"
            return _FailedSample(self.record(text, exc))

    def record(self, text: str, exc: Exception) -> str:
        """Keep `text` for the iterator; return it with the traceback being handled."""
        self.failure = exc
        self._message.value = text.encode("utf-8", "replace")[:4095]
        return f"{text}\n{traceback.format_exc()}"

    @property
    def message(self) -> str:
        return self._message.value.decode("utf-8", "replace")

    def clear(self) -> None:
        self.failure, self._message.value = None, b""


class _Collate:
    """Paddle's default collate, unless a sample failed or the samples cannot be stacked into one
    batch: then None (loader thread; the guard keeps the message) or raise (worker)."""

    def __init__(self, guard: "_SampleGuard"):
        self.guard = guard

    def __call__(self, samples: list):
        failed = next((s for s in samples if isinstance(s, _FailedSample)), None)
        if failed is None:
            try:
                return default_collate_fn(samples)
            except ValueError as exc:                  # numpy: arrays of different shapes
                failed = _FailedSample(self.guard.record(_unstackable(samples, self.guard.section), exc))
        if paddle.io.get_worker_info() is None:
            return None               # Paddle's loader thread stops and closes the batch queue
        raise DataError(failed.report)    # Paddle prints it and kills the queue


def _unstackable(samples: list, section: str) -> str:
    """Which fields of a batch differ in shape, e.g. images of their own width."""
    import numpy as np

    fields = []
    for k, values in enumerate(zip(*samples)):
        shapes = sorted({tuple(np.shape(v)) for v in values})
        if len(shapes) > 1:
            fields.append(f"field {k} has shapes {', '.join(map(str, shapes[:4]))}{' ...' if len(shapes) > 4 else ''}")
    return (f"{section} data: a batch of {len(samples)} samples cannot be stacked: {'; '.join(fields)} "
            "(the KeepKeys order). Every sample of a batch needs the same shape: e.g. RecResizeImg with "
            "eval_mode: true gives a long line its own width (as in PaddleOCR); use batch_size_per_card: 1 "
            "for that section, or a fixed-width resize")


class _CheckedBatches:
    """Paddle's batch iterator; raises the guard's error where the failed batch would come out."""

    def __init__(self, batches, guard: _SampleGuard):
        self._batches, self._guard = batches, guard

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._batches)

    def __next__(self):
        try:
            return next(self._batches)
        except StopIteration:
            self._raise_failure(None)      # a sample failed: the epoch ended early, not normally
            raise
        except SystemError as exc:         # num_workers > 0: "Blocking queue is killed"
            self._raise_failure(exc)
            raise

    def _raise_failure(self, cause) -> None:
        message = self._guard.message
        if not message:
            return
        raise DataError(f"{message}\nThe data loader stopped at this sample; fix the sample or the transform "
                        "that failed on it") from (self._guard.failure or cause)


class _GuardedDataLoader(paddle.io.DataLoader):
    """A paddle.io.DataLoader whose iterator raises a sample's exception instead of hanging."""

    def __iter__(self):
        self.dataset.clear()
        return _CheckedBatches(super().__iter__(), self.dataset)

    def __call__(self):
        return self.__iter__()


def build_dataset(cfg: dict, mode: str, seed: int | None = None):
    """The dataset of section `mode` ("Train", "Eval" or "Test") of a whole PaddleOCR config."""
    if mode not in ("Train", "Eval", "Test"):
        raise ConfigError(f"mode must be 'Train', 'Eval' or 'Test', got {mode!r}")
    if mode not in cfg or "dataset" not in cfg[mode]:
        raise ConfigError(f"the config has no {mode}.dataset section; sections: {sorted(cfg)}")
    loader_cfg = cfg[mode].get("loader", {})
    return build(DATASETS, cfg[mode]["dataset"], kind=f"{mode}.dataset", mode=mode.lower(),
                 shuffle=bool(loader_cfg.get("shuffle", False)), seed=seed,
                 global_config=cfg.get("Global"))


def build_dataloader(cfg: dict, mode: str, seed: int | None = None, dataset=None) -> paddle.io.DataLoader:
    """A DataLoader for section `mode` of `cfg` (the dict from `config.load_config`).

    Loader keys (PaddleOCR's): batch_size_per_card, shuffle, drop_last, num_workers,
    use_shared_memory; `num_sections` is accepted for PaddleOCR compatibility, unused (official rec
    configs carry it; PaddleOCR's SimpleDataSet loader never reads it). A `Train.sampler` section
    (`name: MultiScaleSampler`, PP-OCRv4 rec, see data/multi_scale.py) replaces the batch sampler: it
    chooses each batch's size and image shape, so batch_size_per_card, shuffle and drop_last are not
    used then (as in PaddleOCR). `dataset` lets a caller reuse an already built dataset. An exception
    raised by a sample comes out of the loop as a `DataError` naming the sample (see the module
    docstring), never as a hang.
    """
    dataset = dataset if dataset is not None else build_dataset(cfg, mode, seed)
    loader_cfg = dict(cfg[mode].get("loader", {}))
    unknown = set(loader_cfg) - _LOADER_KEYS
    if unknown:
        raise ConfigError(f"{mode}.loader: unknown keys {sorted(unknown)}; valid keys: {sorted(_LOADER_KEYS)}")
    if "batch_size_per_card" not in loader_cfg:
        raise ConfigError(f"{mode}.loader needs batch_size_per_card (e.g. 8 for det, 128 for rec)")
    sampler_args = dict(dataset=dataset, batch_size=loader_cfg["batch_size_per_card"],
                        shuffle=bool(loader_cfg.get("shuffle", False)),
                        drop_last=bool(loader_cfg.get("drop_last", False)))
    if mode == "Train" and cfg[mode].get("sampler"):          # PaddleOCR reads a sampler in Train only
        sampler = build(SAMPLERS, cfg[mode]["sampler"], kind=f"{mode}.sampler", data_source=dataset)
    elif paddle.distributed.get_world_size() > 1:
        sampler = paddle.io.DistributedBatchSampler(**sampler_args)   # each card its own share
    else:
        sampler = paddle.io.BatchSampler(**sampler_args)
    guard = _SampleGuard(dataset, mode)
    return _GuardedDataLoader(guard, batch_sampler=sampler, collate_fn=_Collate(guard),
                              num_workers=int(loader_cfg.get("num_workers", 0)), return_list=True,
                              use_shared_memory=bool(loader_cfg.get("use_shared_memory", True)))
