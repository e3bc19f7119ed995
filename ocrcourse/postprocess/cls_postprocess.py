"""Text-direction classification output -> (label, probability) per crop."""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["ClsPostProcess"]


class ClsPostProcess:
    """Pick the most likely direction of each text crop.

    PP-OCR strategy: text direction classifier (文本方向分类器), which lets the system flip crops
    that are upside down before recognition. Paper: PP-OCR, arXiv:2009.09941.
    Lesson: lessons/08_direction_classifier.ipynb.

    Args:
        label_list: class names in output order, e.g. ["0", "180"]; None names a class by its index.
        key: if set, the prediction is `preds[key]` (a dict output).

    Call: `post(preds)` with preds (N, num_classes) probabilities returns
    `[(label, prob)] * N`; `post(preds, label)` also returns the ground truth as `[(label, 1.0)]`.
    """

    def __init__(self, label_list: Sequence[str] | None = None, key: str | None = None):
        self.label_list = None if label_list is None else list(label_list)
        self.key = key

    def __call__(self, preds, label=None):
        if self.key is not None:
            preds = preds[self.key]
        preds = preds.numpy() if hasattr(preds, "numpy") else np.asarray(preds)
        names = self.label_list if self.label_list is not None else list(range(preds.shape[-1]))
        best = preds.argmax(axis=1)
        decoded = [(names[idx], float(preds[i, idx])) for i, idx in enumerate(best)]
        if label is None:
            return decoded
        label = label.numpy() if hasattr(label, "numpy") else label
        return decoded, [(names[int(idx)], 1.0) for idx in label]
