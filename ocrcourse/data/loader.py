"""build_dataloader: a YAML `Train` / `Eval` section -> a paddle.io.DataLoader of batches.

    loader = build_dataloader(cfg, "Train", seed=0)
    for image, threshold_map, threshold_mask, shrink_map, shrink_mask in loader: ...

Batches are lists of tensors in the order of the pipeline's KeepKeys, as PaddleOCR's loss and
metric expect. Under `paddle.distributed` (world size > 1) each card reads its own share.
"""
from __future__ import annotations

import paddle

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build
from .dataset import SimpleDataSet

__all__ = ["DATASETS", "build_dataset", "build_dataloader"]

DATASETS = {"SimpleDataSet": SimpleDataSet}

_LOADER_KEYS = {"batch_size_per_card", "shuffle", "drop_last", "num_workers", "use_shared_memory", "num_sections"}


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
    configs carry it; PaddleOCR's SimpleDataSet loader never reads it). `dataset` lets a caller reuse
    an already built dataset.
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
    if paddle.distributed.get_world_size() > 1:
        sampler = paddle.io.DistributedBatchSampler(**sampler_args)   # each card its own share
    else:
        sampler = paddle.io.BatchSampler(**sampler_args)
    return paddle.io.DataLoader(dataset, batch_sampler=sampler, num_workers=int(loader_cfg.get("num_workers", 0)),
                                return_list=True, use_shared_memory=bool(loader_cfg.get("use_shared_memory", True)))
