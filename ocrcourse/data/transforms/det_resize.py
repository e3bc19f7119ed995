"""Resize an image for the detector at test time: sides become multiples of 32."""
from __future__ import annotations

import math

import cv2
import numpy as np

from ...errors import ConfigError

__all__ = ["DetResizeForTest"]

LIMIT_TYPES = ("max", "min", "resize_long")


def _pad_to_32(image: np.ndarray) -> np.ndarray:
    """Zero-pad a tiny image (h + w < 64) at the bottom/right to at least 32 x 32."""
    h, w, c = image.shape
    padded = np.zeros((max(32, h), max(32, w), c), np.uint8)
    padded[:h, :w, :] = image
    return padded


class DetResizeForTest:
    """Resize so that both sides are multiples of 32 (the detector downsamples by 32).

    PP-OCR strategy: test-time resize of the DB detector (检测预处理, limit_side_len).
    Paper: PP-OCR, arXiv:2009.09941. Lesson: lessons/01_ppocr_system.ipynb.

    Args (as PaddleOCR, the first one given decides the mode):
        image_shape: [H, W] fixed output size; with keep_ratio, W = ceil(w * H / h / 32) * 32.
        keep_ratio: only with image_shape.
        limit_side_len: with limit_type 'max' scale the long side down to it (never up);
            'min' scale the short side up to it (never down); 'resize_long' scale the long side
            to it. Then round each side to a multiple of 32 (at least 32).
        limit_type: 'max', 'min' or 'resize_long'.
        resize_long: scale the long side to this, then round each side *up* to a multiple of 128.
        With no argument: limit_side_len 736, limit_type 'min' (PaddleOCR's training-time Eval).

    Sets `data["image"]` (h', w', 3) and `data["shape"]` = float64 [src_h, src_w, ratio_h, ratio_w]
    with ratio = new / old side, which `DBPostProcess` uses to map boxes back.

    Kept PaddleOCR quirk: an image with h + w < 64 is zero-padded to at least 32 x 32 first; src_h,
    src_w are still the unpadded size while the ratios are relative to the padded one.
    """

    def __init__(self, limit_side_len: int | None = None, limit_type: str = "min",
                 image_shape: list[int] | None = None, keep_ratio: bool = False,
                 resize_long: int | None = None):
        if limit_type not in LIMIT_TYPES:
            raise ConfigError(f"DetResizeForTest: limit_type must be one of {LIMIT_TYPES}, got {limit_type!r}")
        self.image_shape = image_shape
        self.keep_ratio = keep_ratio
        self.limit_side_len = limit_side_len
        self.limit_type = limit_type
        self.resize_long = resize_long
        if image_shape is None and limit_side_len is None and resize_long is None:
            self.limit_side_len, self.limit_type = 736, "min"

    def _limit_side(self, image: np.ndarray) -> tuple[int, int]:
        """Target (h, w) for the limit_side_len modes."""
        h, w = image.shape[:2]
        side = self.limit_side_len
        if self.limit_type == "max":
            ratio = float(side) / max(h, w) if max(h, w) > side else 1.0
        elif self.limit_type == "min":
            ratio = float(side) / min(h, w) if min(h, w) < side else 1.0
        else:  # resize_long
            ratio = float(side) / max(h, w)
        resize_h, resize_w = int(h * ratio), int(w * ratio)
        return max(int(round(resize_h / 32) * 32), 32), max(int(round(resize_w / 32) * 32), 32)

    def _target_size(self, image: np.ndarray) -> tuple[int, int]:
        h, w = image.shape[:2]
        if self.image_shape is not None:
            resize_h, resize_w = self.image_shape
            if self.keep_ratio:
                resize_w = math.ceil(w * resize_h / h / 32) * 32
            return int(resize_h), int(resize_w)
        if self.limit_side_len is not None:
            return self._limit_side(image)
        ratio = float(self.resize_long) / max(h, w)
        resize_h, resize_w = int(h * ratio), int(w * ratio)
        return (resize_h + 127) // 128 * 128, (resize_w + 127) // 128 * 128

    def __call__(self, data: dict) -> dict:
        image = data["image"]
        src_h, src_w = image.shape[:2]
        if src_h + src_w < 64:
            image = _pad_to_32(image)
        h, w = image.shape[:2]
        resize_h, resize_w = self._target_size(image)
        data["image"] = cv2.resize(image, (resize_w, resize_h))
        data["shape"] = np.array([src_h, src_w, resize_h / float(h), resize_w / float(w)])
        return data
