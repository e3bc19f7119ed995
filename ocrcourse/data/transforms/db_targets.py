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
quirks included (see `edge_distance_sq`): bit for bit in the parity and property tests, 1e-5 is the
promise. One departure: a polygon whose dilated bbox starts right of or below the image is not
drawn; 2.10 either raises or, through negative slice indices, paints one row or column of its
distance map on the image's last row or column. After EastRandomCropData every polygon
touches the image, so the training pipeline never meets this case.
Speed (single-threaded, dense scenes: about 2.5x PaddleOCR's with 4-point boxes, 5-6x when the boxes are
padded to 14 points next to a curved line): PaddleOCR evaluates every edge on
the polygon's whole dilated bounding box; we evaluate each distinct edge once (DetLabelEncode's
padding repeats points: zero-length edges) and only on its own bounding box grown by D (the only
pixels where it can be the nearest edge within D), take one square root per pixel after the
minimum over edges, compute D for all polygons in one shapely call and work in place.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
import pyclipper
import shapely
from shapely.geometry import Polygon

__all__ = ["offset_distance", "offset_distances", "shrink_polygon", "dilate_polygon", "signed_areas",
           "edge_distance_sq", "edge_distance", "draw_border_map", "MakeShrinkMap", "MakeBorderMap"]


def offset_distance(polygon: np.ndarray, shrink_ratio: float) -> float:
    """DB's offset D = A(1 - r^2) / L for a polygon of area A and perimeter L."""
    shape = Polygon(polygon)
    return shape.area * (1 - np.power(shrink_ratio, 2)) / shape.length


def _offset(polygon: np.ndarray, delta: float) -> list:
    """Offset a closed polygon by `delta` px (negative shrinks) with round joins (Vatti clipping)."""
    offsetter = pyclipper.PyclipperOffset()
    offsetter.AddPath(np.asarray(polygon).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
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


def offset_distances(polys: np.ndarray, shrink_ratio: float) -> np.ndarray:
    """`offset_distance` of every polygon of an (N, P, 2) array in one call (same GEOS area and length).

    NaN or 0 for a polygon without area: such a polygon is not drawn.
    """
    polys = np.asarray(polys, dtype=np.float64)
    if len(polys) == 0:
        return np.zeros(0)
    shapes = shapely.polygons(polys)
    with np.errstate(all="ignore"):
        return shapely.area(shapes) * (1 - np.power(shrink_ratio, 2)) / shapely.length(shapes)


def _block_distance_sq(xs, ys, p1x, p1y, p2x, p2y, seg):
    """`edge_distance_sq` on the grid xs (W,) x ys (H,) -> (H, W), with the same operations in place.

    p1x ... seg are Python floats holding the polygon's float32 values, so every operation rounds
    exactly as in `edge_distance_sq`; the (H, W) temporaries are reused in place.
    """
    d1 = np.square(xs - p1x)[None, :] + np.square(ys - p1y)[:, None]      # d1^2
    d2 = np.square(xs - p2x)[None, :] + np.square(ys - p2y)[:, None]      # d2^2
    d1d2 = d1 * d2
    cosin = np.subtract(seg, d1)
    cosin -= d2
    den = np.sqrt(d1d2)
    den *= 2
    cosin /= den                                   # (|p1p2|^2 - d1^2 - d2^2) / (2 d1 d2)
    square_sin = np.square(cosin, out=den)
    np.subtract(1.0, square_sin, out=square_sin)
    line_sq = np.multiply(d1d2, square_sin, out=d1d2)
    line_sq /= seg                                 # squared distance to the line
    np.fmin(d1, d2, out=line_sq, where=cosin < 0)  # outside the circle: the nearer endpoint
    if (p1x.is_integer() and p1y.is_integer()) or (p2x.is_integer() and p2y.is_integer()):
        np.copyto(line_sq, 0.0 if seg > 0 else np.nan, where=(d1 == 0) | (d2 == 0))   # on an endpoint
    return line_sq


def _edges_to_draw(local: np.ndarray, distance: float, x0: int, x1: int, y0: int, y1: int) -> list:
    """The edges of a polygon to evaluate and the block of pixels each must cover.

    Returns [(p1x, p1y, p2x, p2y, |p1p2|^2, bx0, bx1, by0, by1)] (floats, then inclusive int
    bounds in the polygon's local frame). An edge can be nearest within D only on its bbox grown
    by D; we grow it by D + 1 + what float32 rounding of |p1p2|^2 can move the distance, so
    PaddleOCR's NaN pixels (right on the edge) are always inside. Repeated consecutive edges (the
    zero-length edges of DetLabelEncode's padding) are evaluated once: the minimum needs each once.
    """
    p1, p2 = local, np.concatenate([local[1:], local[:1]])
    seg = np.square(p1[:, 0] - p2[:, 0]) + np.square(p1[:, 1] - p2[:, 1])   # polygon's dtype, as 2.10
    edges, previous = [], None           # a few edges per polygon: plain Python beats tiny numpy calls
    for (p1x, p1y), (p2x, p2y), s in zip(p1.tolist(), p2.tolist(), seg.tolist()):
        if (p1x, p1y, p2x, p2y) == previous:
            continue
        previous = (p1x, p1y, p2x, p2y)
        margin = math.sqrt(distance * distance + 1e-6 * s) + 1
        bx0, bx1 = max(x0, math.floor(min(p1x, p2x) - margin)), min(x1, math.ceil(max(p1x, p2x) + margin))
        by0, by1 = max(y0, math.floor(min(p1y, p2y) - margin)), min(y1, math.ceil(max(p1y, p2y) + margin))
        if bx0 <= bx1 and by0 <= by1:
            edges.append((p1x, p1y, p2x, p2y, s, bx0, bx1, by0, by1))
    return edges


def _draw_polygon(polygon: np.ndarray, distance: float, canvas: np.ndarray, mask: np.ndarray) -> None:
    """`draw_border_map` for a polygon whose D is known (> 0)."""
    grown = _offset(polygon, distance)
    if not grown:
        return
    grown = grown[0]
    cv2.fillPoly(mask, [grown.astype(np.int32)], 1.0)

    xmin, ymin = grown.min(axis=0).tolist()
    xmax, ymax = grown.max(axis=0).tolist()
    rows, cols = canvas.shape[:2]
    # the part of the dilated bbox inside the canvas, in bbox-local pixel coordinates
    x0, x1 = max(0, xmin) - xmin, min(cols - 1, xmax) - xmin
    y0, y1 = max(0, ymin) - ymin, min(rows - 1, ymax) - ymin
    if x0 > x1 or y0 > y1:
        return  # entirely outside the image (PaddleOCR raises here)
    local = (polygon - np.array([xmin, ymin])).astype(polygon.dtype)

    dist = np.full((y1 - y0 + 1, x1 - x0 + 1), np.inf)
    xs, ys = np.arange(x0, x1 + 1, dtype=np.float64), np.arange(y0, y1 + 1, dtype=np.float64)
    for p1x, p1y, p2x, p2y, seg, bx0, bx1, by0, by1 in _edges_to_draw(local, distance, x0, x1, y0, y1):
        cols, rows = slice(bx0 - x0, bx1 - x0 + 1), slice(by0 - y0, by1 - y0 + 1)
        near = _block_distance_sq(xs[cols], ys[rows], p1x, p1y, p2x, p2y, seg)
        block = dist[rows, cols]
        np.minimum(block, near, out=block)         # NaN (and negative squares) propagate, as in 2.10

    ratio = np.sqrt(dist, out=dist)
    ratio /= distance
    ratio = ratio.astype(np.float32)
    # 1 - clip(d / D, 0, 1) in float32, as 2.10; the clip at 1 is left out: 1 - ratio < 0 there,
    # and the fmax with the canvas (>= 0) gives the canvas value, as 1 - 1 = 0 would
    np.subtract(np.float32(1), ratio, out=ratio)
    region = canvas[y0 + ymin:y1 + ymin + 1, x0 + xmin:x1 + xmin + 1]
    np.fmax(ratio, region, out=region)                 # fmax: a NaN pixel keeps the canvas value


def draw_border_map(polygon: np.ndarray, canvas: np.ndarray, mask: np.ndarray,
                    shrink_ratio: float = 0.4) -> None:
    """Draw one polygon into `canvas` (1 - clip(d / D, 0, 1), element-wise max) and `mask` (in place).

    d is the distance to the nearest polygon edge, D = A(1 - r^2) / L; `mask` gets the polygon
    dilated by D filled with 1. `canvas` is the raw map in [0, 1], before thresh_min/max scaling.
    """
    polygon = np.array(polygon)
    distance = offset_distance(polygon, shrink_ratio)
    if distance > 0:                                   # zero area: nothing to draw
        with np.errstate(all="ignore"):
            _draw_polygon(polygon, float(distance), canvas, mask)


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
        polys = np.array(data["polys"])
        drawn = ~np.asarray(data["ignore_tags"], dtype=bool)
        if len(polys) and drawn.any():
            distances = offset_distances(polys[drawn], self.shrink_ratio)
            with np.errstate(all="ignore"):
                for polygon, distance in zip(polys[drawn], distances.tolist()):
                    if distance > 0:                   # NaN or 0: no area, nothing to draw
                        _draw_polygon(polygon, distance, canvas, mask)
        canvas *= self.thresh_max - self.thresh_min    # in place: the same float32 rounding
        canvas += self.thresh_min
        data["threshold_map"] = canvas
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
        oriented = [p[::-1] if a > 0 else p for p, a in zip(polys, areas)]    # PaddleOCR's orientation
        todo = ~ignore_tags & (sizes >= self.min_text_size)
        if len(polys):                             # shapely's area and length, all polygons at once
            shapes = shapely.polygons(np.asarray(oriented, dtype=np.float64))
            area, length = shapely.area(shapes).tolist(), shapely.length(shapes).tolist()
        for i, polygon in enumerate(oriented):
            shrunk = self._shrink(polygon, area[i], length[i]) if todo[i] else []
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

    def _shrink(self, polygon: np.ndarray, area: float, length: float) -> list:
        """`shrink_polygon` with ratios r, 2r, ... until the result is one piece (one offsetter).

        `area` and `length` are the polygon's (shapely's, computed for all polygons at once).
        """
        offsetter = pyclipper.PyclipperOffset()
        offsetter.AddPath(np.asarray(polygon).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        shrunk = []
        for ratio in self._ratios:
            distance = area * (1 - np.power(ratio, 2)) / length
            shrunk = [np.array(p).reshape(-1, 2) for p in offsetter.Execute(-distance)]
            if len(shrunk) == 1:
                break
        return shrunk
