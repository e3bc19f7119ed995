"""CopyPaste: paste text instances cut from another training image into this one.

Implemented with OpenCV (PaddleOCR 2.10 goes through PIL in RGBA); the geometry follows
PaddleOCR: the crop is rectified, rotated by a random integer angle on an expanded canvas, and
pasted with its alpha mask at a random position that overlaps no existing text box. The pasted
box's corners are computed with the very matrix that rotates the pixels, so the label sits
exactly on the pasted text.
"""
from __future__ import annotations

import random

import cv2
import numpy as np

from ...errors import DataError


__all__ = ["rectify_quad", "rotate_expand", "CopyPaste"]


def rectify_quad(img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Perspective-crop a 4-point text box to an upright rectangle (turned 90 deg if h / w >= 1.5).

    The same crop PP-OCR uses between detection and recognition: width = the longer of the
    top/bottom edges, height = the longer of the left/right edges, cubic interpolation.
    """
    quad = np.asarray(quad, dtype=np.float32)
    w = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))))
    h = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    crop = cv2.warpPerspective(img, cv2.getPerspectiveTransform(quad, target), (w, h),
                               borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    return np.ascontiguousarray(np.rot90(crop)) if h / w >= 1.5 else crop


def rotate_expand(img: np.ndarray, angle: float) -> tuple:
    """Rotate an image by `angle` degrees (counter-clockwise) on a canvas grown to hold it all.

    Returns (rotated (H', W', C), alpha (H', W') float32 in [0, 1], box (4, 2) float64): box is
    where the image's corners (0,0), (w,0), (w,h), (0,h) landed, in the new canvas.
    """
    h, w = img.shape[:2]
    rad = np.deg2rad(angle)
    nw = int(np.ceil(abs(np.sin(rad)) * h + abs(np.cos(rad)) * w))
    nh = int(np.ceil(abs(np.cos(rad)) * h + abs(np.sin(rad)) * w))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)     # corner coordinates
    m[:, 2] += (nw / 2 - w / 2, nh / 2 - h / 2)                  # re-centre on the grown canvas
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    box = corners @ m[:, :2].T + m[:, 2]
    center = m.copy()
    center[:, 2] += m[:, :2] @ [0.5, 0.5] - 0.5                   # pixel-centre form for warpAffine
    rotated = cv2.warpAffine(img, center, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0)
    alpha = cv2.warpAffine(np.ones((h, w), np.float32), center, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0)
    if rotated.ndim == 3 and rotated.shape[2] == 1:
        rotated = rotated[:, :, 0]
    return rotated, alpha, box


class CopyPaste:
    """Paste text instances cut from a second sample at free places of this one.

    PP-OCR strategy: CopyPaste data augmentation (文本实例粘贴), part of the PP-OCRv2/v3 det
    CML training configs. Paper: PP-OCRv2, arXiv:2109.03144 ("Copy-Paste"), after Ghiasi et al.,
    "Simple Copy-Paste is a Strong Data Augmentation Method for Instance Segmentation", CVPR 2021.

    Args:
        objects_paste_ratio: fraction of the other sample's polygons to paste,
            select_num = max(1, min(int(ratio * N_ext), 30)) (0.2).
        limit_paste: try up to 50 positions and accept only one whose box bbox overlaps no
            existing polygon (earlier pastes included); without it, any position.

    Needs `data["ext_data"]`: a list with one other sample (decoded + label-encoded, 4-point
    polygons); the dataset provides it because `ext_data_num = 1`. Adds the pasted boxes to
    `polys` / `texts` / `ignore_tags`, and `pasted` (N,) bool marks them (for `viz.show_op`).
    As in PaddleOCR 2.10 no scale jitter is applied to the pasted crops.
    """

    ext_data_num = 1          # the dataset reads this to know how many extra samples to load

    def __init__(self, objects_paste_ratio: float = 0.2, limit_paste: bool = True):
        self.objects_paste_ratio = objects_paste_ratio
        self.limit_paste = limit_paste

    def __call__(self, data: dict) -> dict:
        ext = data["ext_data"][0]
        ext_shape = np.shape(ext["polys"])
        if len(ext_shape) != 3 or (ext_shape[0] and ext_shape[1:] != (4, 2)):
            raise DataError(f"CopyPaste: the extra sample needs 4-point polygons, got polys of shape {ext_shape}"
                            f" ({ext.get('img_path', 'unknown image')}); SimpleDataSet picks such a sample "
                            "itself — when calling CopyPaste by hand, pass one")
        img, polys = data["image"].copy(), np.asarray(data["polys"])
        point_num = polys.shape[1]
        boxes = [p for p in polys.astype(np.float64)]
        texts, ignores = list(data["texts"]), list(np.asarray(data["ignore_tags"], dtype=bool))
        pasted = list(np.asarray(data.get("pasted", np.zeros(len(polys), bool)), dtype=bool))

        candidates = [i for i, ig in enumerate(ext["ignore_tags"]) if not ig]
        select_num = max(1, min(int(self.objects_paste_ratio * len(ext["polys"])), 30))
        random.shuffle(candidates)
        for i in candidates[:select_num]:
            box = self._paste(img, rectify_quad(ext["image"], ext["polys"][i]), boxes)
            if box is None or point_num < 4:
                continue
            boxes.append(np.concatenate([box, np.repeat(box[-1:], point_num - 4, axis=0)]))
            texts.append(ext["texts"][i])
            ignores.append(bool(ext["ignore_tags"][i]))
            pasted.append(True)
        h, w = img.shape[:2]
        out = np.array(boxes)
        out[:, :, 0] = np.clip(out[:, :, 0], 0, w)
        out[:, :, 1] = np.clip(out[:, :, 1], 0, h)
        data.update(image=img, polys=out, texts=texts, ignore_tags=np.array(ignores, dtype=bool),
                    pasted=np.array(pasted, dtype=bool))
        return data

    def _paste(self, img: np.ndarray, crop: np.ndarray, boxes: list) -> np.ndarray | None:
        """Rotate `crop` randomly and blend it into `img` in place; returns its box or None."""
        rotated, alpha, box = rotate_expand(crop, int(np.random.randint(0, 360)))
        bh, bw = rotated.shape[:2]
        h, w = img.shape[:2]
        if w - bw < 0 or h - bh < 0:
            return None                                        # does not fit
        xy = self._select_coord(np.array(boxes), box, w - bw, h - bh)
        if xy is None:
            return None
        x, y = xy
        region = img[y:y + bh, x:x + bw]
        # alpha blend: rotated * a + region * (1 - a), in one OpenCV pass
        region[...] = cv2.blendLinear(rotated, region, alpha, 1.0 - alpha)
        return box + (x, y)

    def _select_coord(self, boxes: np.ndarray, box: np.ndarray, end_x: int, end_y: int):
        if not self.limit_paste:
            return random.randint(0, end_x), random.randint(0, end_y)
        # 50 candidate positions at once; the first whose box bbox overlaps no polygon wins
        xs = np.array([random.randint(0, end_x) for _ in range(50)])[:, None]
        ys = np.array([random.randint(0, end_y) for _ in range(50)])[:, None]
        (xmin, ymin), (xmax, ymax) = box.min(axis=0), box.max(axis=0)
        if len(boxes) == 0:
            return int(xs[0, 0]), int(ys[0, 0])
        lo, hi = boxes.min(axis=1), boxes.max(axis=1)          # bbox of every existing polygon
        outside = ((hi[None, :, 0] < xmin + xs) | (lo[None, :, 0] > xmax + xs)
                   | (hi[None, :, 1] < ymin + ys) | (lo[None, :, 1] > ymax + ys))   # (50, N)
        free = np.nonzero(outside.all(axis=1))[0]
        return (int(xs[free[0], 0]), int(ys[free[0], 0])) if len(free) else None
