"""Recognition metric: exact-match accuracy and normalised edit distance."""
from __future__ import annotations

import string

__all__ = ["levenshtein", "normalized_edit_distance", "RecMetric"]

_ALNUM = set(string.digits + string.ascii_letters)


def levenshtein(a: str, b: str) -> int:
    """Fewest single-character insertions, deletions and substitutions turning a into b.

    Dynamic programming over one row: row[j] = distance between a[:i] and b[:j].
    """
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        diagonal, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            above = row[j]
            row[j] = min(above + 1,                    # delete ca
                         row[j - 1] + 1,               # insert cb
                         diagonal + (ca != cb))        # substitute (free if equal)
            diagonal = above
    return row[-1]


def normalized_edit_distance(a: str, b: str) -> float:
    """levenshtein / max(len): 0 for equal strings (also both empty), 1 for nothing shared."""
    longest = max(len(a), len(b))
    return 0.0 if longest == 0 else levenshtein(a, b) / longest


class RecMetric:
    """Accuracy and 1 - mean normalised edit distance of recognised texts.

    PP-OCR strategy: the recognition evaluation (识别评估指标: acc, norm_edit_dis) that picks
    the best checkpoint. Edit distance: Levenshtein 1966 (PaddleOCR uses rapidfuzz; ours is
    the small function above, tested against it). Lesson: lessons/09_crnn_recognition.ipynb.

        acc = correct / (n + 1e-5),   norm_edit_dis = 1 - Σ normalized_distance / (n + 1e-5)

    Args:
        main_indicator: key of `get_metric()` that ranks checkpoints ("acc").
        is_filter: keep only [0-9A-Za-z], lower-cased, before comparing.
        ignore_space: drop spaces before comparing (the v3 distillation config sets False).

    Call: `metric((preds, labels))` with both lists of (text, confidence) pairs, as
    CTCLabelDecode returns them with labels; returns this batch's values.
    `get_metric()` returns the totals {"acc", "norm_edit_dis"} and resets.
    """

    def __init__(self, main_indicator: str = "acc", is_filter: bool = False,
                 ignore_space: bool = True):
        self.main_indicator = main_indicator
        self.is_filter = is_filter
        self.ignore_space = ignore_space
        self.eps = 1e-5
        self.reset()

    def _normalize(self, text: str) -> str:
        if self.ignore_space:
            text = text.replace(" ", "")
        if self.is_filter:
            text = "".join(c for c in text if c in _ALNUM).lower()
        return text

    def __call__(self, pred_label, batch=None) -> dict:
        preds, labels = pred_label
        correct, total, edit = 0, 0, 0.0
        for (pred, _), (target, _) in zip(preds, labels):
            pred, target = self._normalize(pred), self._normalize(target)
            edit += normalized_edit_distance(pred, target)
            correct += pred == target
            total += 1
        self.correct_num += correct
        self.all_num += total
        self.norm_edit_dis += edit
        return {"acc": correct / (total + self.eps),
                "norm_edit_dis": 1 - edit / (total + self.eps)}

    def get_metric(self) -> dict:
        metrics = {"acc": self.correct_num / (self.all_num + self.eps),
                   "norm_edit_dis": 1 - self.norm_edit_dis / (self.all_num + self.eps)}
        self.reset()
        return metrics

    def reset(self) -> None:
        self.correct_num = 0
        self.all_num = 0
        self.norm_edit_dis = 0.0
