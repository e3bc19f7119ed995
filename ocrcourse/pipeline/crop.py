"""From detected boxes to recognisable crops: tidy the quads, order them for reading, cut them out.

The detector returns quadrilaterals in any order. Before recognition PP-OCR
1. puts each quad's corners in the order top-left, top-right, bottom-right, bottom-left,
   clips it to the image and drops slivers (`filter_det_boxes`);
2. sorts the boxes top-to-bottom, then left-to-right within a line (`sort_boxes`);
3. warps each quad to an axis-aligned rectangle (`get_rotate_crop_image`), turning tall crops
   (vertical text) by 90 degrees so every crop reads left to right.

Curved text (`PPOCR(det_box_type="poly")`, PaddleOCR's `det_box_type='poly'`) comes as polygons
of any number of points: they are only clipped to the image (`clip_det_polygons`), sorted the
same way (by their first point), and cut out through their minimum-area rectangle
(`get_minarea_rect_crop`), so a bent line becomes one straight crop.
"""
from __future__ import annotations

import cv2
import numpy as np

__all__ = ["order_points_clockwise", "filter_det_boxes", "clip_det_polygons", "sort_boxes",
           "get_rotate_crop_image", "minarea_rect_quad", "get_minarea_rect_crop"]

LINE_TOLERANCE = 10     # px: boxes whose top-left corners differ less than this share a line


def order_points_clockwise(pts: np.ndarray) -> np.ndarray:
    """Order 4 points TL, TR, BR, BL: TL has the smallest x + y, BR the largest; of the other two,
    TR has the smaller y - x. Returns float32 (4, 2)."""
    pts = np.asarray(pts)
    s = pts.sum(axis=1)
    rect = np.zeros((4, 2), dtype=np.float32)
    rect[0], rect[2] = pts[np.argmin(s)], pts[np.argmax(s)]
    rest = np.delete(pts, (np.argmin(s), np.argmax(s)), axis=0)
    diff = np.diff(rest, axis=1)               # y - x of the two remaining corners
    rect[1], rect[3] = rest[np.argmin(diff)], rest[np.argmax(diff)]
    return rect


def filter_det_boxes(boxes, image_hw: tuple[int, int], min_side: int = 3) -> np.ndarray:
    """Order each quad's corners, clip it to the last pixel, drop quads with a side <= min_side.

    Returns float32 (K, 4, 2) with integer-valued coordinates (PaddleOCR's filter_tag_det_res).
    """
    h, w = image_hw
    kept = []
    for box in boxes:
        box = order_points_clockwise(box)
        box[:, 0] = np.clip(box[:, 0], 0, w - 1).astype(np.int32)
        box[:, 1] = np.clip(box[:, 1], 0, h - 1).astype(np.int32)
        width = int(np.linalg.norm(box[0] - box[1]))
        height = int(np.linalg.norm(box[0] - box[3]))
        if width > min_side and height > min_side:
            kept.append(box)
    return np.array(kept, dtype=np.float32).reshape(-1, 4, 2)


def clip_det_polygons(polygons, image_hw: tuple[int, int]) -> list[np.ndarray]:
    """Clip each polygon's points to the last pixel (integer-valued), keeping its point order.

    PaddleOCR's `filter_tag_det_res_only_clip` (det_box_type 'poly'): no reordering and no size
    filter, since DBPostProcess already dropped polygons whose short side is under 5 map pixels.
    The only polygons dropped here are those clipped to a line or a point (a minimum-area
    rectangle side under 1 px), which could not be cropped. Returns float32 (P, 2) arrays; unlike
    PaddleOCR the polygons are not padded to a common length.
    """
    h, w = image_hw
    kept = []
    for polygon in polygons:
        polygon = np.asarray(polygon)
        clipped = np.empty(polygon.shape, dtype=np.float32)
        clipped[:, 0] = np.clip(polygon[:, 0], 0, w - 1).astype(np.int32)
        clipped[:, 1] = np.clip(polygon[:, 1], 0, h - 1).astype(np.int32)
        if min(cv2.minAreaRect(clipped.astype(np.int32))[1]) >= 1:
            kept.append(clipped)
    return kept


def sort_boxes(boxes) -> list[np.ndarray]:
    """Reading order: sort by the top-left corner (y, then x), then, within a line (top-left y
    closer than LINE_TOLERANCE px), move boxes left of their predecessor forward.

    This is PaddleOCR's `sorted_boxes`: one insertion-sort pass, so the order is the same.
    """
    ordered = sorted(boxes, key=lambda b: (b[0][1], b[0][0]))
    for i in range(len(ordered) - 1):
        for j in range(i, -1, -1):
            same_line = abs(ordered[j + 1][0][1] - ordered[j][0][1]) < LINE_TOLERANCE
            if same_line and ordered[j + 1][0][0] < ordered[j][0][0]:
                ordered[j], ordered[j + 1] = ordered[j + 1], ordered[j]
            else:
                break
    return ordered


def get_rotate_crop_image(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Warp the quad `points` (TL, TR, BR, BL) of `image` to an upright rectangle.

    The rectangle is as wide as the longer of the top and bottom edges and as tall as the longer
    of the left and right edges (bicubic, replicated borders). A crop at least 1.5 times taller
    than wide is vertical text: it is turned 90 degrees counter-clockwise.
    """
    points = np.asarray(points, dtype=np.float32)
    width = int(max(np.linalg.norm(points[0] - points[1]), np.linalg.norm(points[2] - points[3])))
    height = int(max(np.linalg.norm(points[0] - points[3]), np.linalg.norm(points[1] - points[2])))
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(points, target)
    crop = cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE,
                               flags=cv2.INTER_CUBIC)
    if crop.shape[0] * 1.0 / crop.shape[1] >= 1.5:
        crop = np.rot90(crop)
    return crop


def minarea_rect_quad(points) -> np.ndarray:
    """The minimum-area rectangle of `points` as a quad TL, TR, BR, BL (float32 (4, 2)).

    Of the rectangle's corners sorted by x, the two leftmost give TL (the upper one) and BL,
    the two rightmost TR (the upper one) and BR, as PaddleOCR orders them.
    """
    rect = cv2.minAreaRect(np.asarray(points).astype(np.int32))
    corners = sorted(cv2.boxPoints(rect), key=lambda p: p[0])
    left, right = corners[:2], corners[2:]
    top_left, bottom_left = (left[1], left[0]) if left[0][1] >= left[1][1] else (left[0], left[1])
    top_right, bottom_right = (right[1], right[0]) if right[0][1] >= right[1][1] else (right[0], right[1])
    return np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)


def get_minarea_rect_crop(image: np.ndarray, points) -> np.ndarray:
    """Crop a polygon (e.g. a curved text line) through its minimum-area rectangle.

    PP-OCR's crop for det_box_type 'poly' (PaddleOCR's `get_minarea_rect_crop`): the polygon's
    points are rounded to integers, their minimum-area rectangle becomes a quad
    (`minarea_rect_quad`), and `get_rotate_crop_image` warps it upright. The text is not
    unbent: a gently curved line fits its rectangle, a strongly bent one keeps its bend.
    """
    return get_rotate_crop_image(image, minarea_rect_quad(points))
