"""Random crops for detection: EastRandomCropData (text-aware) and RandomCropImgMask."""
from __future__ import annotations

import random

import cv2
import numpy as np

from .iaa_augment import warp_image

__all__ = ["polys_outside_rect", "free_runs", "crop_area", "EastRandomCropData", "RandomCropImgMask"]


def polys_outside_rect(polys: np.ndarray, x: float, y: float, w: float, h: float) -> np.ndarray:
    """(N,) bool: polygon i lies entirely outside the rectangle [x, x + w] x [y, y + h]."""
    if len(polys) == 0:
        return np.zeros(0, dtype=bool)
    lo, hi = polys.min(axis=1), polys.max(axis=1)             # (N, 2) bbox corners
    return (hi[:, 0] < x) | (lo[:, 0] > x + w) | (hi[:, 1] < y) | (lo[:, 1] > y + h)


def free_runs(free: np.ndarray) -> list:
    """Split sorted text-free coordinates into runs of consecutive values: [(first, length), ...].

    PaddleOCR quirk kept: the last run is not returned (its `split_regions` appends a run only when
    the next one starts), so with two runs the crop samples both edges from the first one.
    """
    starts = np.concatenate([[0], np.nonzero(np.diff(free) != 1)[0] + 1])
    lengths = np.diff(np.concatenate([starts, [len(free)]]))
    return [(int(free[s]), int(n)) for s, n in zip(starts[:-1], lengths[:-1])]


def _pick_two(axis: np.ndarray, runs: list, size: int) -> tuple:
    """Two crop edges: from two random runs if there are several, else from the free axis."""
    if len(runs) > 1:
        # np.random.choice(run_values, 1) draws the same index as np.random.choice(run_length, 1)
        values = [runs[i][0] + int(np.random.choice(runs[i][1], size=1)[0])
                  for i in np.random.choice(len(runs), 2)]
        return min(values), max(values)
    xx = np.random.choice(axis, size=2)
    return np.clip(xx.min(), 0, size - 1), np.clip(xx.max(), 0, size - 1)


def crop_area(img_hw: tuple, polys: np.ndarray, min_crop_side_ratio: float, max_tries: int) -> tuple:
    """Choose a crop (x, y, w, h) whose edges cut no text and that touches at least one polygon.

    Columns and rows covered by a polygon's rounded bbox are "text"; both edges of the crop are
    drawn among the free ones. After `max_tries` failures, the whole image. Same draws from
    `np.random` as PaddleOCR 2.10, so a seeded run gives the same crop.
    """
    h, w = img_hw
    cols, rows = np.zeros(w, dtype=np.int32), np.zeros(h, dtype=np.int32)
    for points in polys:
        points = np.round(points, decimals=0).astype(np.int32)
        # plain slices, as PaddleOCR: a negative start wraps around (a quirk we keep)
        cols[points[:, 0].min():points[:, 0].max()] = 1
        rows[points[:, 1].min():points[:, 1].max()] = 1
    free_y, free_x = np.where(rows == 0)[0], np.where(cols == 0)[0]
    if len(free_y) == 0 or len(free_x) == 0:
        return 0, 0, w, h
    runs_y, runs_x = free_runs(free_y), free_runs(free_x)
    polys = np.asarray(polys, dtype=np.float64).reshape(len(polys), -1, 2)
    for _ in range(max_tries):
        xmin, xmax = _pick_two(free_x, runs_x, w)
        ymin, ymax = _pick_two(free_y, runs_y, h)
        if xmax - xmin < min_crop_side_ratio * w or ymax - ymin < min_crop_side_ratio * h:
            continue                                            # too small
        if not polys_outside_rect(polys, xmin, ymin, xmax - xmin, ymax - ymin).all():
            return xmin, ymin, xmax - xmin, ymax - ymin
    return 0, 0, w, h


class EastRandomCropData:
    """Crop a random region that cuts no text line, and scale it into a fixed-size canvas.

    PP-OCR strategy: text-aware random crop (随机裁剪) of the det training pipeline (EAST/DB
    style), 960 x 960 in PP-OCRv2/v3. Only cared-for polygons decide where edges may go.

    Args:
        size: output (width, height), e.g. [960, 960].
        max_tries: crops tried before falling back to the whole image.
        min_crop_side_ratio: a crop side must be at least this fraction of the image side.
        keep_ratio: scale by min(size_w / crop_w, size_h / crop_h) and paste at the top-left of a
            zero canvas; otherwise stretch to `size`.

    Polygons are shifted and scaled with the crop; those entirely outside it are dropped (their
    `texts`, `ignore_tags` and `pasted` flags with them). `polys` becomes float64, as in 2.10.
    If IaaAugment left a `pending_warp`, the crop is cut from the warped image without building it:
    one cv2.warpAffine from the original pixels straight to the output.
    """

    def __init__(self, size=(640, 640), max_tries: int = 10, min_crop_side_ratio: float = 0.1,
                 keep_ratio: bool = True):
        self.size = tuple(size)
        self.max_tries = max_tries
        self.min_crop_side_ratio = min_crop_side_ratio
        self.keep_ratio = keep_ratio

    def __call__(self, data: dict) -> dict:
        img, polys = data["image"], np.asarray(data["polys"])
        pending = data.pop("pending_warp", None)      # IaaAugment's warp, not yet applied (see there)
        img_hw = (pending[1][1], pending[1][0]) if pending is not None else img.shape[:2]
        ignore = np.asarray(data["ignore_tags"], dtype=bool)
        care = [polys[i] for i in range(len(polys)) if not ignore[i]]
        x, y, cw, ch = crop_area(img_hw, care, self.min_crop_side_ratio, self.max_tries)
        scale = min(self.size[0] / cw, self.size[1] / ch)
        h, w = int(ch * scale), int(cw * scale)
        if pending is not None:       # one warp: IaaAugment's matrix, then shift by the crop, then scale
            stretch = (scale, scale) if self.keep_ratio else (self.size[0] / cw, self.size[1] / ch)
            matrix = np.diag([*stretch, 1.0]) @ np.array([[1.0, 0, -x], [0, 1, -y], [0, 0, 1]]) @ pending[0]
            resized = warp_image(img, matrix, (w, h) if self.keep_ratio else self.size)
        else:
            resized = cv2.resize(img[y:y + ch, x:x + cw], (w, h) if self.keep_ratio else self.size)
        if self.keep_ratio:
            canvas = np.zeros((self.size[1], self.size[0]) + img.shape[2:], img.dtype)
            canvas[:h, :w] = resized
            data["image"] = canvas
        else:
            data["image"] = resized
        moved = (polys.astype(np.float64) - (x, y)) * scale if len(polys) else np.zeros((0, 4, 2))
        keep = ~polys_outside_rect(moved, 0, 0, w, h)
        data["polys"] = moved[keep]
        data["ignore_tags"] = ignore[keep]
        data["texts"] = [t for t, k in zip(data["texts"], keep) if k]
        if "pasted" in data:
            data["pasted"] = np.asarray(data["pasted"], dtype=bool)[keep]
        return data


class RandomCropImgMask:
    """Crop `size` (h, w) from the image and the maps in `crop_keys`, usually around the text.

    PP-OCR strategy: random crop of image and label maps together (图像与标签同步裁剪), used by
    det configs that build their label maps before cropping.

    Args:
        size: crop (height, width).
        main_key: the map whose positive pixels the crop should contain (e.g. "shrink_map").
        crop_keys: keys cropped together (e.g. [image, threshold_map, shrink_map, ...]).
        p: probability of a plain uniform crop even when there is text (3/8).

    Arrays with 3 dims are cropped as (C, H, W) if their smallest dim is first, as (H, W, C) if
    it is last (PaddleOCR's rule). Uses Python's `random`, as PaddleOCR does.
    """

    def __init__(self, size, main_key: str, crop_keys: list, p: float = 3 / 8):
        self.size = tuple(size)
        self.main_key = main_key
        self.crop_keys = list(crop_keys)
        self.p = p

    def __call__(self, data: dict) -> dict:
        h, w = data["image"].shape[0:2]
        th, tw = self.size
        if w == tw and h == th:
            return data
        mask = data[self.main_key]
        if np.max(mask) > 0 and random.random() > self.p:
            ys, xs = np.where(mask > 0)
            tl = np.maximum(np.array([ys.min(), xs.min()]) - (th, tw), 0)
            br = np.maximum(np.array([ys.max(), xs.max()]) - (th, tw), 0)
            br = np.minimum(br, (h - th, w - tw))
            i = random.randint(tl[0], br[0]) if tl[0] < br[0] else 0
            j = random.randint(tl[1], br[1]) if tl[1] < br[1] else 0
        else:
            i = random.randint(0, h - th) if h - th > 0 else 0
            j = random.randint(0, w - tw) if w - tw > 0 else 0
        for key in self.crop_keys:
            if key in data:
                data[key] = self._crop(data[key], i, j, th, tw)
        return data

    @staticmethod
    def _crop(arr: np.ndarray, i: int, j: int, th: int, tw: int) -> np.ndarray:
        if arr.ndim == 3:
            smallest = int(np.argmin(arr.shape))
            if smallest == 0:
                return arr[:, i:i + th, j:j + tw]
            if smallest == 2:
                return arr[i:i + th, j:j + tw, :]
            return arr
        return arr[i:i + th, j:j + tw]
