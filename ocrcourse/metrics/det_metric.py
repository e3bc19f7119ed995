"""Detection metric: precision, recall and hmean of text polygons at IoU > 0.5.

`evaluate_image` compares one image's detections with its ground truth (ICDAR 2015
protocol, as PaddleOCR's DetectionIoUEvaluator); `combine_results` totals the counts over
the dataset; `DetMetric` wraps both with the evaluation-loop interface: `metric(preds, batch)`
for a loader batch, `metric.update(preds, polys, ignore_tags)` for your own arrays (a lesson
scoring one image without a DataLoader).
"""
from __future__ import annotations

import numpy as np
from shapely.geometry import Polygon

__all__ = ["evaluate_image", "combine_results", "DetMetric"]


def _usable(points) -> Polygon | None:
    """The polygon, or None if shapely finds it invalid or self-intersecting (then skipped)."""
    polygon = Polygon(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    return polygon if polygon.is_valid and polygon.is_simple else None


def _iou(a: Polygon, b: Polygon) -> float:
    union = a.union(b).area
    return 0.0 if union == 0 else a.intersection(b).area / union


def evaluate_image(gt: list[dict], pred: list[dict], iou_constraint: float = 0.5,
                   area_precision_constraint: float = 0.5) -> dict:
    """Count care ground truths, care detections and one-to-one matches in one image.

    Args:
        gt: [{"points": (K, 2) polygon, "ignore": bool}]; ignore=True marks a "###" (don't
            care) region.
        pred: [{"points": (K, 2) polygon}].
        iou_constraint: a match needs IoU strictly greater than this (0.5).
        area_precision_constraint: a detection lying more than this fraction of its own area
            inside a don't-care region is itself don't-care (neither right nor wrong).

    Returns: {"gtCare", "detCare", "detMatched"}.

    Matching is greedy in ground-truth order, then detection order, one-to-one, and skips
    don't-care items on both sides (not the best assignment, but the protocol everyone uses).
    """
    gt_polys, gt_dont_care = [], set()
    for item in gt:
        polygon = _usable(item["points"])
        if polygon is None:
            continue
        if item["ignore"]:
            gt_dont_care.add(len(gt_polys))
        gt_polys.append(polygon)

    det_polys, det_dont_care = [], set()
    for item in pred:
        polygon = _usable(item["points"])
        if polygon is None:
            continue
        for g in gt_dont_care:
            inside = 0.0 if polygon.area == 0 else gt_polys[g].intersection(polygon).area / polygon.area
            if inside > area_precision_constraint:
                det_dont_care.add(len(det_polys))
                break
        det_polys.append(polygon)

    matched = 0
    gt_taken, det_taken = set(), set()
    for g, gt_poly in enumerate(gt_polys):
        for d, det_poly in enumerate(det_polys):
            if g in gt_taken or d in det_taken or g in gt_dont_care or d in det_dont_care:
                continue
            if _iou(det_poly, gt_poly) > iou_constraint:
                gt_taken.add(g)
                det_taken.add(d)
                matched += 1
    return {"gtCare": len(gt_polys) - len(gt_dont_care),
            "detCare": len(det_polys) - len(det_dont_care),
            "detMatched": matched}


def combine_results(results: list[dict]) -> dict:
    """Dataset totals: recall = M/G, precision = M/D, hmean = 2PR/(P+R); 0 when undefined."""
    gt_care = sum(r["gtCare"] for r in results)
    det_care = sum(r["detCare"] for r in results)
    matched = sum(r["detMatched"] for r in results)
    recall = 0 if gt_care == 0 else matched / gt_care
    precision = 0 if det_care == 0 else matched / det_care
    hmean = 0 if recall + precision == 0 else 2 * recall * precision / (recall + precision)
    return {"precision": precision, "recall": recall, "hmean": hmean}


class DetMetric:
    """Accumulates `evaluate_image` counts over an evaluation run.

    PP-OCR strategy: the detection evaluation (检测评估指标: precision / recall / hmean) that
    picks the best checkpoint. Protocol: ICDAR 2015 (Karatzas et al., ICDAR 2015); code
    lineage: DB's iou.py. Lesson: lessons/04_db_head_and_labels.ipynb.

    Args:
        main_indicator: key of `get_metric()` that ranks checkpoints ("hmean").

    Call: `metric(preds, batch)` with preds = [{"points": (K, 4, 2)}] per image (DBPostProcess)
    and batch = [image, shape, polys (N, K, 4, 2), ignore_tags (N, K)] as the eval loader
    gives it; `metric.update(preds, polys, ignore_tags)` is the same without the loader batch.
    `get_metric()` returns {"precision", "recall", "hmean"} and resets.
    """

    def __init__(self, main_indicator: str = "hmean"):
        self.main_indicator = main_indicator
        self.results: list[dict] = []

    def update(self, preds: list[dict], polys, ignore_tags) -> None:
        """Add images: preds[i]["points"] (K, 4, 2) against polys[i] (G, P, 2), ignore_tags[i] (G,).

        One entry per image in each argument; ignore_tags[i][g] True marks a "###" region.
        """
        if not len(preds) == len(polys) == len(ignore_tags):
            raise ValueError(f"one entry per image expected: {len(preds)} predictions, {len(polys)} polygon "
                             f"sets, {len(ignore_tags)} ignore-tag sets")
        for pred, image_polys, image_tags in zip(preds, polys, ignore_tags):
            gt = [{"points": p, "ignore": bool(t)} for p, t in zip(image_polys, image_tags)]
            det = [{"points": p} for p in pred["points"]]
            self.results.append(evaluate_image(gt, det))

    def __call__(self, preds: list[dict], batch: list) -> None:
        """The evaluation-loop entry point: batch[2] are the polygons, batch[3] the ignore tags."""
        self.update(preds, batch[2], batch[3])

    def get_metric(self) -> dict:
        metrics = combine_results(self.results)
        self.reset()
        return metrics

    def reset(self) -> None:
        self.results = []
