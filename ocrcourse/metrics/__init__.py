"""Evaluation metrics of a PaddleOCR `Metric` section: detection hmean, recognition accuracy,
direction accuracy, and their distillation wrapper.

Each metric is called once per batch (`metric(post_processed, batch)`), and `get_metric()`
returns a dict over everything seen since the last reset (and resets); `main_indicator`
names the value that ranks checkpoints.
"""
from __future__ import annotations

from ocrcourse.registry import build

from .cls_metric import ClsMetric
from .det_metric import DetMetric, combine_results, evaluate_image
from .distillation_metric import DistillationMetric
from .rec_metric import RecMetric, levenshtein, normalized_edit_distance

__all__ = ["METRICS", "build_metric", "DetMetric", "RecMetric", "ClsMetric", "DistillationMetric",
           "evaluate_image", "combine_results", "levenshtein", "normalized_edit_distance"]

METRICS = {"DetMetric": DetMetric, "RecMetric": RecMetric, "ClsMetric": ClsMetric,
           "DistillationMetric": DistillationMetric}


def build_metric(cfg: dict):
    """Build the metric of a PaddleOCR `Metric` section, e.g. {"name": "DetMetric",
    "main_indicator": "hmean"}."""
    return build(METRICS, cfg, kind="Metric")
