"""KeepKeys: the last op of a pipeline; the sample dict becomes the list the loader batches."""
from __future__ import annotations

from ocrcourse.errors import DataError

__all__ = ["KeepKeys"]


class KeepKeys:
    """Keep `keep_keys` of the sample, in that order, as a list (PaddleOCR's batch layout).

    PP-OCR strategy: batch layout contract (数据输出顺序) between data pipeline and loss: for DB
    training `[image, threshold_map, threshold_mask, shrink_map, shrink_mask]`, and the loss reads
    `batch[1:]` by position.

    Args:
        keep_keys: data-dict keys to output, in order.
    """

    def __init__(self, keep_keys: list):
        self.keep_keys = list(keep_keys)

    def __call__(self, data: dict) -> list:
        missing = [k for k in self.keep_keys if k not in data]
        if missing:
            raise DataError(f"KeepKeys: the sample has no {missing}; it has {sorted(data)}. "
                            "Check the ops before KeepKeys in the config (one may be missing or misspelt).")
        return [data[k] for k in self.keep_keys]
