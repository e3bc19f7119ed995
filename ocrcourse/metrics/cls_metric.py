"""Direction-classifier metric: accuracy."""
from __future__ import annotations

__all__ = ["ClsMetric"]


class ClsMetric:
    """Share of crops whose predicted direction label ("0" / "180") equals the truth.

    PP-OCR strategy: evaluation of the text direction classifier (方向分类器评估).
    Lesson: lessons/08_direction_classifier.ipynb.

    Args:
        main_indicator: key of `get_metric()` that ranks checkpoints ("acc").

    Call: `metric((preds, labels))` with both lists of (label, confidence) pairs, as
    ClsPostProcess returns them with labels. `get_metric()` returns {"acc"} and resets.
    Departure from PaddleOCR: no samples gives acc 0 instead of a ZeroDivisionError.
    """

    def __init__(self, main_indicator: str = "acc"):
        self.main_indicator = main_indicator
        self.reset()

    def __call__(self, pred_label, batch=None) -> dict:
        preds, labels = pred_label
        correct = sum(pred == target for (pred, _), (target, _) in zip(preds, labels))
        total = min(len(preds), len(labels))
        self.correct_num += correct
        self.all_num += total
        return {"acc": correct / total if total else 0.0}

    def get_metric(self) -> dict:
        acc = self.correct_num / self.all_num if self.all_num else 0.0
        self.reset()
        return {"acc": acc}

    def reset(self) -> None:
        self.correct_num = 0
        self.all_num = 0
