"""One metric per sub-model of a DistillationModel; `key` names the one that counts."""
from __future__ import annotations

from ocrcourse.registry import build

from .cls_metric import ClsMetric
from .det_metric import DetMetric
from .rec_metric import RecMetric

__all__ = ["DistillationMetric"]

# The metrics a DistillationMetric can wrap (its `base_metric_name`).
BASE_METRICS = {"DetMetric": DetMetric, "RecMetric": RecMetric, "ClsMetric": ClsMetric}


class DistillationMetric:
    """Evaluates every sub-model (Student, Student2, Teacher ...) with its own base metric.

    PP-OCR strategy: evaluation of distillation training (CML / U-DML, 知识蒸馏): all models
    are logged, and the `key` model -- the one that will be exported -- decides the best
    checkpoint. Lesson: lessons/12_cml_detection.ipynb.

    Args:
        key: sub-model whose metrics are reported unprefixed (e.g. "Student").
        base_metric_name: "DetMetric", "RecMetric" or "ClsMetric".
        main_indicator: key of `get_metric()` that ranks checkpoints ("hmean", "acc").
        is_filter, ignore_space: forwarded to RecMetric when given (the v3 rec config sets
            ignore_space: False); rejected for the other base metrics.

    Call: `metric(preds, batch)` with preds = {model_name: what that model's post-process
    returned}. `get_metric()` returns the `key` model's values unprefixed and every other
    model's as `{model}_{name}`, then resets.
    """

    def __init__(self, key: str | None = None, base_metric_name: str = "RecMetric",
                 main_indicator: str = "acc", is_filter: bool | None = None,
                 ignore_space: bool | None = None):
        self.key = key
        self.base_metric_name = base_metric_name
        self.main_indicator = main_indicator
        extra = {"is_filter": is_filter, "ignore_space": ignore_space}
        self.base_cfg = {"name": base_metric_name, "main_indicator": main_indicator,
                         **{k: v for k, v in extra.items() if v is not None}}
        build(BASE_METRICS, self.base_cfg, kind="DistillationMetric base metric")  # check now
        self.metrics: dict | None = None

    def __call__(self, preds: dict, batch=None) -> dict:
        if self.metrics is None:        # sub-model names are known at the first batch
            self.metrics = {name: build(BASE_METRICS, self.base_cfg, kind="Metric")
                            for name in preds}
        output = {}
        for name, pred in preds.items():
            result = self.metrics[name](pred, batch)
            for sub_key, value in (result or {}).items():
                output[f"{name}_{sub_key}"] = value
        return output

    def get_metric(self) -> dict:
        output = {}
        for name, metric in (self.metrics or {}).items():
            values = metric.get_metric()
            if name == self.key:
                output.update(values)
            else:
                output.update({f"{name}_{k}": v for k, v in values.items()})
        return output

    def reset(self) -> None:
        for metric in (self.metrics or {}).values():
            metric.reset()
