"""Exercise checks for lesson 04 (DB: shrinking, differentiable binarisation, Dice) and the
detection metric (IoU matching and hmean)."""
from __future__ import annotations

import numpy as np
import pyclipper
from shapely.geometry import Polygon

from .common import as_array, expect_close
from .runner import Case, Failure

__all__ = ["ITEMS", "shrink_reference", "hmean_reference"]


def shrink_reference(poly, ratio=0.4, power=2):
    """Offset a polygon inward by D = A(1 - r^2) / L with Vatti clipping (round joins)."""
    p = Polygon(poly)
    d = p.area * (1 - ratio ** power) / p.length
    pco = pyclipper.PyclipperOffset()
    pco.AddPath([tuple(map(float, pt)) for pt in poly], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    out = pco.Execute(-d)
    return np.array(out[0], dtype=np.float64) if out else np.zeros((0, 2))


def _iou(a, b) -> float:
    pa, pb = Polygon(a).buffer(0), Polygon(b).buffer(0)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union else 0.0


def _shrink_case(poly, name):
    poly = np.array(poly, dtype=np.float64)

    def run(fn):
        got = as_array(fn(poly.copy(), 0.4), "shrunk polygon")
        if got.ndim != 2 or got.shape[1] != 2 or len(got) < 3:
            raise Failure(f"return the shrunk polygon as an array of (x, y) points, got shape {got.shape}")
        want = shrink_reference(poly)
        area_in, area_got = Polygon(poly).area, Polygon(got).buffer(0).area
        if area_got >= area_in:
            raise Failure("the result is not smaller than the input: shrinking is an offset by -D (inward)")
        if _iou(got, want) < 0.98:
            if _iou(got, shrink_reference(poly, power=1)) >= 0.98:
                raise Failure("use D = A·(1 − r²)/L: the shrink ratio is squared")
            raise Failure(f"IoU with the expected shrunk polygon is {_iou(got, want):.3f}: compute "
                          "D = area·(1 − r²)/perimeter and offset the polygon inward by D (pyclipper, JT_ROUND)")
    return Case(name, run)


def _binarize_case(seed):
    def run(fn):
        rng = np.random.default_rng(seed)
        p, t = rng.uniform(size=(6, 6)), rng.uniform(0.2, 0.8, size=(6, 6))
        want = 1 / (1 + np.exp(-50 * (p - t)))
        mistakes = {
            "this is a hard step: DB's binarisation is the sigmoid 1/(1+exp(-k(P-T))) so gradients flow":
                (p > t).astype(float),
            "multiply (P - T) by the amplifying factor k = 50 inside the exponential": 1 / (1 + np.exp(-(p - t))),
        }
        expect_close(fn(p, t, 50), want, "approximate binary map", "B = 1 / (1 + exp(-k·(P − T)))", mistakes)
    return Case(f"differentiable binarisation, k=50 (seed {seed})", run)


def _dice_case(seed):
    def run(fn):
        rng = np.random.default_rng(seed)
        pred = rng.uniform(size=(2, 8, 8))
        gt = (rng.uniform(size=(2, 8, 8)) > 0.6).astype(float)
        mask = (rng.uniform(size=(2, 8, 8)) > 0.2).astype(float)
        inter = (pred * gt * mask).sum()
        want = 1 - 2 * inter / ((pred * mask).sum() + (gt * mask).sum() + 1e-6)
        nomask = 1 - 2 * (pred * gt).sum() / (pred.sum() + gt.sum() + 1e-6)
        mistakes = {"multiply prediction and ground truth by the mask in all three sums": nomask,
                    "Dice loss is 1 − Dice coefficient": 1 - want}
        expect_close(fn(pred, gt, mask), want, "Dice loss",
                     "1 − 2·Σ(p·g·m) / (Σ(p·m) + Σ(g·m) + 1e-6)", mistakes)
        perfect = fn(gt, gt, mask)
        if abs(float(as_array(perfect, "Dice loss"))) > 1e-5:
            raise Failure("a perfect prediction must give a Dice loss of 0")
    return Case(f"Dice loss with a mask (seed {seed})", run)


def hmean_reference(gts, dets, iou_thresh=0.5, strict=True):
    """One-to-one greedy matching (GT-major), IoU > 0.5; returns precision, recall, hmean."""
    used_g, used_d, matched = set(), set(), 0
    for gi, g in enumerate(gts):
        for di, d in enumerate(dets):
            if gi in used_g or di in used_d:
                continue
            iou = _iou(g, d)
            if (iou > iou_thresh) if strict else (iou >= iou_thresh):
                used_g.add(gi)
                used_d.add(di)
                matched += 1
    p = matched / len(dets) if dets else 0.0
    r = matched / len(gts) if gts else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _box(x, y, w, h):
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


HMEAN_SCENES = {
    "identical boxes give hmean 1": ([_box(0, 0, 10, 10), _box(20, 0, 10, 10)], [_box(0, 0, 10, 10), _box(20, 0, 10, 10)]),
    "disjoint boxes give hmean 0": ([_box(0, 0, 10, 10)], [_box(50, 50, 10, 10)]),
    "two detections on one ground truth: only one may match": ([_box(0, 0, 10, 10)], [_box(0, 0, 10, 10), _box(1, 0, 10, 10)]),
    "IoU exactly 0.5 is not a match (IoU must be > 0.5)": ([_box(0, 0, 10, 10)], [_box(0, 0, 20, 10)]),
    "no detections: precision 0, no division error": ([_box(0, 0, 10, 10)], []),
}


def _hmean_case(name):
    gts, dets = HMEAN_SCENES[name]

    def run(fn):
        want = hmean_reference(gts, dets)
        got = fn([np.array(g, float) for g in gts], [np.array(d, float) for d in dets])
        mistakes = {"a ground-truth box and a detection can each be matched once (one-to-one matching)":
                    _many_to_one(gts, dets),
                    "the match condition is IoU > 0.5, strictly": hmean_reference(gts, dets, strict=False)}
        expect_close(got, want, "(precision, recall, hmean)", "precision = matched/detections, recall = "
                     "matched/ground truths, hmean = 2PR/(P+R)", mistakes)
    return Case(name, run)


def _many_to_one(gts, dets):
    matched_d = sum(any(_iou(g, d) > 0.5 for g in gts) for d in dets)
    matched_g = sum(any(_iou(g, d) > 0.5 for d in dets) for g in gts)
    p = matched_d / len(dets) if dets else 0.0
    r = matched_g / len(gts) if gts else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


ITEMS = {
    "ex04.shrink_polygon": ("Shrinking a text polygon with the DB offset", [
        _shrink_case([[0, 0], [50, 0], [50, 20], [0, 20]], "50x20 rectangle"),
        _shrink_case([[10, 10], [110, 20], [105, 50], [5, 40]], "a skewed quadrilateral"),
    ]),
    "ex04.diff_binarize": ("Differentiable binarisation", [_binarize_case(0), _binarize_case(1)]),
    "ex04.dice_loss": ("Dice loss", [_dice_case(0), _dice_case(1)]),
    "ex07.det_hmean": ("IoU matching and hmean", [_hmean_case(n) for n in HMEAN_SCENES]),
}
