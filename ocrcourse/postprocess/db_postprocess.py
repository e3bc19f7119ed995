"""From a DB probability map to text boxes: binarise, find contours, score, expand, rescale.

The detector predicts, for every pixel of the (resized) image, the probability that it lies in a
*shrunk* text region. Post-processing undoes the shrink: each connected region becomes a
rectangle that is pushed outward ("unclipped") by the same offset formula that shrank the labels,
then scaled back to the original image. Numpy, OpenCV and pyclipper only; no Paddle.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon

from ..errors import ConfigError

__all__ = ["get_mini_boxes", "box_score_fast", "box_score_slow", "unclip",
           "DBPostProcess", "DistillationDBPostProcess"]

SCORE_MODES = ("fast", "slow")
BOX_TYPES = ("quad", "poly")


def get_mini_boxes(contour: np.ndarray) -> tuple[np.ndarray, float]:
    """Minimum-area rectangle of a contour as 4 float points TL, TR, BR, BL, and its short side.

    The order rule is PaddleOCR's: sort the 4 corners by x; of the two left ones the upper is TL,
    of the two right ones the upper is TR.
    """
    rect = cv2.minAreaRect(contour)
    corners = cv2.boxPoints(rect)
    corners = corners[np.argsort(corners[:, 0], kind="stable")]   # left pair, then right pair
    left, right = corners[:2], corners[2:]
    tl, bl = (left[0], left[1]) if left[1][1] > left[0][1] else (left[1], left[0])
    tr, br = (right[0], right[1]) if right[1][1] > right[0][1] else (right[1], right[0])
    return np.array([tl, tr, br, bl]), min(rect[1])


def _masked_mean(prob: np.ndarray, polygon: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> float:
    """Mean of `prob` over the filled `polygon`, computed inside the window [y0:y1+1, x0:x1+1]."""
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    shifted = polygon - np.array([x0, y0], dtype=polygon.dtype)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2).astype(np.int32), 1)   # truncates, as PaddleOCR
    return cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0]


def box_score_fast(prob: np.ndarray, box: np.ndarray) -> float:
    """'fast' score: mean probability inside the quad, within its integer bounding box.

    The window uses floor for the minimum and ceil for the maximum, clipped to the map.
    """
    h, w = prob.shape[:2]
    x0 = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    return _masked_mean(prob, box, x0, x1, y0, y1)


def box_score_slow(prob: np.ndarray, contour: np.ndarray) -> float:
    """'slow' score: mean probability inside the contour polygon itself (better for curved text)."""
    h, w = prob.shape[:2]
    contour = contour.reshape(-1, 2)
    x0, x1 = int(np.clip(contour[:, 0].min(), 0, w - 1)), int(np.clip(contour[:, 0].max(), 0, w - 1))
    y0, y1 = int(np.clip(contour[:, 1].min(), 0, h - 1)), int(np.clip(contour[:, 1].max(), 0, h - 1))
    return _masked_mean(prob, contour, x0, x1, y0, y1)


def unclip(box: np.ndarray, unclip_ratio: float) -> list:
    """Expand a polygon outward by D = A * r / L (area A, perimeter L, ratio r), round joins.

    This inverts the label shrink of DB (D = A(1 - r^2) / L). Returns pyclipper's list of
    polygons; more than one polygon means the expansion split, and the box is dropped.
    """
    poly = Polygon(box)
    distance = poly.area * unclip_ratio / poly.length
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return offset.Execute(distance)


def _to_numpy(x) -> np.ndarray:
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


class DBPostProcess:
    """Turn DB probability maps into text quadrilaterals in original-image pixels.

    PP-OCR strategy: DB post-processing (DB后处理) — binarise with a fixed threshold, expand each
    shrunk region by the Vatti-clipping offset D = A * unclip_ratio / L.
    Paper: Real-time Scene Text Detection with Differentiable Binarization, arXiv:1911.08947;
    used by PP-OCR v1-v3 (arXiv:2009.09941). Lesson: lessons/04_db_head_and_labels.ipynb.

    Args:
        thresh: pixels with probability > thresh are text (binary map).
        box_thresh: drop a box whose mean probability is below this (inference uses 0.6).
        max_candidates: look at most at this many contours.
        unclip_ratio: expansion ratio r of the offset D = A * r / L (inference uses 1.5).
        use_dilation: dilate the binary map with a 2x2 kernel of ones first.
        score_mode: 'fast' (mean inside the quad's bounding window) or 'slow' (inside the contour).
        box_type: 'quad' (4 points per box, int32) or 'poly' (polygon per box, lists).

    Call: `post(outs_dict, shape_list)` with `outs_dict["maps"]` (N, C, H, W) (channel 0 is the
    probability map) and `shape_list` rows [src_h, src_w, ratio_h, ratio_w]; returns
    `[{"points": int32 (K, 4, 2)}]` per image, coordinates inside [0, src_w] x [0, src_h].

    Kept PaddleOCR quirks: min_size is fixed at 3 (and 5 after expansion); coordinates are clipped to
    [0, src_w] (not src_w - 1) — the pipeline clips once more to the last pixel.
    """

    min_size = 3

    def __init__(self, thresh: float = 0.3, box_thresh: float = 0.7, max_candidates: int = 1000,
                 unclip_ratio: float = 2.0, use_dilation: bool = False, score_mode: str = "fast",
                 box_type: str = "quad"):
        if score_mode not in SCORE_MODES:
            raise ConfigError(f"DBPostProcess: score_mode must be one of {SCORE_MODES}, got {score_mode!r}")
        if box_type not in BOX_TYPES:
            raise ConfigError(f"DBPostProcess: box_type must be one of {BOX_TYPES}, got {box_type!r}")
        self.thresh = thresh
        self.box_thresh = box_thresh
        self.max_candidates = max_candidates
        self.unclip_ratio = unclip_ratio
        self.score_mode = score_mode
        self.box_type = box_type
        self.dilation_kernel = np.ones((2, 2), dtype=np.uint8) if use_dilation else None

    def _rescale(self, box: np.ndarray, map_hw: tuple[int, int], src_hw: tuple[int, int]) -> np.ndarray:
        """Map coordinates from the probability map to the source image, rounded and clipped."""
        (height, width), (dest_h, dest_w) = map_hw, src_hw
        box = np.array(box)      # keep the dtype (float32 quads, int polygons): rounding must match
        box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_w), 0, dest_w)
        box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_h), 0, dest_h)
        return box

    def boxes_from_bitmap(self, prob: np.ndarray, bitmap: np.ndarray, dest_w: float, dest_h: float):
        """Quads (int32 (K, 4, 2)) and their scores from one binary map."""
        contours, _ = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST,
                                       cv2.CHAIN_APPROX_SIMPLE)
        boxes, scores = [], []
        for contour in contours[:self.max_candidates]:
            quad, short_side = get_mini_boxes(contour)
            if short_side < self.min_size:
                continue
            if self.score_mode == "fast":
                score = box_score_fast(prob, quad)
            else:
                score = box_score_slow(prob, contour)
            if score < self.box_thresh:
                continue
            expanded = unclip(quad, self.unclip_ratio)
            if len(expanded) != 1:        # split into pieces (or vanished): not one text region
                continue
            quad, short_side = get_mini_boxes(np.array(expanded).reshape(-1, 1, 2))
            if short_side < self.min_size + 2:
                continue
            boxes.append(self._rescale(quad, bitmap.shape, (dest_h, dest_w)).astype(np.int32))
            scores.append(score)
        return np.array(boxes, dtype=np.int32).reshape(-1, 4, 2), scores

    def polygons_from_bitmap(self, prob: np.ndarray, bitmap: np.ndarray, dest_w: float, dest_h: float):
        """Polygons (lists of [x, y]) and their scores: simplified contours, expanded, rescaled."""
        contours, _ = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST,
                                       cv2.CHAIN_APPROX_SIMPLE)
        boxes, scores = [], []
        for contour in contours[:self.max_candidates]:
            epsilon = 0.002 * cv2.arcLength(contour, True)
            points = cv2.approxPolyDP(contour, epsilon, True).reshape(-1, 2)
            if points.shape[0] < 4:
                continue
            score = box_score_fast(prob, points)
            if score < self.box_thresh:
                continue
            expanded = unclip(points, self.unclip_ratio)
            if len(expanded) != 1:
                continue
            poly = np.array(expanded).reshape(-1, 2)
            _, short_side = get_mini_boxes(poly.reshape(-1, 1, 2))
            if short_side < self.min_size + 2:
                continue
            boxes.append(self._rescale(poly, bitmap.shape, (dest_h, dest_w)).tolist())
            scores.append(score)
        return boxes, scores

    def __call__(self, outs_dict: dict, shape_list) -> list[dict]:
        prob_maps = _to_numpy(outs_dict["maps"])[:, 0, :, :]
        if hasattr(shape_list, "numpy"):   # a Paddle tensor; lists and arrays are used as given
            shape_list = shape_list.numpy()
        results = []
        for prob, (src_h, src_w, _ratio_h, _ratio_w) in zip(prob_maps, shape_list):
            bitmap = prob > self.thresh
            if self.dilation_kernel is not None:
                bitmap = cv2.dilate(bitmap.astype(np.uint8), self.dilation_kernel)
            if self.box_type == "quad":
                boxes, _ = self.boxes_from_bitmap(prob, bitmap, src_w, src_h)
            else:
                boxes, _ = self.polygons_from_bitmap(prob, bitmap, src_w, src_h)
            results.append({"points": boxes})
        return results


class DistillationDBPostProcess:
    """DBPostProcess applied to each named sub-model of a distillation model.

    PP-OCR strategy: CML distillation (协同互学习) trains Student / Student2 / Teacher together;
    evaluation post-processes the ones named in `model_name` (PP-OCRv3 det: ["Student"]).
    Paper: PP-OCRv3, arXiv:2206.03001.

    Args:
        model_name: sub-model names to post-process (keys of the model's output dict).
        key: accepted for PaddleOCR compatibility, unused (each sub-model output is already
            the `{"maps": ...}` dict).
        thresh, box_thresh, max_candidates, unclip_ratio, use_dilation, score_mode, box_type:
            as DBPostProcess (note the inference-style defaults 0.6 / 1.5 here, as in PaddleOCR).

    Returns `{name: [{"points": ...}, ...]}`.
    """

    def __init__(self, model_name: Sequence[str] = ("student",), key: str | None = None,
                 thresh: float = 0.3, box_thresh: float = 0.6, max_candidates: int = 1000,
                 unclip_ratio: float = 1.5, use_dilation: bool = False, score_mode: str = "fast",
                 box_type: str = "quad"):
        self.model_name = [model_name] if isinstance(model_name, str) else list(model_name)
        self.key = key
        self.post_process = DBPostProcess(thresh=thresh, box_thresh=box_thresh,
                                          max_candidates=max_candidates, unclip_ratio=unclip_ratio,
                                          use_dilation=use_dilation, score_mode=score_mode,
                                          box_type=box_type)

    def __call__(self, predicts: dict, shape_list) -> dict:
        return {name: self.post_process(predicts[name], shape_list) for name in self.model_name}
