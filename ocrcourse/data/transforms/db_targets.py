"""DB label maps: the shrink map (probability target) and the border map (threshold target).

Differentiable Binarization learns two maps per image (Liao et al., "Real-time Scene Text
Detection with Differentiable Binarization", AAAI 2020, arXiv:1911.08947):

- the probability map P is trained against `shrink_map`: each text polygon shrunk inward by
  D = A(1 - r^2) / L  (A area, L perimeter, r = shrink_ratio = 0.4), filled with 1;
- the threshold map T is trained against `threshold_map`: 0.7 on the polygon edges, falling
  linearly to 0.3 at distance D, inside `threshold_mask` (the polygon dilated by D).

Both are numpy/cv2/pyclipper only, so a lesson can draw them before any model exists.
The pure functions `shrink_polygon`, `offset_distance` and `draw_border_map` are what lessons
and exercises call; `MakeShrinkMap` and `MakeBorderMap` are the YAML ops around them.

Fidelity: the arrays equal paddleocr 2.10's (`ppocr/data/imaug/make_{shrink,border}_map.py`),
quirks included (see `edge_distance_sq`): bit for bit in the parity tests, 1e-5 is the promise.
Speed (about 2x PaddleOCR's): PaddleOCR evaluates every edge on the polygon's whole dilated
bounding box; we evaluate each edge only on its own bounding box grown by D (the only pixels
where it can be the nearest edge within D), and take one square root per pixel, after the
minimum over edges.
"""
from __future__ import annotations

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon

__all__ = ["offset_distance", "shrink_polygon", "dilate_polygon", "signed_areas",
           "edge_distance_sq", "edge_distance", "draw_border_map", "MakeShrinkMap", "MakeBorderMap"]


def offset_distance(polygon: np.ndarray, shrink_ratio: float) -> float:
    """DB's offset D = A(1 - r^2) / L for a polygon of area A and perimeter L."""
    shape = Polygon(polygon)
    return shape.area * (1 - np.power(shrink_ratio, 2)) / shape.length


def _offset(polygon: np.ndarray, delta: float) -> list:
    """Offset a closed polygon by `delta` px (negative shrinks) with round joins (Vatti clipping)."""
    offsetter = pyclipper.PyclipperOffset()
    offsetter.AddPath([tuple(p) for p in polygon], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return [np.array(p).reshape(-1, 2) for p in offsetter.Execute(delta)]


def shrink_polygon(polygon: np.ndarray, shrink_ratio: float = 0.4) -> list:
    """Shrink a polygon inward by D = A(1 - r^2) / L; returns a list of integer polygons (K, 2).

    The list is empty when the polygon vanishes, and has several entries when the shrink
    splits it (a thin waist); `MakeShrinkMap` then retries with a larger ratio.
    """
    return _offset(polygon, -offset_distance(polygon, shrink_ratio))


def dilate_polygon(polygon: np.ndarray, shrink_ratio: float = 0.4) -> np.ndarray | None:
    """Grow a polygon outward by the same D; the region of `threshold_mask`. None if degenerate."""
    if Polygon(polygon).area <= 0:
        return None
    grown = _offset(polygon, offset_distance(polygon, shrink_ratio))
    return grown[0] if grown else None


def signed_areas(polys: np.ndarray) -> np.ndarray:
    """(N,) signed areas of (N, P, 2) polygons, PaddleOCR's sign (positive: MakeShrinkMap reverses)."""
    if len(polys) == 0:
        return np.zeros(0)
    p = np.asarray(polys, dtype=np.float64).reshape(len(polys), -1, 2)
    q = np.roll(p, 1, axis=1)                            # the previous vertex of each vertex
    return (p[:, :, 0] * q[:, :, 1] - p[:, :, 1] * q[:, :, 0]).sum(axis=1) / 2.0


def edge_distance_sq(xs: np.ndarray, ys: np.ndarray, p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Squared distance from pixels (xs, ys) to the edge p1 -> p2, computed PaddleOCR's way.

    PaddleOCR uses the law of cosines on the triangle (pixel, p1, p2), with d1, d2 the distances to
    the endpoints and c = (|p1p2|^2 - d1^2 - d2^2) / (2 d1 d2):
    - c < 0 (pixel outside the circle whose diameter is the edge): the nearer endpoint, min(d1, d2);
    - otherwise the distance to the line, d1^2 d2^2 (1 - c^2) / |p1p2|^2 (squared).
    Inside that circle the projection falls on the segment, so this is the true segment distance;
    outside it can overestimate, which matters only for edges shorter than 2D (curved polygons).

    Quirks kept on purpose so the maps equal PaddleOCR's: |p1p2|^2 is computed in the polygon's
    dtype (float32 after DetLabelEncode), which makes 1 - c^2 noisy near the edge, and where it
    rounds below 0 PaddleOCR's square root gives NaN and that pixel takes nothing from this polygon
    (here the square is negative; it stays the minimum and its square root is NaN). Squared, so a
    caller takes the minimum over edges before the one square root (same values: sqrt is monotonic).

    Args:
        xs, ys: float64 pixel coordinates in the frame of p1, p2; any shapes that broadcast
            (a row xs[None, :] and a column ys[:, None] give a grid).
        p1, p2: edge endpoints (x, y) as rows of the polygon array.
    Returns:
        float64 squared distances of the broadcast shape (negative or NaN where PaddleOCR's
        distance is NaN).
    """
    d1 = np.square(xs - p1[0]) + np.square(ys - p1[1])                       # d1^2
    d2 = np.square(xs - p2[0]) + np.square(ys - p2[1])                       # d2^2
    seg = np.square(p1[0] - p2[0]) + np.square(p1[1] - p2[1])                # |p1p2|^2
    with np.errstate(all="ignore"):
        d1d2 = d1 * d2
        cosin = (seg - d1 - d2) / (2 * np.sqrt(d1d2))
        line_sq = d1d2 * (1 - np.square(cosin)) / seg      # squared distance to the line
        result = np.where(cosin < 0, np.fmin(d1, d2), line_sq)
    # d1 * d2 == 0 only on an endpoint pixel (integer coordinates): distance 0 there, as PaddleOCR
    # gets through nan_to_num, or NaN on a zero-length edge
    if any(float(v).is_integer() for v in (*p1, *p2)):
        np.copyto(result, 0.0 if seg > 0 else np.nan, where=d1d2 == 0)
    return result


def edge_distance(xs: np.ndarray, ys: np.ndarray, p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Distance from pixels (xs, ys) to the edge p1 -> p2: sqrt of `edge_distance_sq`."""
    with np.errstate(invalid="ignore"):
        return np.sqrt(edge_distance_sq(xs, ys, p1, p2))


def draw_border_map(polygon: np.ndarray, canvas: np.ndarray, mask: np.ndarray,
                    shrink_ratio: float = 0.4) -> None:
    """Draw one polygon into `canvas` (1 - clip(d / D, 0, 1), element-wise max) and `mask` (in place).

    d is the distance to the nearest polygon edge, D = A(1 - r^2) / L; `mask` gets the polygon
    dilated by D filled with 1. `canvas` is the raw map in [0, 1], before thresh_min/max scaling.
    """
    polygon = np.array(polygon)
    distance = offset_distance(polygon, shrink_ratio)
    if not distance > 0:
        return                                       # zero area: nothing to draw
    grown = _offset(polygon, distance)
    if not grown:
        return
    grown = grown[0]
    cv2.fillPoly(mask, [grown.astype(np.int32)], 1.0)

    xmin, ymin = grown.min(axis=0)
    xmax, ymax = grown.max(axis=0)
    rows, cols = canvas.shape[:2]
    # the part of the dilated bbox inside the canvas, in bbox-local pixel coordinates
    x0, x1 = max(0, xmin) - xmin, min(cols - 1, xmax) - xmin
    y0, y1 = max(0, ymin) - ymin, min(rows - 1, ymax) - ymin
    if x0 > x1 or y0 > y1:
        return  # entirely outside the image (PaddleOCR raises here)
    local = (polygon - np.array([xmin, ymin])).astype(polygon.dtype)

    dist = np.full((y1 - y0 + 1, x1 - x0 + 1), np.inf)
    margin = distance + 1
    for i in range(len(local)):
        p1, p2 = local[i], local[(i + 1) % len(local)]
        # only pixels within D of this edge can take their minimum from it: its bbox grown by D
        bx0 = max(x0, int(np.floor(min(p1[0], p2[0]) - margin)))
        bx1 = min(x1, int(np.ceil(max(p1[0], p2[0]) + margin)))
        by0 = max(y0, int(np.floor(min(p1[1], p2[1]) - margin)))
        by1 = min(y1, int(np.ceil(max(p1[1], p2[1]) + margin)))
        if bx0 > bx1 or by0 > by1:
            continue
        xs = np.arange(bx0, bx1 + 1, dtype=np.float64)[None, :]
        ys = np.arange(by0, by1 + 1, dtype=np.float64)[:, None]
        block = dist[by0 - y0:by1 - y0 + 1, bx0 - x0:bx1 - x0 + 1]
        np.minimum(block, edge_distance_sq(xs, ys, p1, p2), out=block)   # NaN propagates, as in 2.10

    with np.errstate(invalid="ignore"):
        ratio = np.clip(np.sqrt(dist) / distance, 0, 1).astype(np.float32)
    region = canvas[y0 + ymin:y1 + ymin + 1, x0 + xmin:x1 + xmin + 1]
    np.fmax(1 - ratio, region, out=region)          # fmax: a NaN pixel keeps the canvas value


def _shrink_ratio_for_epoch(shrink_ratio, epoch, total_epoch):
    if epoch is not None and total_epoch is not None and epoch != "None":
        return shrink_ratio + 0.2 * epoch / float(total_epoch)
    return shrink_ratio


class MakeBorderMap:
    """Threshold-map target of DB: 0.7 on text edges, fading to 0.3 at distance D.

    PP-OCR strategy: DB threshold map (阈值图) target, used by every PP-OCR detector (v1-v3).
    Paper: DB, arXiv:1911.08947, Sec. 3.3 "Label generation". Lesson: lessons/04_db_head_and_labels.ipynb.

    Args:
        shrink_ratio: r in D = A(1 - r^2) / L (0.4).
        thresh_min, thresh_max: the map is rescaled to [thresh_min, thresh_max] (0.3, 0.7).
        epoch, total_epoch: if both are given, r grows linearly by up to 0.2 (PaddleOCR option).

    Reads `image` (H, W, C), `polys` (N, P, 2), `ignore_tags` (N,); writes `threshold_map` and
    `threshold_mask`, both (H, W) float32. Ignored polygons are not drawn.
    """

    def __init__(self, shrink_ratio: float = 0.4, thresh_min: float = 0.3, thresh_max: float = 0.7,
                 epoch=None, total_epoch=None):
        self.shrink_ratio = _shrink_ratio_for_epoch(shrink_ratio, epoch, total_epoch)
        self.thresh_min = thresh_min
        self.thresh_max = thresh_max

    def __call__(self, data: dict) -> dict:
        h, w = data["image"].shape[:2]
        canvas = np.zeros((h, w), dtype=np.float32)
        mask = np.zeros((h, w), dtype=np.float32)
        for polygon, ignore in zip(data["polys"], data["ignore_tags"]):
            if not ignore:
                draw_border_map(polygon, canvas, mask, self.shrink_ratio)
        data["threshold_map"] = canvas * (self.thresh_max - self.thresh_min) + self.thresh_min
        data["threshold_mask"] = mask
        return data


class MakeShrinkMap:
    """Probability-map target of DB: text polygons shrunk by D, plus a mask of what to ignore.

    PP-OCR strategy: DB probability / shrink map (概率图) target, used by every PP-OCR detector.
    Paper: DB, arXiv:1911.08947, Sec. 3.3 (Vatti clipping with D = A(1 - r^2) / L).

    Args:
        min_text_size: polygons whose bbox min side is below this many px are ignored (8).
        shrink_ratio: r (0.4). If the shrink splits a polygon, r, 2r, ... below 1 are tried.
        epoch, total_epoch: if both are given, r grows linearly by up to 0.2 (PaddleOCR option).

    Writes `shrink_map` (H, W) float32 (1 inside shrunk text) and `shrink_mask` (H, W) float32
    (0 over ignored, tiny or vanished polygons), and updates `ignore_tags` accordingly. As in
    PaddleOCR, polygons are first clipped to the image and an area below 1 px means ignore;
    unlike PaddleOCR the input `polys` array is not modified in place.
    """

    def __init__(self, min_text_size: int = 8, shrink_ratio: float = 0.4, epoch=None, total_epoch=None):
        self.min_text_size = min_text_size
        self.shrink_ratio = _shrink_ratio_for_epoch(shrink_ratio, epoch, total_epoch)
        self._ratios = np.arange(self.shrink_ratio, 1, self.shrink_ratio)    # 0.4 -> [0.4, 0.8]

    def __call__(self, data: dict) -> dict:
        h, w = data["image"].shape[:2]
        ignore_tags = np.array(data["ignore_tags"], dtype=bool)
        shrink_map = np.zeros((h, w), dtype=np.float32)
        mask = np.ones((h, w), dtype=np.float32)
        polys = np.array(data["polys"])                        # a copy: the input stays as it was
        if len(polys):
            polys[:, :, 0] = np.clip(polys[:, :, 0], 0, w - 1)   # clip to the image first
            polys[:, :, 1] = np.clip(polys[:, :, 1], 0, h - 1)
        areas = signed_areas(polys)
        ignore_tags |= np.abs(areas) < 1
        sizes = (polys.max(axis=1) - polys.min(axis=1)).min(axis=1) if len(polys) else areas
        for i, polygon in enumerate(polys):
            if areas[i] > 0:
                polygon = polygon[::-1]                          # PaddleOCR's orientation
            shrunk = [] if ignore_tags[i] or sizes[i] < self.min_text_size else self._shrink(polygon)
            if not shrunk:
                cv2.fillPoly(mask, [polygon.astype(np.int32)], 0)
                ignore_tags[i] = True
                continue
            for piece in shrunk:   # one call per piece: a multi-contour fill would be even-odd
                cv2.fillPoly(shrink_map, [piece.astype(np.int32)], 1)
        data["shrink_map"] = shrink_map
        data["shrink_mask"] = mask
        data["ignore_tags"] = ignore_tags
        return data

    def _shrink(self, polygon: np.ndarray) -> list:
        """`shrink_polygon` with ratios r, 2r, ... until the result is one piece (one offsetter)."""
        shape = Polygon(polygon)
        offsetter = pyclipper.PyclipperOffset()
        offsetter.AddPath([tuple(p) for p in polygon], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        shrunk = []
        for ratio in self._ratios:
            distance = shape.area * (1 - np.power(ratio, 2)) / shape.length
            shrunk = [np.array(p).reshape(-1, 2) for p in offsetter.Execute(-distance)]
            if len(shrunk) == 1:
                break
        return shrunk
